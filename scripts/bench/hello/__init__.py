"""A Django hello-world: the framework's ceiling on this machine, served by the same gunicorn settings as the rest.

One view that returns a short text, Django's security and common middleware, no database. The bench divides the
project's figures by its figure ("% of hello-world").
"""
