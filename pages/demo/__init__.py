"""Demo clinics, accounts, pages and messages for local development (`seed_demo`); never imported in production
code paths."""
