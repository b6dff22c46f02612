"""Exit 0 when the PostgreSQL and Redis named on the command line answer, 1 (saying which did not) otherwise.

Used by `make test` to decide whether to run the suite a second time against the real services.
"""

import sys

import dj_database_url
import psycopg
import redis


def postgres_problem(url):
    config = dj_database_url.parse(url)
    try:
        # The maintenance database: the test database itself is created by the test run.
        psycopg.connect(
            host=config["HOST"] or None,
            port=config["PORT"] or None,
            user=config["USER"] or None,
            password=config["PASSWORD"] or None,
            dbname="postgres",
            connect_timeout=3,
        ).close()
    except psycopg.Error as exc:
        return f"PostgreSQL at {config['HOST']}:{config['PORT']}: {exc}".strip()
    return None


def redis_problem(url):
    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        return f"Redis at {url}: {exc}"
    return None


def main(argv):
    if len(argv) != 3:
        print("usage: python -m tests.services_available DATABASE_URL REDIS_URL", file=sys.stderr)
        return 2
    problems = [p for p in (postgres_problem(argv[1]), redis_problem(argv[2])) if p]
    for problem in problems:
        print(f"unreachable: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
