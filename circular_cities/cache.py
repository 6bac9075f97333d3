"""The Redis cache is django-redis, failing soft: while Redis is down every read is a miss and every write is
forgotten (``OPTIONS["IGNORE_EXCEPTIONS"]``, settings.py), and ``add`` succeeds as on an empty cache.

The cache holds nothing that must survive (login rate-limit counters, sessions written through to the
database, rendered PDFs keyed by a digest of their content), so an outage of Redis should not turn pages into
errors. The one operation whose ignored failure django-redis answers wrongly for us is ``add``: it returns None,
and allauth's rate limits take a lock with ``add`` and, finding it taken for a second, refuse the login (429).
Here ``add`` answers True, as on an empty cache, so logins go on; the price is that login rate limits are not
enforced while Redis is unreachable. Each ignored failure is logged as one warning line
(``circular_cities.log.CacheUnavailable``).
"""

import logging

from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted

logger = logging.getLogger("django_redis")  # the logger django-redis reports ignored failures to (settings.py)


class FailSoftRedisCache(RedisCache):
    def add(self, *args, **kwargs):
        try:
            return self.client.add(*args, **kwargs)
        except ConnectionInterrupted as exc:
            cause = exc.__cause__ or exc
            logger.warning("Cache unavailable (%s: %s); add goes on without it.", type(cause).__name__, cause)
            return True  # as on an empty cache (allauth's lock is then taken)
