"""Rate limiters: the in-process token bucket, and the Redis one shared by several processes."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable

import pytest

from conftest import Gateway
from rempart.auth import MemoryRateLimiter, RedisRateLimiter, retry_after

REDIS_URL = "redis://127.0.0.1:6379/15"


def test_memory_bucket_allows_a_burst_then_refills() -> None:
    now = [0.0]
    limiter = MemoryRateLimiter(burst_seconds=10, clock=lambda: now[0])
    assert all(limiter.take("k", 60) is None for _ in range(10))  # 1/s, 10 s of burst
    wait = limiter.take("k", 60)
    assert wait is not None and 0.9 < wait <= 1.0
    assert retry_after(wait) == 1
    now[0] += 1.0
    assert limiter.take("k", 60) is None
    assert limiter.take("other", 60) is None  # buckets are per key


def _redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {exc}")


def test_redis_bucket_is_shared_between_limiters() -> None:
    _redis_or_skip()
    key = "test-" + secrets.token_hex(6)

    async def run() -> list[float | None]:
        first, second = RedisRateLimiter(REDIS_URL), RedisRateLimiter(REDIS_URL)  # two processes' worth
        try:
            results = [await first.acquire(key, 6), await second.acquire(key, 6), await first.acquire(key, 6)]
            assert await first.ping()
            return results
        finally:
            await first.close()
            await second.close()

    allowed, refused, refused_again = asyncio.run(run())
    assert allowed is None
    assert refused is not None and 9.0 < refused <= 10.0  # 6 a minute: one token every 10 s
    assert refused_again is not None


def test_redis_limiter_falls_back_to_this_process_when_redis_is_down() -> None:
    async def run() -> tuple[float | None, float | None, bool]:
        limiter = RedisRateLimiter("redis://127.0.0.1:1/0")  # nothing listens there
        try:
            return await limiter.acquire("k", 6), await limiter.acquire("k", 6), await limiter.ping()
        finally:
            await limiter.close()

    first, second, reachable = asyncio.run(run())
    assert first is None and second is not None and not reachable


def test_gateway_with_redis_limits_answers_429(make_gateway: Callable[..., Gateway]) -> None:
    _redis_or_skip()
    gw = make_gateway(redis_url=REDIS_URL)
    client = gw.client(gw.key("t-" + secrets.token_hex(4), "screen", rate_per_minute=6))
    assert client.post("/v1/screen/request", json={"text": "a red bicycle"}).status_code == 200
    r = client.post("/v1/screen/request", json={"text": "a red bicycle"})
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
    assert gw.client().get("/readyz").json()["checks"]["rate_limits"] == "redis"
