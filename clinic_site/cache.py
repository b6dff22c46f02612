"""Django's Redis cache, for which Redis being away is a cache miss instead of an error.

Stopped, restarted, frozen or unreachable, Redis must not take the site down with it: every page reads the cache
(Wagtail's site-root paths) and every form writes it (flood limits, form locks). So while Redis does not answer:

- reads miss (`get` returns the default) and the page is built from the database;
- writes are dropped; `add` answers True, as if the key were free: the flood limit and the form's short lock
  **fail open**. A patient's message is stored rather than refused, and duplicates are still impossible: only the
  database's unique form token says "already sent" (pages/patient_messages/submission.py);
- after one failure the cache is not asked again for DOWN_SECONDS in this process, so a frozen Redis (which
  accepts connections and never answers) costs one socket timeout per process every few seconds, not one per call.

Only the error's class is logged, never a key or a value. /healthz/ still reports the cache as "error" (its probe
reads back what it wrote), so monitoring sees the outage.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

REDIS_AWAY = (RedisConnectionError, RedisTimeoutError, OSError)


class ReusedRedisClient(RedisCacheClient):
    """Django's Redis client, keeping one redis-py client per connection pool instead of building one per call.

    Building a redis-py client (its table of about 200 response callbacks) costs more CPU than the call itself,
    and a submitted form makes several calls. A client is only a pool and those callbacks: safe to share between
    threads, and after a fork its pool opens new connections (redis-py checks the process id).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class TolerantRedisCache(RedisCache):
    # Seconds the cache is skipped after Redis failed to answer (OPTIONS may not carry it: they go to redis-py).
    DOWN_SECONDS = 5.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedRedisClient
        self._down_until = 0.0

    def _call(self, name, fallback, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return fallback
        try:
            return getattr(super(), name)(*args, **kwargs)
        except REDIS_AWAY as error:
            self._down_until = time.monotonic() + self.DOWN_SECONDS
            logger.warning("The cache (Redis) does not answer (%s): serving without it.", type(error).__name__)
            return fallback

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # Fail open: the key is taken to be free (see the module's docstring).
        return self._call("add", True, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", [], data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version)

    def incr(self, key, delta=1, version=None):
        # As a missing key does (take_rate_limit_slot then adds it, which fails open).
        result = self._call("incr", None, key, delta, version)
        if result is None:
            raise ValueError("Key not found (the cache does not answer).")
        return result

    def clear(self):
        return self._call("clear", None)
