"""Source analyses kept for output checks: in memory, and shared through Redis between processes."""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path
from typing import Any

import pytest
from gateway_fakes import FakeImage, draw_image

from conftest import Gateway
from rempart.api.sources import MemorySourceCache, RedisSourceCache

REDIS_URL = "redis://127.0.0.1:6379/15"


class _DictRedis:
    """The two Redis calls the cache makes, on a dict (no server needed)."""

    def __init__(self) -> None:
        self.data: dict[str, bytes] = {}
        self.down = False

    async def set(self, key: str, value: bytes, px: int) -> None:
        if self.down:
            raise ConnectionError("redis down")
        self.data[key] = value

    async def get(self, key: str) -> bytes | None:
        if self.down:
            raise ConnectionError("redis down")
        return self.data.get(key)

    async def aclose(self) -> None:
        return None


def _run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_memory_cache_expires_and_is_bounded() -> None:
    cache = MemorySourceCache(size=2, ttl_s=60)
    _run(cache.put("a", FakeImage(person="x")))
    _run(cache.put("b", FakeImage(person="y")))
    _run(cache.put("c", FakeImage(person="z")))
    assert _run(cache.get("a")) is None and _run(cache.get("c")) == FakeImage(person="z")
    expired = MemorySourceCache(size=2, ttl_s=1e-9)
    _run(expired.put("a", FakeImage(person="x")))
    assert _run(expired.get("a")) is None


def test_redis_cache_shares_between_processes_and_rejects_tampered_records() -> None:
    redis = _DictRedis()
    writer = RedisSourceCache("unused", secret=b"pepper", size=8, ttl_s=60, client=redis)
    reader = RedisSourceCache("unused", secret=b"pepper", size=8, ttl_s=60, client=redis)  # another process
    _run(writer.put("d1", FakeImage(person="alice", exposure=0)))
    assert _run(reader.get("d1")) == FakeImage(person="alice", exposure=0)

    key = "rempart:source:d1"
    record = redis.data[key]
    redis.data[key] = record[:-1] + bytes([record[-1] ^ 1])  # one bit of the pickle flipped
    fresh = RedisSourceCache("unused", secret=b"pepper", size=8, ttl_s=60, client=redis)
    assert _run(fresh.get("d1")) is None  # never unpickled
    other_secret = RedisSourceCache("unused", secret=b"another", size=8, ttl_s=60, client=redis)
    redis.data[key] = record
    assert _run(other_secret.get("d1")) is None


def test_redis_down_is_a_miss_not_an_error() -> None:
    redis = _DictRedis()
    redis.down = True
    cache = RedisSourceCache("unused", secret=b"pepper", size=8, ttl_s=60, client=redis)
    _run(cache.put("d1", FakeImage(person="alice")))  # kept in this process at least
    assert _run(cache.get("d1")) == FakeImage(person="alice")
    other = RedisSourceCache("unused", secret=b"pepper", size=8, ttl_s=60, client=redis)
    assert _run(other.get("d1")) is None


def _redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {exc}")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_output_check_on_another_process_compares_identity_through_redis(make_gateway: Any, tmp_path: Path) -> None:
    """Two gateway processes on one database and one Redis: the request is screened by the first,
    its output by the second, which still knows who was in the source photo."""
    _redis_or_skip()
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    first: Gateway = make_gateway(database_url=url, redis_url=REDIS_URL)
    second: Gateway = make_gateway(database_url=url, redis_url=REDIS_URL)
    source, exposed = draw_image(120), draw_image(121)
    for gw in (first, second):
        gw.inspector.add(source, FakeImage(person="grace", exposure=0))
        gw.inspector.add(exposed, FakeImage(person="grace", exposure=2))
    token = first.key("t", "screen")
    req = first.client(token).post("/v1/screen/request", json={"text": "add a hat", "image_base64": _b64(source)})
    assert req.status_code == 200, req.text
    out = second.client(token).post(
        "/v1/screen/output", json={"decision_id": req.json()["decision_id"], "output_image_base64": _b64(exposed)}
    )
    assert out.status_code == 200, out.text
    body = out.json()
    assert body["degraded"] is False  # the identity comparison ran on the second process
    assert body["action"] == "block"
    assert body["signals"]["output"]["same_person_as_source"] is True
    assert "output_identity_unavailable" not in [r["rule"] for r in body["rules"]]
