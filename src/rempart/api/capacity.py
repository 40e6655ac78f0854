"""Bounded work: the inference pool (detectors) and the database runner, both off the event loop.

``InferencePool`` runs CPU-bound detector work on a fixed number of threads with a bounded queue.
A job that finds the pool and its queue full is refused at once (``OverloadedError``, HTTP 503
with Retry-After) instead of waiting in an unbounded queue. Each job has a deadline: a job still
queued at its deadline is dropped and refused the same way; a job that started but has not
finished by its deadline raises ``DetectorTimeout`` to the caller, which turns it into a
fail-closed degraded decision. The thread cannot be killed, so its slot stays taken until it
really finishes: the bound stays honest under slow detectors.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from rempart.api.errors import OverloadedError

T = TypeVar("T")


class DetectorTimeout(Exception):
    """The job started but did not finish before its deadline (it keeps running on its thread)."""

    def __init__(self, waited_ms: float) -> None:
        super().__init__(f"detectors did not finish within the deadline ({waited_ms:.0f} ms)")
        self.waited_ms = waited_ms


class _Expired(Exception):
    """Raised on the worker when a job is picked up after its deadline: it is not run."""


@dataclass(frozen=True, slots=True)
class Timed(Generic[T]):
    value: T
    queue_ms: float
    run_ms: float


class InferencePool:
    def __init__(self, workers: int, queue: int, *, retry_after: int = 1, name: str = "rempart-infer") -> None:
        self.workers = workers
        self.capacity = workers + queue
        self.retry_after = retry_after
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)
        self._lock = threading.Lock()
        self._taken = 0
        self._running = 0

    @property
    def in_flight(self) -> int:
        """Jobs admitted and not finished (running or queued)."""
        return self._taken

    @property
    def running(self) -> int:
        return self._running

    def _admit(self) -> bool:
        with self._lock:
            if self._taken >= self.capacity:
                return False
            self._taken += 1
            return True

    def _release(self, _future: object = None) -> None:
        with self._lock:
            self._taken -= 1

    async def run(self, fn: Callable[[], T], *, deadline: float) -> Timed[T]:
        """Run ``fn`` on a worker before ``deadline`` (a ``time.monotonic()`` value)."""
        if not self._admit():
            raise OverloadedError("the gateway is at capacity; retry shortly", self.retry_after)
        submitted = time.monotonic()
        started: list[float] = []
        ctx = contextvars.copy_context()

        def job() -> T:
            now = time.monotonic()
            if now > deadline:
                raise _Expired()
            started.append(now)
            with self._lock:
                self._running += 1
            try:
                return ctx.run(fn)
            finally:
                with self._lock:
                    self._running -= 1

        try:
            future: Future[T] = self._executor.submit(job)
        except RuntimeError as exc:  # shut down
            self._release()
            raise OverloadedError("the gateway is shutting down", self.retry_after) from exc
        future.add_done_callback(self._release)
        waiter = asyncio.wrap_future(future)
        try:
            value = await asyncio.wait_for(asyncio.shield(waiter), timeout=max(0.0, deadline - time.monotonic()))
        except TimeoutError:
            waiter.add_done_callback(_consume)
            if future.cancel() or not started:
                raise OverloadedError("no detector capacity before the request's deadline", self.retry_after) from None
            raise DetectorTimeout((time.monotonic() - submitted) * 1000.0) from None
        except _Expired:
            raise OverloadedError("no detector capacity before the request's deadline", self.retry_after) from None
        finished = time.monotonic()
        begun = started[0] if started else submitted
        return Timed(value, (begun - submitted) * 1000.0, (finished - begun) * 1000.0)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


def _consume(future: asyncio.Future[Any]) -> None:
    """Retrieve an abandoned job's outcome so asyncio does not log 'exception never retrieved'."""
    if not future.cancelled():
        future.exception()


@dataclass(frozen=True, slots=True)
class Pools:
    """Separate capacity for text-only checks and for checks with images, so a burst of image
    analyses (a hundred times the CPU of a text check, and multi-threaded themselves) queues behind
    its own few workers instead of delaying every text request."""

    text: InferencePool
    images: InferencePool

    def for_check(self, has_images: bool) -> InferencePool:
        return self.images if has_images else self.text

    @property
    def in_flight(self) -> int:
        return self.text.in_flight + self.images.in_flight

    @property
    def saturated(self) -> bool:
        return self.text.in_flight >= self.text.capacity or self.images.in_flight >= self.images.capacity

    def shutdown(self) -> None:
        self.text.shutdown()
        self.images.shutdown()


class DbRunner:
    """Runs blocking store calls (reads, key management) on a few threads; decisions go through the
    ``BatchWriter``'s single writer thread instead."""

    def __init__(self, workers: int, name: str = "rempart-db") -> None:
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)

    async def run(self, fn: Callable[[], T]) -> T:
        loop = asyncio.get_running_loop()
        ctx = contextvars.copy_context()
        return await loop.run_in_executor(self._executor, ctx.run, fn)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True)
