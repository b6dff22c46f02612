"""Medical review: which clinical pages are due (queries.py), the report, and the dashboard panels."""
