"""Contact pages: the clinic's own form (Wagtail's form builder), its content-free staff notification, and the
rule that only the clinic's moderators read submissions."""
