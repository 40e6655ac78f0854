"""The audit's IO worker: analyse many images on every core (or a Ray cluster), append results, resume.

    items --plan(resume)--> chunks --executor (one ImageAnalyzer per worker)--> records --> results.jsonl

* **Same pipeline as the gateway.** Each worker builds one ``ImageAnalyzer`` through an
  ``AnalyzerFactory`` and loads it once (on its first chunk, so a model failure comes back as a
  ``ModelError`` instead of a dead pool); every image goes through ``load_path`` (the gateway's input
  limits) and ``ImageAnalyzer.analyze``. Per worker the analyzer runs single-threaded (one ONNX
  thread, no overlap thread): one process per core is the fastest layout for a batch.
* **Append-only and resumable.** The parent alone writes ``results.jsonl``: one line per image, flushed
  after each chunk. A re-run reads the file, hashes each input whose path already has a record and
  skips it when the SHA-256 matches; everything else is analysed again and its new line supersedes
  the old one. A line cut by a kill is repaired (a newline is added) and ignored by the reader.
* **Crash isolation.** If a worker process dies (a native crash in a model library), the images it
  held are retried one at a time on a fresh worker; an image that kills a worker on its own is
  recorded as an error (``worker_crashed``, with its hash, so a re-run skips it unless told to retry
  errors) and the run goes on. More than ``max_crashes`` crashes
  stop the run (``ModelError``): something is wrong with the environment, not with one image.
* **Executors.** ``workers=0`` runs in this process (tests, debugging); ``workers>=1`` uses a
  process pool (spawn start, so no model state is forked); ``ray_address`` uses Ray actors, one per
  CPU of the cluster, each reading the image paths itself (the corpus must be on storage every node
  can read, and rempart installed on every node).
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Final, Protocol

from rempart.audit.records import (
    SCHEMA_VERSION,
    AuditItem,
    FaceRecord,
    ImageRecord,
    ResultSet,
    meta_line,
    parse_results,
)
from rempart.audit.style import STYLE_VERSION, estimate_style
from rempart.errors import InputError, ModelError
from rempart.media.loading import DEFAULT_LIMITS, ImageLimits, load_path
from rempart.vision.analyzer import AnalyzerConfig, ImageAnalyzer
from rempart.vision.values import ImageSignals

RESULTS_FILE: Final = "results.jsonl"
DEFAULT_DETECT_SIDE: Final = AnalyzerConfig().detect_side
_THREAD_VARIABLES: Final = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")

AnalyzerFactory = Callable[[], ImageAnalyzer]
"""Builds (does not load) the analyzer a worker uses. Must be picklable for process and Ray workers."""

ChunkResult = tuple[list[dict[str, Any]], dict[str, Any] | None]
"""The records of a chunk as JSON-ready dicts, and the worker's description on its first chunk."""


@dataclass(frozen=True, slots=True)
class RealAnalyzerFactory:
    """The production analyzer, single-threaded (one per worker process)."""

    detect_side: int = DEFAULT_DETECT_SIDE

    def __call__(self) -> ImageAnalyzer:
        return ImageAnalyzer(config=AnalyzerConfig(onnx_threads=1, overlap=False, detect_side=self.detect_side))

    def describe(self) -> dict[str, Any]:
        return {"analyzer": "real", "detect_side": self.detect_side, "onnx_threads": 1, "overlap": False}


# --- one image ---------------------------------------------------------------------------------------


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def file_sha256(path: str, *, max_bytes: int = 4 * DEFAULT_LIMITS.max_bytes) -> str | None:
    """SHA-256 of a file's bytes; None when it cannot be read or is larger than ``max_bytes``."""
    try:
        if os.path.getsize(path) > max_bytes:
            return None
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()
    except OSError:
        return None


