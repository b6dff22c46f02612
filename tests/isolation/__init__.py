"""The clinic isolation matrix's machinery (used by tests/test_isolation_matrix.py), one module per part:

- `world`: two clinics built by the real onboarding code, each with one object of every kind. Every string of
  clinic B carries the marker "Zebra-B" (titles, names, hostname, usernames, tags, labels), so a response that shows
  anything of clinic B's contains it;
- `patterns` and `cases`: every admin URL pattern Django's resolver knows, its parameters filled with clinic B's
  objects by parameter name and URL namespace (or the model its view names). A pattern whose parameters cannot be
  filled is reported, never skipped, so a new admin view is checked the day it is added;
- `payloads`: the POST body sent to each URL, which would change clinic B's object if the view let it;
- `responses` and `checks`: no marker in any response (HTML, JSON, CSV, XLSX cells, headers, flash messages), URLs
  naming a clinic-B object refused, and (`rows`) clinic B's rows unchanged and nothing created from them after every
  request;
- `crawl`: the admin links a user is shown, breadth-first from the dashboard;
- `differential`: listings, reports and exports rendered with and without clinic B's content must read the same
  (what leaks without a name: counts, ids, rows).
"""
