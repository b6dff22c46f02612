"""The benchmark of issue 14 (`make bench`): the project's public pages and moderators' admin measured side by side
with a Django hello-world and a reference Wagtail site, in one run, as ratios. See README, "Performance".

Modules: `__main__` (the run), `project` (databases, seeding, environments), `servers` (gunicorn, commands),
`wrk` (load and its report), `probe` (in-process query counts and admin timings), `big_db` (the large database),
`report` (goals and tables); `hello/` and `reference/` are the two comparison sites.
"""
