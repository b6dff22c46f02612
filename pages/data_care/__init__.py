"""Data care: retention of rejected and spam messages, and patients' requests to export or erase their data."""