def record_from_signals(item: AuditItem, signals: ImageSignals, *, worker: str = "") -> ImageRecord:
    """The audit record of an analysed image, with its photo / illustration estimate (pure)."""
    image = signals.image
    faces = tuple(
        FaceRecord(
            box=(f.box.x, f.box.y, f.box.w, f.box.h),
            score=f.score,
            age=f.apparent_age.estimate if f.apparent_age is not None else None,
            age_low=f.apparent_age.low if f.apparent_age is not None else None,
            age_high=f.apparent_age.high if f.apparent_age is not None else None,
            presentation=f.presentation.value,
            p_female=f.p_female,
        )
        for f in signals.faces
    )
    try:
        style = estimate_style(image.pixels)
        style_label, p_illustration = style.label, style.p_illustration
    except Exception:  # a heuristic failure must not cost the image's record
        style_label, p_illustration = "unknown", None
    exposure = signals.exposure
    hashes = signals.hashes
    return ImageRecord(
        path=item.path,
        sha256=image.sha256,
        status="ok",
        meta=dict(item.meta),
        width=image.width,
        height=image.height,
        format=image.format,
        faces=faces,
        persons=len(signals.persons),
        exposure=int(exposure.level) if exposure is not None else None,
        nsfw=exposure.nsfw_score if exposure is not None else None,
        pdq=hashes.pdq if hashes is not None else None,
        pdq_quality=hashes.pdq_quality if hashes is not None else None,
        phash=hashes.phash if hashes is not None else None,
        style=style_label,
        p_illustration=p_illustration,
        degraded=signals.degraded,
        failed=tuple(sorted(signals.failed)),
        latency_ms=signals.latency_ms,
        worker=worker,
    )


def error_record(item: AuditItem, code: str, message: str, *, sha256: str | None, worker: str = "") -> ImageRecord:
    return ImageRecord(
        path=item.path,
        sha256=sha256,
        status="error",
        meta=dict(item.meta),
        error_code=code,
        error_message=message,
        worker=worker,
    )


def analyze_item(
    analyzer: ImageAnalyzer, item: AuditItem, *, limits: ImageLimits = DEFAULT_LIMITS, worker: str = ""
) -> ImageRecord:
    """Load and analyse one image; unreadable input and unexpected failures become error records."""
    start = time.perf_counter()
    try:
        image = load_path(item.path, limits=limits)
    except InputError as exc:
        return error_record(item, exc.code, str(exc), sha256=file_sha256(item.path), worker=worker)
    try:
        signals = analyzer.analyze(image, identity=False)
        record = record_from_signals(item, signals, worker=worker)
    except ModelError:
        raise
    except Exception as exc:  # kept as data: the report counts and lists them
        return error_record(item, "internal_error", f"{type(exc).__name__}: {exc}", sha256=image.sha256, worker=worker)
    return replace(record, latency_ms=(time.perf_counter() - start) * 1000.0)


# --- workers -----------------------------------------------------------------------------------------


class _WorkerState:
    """The analyzer of this worker process (one per process; built and loaded on the first chunk)."""

    factory: AnalyzerFactory | None = None
    analyzer: ImageAnalyzer | None = None
    described: bool = False


def _single_threaded() -> None:
    """One core per worker: OpenCV's own thread pool would otherwise compete with the other workers."""
    try:
        import cv2

        cv2.setNumThreads(1)
    except ImportError:  # pragma: no cover - OpenCV is a dependency of the vision stack
        pass


def _init_process(factory: AnalyzerFactory) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops the pool
    _single_threaded()
    _WorkerState.factory = factory


def _describe(analyzer: ImageAnalyzer) -> dict[str, Any]:
    return {
        "type": "worker",
        "worker": worker_name(),
        "models": [m.to_dict() for m in analyzer.model_info()],
        "style_version": STYLE_VERSION,
    }


def _process_chunk(items: Sequence[AuditItem]) -> ChunkResult:
    if _WorkerState.analyzer is None:
        if _WorkerState.factory is None:
            raise ModelError("audit worker started without an analyzer factory")
        analyzer = _WorkerState.factory()
        analyzer.load()
        _WorkerState.analyzer = analyzer
    first = not _WorkerState.described
    _WorkerState.described = True
    return _run_chunk(_WorkerState.analyzer, items, first=first)


