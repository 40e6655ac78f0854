"""Group commit: one writer thread records decisions in batches, one transaction per batch.

Requests that finish at about the same time are written together: the writer takes every decision
waiting in its queue (up to ``max_batch``), records them in one transaction with a savepoint each
(``SqlStore.record_batch``), commits once, and only then resolves each caller's future. So under
load there is one commit (one fsync with ``synchronous=FULL``) per batch instead of one per request,
and a caller is still answered only after its own decision is durable. One writer per process also
means SQLite never sees two writers of ours fight over its lock.
"""

from __future__ import annotations

import logging
import queue
import threading
from concurrent.futures import Future

from rempart.errors import StorageError
from rempart.storage.records import DecisionRecord, NewDecision
from rempart.storage.store import DecisionStore

log = logging.getLogger("rempart.storage")

_Item = tuple[NewDecision, "Future[DecisionRecord]"]


class BatchWriter:
    def __init__(self, store: DecisionStore, *, max_batch: int = 64, name: str = "rempart-writer") -> None:
        self._store = store
        self._max = max_batch
        self._queue: queue.SimpleQueue[_Item | None] = queue.SimpleQueue()
        self._closed = False
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._thread.start()

    def submit(self, decision: NewDecision) -> Future[DecisionRecord]:
        future: Future[DecisionRecord] = Future()
        if self._closed:
            future.set_exception(StorageError("the decision writer is shut down"))
            return future
        self._queue.put((decision, future))
        return future

    def _loop(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            stop = False
            while len(batch) < self._max:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stop = True
                    break
                batch.append(item)
            self._write(batch)
            if stop:
                return

    def _write(self, batch: list[_Item]) -> None:
        try:
            outcomes = self._store.record_batch([decision for decision, _ in batch])
        except Exception as exc:
            log.error("decision batch failed", exc_info=exc)
            failure = exc if isinstance(exc, StorageError) else StorageError(f"cannot record decisions: {exc}")
            outcomes = [failure] * len(batch)
        for (_, future), outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)

    def close(self, timeout: float = 30.0) -> None:
        """Write what is queued, then stop."""
        if self._closed:
            return
        self._closed = True
        self._queue.put(None)
        self._thread.join(timeout)
