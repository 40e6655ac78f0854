"""Per-key rate limits: a token bucket per API key, in this process or shared through Redis.

A key allowed ``rate_per_minute`` requests refills at ``rate_per_minute / 60`` tokens a second and
holds at most ``burst_seconds`` worth of them (at least one), so short bursts pass and a sustained
excess is refused with the number of seconds until the next token (the ``Retry-After``).

``MemoryRateLimiter`` keeps the buckets in this process: right for one server process; with several
processes each enforces the full limit on its own. ``RedisRateLimiter`` keeps them in Redis (one
atomic script per request), so all processes and hosts share each key's limit. If Redis cannot be
reached it falls back to the in-process buckets and logs it: a rate limit protects capacity, not
safety, so it degrades rather than refusing every request.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

log = logging.getLogger("rempart.auth")


class RateLimiter(Protocol):
    async def acquire(self, key: str, rate_per_minute: int) -> float | None:
        """Take one token for ``key``. None when allowed, else seconds to wait before retrying."""
        ...

    async def close(self) -> None: ...


def retry_after(wait_s: float) -> int:
    return max(1, math.ceil(wait_s))


class MemoryRateLimiter:
    def __init__(self, *, burst_seconds: float = 10.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._burst = burst_seconds
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str, rate_per_minute: int) -> float | None:
        per_second = rate_per_minute / 60.0
        capacity = max(1.0, per_second * self._burst)
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (capacity, now))
            tokens = min(capacity, tokens + (now - last) * per_second)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return None
            self._buckets[key] = (tokens, now)
        return (1.0 - tokens) / per_second

    async def acquire(self, key: str, rate_per_minute: int) -> float | None:
        return self.take(key, rate_per_minute)

    async def close(self) -> None:
        pass


_BUCKET = """
local rate = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or capacity
local ts = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - ts) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(capacity / rate) + 1)
return tostring(wait)
"""


class RedisRateLimiter:
    """Token buckets in Redis under ``<prefix><key>``, shared by every gateway process."""

    def __init__(self, url: str, *, burst_seconds: float = 10.0, prefix: str = "rempart:rate:") -> None:
        from redis.asyncio import Redis

        self._redis: Any = Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self._script: Any = self._redis.register_script(_BUCKET)
        self._burst = burst_seconds
        self._prefix = prefix
        self._fallback = MemoryRateLimiter(burst_seconds=burst_seconds)
        self._warned = False

    async def acquire(self, key: str, rate_per_minute: int) -> float | None:
        per_second = rate_per_minute / 60.0
        capacity = max(1.0, per_second * self._burst)
        try:
            raw = await self._script(keys=[self._prefix + key], args=[per_second, capacity])
        except Exception as exc:
            if not self._warned:
                log.warning("Redis rate limiter unavailable; limiting in this process", extra={"error": str(exc)})
                self._warned = True
            return self._fallback.take(key, rate_per_minute)
        self._warned = False
        wait = float(raw)
        return None if wait <= 0 else wait

    async def ping(self) -> bool:
        try:
            return bool(await self._redis.ping())
        except Exception:
            return False

    async def close(self) -> None:
        await self._redis.aclose()