def _run_chunk(analyzer: ImageAnalyzer, items: Sequence[AuditItem], *, first: bool) -> ChunkResult:
    name = worker_name()
    records = [analyze_item(analyzer, item, worker=name).to_dict() for item in items]
    return records, _describe(analyzer) if first else None


class WorkerCrashed(Exception):
    """The worker running a chunk died (its process or actor is gone).

    ``first`` is False for the other chunks a single crash took down (a broken process pool fails
    every chunk in flight), so one crash is counted once.
    """

    def __init__(self, message: str, *, first: bool = True) -> None:
        super().__init__(message)
        self.first = first


class ChunkExecutor(Protocol):
    """Runs chunks of items somewhere; handles are opaque."""

    slots: int
    """How many chunks to keep in flight."""

    def submit(self, items: Sequence[AuditItem]) -> object: ...

    def wait(self, handles: Sequence[object]) -> list[object]:
        """Block until at least one handle is finished; return the finished ones."""
        ...

    def result(self, handle: object) -> ChunkResult:
        """The chunk's records; ``WorkerCrashed`` when its worker died."""
        ...

    def close(self) -> None: ...


class _Done:
    """A handle whose result is already known."""

    __slots__ = ("value",)

    def __init__(self, value: ChunkResult) -> None:
        self.value = value


class InlineExecutor:
    """Runs each chunk at once in this process (``workers=0``)."""

    slots = 1

    def __init__(self, factory: AnalyzerFactory) -> None:
        self.factory = factory
        self.analyzer: ImageAnalyzer | None = None

    def submit(self, items: Sequence[AuditItem]) -> object:
        first = self.analyzer is None
        if self.analyzer is None:
            self.analyzer = self.factory()
            self.analyzer.load()
        return _Done(_run_chunk(self.analyzer, items, first=first))

    def wait(self, handles: Sequence[object]) -> list[object]:
        return list(handles)

    def result(self, handle: object) -> ChunkResult:
        assert isinstance(handle, _Done)
        return handle.value

    def close(self) -> None:
        if self.analyzer is not None:
            self.analyzer.close()


