"""Proportions with 95 % Wilson intervals, Cohen's kappa, and agreement between the audit and human labels.

All pure. ``Proportion`` reuses ``rempart.evaluation.prompts.wilson``. ``agreement`` compares, field by
field, the machine's answer on each verified image with the human's, over the images where both gave
one: counts, accuracy with its Wilson interval, Cohen's kappa (chance-corrected; None when it is
undefined because both raters used a single class) and the confusion table.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rempart.evaluation.prompts import wilson


@dataclass(frozen=True, slots=True)
class Proportion:
    """``successes`` out of ``total``; ``share`` is None for an empty denominator."""

    successes: int
    total: int

    def __post_init__(self) -> None:
        if self.total < 0 or not 0 <= self.successes <= max(self.total, 0):
            raise ValueError(f"invalid proportion {self.successes}/{self.total}")

    @property
    def share(self) -> float | None:
        return self.successes / self.total if self.total else None

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson(self.successes, self.total) if self.total else None

    def to_dict(self) -> dict[str, Any]:
        low, high = self.interval or (None, None)
        return {
            "k": self.successes,
            "n": self.total,
            "share": None if self.share is None else round(self.share, 6),
            "ci_low": None if low is None else round(low, 6),
            "ci_high": None if high is None else round(high, 6),
        }


def cohen_kappa(pairs: Sequence[tuple[Hashable, Hashable]]) -> float | None:
    """Cohen's kappa of (machine, human) label pairs; None when undefined (no pairs, or p_e == 1)."""
    n = len(pairs)
    if n == 0:
        return None
    observed = sum(a == b for a, b in pairs) / n
    left = Counter(a for a, _ in pairs)
    right = Counter(b for _, b in pairs)
    expected = sum(left[c] * right.get(c, 0) for c in left) / (n * n)
    if expected >= 1.0:
        return None
    return (observed - expected) / (1.0 - expected)


@dataclass(frozen=True, slots=True)
class FieldAgreement:
    """Agreement on one field over the images both the machine and the human labelled."""

    name: str
    pairs: int
    accuracy: Proportion
    kappa: float | None
    confusion: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    """machine label -> human label -> count."""
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "field": self.name,
            "pairs": self.pairs,
            "accuracy": self.accuracy.to_dict(),
            "kappa": None if self.kappa is None else round(self.kappa, 4),
            "confusion": {k: dict(v) for k, v in self.confusion.items()},
            "note": self.note,
        }


def field_agreement(name: str, pairs: Sequence[tuple[str, str]], note: str = "") -> FieldAgreement:
    confusion: dict[str, dict[str, int]] = {}
    for machine, human in pairs:
        row = confusion.setdefault(machine, {})
        row[human] = row.get(human, 0) + 1
    return FieldAgreement(
        name=name,
        pairs=len(pairs),
        accuracy=Proportion(sum(a == b for a, b in pairs), len(pairs)),
        kappa=cohen_kappa(pairs),
        confusion=confusion,
        note=note,
    )
