"""The reliability suite (`make test-reliability`): real processes (gunicorn, nginx) under faults, on loopback only.

Not part of the default test run (pyproject's norecursedirs): it starts servers and takes tens of seconds.
"""