class ProcessExecutor:
    """A pool of ``workers`` spawned processes, each with its own analyzer; rebuilt after a crash."""

    def __init__(self, factory: AnalyzerFactory, workers: int) -> None:
        if workers < 1:
            raise ValueError("workers must be >= 1")
        self.factory = factory
        self.workers = workers
        self.slots = 2 * workers
        self._pool: ProcessPoolExecutor | None = None
        self._generation = 0
        self._born: dict[object, int] = {}
        for name in _THREAD_VARIABLES:  # one BLAS / OpenMP thread per worker; inherited by the spawned children
            os.environ.setdefault(name, "1")

    def _ensure(self) -> ProcessPoolExecutor:
        if self._pool is None:
            import multiprocessing

            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_process,
                initargs=(self.factory,),
            )
        return self._pool

    def submit(self, items: Sequence[AuditItem]) -> object:
        future = self._ensure().submit(_process_chunk, list(items))
        self._born[future] = self._generation
        return future

    def wait(self, handles: Sequence[object]) -> list[object]:
        done, _ = wait([h for h in handles if isinstance(h, Future)], return_when=FIRST_COMPLETED)
        return list(done)

    def result(self, handle: object) -> ChunkResult:
        assert isinstance(handle, Future)
        generation = self._born.pop(handle, self._generation)
        try:
            result: ChunkResult = handle.result()
        except BrokenProcessPool as exc:
            first = generation == self._generation
            if first:
                self._discard()
                self._generation += 1
            raise WorkerCrashed(str(exc) or "a worker process died", first=first) from None
        return result

    def _discard(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


class RayWorker:
    """The Ray actor body: one analyzer per actor, loaded on its first chunk."""

    def __init__(self, factory: AnalyzerFactory) -> None:
        _single_threaded()
        self.factory = factory
        self.analyzer: ImageAnalyzer | None = None

    def run(self, items: Sequence[AuditItem]) -> ChunkResult:
        first = self.analyzer is None
        if self.analyzer is None:
            self.analyzer = self.factory()
            self.analyzer.load()
        return _run_chunk(self.analyzer, items, first=first)


def _import_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise ModelError("--ray needs the 'ray' package: pip install 'rempart[ray]'") from None
    return ray


class RayExecutor:
    """Ray actors (one CPU each), two chunks in flight per actor; a dead actor is replaced."""

    def __init__(self, factory: AnalyzerFactory, address: str, workers: int | None = None) -> None:
        ray = _import_ray()
        self.ray = ray
        self.started = False
        if not ray.is_initialized():
            if address in ("", "local"):
                ray.init(include_dashboard=False, log_to_driver=False)
            else:
                ray.init(address=address, log_to_driver=False)
            self.started = True
        cpus = int(ray.cluster_resources().get("CPU", 1))
        self.workers = max(1, workers or cpus)
        self.slots = 2 * self.workers
        self._actor_class = ray.remote(num_cpus=1)(RayWorker)
        self.factory = factory
        self._actors = [self._actor_class.remote(factory) for _ in range(self.workers)]
        self._owner: dict[object, int] = {}
        self._next = 0

    def submit(self, items: Sequence[AuditItem]) -> object:
        index = self._next % len(self._actors)
        self._next += 1
        ref = self._actors[index].run.remote(list(items))
        self._owner[ref] = index
        return ref

    def wait(self, handles: Sequence[object]) -> list[object]:
        ready, _ = self.ray.wait(list(handles), num_returns=1)
        return list(ready)

    def result(self, handle: object) -> ChunkResult:
        index = self._owner.pop(handle)
        exceptions = self.ray.exceptions
        try:
            result: ChunkResult = self.ray.get(handle)
        except (exceptions.RayActorError, exceptions.WorkerCrashedError) as exc:
            self._actors[index] = self._actor_class.remote(self.factory)
            raise WorkerCrashed(f"ray actor died: {type(exc).__name__}") from None
        return result

    def close(self) -> None:
        for actor in self._actors:
            self.ray.kill(actor)
        self._actors = []
        if self.started:
            self.ray.shutdown()


# --- the results file --------------------------------------------------------------------------------


def read_results(path: Path) -> ResultSet:
    if not path.exists():
        return parse_results(())
    with path.open("r", encoding="utf-8", errors="replace") as handle:
        return parse_results(handle)


class ResultsLog:
    """Appends lines to the results file; the only writer. Flushes per batch, fsyncs every ``sync_s``."""

    def __init__(self, path: Path, *, sync_s: float = 30.0) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._repair()
        self._handle: IO[str] = path.open("a", encoding="utf-8")
        self._sync_s = sync_s
        self._synced = time.monotonic()

    def _repair(self) -> None:
        """End a line cut by a kill, so the next record starts on a line of its own."""
        if not self.path.exists() or self.path.stat().st_size == 0:
            return
        with self.path.open("rb+") as handle:
            handle.seek(-1, os.SEEK_END)
            if handle.read(1) != b"\n":
                handle.write(b"\n")

    def write(self, lines: Iterable[Mapping[str, Any]]) -> None:
        text = "".join(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n" for line in lines)
        if not text:
            return
        self._handle.write(text)
        self._handle.flush()
        if time.monotonic() - self._synced > self._sync_s:
            os.fsync(self._handle.fileno())
            self._synced = time.monotonic()

    def close(self) -> None:
        if not self._handle.closed:
            self._handle.flush()
            os.fsync(self._handle.fileno())
            self._handle.close()


# --- progress ----------------------------------------------------------------------------------------


class Progress:
    """A one-line progress bar on a terminal, a line every ``every_s`` seconds otherwise."""

    def __init__(self, total: int, *, stream: IO[str] | None = None, enabled: bool = True, every_s: float = 30.0):
        self.total = total
        self.done = 0
        self.errors = 0
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.every_s = every_s if not self.tty else 0.5
        self.start = time.monotonic()
        self._last = 0.0

    def update(self, count: int, errors: int = 0) -> None:
        self.done += count
        self.errors += errors
        now = time.monotonic()
        if self.enabled and (now - self._last >= self.every_s or self.done >= self.total):
            self._last = now
            self._draw(now)

    def line(self, now: float | None = None) -> str:
        elapsed = max(1e-9, (now or time.monotonic()) - self.start)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate > 0 else float("inf")
        eta = time.strftime("%H:%M:%S", time.gmtime(left)) if left != float("inf") else "--:--:--"
        width = 30
        filled = int(width * self.done / self.total) if self.total else width
        bar = "#" * filled + "-" * (width - filled)
        share = 100.0 * self.done / self.total if self.total else 100.0
        return f"audit [{bar}] {self.done}/{self.total} {share:5.1f}% {rate:6.1f} img/s ETA {eta} errors {self.errors}"

    def _draw(self, now: float) -> None:
        text = self.line(now)
        if self.tty:
            self.stream.write("\r" + text)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.tty:
            self.stream.write("\n")
            self.stream.flush()


# --- planning and the run ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Plan:
    todo: tuple[AuditItem, ...]
    skipped: int
    meta_updates: tuple[dict[str, Any], ...] = ()


def plan(items: Sequence[AuditItem], existing: ResultSet, *, retry_errors: bool = False) -> Plan:
    """Which items still need analysing: new paths, changed files, errors without a hash (or all errors)."""
    done = {r.path: r for r in existing.records}
    todo: list[AuditItem] = []
    updates: list[dict[str, Any]] = []
    skipped = 0
    for item in items:
        previous = done.get(item.path)
        if previous is None or previous.sha256 is None or (retry_errors and not previous.ok):
            todo.append(item)
            continue
        if file_sha256(item.path) != previous.sha256:
            todo.append(item)
            continue
        skipped += 1
        if dict(previous.meta) != dict(item.meta):
            updates.append(meta_line(item.path, previous.sha256, item.meta))
    return Plan(tuple(todo), skipped, tuple(updates))


@dataclass(frozen=True, slots=True)
class RunSummary:
    total: int
    skipped: int
    analysed: int
    errors: int
    crashes: int
    elapsed_s: float
    workers: int
    executor: str

    @property
    def rate(self) -> float:
        return self.analysed / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "skipped": self.skipped,
            "analysed": self.analysed,
            "errors": self.errors,
            "crashes": self.crashes,
            "elapsed_s": round(self.elapsed_s, 3),
            "images_per_s": round(self.rate, 3),
            "workers": self.workers,
            "executor": self.executor,
        }


def _chunks(items: Sequence[AuditItem], size: int) -> Iterator[list[AuditItem]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


@dataclass
class _Task:
    items: list[AuditItem]
    isolated: bool = False


@dataclass
class _Dispatch:
    """Feeds chunks to an executor, isolates the images of crashed chunks, writes what comes back."""

    executor: ChunkExecutor
    log: ResultsLog
    progress: Progress
    max_crashes: int
    analysed: int = 0
    errors: int = 0
    crashes: int = 0
    quarantine: deque[AuditItem] = field(default_factory=deque)
    in_flight: dict[object, _Task] = field(default_factory=dict)

    def run(self, chunks: Iterator[list[AuditItem]]) -> None:
        exhausted = False
        while True:
            while len(self.in_flight) < self.executor.slots:
                if self.quarantine:
                    if self.in_flight:
                        break  # an isolated image runs alone, so a crash names it
                    task = _Task([self.quarantine.popleft()], isolated=True)
                elif not exhausted:
                    chunk = next(chunks, None)
                    if chunk is None:
                        exhausted = True
                        continue
                    task = _Task(chunk)
                else:
                    break
                self.in_flight[self.executor.submit(task.items)] = task
            if not self.in_flight:
                return
            for handle in self.executor.wait(list(self.in_flight)):
                self._finish(handle, self.in_flight.pop(handle))

    def _finish(self, handle: object, task: _Task) -> None:
        try:
            records, worker = self.executor.result(handle)
        except WorkerCrashed as exc:
            self.crashes += int(exc.first or task.isolated)
            if self.crashes > self.max_crashes:
                raise ModelError(f"audit workers crashed {self.crashes} times; last: {exc}") from None
            if task.isolated:
                item = task.items[0]
                message = f"the worker died on this image ({exc})"
                record = error_record(item, "worker_crashed", message, sha256=file_sha256(item.path))
                self._write([record.to_dict()], errors=1)
            else:
                self.quarantine.extend(task.items)
            return
        lines: list[dict[str, Any]] = [worker] if worker is not None else []
        lines.extend(records)
        self._write(lines, errors=sum(1 for r in records if r.get("status") != "ok"))

    def _write(self, lines: list[dict[str, Any]], *, errors: int) -> None:
        self.log.write(lines)
        images = sum(1 for line in lines if line.get("type") == "image")
        self.analysed += images - errors
        self.errors += errors
        self.progress.update(images, errors)


def run_audit(
    items: Sequence[AuditItem],
    out_dir: Path,
    *,
    factory: AnalyzerFactory | None = None,
    workers: int | None = None,
    ray_address: str | None = None,
    chunk: int = 8,
    retry_errors: bool = False,
    progress: Progress | None = None,
    max_crashes: int = 20,
    config: Mapping[str, Any] | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> RunSummary:
    """Analyse every item not already in ``out_dir/results.jsonl`` and append the records there."""
    if chunk < 1:
        raise ValueError("chunk must be >= 1")
    build = factory or RealAnalyzerFactory()
    path = out_dir / RESULTS_FILE
    work = plan(items, read_results(path), retry_errors=retry_errors)
    count = workers if workers is not None else (os.cpu_count() or 1)
    bar = progress or Progress(len(work.todo), enabled=False)
    bar.total = len(work.todo)
    start = time.monotonic()
    log = ResultsLog(path)
    executor: ChunkExecutor
    try:
        log.write(work.meta_updates)
        if not work.todo:
            return RunSummary(len(items), work.skipped, 0, 0, 0, 0.0, 0, "none")
        if ray_address is not None:
            executor = RayExecutor(build, ray_address, workers)
            count, kind = executor.slots // 2, "ray"
        elif count <= 0:
            executor, count, kind = InlineExecutor(build), 1, "inline"
        else:
            count = min(count, max(1, -(-len(work.todo) // chunk)))
            executor, kind = ProcessExecutor(build, count), "process"
        describe = getattr(build, "describe", None)
        header = {
            "type": "run",
            "schema": SCHEMA_VERSION,
            "started": clock().isoformat(timespec="seconds"),
            "todo": len(work.todo),
            "skipped": work.skipped,
            "executor": kind,
            "workers": count,
            "chunk": chunk,
            "factory": describe() if callable(describe) else type(build).__name__,
            "config": dict(config or {}),
        }
        log.write([header])
        dispatch = _Dispatch(executor, log, bar, max_crashes)
        try:
            dispatch.run(_chunks(work.todo, chunk))
        finally:
            executor.close()
        return RunSummary(
            total=len(items),
            skipped=work.skipped,
            analysed=dispatch.analysed,
            errors=dispatch.errors,
            crashes=dispatch.crashes,
            elapsed_s=time.monotonic() - start,
            workers=count,
            executor=kind,
        )
    finally:
        bar.close()
        log.close()
