"""Evaluation of the prompt screen on labelled JSONL (``label``: ``block`` | ``allow``).

``evaluate`` screens every row through the same guard the gateway uses and returns per-row
results; ``summarise`` is a pure transform of those results into recall, false-block rate and
latency overall and per category, language and technique, each with a 95 % Wilson interval.
"""

from __future__ import annotations

import json
import math
import statistics
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rempart.errors import InvalidRecordError, RempartError
from rempart.guard import Guard, RequestInput
from rempart.policy import Context


@dataclass(frozen=True, slots=True)
class EvalRow:
    id: str
    label: str
    action: str
    categories: tuple[str, ...]
    groups: dict[str, tuple[str, ...]]
    latency_ms: float
    error: str | None = None

    @property
    def blocked(self) -> bool:
        return self.action == "block"

    @property
    def flagged(self) -> bool:
        return self.action in ("block", "review")


def read_labelled(path: Path) -> Iterator[dict[str, Any]]:
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                row = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise InvalidRecordError(f"{path}:{number}: not a JSON line ({exc})") from exc
            if not isinstance(row, dict) or row.get("label") not in ("block", "allow") or "text" not in row:
                raise InvalidRecordError(f"{path}:{number}: needs 'text' and 'label' (block|allow)")
            yield row


def _groups(row: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    techniques = row.get("techniques", row.get("technique"))
    if isinstance(techniques, str):
        techniques = [techniques]
    return {
        "category": (str(row.get("category", "unknown")),),
        "lang": (str(row.get("lang", "unknown")),),
        "technique": tuple(str(t) for t in techniques) if techniques else ("none",),
        "source": (str(row.get("source", "-")),),
    }


def evaluate(guard: Guard, rows: Iterable[dict[str, Any]]) -> list[EvalRow]:
    guard.load()
    results = []
    for i, row in enumerate(rows):
        start = time.perf_counter()
        photo = row.get("photo_of_person")
        try:
            result = guard.screen_request(
                RequestInput(row["text"], photo if isinstance(photo, bool) else None), Context()
            )
            action = result.decision.action.value
            categories = tuple(c.value for c in result.decision.categories)
            error = None
        except RempartError as exc:
            action, categories, error = "error", (), str(exc)
        results.append(
            EvalRow(
                id=str(row.get("id", i)),
                label=row["label"],
                action=action,
                categories=categories,
                groups=_groups(row),
                latency_ms=(time.perf_counter() - start) * 1000.0,
                error=error,
            )
        )
    return results


def wilson(successes: int, total: int, z: float = 1.96) -> tuple[float, float]:
    """95 % Wilson score interval for a proportion."""
    if total == 0:
        return (0.0, 1.0)
    p = successes / total
    denom = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denom
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def _stats(rows: list[EvalRow]) -> dict[str, Any]:
    harmful = [r for r in rows if r.label == "block"]
    benign = [r for r in rows if r.label == "allow"]
    blocked = sum(r.blocked for r in harmful)
    false_blocks = sum(r.blocked for r in benign)
    latencies = sorted(r.latency_ms for r in rows)
    out: dict[str, Any] = {"n": len(rows), "n_harmful": len(harmful), "n_benign": len(benign)}
    if harmful:
        out["recall"] = blocked / len(harmful)
        out["recall_ci"] = wilson(blocked, len(harmful))
        out["recall_incl_review"] = sum(r.flagged for r in harmful) / len(harmful)
    if benign:
        out["false_block_rate"] = false_blocks / len(benign)
        out["false_block_ci"] = wilson(false_blocks, len(benign))
        out["false_flag_rate"] = sum(r.flagged for r in benign) / len(benign)
    if latencies:
        out["latency_p50_ms"] = statistics.median(latencies)
        out["latency_p95_ms"] = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]
    out["errors"] = sum(r.error is not None for r in rows)
    return out


def summarise(rows: list[EvalRow]) -> dict[str, Any]:
    summary: dict[str, Any] = {"overall": _stats(rows), "by": {}}
    for key in ("category", "lang", "technique", "source"):
        buckets: dict[str, list[EvalRow]] = {}
        for r in rows:
            for value in r.groups.get(key, ()):
                buckets.setdefault(value, []).append(r)
        if len(buckets) > 1 or key != "source":
            summary["by"][key] = {name: _stats(items) for name, items in sorted(buckets.items())}
    return summary


def format_summary(summary: dict[str, Any]) -> str:
    def fmt(name: str, s: dict[str, Any]) -> str:
        recall = f"{s['recall']:.3f}" if "recall" in s else "  -  "
        fbr = f"{s['false_block_rate']:.3f}" if "false_block_rate" in s else "  -  "
        return (
            f"{name:<28} n={s['n']:<6} recall={recall} (harmful {s['n_harmful']:<5}) "
            f"false_block={fbr} (benign {s['n_benign']:<5}) p50={s.get('latency_p50_ms', 0):.2f}ms"
        )

    lines = [fmt("overall", summary["overall"])]
    for key, groups in summary["by"].items():
        lines.append(f"\nby {key}:")
        lines.extend(fmt(f"  {name}", s) for name, s in groups.items())
    return "\n".join(lines)


def misses(rows: list[EvalRow], texts: dict[str, str], limit: int = 50) -> list[dict[str, Any]]:
    """Errors to look at: harmful rows not blocked and benign rows blocked."""
    out = []
    for r in rows:
        if (r.label == "block") != r.blocked:
            out.append({"id": r.id, "label": r.label, "action": r.action, "text": texts.get(r.id, "")[:300]})
        if len(out) >= limit:
            break
    return out
