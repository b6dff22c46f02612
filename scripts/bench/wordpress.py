"""Benchmark of the WordPress import: 10,000 posts with 50,000 comments, imported, then imported again.

    .venv/bin/python scripts/bench/wordpress.py [--posts 10000] [--comments-per-post 5] [--keep]

Builds a throw-away database (a new SQLite file unless DATABASE_URL names one; it must be a database of its own),
creates one clinic, writes the export, imports it and prints the time and the process's peak memory; then runs
the import again and checks that the second run changed nothing. Goal: under 5 minutes and under 500 MB.
"""

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORDS = [
    "back", "neck", "pain", "injection", "facet", "joint", "nerve", "spine", "clinic", "doctor", "appointment",
    "recovery", "rest", "walk", "ice", "heat", "exercise", "posture", "relief", "steroid", "medicine", "scan",
]  # fmt: skip
ITEM = """	<item>
		<title><![CDATA[{title}]]></title>
		<link>https://old-clinic.example/{year}/{month:02d}/{slug}/</link>
		<dc:creator><![CDATA[drlopez]]></dc:creator>
		<guid isPermaLink="false">https://old-clinic.example/?p={id}</guid>
		<content:encoded><![CDATA[{content}]]></content:encoded>
		<excerpt:encoded><![CDATA[]]></excerpt:encoded>
		<wp:post_id>{id}</wp:post_id>
		<wp:post_date_gmt><![CDATA[{year}-{month:02d}-{day:02d} 10:00:00]]></wp:post_date_gmt>
		<wp:comment_status><![CDATA[open]]></wp:comment_status>
		<wp:post_name><![CDATA[{slug}]]></wp:post_name>
		<wp:status><![CDATA[publish]]></wp:status>
		<wp:post_parent>0</wp:post_parent>
		<wp:post_type><![CDATA[post]]></wp:post_type>
{comments}	</item>
"""
COMMENT = """		<wp:comment>
			<wp:comment_id>{id}</wp:comment_id>
			<wp:comment_author><![CDATA[Patient {id}]]></wp:comment_author>
			<wp:comment_author_email><![CDATA[patient{id}@patients.example]]></wp:comment_author_email>
			<wp:comment_author_IP><![CDATA[198.51.100.{ip}]]></wp:comment_author_IP>
			<wp:comment_date_gmt><![CDATA[{year}-{month:02d}-{day:02d} 12:00:00]]></wp:comment_date_gmt>
			<wp:comment_content><![CDATA[{text}]]></wp:comment_content>
			<wp:comment_approved><![CDATA[{approved}]]></wp:comment_approved>
			<wp:comment_type><![CDATA[comment]]></wp:comment_type>
			<wp:comment_parent>{parent}</wp:comment_parent>
			<wp:comment_user_id>{user}</wp:comment_user_id>
		</wp:comment>
"""
HEADER = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
	<title>Benchmark clinic</title>
	<link>https://old-clinic.example</link>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_site_url>https://old-clinic.example</wp:base_site_url>
	<wp:author><wp:author_id>1</wp:author_id><wp:author_login>drlopez</wp:author_login>
		<wp:author_display_name>Dr Maria Lopez</wp:author_display_name></wp:author>
"""


def sentence(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def write_export(path, posts, comments_per_post, seed=16):
    """A WXR 1.2 file of `posts` posts (block-editor and classic content), each with its comments."""
    rng = random.Random(seed)  # noqa: S311 - repeatable test text, nothing secret
    comment_id = 100_000
    with open(path, "w", encoding="utf-8") as out:
        out.write(HEADER)
        for n in range(1, posts + 1):
            year, month, day = 2012 + n % 12, 1 + n % 12, 1 + n % 28
            if n % 2:
                content = (
                    f"<!-- wp:paragraph --><p>{sentence(rng, 30)} <strong>{sentence(rng, 4)}</strong></p>"
                    f"<!-- /wp:paragraph --><!-- wp:heading --><h2>{sentence(rng, 4)}</h2><!-- /wp:heading -->"
                    f"<!-- wp:list --><ul><li>{sentence(rng, 5)}</li><li>{sentence(rng, 5)}</li></ul><!-- /wp:list -->"
                )
            else:
                content = (
                    f"{sentence(rng, 40)}\n\n{sentence(rng, 25)}\n\n<h3>{sentence(rng, 3)}</h3>\n{sentence(rng, 20)}"
                )
            comments = []
            first = comment_id + 1
            for k in range(comments_per_post):
                comment_id += 1
                staff = k == comments_per_post - 1 and n % 3 == 0
                comments.append(
                    COMMENT.format(
                        id=comment_id,
                        ip=comment_id % 250,
                        year=year,
                        month=month,
                        day=day,
                        text=sentence(rng, 15),
                        approved=("1", "1", "1", "0", "spam")[k % 5],
                        parent=first if staff else 0,
                        user=1 if staff else 0,
                    )  # fmt: skip
                )
            out.write(
                ITEM.format(
                    title=sentence(rng, 5)[:-1],
                    slug=f"post-{n}",
                    id=n,
                    year=year,
                    month=month,
                    day=day,
                    content=content,
                    comments="".join(comments),
                )  # fmt: skip
            )
        out.write("</channel>\n</rss>\n")


def cpu_seconds():
    """This process's CPU time (user + system): what the run costs whatever else the machine is doing."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--comments-per-post", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="Keep the temporary folder (database, export, report).")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="wordpress-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic_site.settings.dev")
    os.environ["MEDIA_ROOT"] = str(work / "media")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from pages.clinics.onboarding import create_or_update_clinic

    call_command("migrate", verbosity=0)
    create_or_update_clinic("Benchmark clinic", "bench.example", phone="(217) 555-0100")
    export = work / "export.xml"
    started = time.perf_counter()
    write_export(export, args.posts, args.comments_per_post)
    print(f"Export: {args.posts} posts, {args.posts * args.comments_per_post} comments, "
          f"{export.stat().st_size / 1e6:.1f} MB, written in {time.perf_counter() - started:.1f} s")  # fmt: skip
    print(f"Peak memory before importing: {peak_mb():.0f} MB")
    for run in ("First run", "Second run"):
        started, cpu = time.perf_counter(), cpu_seconds()
        call_command("import_wordpress", str(export), "--clinic", "bench.example", "--report", str(work / "report.txt"))
        print(
            f"{run}: {time.perf_counter() - started:.1f} s ({cpu_seconds() - cpu:.1f} s of CPU in this process), "
            f"peak memory {peak_mb():.0f} MB"
        )
    second = (work / "report.txt").read_text()
    changed = " created" in second.split("Notes")[0] or " updated" in second.split("Notes")[0]
    print("Second run changed nothing." if not changed else "SECOND RUN CHANGED SOMETHING:\n" + second)
    if args.keep:
        print(f"Kept {work}")
    else:
        import shutil

        shutil.rmtree(work, ignore_errors=True)
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
