"""The rate limit shared by every replica: one sliding window per client address, kept in Redis.

With GUIDE_REDIS_URL set, each question costs one round trip: a Lua script (atomic in Redis, so two
replicas counting the same client at once cannot both take the last slot) drops the client's hits older
than the window, refuses when `limit` remain, else records this one. The hits are a sorted set per
client, scored by Redis's own clock (`TIME`), so replicas whose clocks disagree still count one window;
the set expires a window after the client's last hit, so idle clients cost nothing. The answer and the
429 + Retry-After are the same as the in-process `RateLimiter`'s (webapp/security.py).

When Redis cannot be reached (or answers slower than REDIS_TIMEOUT_S) the request is not refused for
it: by default the replica falls back to its own in-process count (fail open: N replicas then allow up
to N times the limit) and logs once that Redis is down and once that it is back; it tries Redis again
after RETRY_REDIS_S, not on every request. With `fail_closed` (GUIDE_RATE_LIMIT_FAIL_CLOSED=1) it
answers 503 `rate_limit_unavailable` instead. Left out on purpose: Redis Cluster and Sentinel
discovery (one Redis URL; a managed Redis gives failover behind one address).
"""

from __future__ import annotations

import logging
import secrets
import time
from urllib.parse import urlsplit

from .security import Limiter, LimiterUnavailable, RateLimiter

log = logging.getLogger("webapp.shared_limit")

# Redis on the same network answers in well under a millisecond; a request waits at most this long for it.
REDIS_TIMEOUT_S = 0.25
# After a failure, requests skip Redis for this long instead of each paying the timeout.
RETRY_REDIS_S = 1.0
KEY_PREFIX = "guide:rate:"

# KEYS[1]: the client's hits (sorted set, score = microseconds); ARGV: limit, window in microseconds, a
# member unique to this hit. Returns 0 when the hit is counted, else the microseconds to wait.
SLIDING_WINDOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(1, tonumber(oldest[2]) + window - now)
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000))
return 0
"""


class RedisRateLimiter(Limiter):
    def __init__(self, url: str, limit: int, window_s: float = 60.0, fail_closed: bool = False, clock=time.monotonic):
        import redis
        import redis.asyncio

        self.limit = limit
        self.window_s = window_s
        self.fail_closed = fail_closed
        parts = urlsplit(url)
        self.where = f"{parts.hostname}:{parts.port or 6379}"  # for the log: never the password
        self._redis = redis.asyncio.Redis.from_url(
            url, socket_timeout=REDIS_TIMEOUT_S, socket_connect_timeout=REDIS_TIMEOUT_S
        )
        self._script = self._redis.register_script(SLIDING_WINDOW)  # EVALSHA, EVAL once if Redis lacks it
        # The chat's callbacks count from Gradio's worker threads, outside any event loop: a blocking
        # client of its own (thread-safe, with its own connection pool) runs the same script there.
        self._redis_sync = redis.Redis.from_url(
            url, socket_timeout=REDIS_TIMEOUT_S, socket_connect_timeout=REDIS_TIMEOUT_S
        )
        self._script_sync = self._redis_sync.register_script(SLIDING_WINDOW)
        self._local = RateLimiter(limit, window_s)  # the fallback while Redis is down
        self._clock = clock
        self._down_until = 0.0
        self._down = False

    async def check(self, client: str) -> float:
        if self.limit <= 0:
            return 0.0
        if self._clock() >= self._down_until:
            try:
                wait_us = await self._script(keys=[KEY_PREFIX + client], args=self._args())
            except Exception as exc:  # noqa: BLE001 - any failure to count is Redis being unavailable
                self._went_down(exc)
            else:
                return self._counted(wait_us)
        return self._uncounted(client)

    def hit(self, client: str) -> float:
        if self.limit <= 0:
            return 0.0
        if self._clock() >= self._down_until:
            try:
                wait_us = self._script_sync(keys=[KEY_PREFIX + client], args=self._args())
            except Exception as exc:  # noqa: BLE001 - any failure to count is Redis being unavailable
                self._went_down(exc)
            else:
                return self._counted(wait_us)
        return self._uncounted(client)

    def _args(self) -> list:
        return [self.limit, int(self.window_s * 1e6), secrets.token_hex(8)]

    def _counted(self, wait_us) -> float:
        if self._down:
            self._down = False
            log.warning("rate limit: Redis at %s answers again; counting for every replica", self.where)
        return int(wait_us) / 1e6

    def _uncounted(self, client: str) -> float:
        if self.fail_closed:
            raise LimiterUnavailable("The server cannot check its rate limit just now; please try again shortly.")
        return self._local.hit(client)

    def _went_down(self, exc: Exception) -> None:
        self._down_until = self._clock() + RETRY_REDIS_S
        if not self._down:
            self._down = True
            fallback = "refusing questions (fail closed)" if self.fail_closed else "counting in this replica only"
            log.error(
                "rate limit: Redis at %s is unreachable (%s); %s", self.where, exc or type(exc).__name__, fallback
            )


def make_limiter(limit: int, window_s: float, redis_url: str | None, fail_closed: bool) -> Limiter:
    """The in-process limiter, or the shared one when a Redis URL is set."""
    if redis_url:
        return RedisRateLimiter(redis_url, limit, window_s, fail_closed=fail_closed)
    return RateLimiter(limit, window_s)
