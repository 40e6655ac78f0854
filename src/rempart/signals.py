"""The one result shape every detector returns, and the detector / backend contracts.

A detector turns an input (a prompt, an image) into a ``DetectorResult``: its name and version,
a status, typed findings with scores in [0, 1] and the evidence behind them, and its latency.
A failure is data (status ``error`` or ``timeout``), never an exception that escapes the guard
and never a sentinel score: the policy decides what a missing signal means (fail closed for the
checks that protect minors and real people).

Models stay behind a ``Backend``: ``load()`` is explicit, and ``ModelInfo`` records which
weights decided (package, version, file digest, licence) so every decision can name them.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol, TypeVar, runtime_checkable


class Status(StrEnum):
    OK = "ok"
    ERROR = "error"
    TIMEOUT = "timeout"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a finding was made: a matched term and where, a box, a distance, a score source."""

    kind: str
    value: str
    span: tuple[int, int] | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "value": self.value}
        if self.span is not None:
            out["span"] = list(self.span)
        if self.detail:
            out["detail"] = dict(self.detail)
        return out


@dataclass(frozen=True, slots=True)
class Finding:
    """One typed observation. ``label`` comes from a detector's documented label set."""

    label: str
    score: float
    evidence: tuple[Evidence, ...] = ()

    def __post_init__(self) -> None:
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"finding score must be in [0, 1], got {self.score!r} for {self.label!r}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "score": round(self.score, 4),
            "evidence": [e.to_dict() for e in self.evidence],
        }


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """Which weights decided: enough to reproduce or audit a decision later."""

    name: str
    package: str
    version: str
    file: str | None = None
    sha256: str | None = None
    licence: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "package": self.package,
            "version": self.version,
            "file": self.file,
            "sha256": self.sha256,
            "licence": self.licence,
        }


@dataclass(frozen=True, slots=True)
class DetectorResult:
    """The output of one detector run. ``data`` holds structured payloads (e.g. a concept analysis)."""

    detector: str
    version: str
    status: Status
    findings: tuple[Finding, ...] = ()
    latency_ms: float = 0.0
    error: str | None = None
    models: tuple[ModelInfo, ...] = ()
    data: Mapping[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status is Status.OK

    def score(self, label: str) -> float | None:
        """Highest score of findings with ``label``; None when absent (not zero: absence is not a score)."""
        scores = [f.score for f in self.findings if f.label == label]
        return max(scores) if scores else None

    def has(self, label: str) -> bool:
        return any(f.label == label for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "detector": self.detector,
            "version": self.version,
            "status": self.status.value,
            "findings": [f.to_dict() for f in self.findings],
            "latency_ms": round(self.latency_ms, 3),
            "error": self.error,
            "models": [m.to_dict() for m in self.models],
        }


@runtime_checkable
class Backend(Protocol):
    """A model runtime. Constructing one is cheap; ``load`` reads the weights."""

    def load(self) -> None: ...

    @property
    def loaded(self) -> bool: ...

    def model_info(self) -> tuple[ModelInfo, ...]: ...


InputT = TypeVar("InputT", contravariant=True)


class Detector(Protocol[InputT]):
    """Turns one input into a ``DetectorResult``. Must not raise for bad model behaviour: report it."""

    name: str
    version: str

    def load(self) -> None: ...

    def detect(self, item: InputT) -> DetectorResult: ...


@contextmanager
def timed() -> Iterator[Callable[[], float]]:
    """Context manager yielding a function that returns elapsed milliseconds."""
    start = time.perf_counter()
    yield lambda: (time.perf_counter() - start) * 1000.0


def run_detector(
    name: str,
    version: str,
    fn: Callable[[], tuple[tuple[Finding, ...], Mapping[str, Any]]],
    models: tuple[ModelInfo, ...] = (),
) -> DetectorResult:
    """Run ``fn`` and wrap its findings; any exception becomes an ``error`` result (kept as data)."""
    start = time.perf_counter()
    try:
        findings, data = fn()
    except Exception as exc:
        return DetectorResult(
            detector=name,
            version=version,
            status=Status.ERROR,
            latency_ms=(time.perf_counter() - start) * 1000.0,
            error=f"{type(exc).__name__}: {exc}",
            models=models,
        )
    return DetectorResult(
        detector=name,
        version=version,
        status=Status.OK,
        findings=findings,
        latency_ms=(time.perf_counter() - start) * 1000.0,
        models=models,
        data=data,
    )


def file_sha256(path: Path, chunk: int = 1 << 20) -> str:
    """Hex SHA-256 of a file, read in chunks (used to pin model weights in decisions)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


class ScriptedBackendError(AssertionError):
    """A fake backend was asked something it was not scripted for (tests must fail loudly)."""
