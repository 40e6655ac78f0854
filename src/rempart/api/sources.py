"""Source-image analyses kept briefly so an output check that names its request decision can test
"same person?" without the caller resending the source photo.

What is kept is the analysis without pixels (faces with their identity embeddings, detector
results): never the photo. It lives ``source_cache_seconds`` (15 minutes by default), then goes.

- ``MemorySourceCache``: in this process only. With one server process that is all it takes; with
  several, an output check answered by another process than its request finds nothing, and the
  policy then fails closed on the missing identity comparison (review or block when the output is
  exposed).
- ``RedisSourceCache``: shared by every process through Redis (used when ``REMPART_REDIS_URL`` is
  set), with the memory cache in front. Records are pickled and signed with HMAC-SHA256 under the
  deployment's secret pepper: a record whose signature does not verify is never unpickled, so
  whoever can write to Redis still cannot make the gateway run code. Redis down means a miss
  (logged once), never an error.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import pickle
import threading
import time
from collections import OrderedDict
from typing import Any, Protocol

log = logging.getLogger("rempart.gateway")

_SIGNATURE = hashlib.sha256().digest_size


class SourceCache(Protocol):
    async def put(self, key: str, handle: object) -> None: ...

    async def get(self, key: str) -> object | None: ...

    async def close(self) -> None: ...


class MemorySourceCache:
    """Least recently used, bounded in entries, each expiring ``ttl_s`` after it was put."""

    def __init__(self, size: int, ttl_s: float) -> None:
        self._size = size
        self._ttl = ttl_s
        self._items: OrderedDict[str, tuple[float, object]] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self._size > 0 and self._ttl > 0

    def put_now(self, key: str, handle: object) -> None:
        if not self.enabled:
            return
        with self._lock:
            self._items[key] = (time.monotonic() + self._ttl, handle)
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def get_now(self, key: str) -> object | None:
        with self._lock:
            hit = self._items.get(key)
            if hit is None:
                return None
            if hit[0] < time.monotonic():
                del self._items[key]
                return None
            return hit[1]

    async def put(self, key: str, handle: object) -> None:
        self.put_now(key, handle)

    async def get(self, key: str) -> object | None:
        return self.get_now(key)

    async def close(self) -> None:
        with self._lock:
            self._items.clear()


class RedisSourceCache:
    """The memory cache in front of Redis; see the module docstring."""

    def __init__(
        self,
        url: str,
        *,
        secret: bytes,
        size: int,
        ttl_s: float,
        prefix: str = "rempart:source:",
        client: Any = None,
    ) -> None:
        if client is None:
            from redis.asyncio import Redis

            client = Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self._redis: Any = client
        self._secret = secret
        self._ttl = ttl_s
        self._prefix = prefix
        self.local = MemorySourceCache(size, ttl_s)
        self._warned = False

    def _sign(self, blob: bytes) -> bytes:
        return hmac.new(self._secret, blob, hashlib.sha256).digest()

    async def put(self, key: str, handle: object) -> None:
        if not self.local.enabled:
            return
        self.local.put_now(key, handle)
        try:
            blob = pickle.dumps(handle, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # an analysis that cannot be serialised stays in this process only
            log.warning("source analysis not shareable", extra={"error": f"{type(exc).__name__}: {exc}"})
            return
        try:
            await self._redis.set(self._prefix + key, self._sign(blob) + blob, px=max(1, int(self._ttl * 1000)))
        except Exception as exc:
            self._unavailable(exc)

    async def get(self, key: str) -> object | None:
        hit = self.local.get_now(key)
        if hit is not None or not self.local.enabled:
            return hit
        try:
            raw = await self._redis.get(self._prefix + key)
        except Exception as exc:
            self._unavailable(exc)
            return None
        self._warned = False
        if not raw or len(raw) <= _SIGNATURE:
            return None
        signature, blob = bytes(raw[:_SIGNATURE]), bytes(raw[_SIGNATURE:])
        if not hmac.compare_digest(signature, self._sign(blob)):
            log.warning("source analysis in Redis failed its signature check; ignored", extra={"key": key})
            return None
        handle: object = pickle.loads(blob)  # signed above with the deployment's secret
        self.local.put_now(key, handle)
        return handle

    async def close(self) -> None:
        await self.local.close()
        with contextlib.suppress(Exception):  # closing a dead connection
            await self._redis.aclose()

    def _unavailable(self, exc: Exception) -> None:
        if not self._warned:
            log.warning("Redis source cache unavailable; using this process's memory", extra={"error": str(exc)})
            self._warned = True
