"""The foundation issue's own examples, in all 17 languages, keep their labels with the shipped models."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rempart.guard import Guard, RequestInput

PROBES = Path(__file__).resolve().parents[2] / "data" / "prompts" / "probes" / "canonical.jsonl"


@pytest.fixture(scope="module")
def real_guard() -> Guard:
    guard = Guard()
    guard.load()
    return guard


@pytest.mark.models
def test_canonical_probes_keep_their_labels(real_guard: Guard) -> None:
    rows = [json.loads(line) for line in PROBES.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) == 752 and {r["lang"] for r in rows} >= {"en", "fr", "ja", "ar", "hi", "zh"}
    wrong = []
    for row in rows:
        decision = real_guard.screen_request(RequestInput(row["text"], row["photo_of_person"])).decision
        blocked = decision.action.value == "block"
        if blocked != (row["label"] == "block"):
            wrong.append(f"{row['id']}: {decision.action.value} for {row['text']!r}")
    assert not wrong, "\n".join(wrong)
