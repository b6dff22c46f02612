"""Trigram indexes for the moderators' search of patient messages (PostgreSQL only).

The listing searches name and message with `icontains`, which PostgreSQL runs as UPPER(column) LIKE UPPER('%word%'):
no b-tree helps, so a rare word read every message of the clinic. GIN indexes of pg_trgm over the same UPPER()
expressions let it find them from the index. The pg_trgm extension ships with PostgreSQL; creating it needs a role
allowed to CREATE EXTENSION (the database owner on PostgreSQL 13+, as pg_trgm is a trusted extension). On other
databases this migration does nothing: their search stays a scan, fine at their scale.

`fastupdate = off`: a moderation action updates the row, so its index entries are rewritten. With GIN's pending list
an approval of 1,000 messages took 0.06 s most of the time and 12 s when the list overflowed and was merged in the
middle of it (measured at a million messages); written straight into the index it takes 0.3-0.45 s, every time.
"""

from django.db import migrations

INDEXES = {
    "message_name_trgm": "author_name",
    "message_body_trgm": "body",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "pages_patientmessage" USING gin (UPPER("{column}") gin_trgm_ops) WITH (fastupdate = off)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("pages", "0015_procedure_library")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
