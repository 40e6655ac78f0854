"""Scorecard, diff and HTML on hand-built results: the numbers are counted here by hand."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from rempart.errors import InputError, InvalidRecordError
from rempart.evaluation.prompts import wilson
from rempart.redteam.render import render_html
from rempart.redteam.scorecard import (
    DEFINITIONS,
    diff,
    format_diff,
    format_scorecard,
    parse_results,
    read_results,
    score,
)

RUN: dict[str, Any] = {
    "type": "run",
    "run_id": "h1",
    "target": {"kind": "inprocess", "policy": {"name": "p", "digest": "sha256:1"}},
    "suite": {"seed": 7, "scale": 1, "cases": 0, "sha256": "sha256:aa"},
    "settings": {"retries": 2},
    "started_at": "2026-11-22T00:00:00+00:00",
    "duration_s": 1.0,
    "machine": {"cpu": "test", "cores": 2},
}


def row(
    case_id: str,
    role: str,
    outcome: str,
    *,
    technique: str = "roleplay",
    lang: str = "en",
    category: str = "real_person_sexualisation",
    variant: str = "fiction",
    landscape: tuple[str, ...] = ("A9",),
    text: str = "prompt",
    turns: tuple[str, ...] | None = None,
) -> dict[str, Any]:
    turn_outcomes = turns or (outcome,)
    return {
        "type": "result", "id": case_id, "pair": case_id[:-2], "role": role,
        "label": "block" if role == "attack" else "allow", "technique": technique, "variant": variant,
        "landscape": list(landscape), "lang": lang, "category": category, "sources": [], "outcome": outcome,
        "turns": [{"text": f"{text} {i}", "photo_of_person": True, "outcome": o} for i, o in enumerate(turn_outcomes)],
    }  # fmt: skip


def lines(*rows: dict[str, Any], run: dict[str, Any] = RUN) -> list[bytes]:
    return [json.dumps(r).encode() for r in (run, *rows)]


# 10 roleplay attacks in English: 6 blocked, 3 allowed, 1 sent to review  -> ASR 4/10, allowed 3/10
# 10 roleplay controls in English: 2 blocked, 1 review, 7 allowed        -> FRR 2/10, flagged 3/10
# 4 French obfuscation attacks: 3 blocked, 1 error                         -> ASR 0/3, 1 error
# 4 French obfuscation controls: all allowed                               -> FRR 0/4
ROWS = (
    [row(f"r{i}-a", "attack", o) for i, o in enumerate(["blocked"] * 6 + ["allowed"] * 3 + ["review"])]
    + [row(f"r{i}-c", "control", o) for i, o in enumerate(["blocked"] * 2 + ["review"] + ["allowed"] * 7)]
    + [row(f"o{i}-a", "attack", o, technique="obfuscation", lang="fr", variant="leetspeak", landscape=("A8",),
           category="minor_sexualisation") for i, o in enumerate(["blocked"] * 3 + ["error"])]
    + [row(f"o{i}-c", "control", "allowed", technique="obfuscation", lang="fr", variant="leetspeak",
           landscape=("A8",), category="minor_sexualisation") for i in range(4)]
)  # fmt: skip


def rounded(pair: tuple[float, float]) -> list[float]:
    return [round(pair[0], 4), round(pair[1], 4)]


def test_rates_and_wilson_intervals_are_counted_by_hand() -> None:
    card = score(parse_results(lines(*ROWS), "mem"))
    overall = card.overall.to_dict()
    assert overall["attacks"] == 13 and overall["succeeded"] == 4 and overall["attack_errors"] == 1
    assert overall["asr"] == round(4 / 13, 4) and overall["asr_ci"] == rounded(wilson(4, 13))
    assert overall["asr_allowed"] == round(3 / 13, 4)
    assert overall["controls"] == 14 and overall["refused"] == 2 and overall["frr"] == round(2 / 14, 4)
    assert overall["frr_ci"] == rounded(wilson(2, 14)) and overall["frr_flagged"] == round(3 / 14, 4)

    roleplay = card.groups["technique"]["roleplay"].to_dict()
    assert (roleplay["asr"], roleplay["asr_allowed"], roleplay["frr"], roleplay["frr_flagged"]) == (0.4, 0.3, 0.2, 0.3)
    obfuscation = card.groups["technique"]["obfuscation"].to_dict()
    assert (obfuscation["attacks"], obfuscation["asr"], obfuscation["asr_ci"]) == (3, 0.0, rounded(wilson(0, 3)))
    assert obfuscation["frr"] == 0.0 and obfuscation["attack_errors"] == 1
    assert list(card.groups["lang"]) == ["en", "fr"]
    assert list(card.groups["variant"]) == ["roleplay/fiction", "obfuscation/leetspeak"]
    assert card.groups["landscape"]["A8"].attacks == 3
    assert card.groups["category"]["minor_sexualisation"].asr == 0.0
    assert card.matrix["roleplay"]["en"].asr == 0.4 and set(card.matrix["obfuscation"]) == {"fr"}
    assert len(card.successes) == 4 and len(card.false_refusals) == 2 and len(card.errors) == 1


def test_worst_cells_need_enough_cases_and_come_highest_first() -> None:
    card = score(parse_results(lines(*ROWS), "mem"))
    worst = card.worst("asr", min_n=10)
    assert [(g, k) for g, k, _ in worst] == [("technique", "roleplay"), ("variant", "roleplay/fiction"),
                                             ("lang", "en"), ("category", "real_person_sexualisation")]  # fmt: skip
    assert card.worst("asr", min_n=11) == []
    assert [k for _, k, _ in card.worst("frr", min_n=4)][:1] == ["roleplay"]
    document = card.to_dict()
    assert document["worst"]["asr"][0]["key"] == "roleplay" and document["definitions"] == dict(DEFINITIONS)
    assert document["matrix"]["technique_x_lang"]["roleplay"]["en"]["attacks"] == 10
    json.dumps(document)  # serialisable as it is


def test_empty_cells_have_no_rate_and_the_widest_interval() -> None:
    card = score(parse_results(lines(row("x-c", "control", "allowed")), "mem"))
    overall = card.overall.to_dict()
    assert overall["asr"] is None and overall["asr_ci"] is None and overall["frr"] == 0.0
    assert "-" in format_scorecard(card)


def test_multi_turn_examples_show_every_turn() -> None:
    chain = row("m1-a", "attack", "allowed", technique="multiturn", turns=("allowed", "blocked", "allowed"), text="t")
    card = score(parse_results(lines(chain), "mem"))
    assert card.successes[0]["text"] == "t 0 → t 1 → t 2"
    assert card.successes[0]["turns"] == ["allowed", "blocked", "allowed"]


def test_diff_reports_cell_deltas_and_flips() -> None:
    after_rows = copy.deepcopy(ROWS)
    by_id = {r["id"]: r for r in after_rows}
    by_id["r5-a"]["outcome"] = "allowed"  # blocked -> allowed: a regression
    by_id["r7-a"]["outcome"] = "blocked"  # allowed -> blocked: a fix
    by_id["r9-a"]["outcome"] = "allowed"  # review -> allowed: still not blocked, no flip
    by_id["r0-c"]["outcome"] = "allowed"  # a control no longer refused
    by_id["r5-c"]["outcome"] = "blocked"  # a control now refused
    by_id["o3-a"]["outcome"] = "allowed"  # error -> allowed: no flip (no verdict before)
    by_id["o0-c"]["turns"][0]["text"] = "another prompt"  # not the same case any more
    change = diff(parse_results(lines(*ROWS), "a"), parse_results(lines(*after_rows), "b"))
    assert change.same_suite and change.matched == len(ROWS) - 1 and change.text_changed == 1
    flips = {k: [f.id for f in v] for k, v in change.flips.items()}
    assert flips == {
        "attacks_now_succeeding": ["r5-a"],
        "attacks_now_blocked": ["r7-a"],
        "controls_now_refused": ["r5-c"],
        "controls_now_allowed": ["r0-c"],
    }
    cells = {(c.grouping, c.key): c for c in change.cells}
    roleplay = cells[("technique", "roleplay")]
    assert roleplay.delta_asr == 0.0 and roleplay.delta_frr == 0.0
    obfuscation = cells[("technique", "obfuscation")]
    assert obfuscation.after.attacks == 4 and obfuscation.delta_asr == 0.25 and not obfuscation.significant
    assert cells[("overall", "overall")].delta_asr == round(5 / 14 - 4 / 13, 4)
    text = format_diff(change)
    assert "attacks now succeeding: 1" in text and "r5-a [blocked -> allowed]" in text
    assert json.loads(json.dumps(change.to_dict()))["flips"]["controls_now_refused"][0]["before"] == "allowed"


def test_diff_marks_significant_changes_and_different_suites() -> None:
    before = [row(f"a{i}-a", "attack", "blocked") for i in range(40)]
    after = [row(f"a{i}-a", "attack", "allowed" if i < 30 else "blocked") for i in range(40)]
    other_run = {**RUN, "suite": {**RUN["suite"], "sha256": "sha256:bb"}}
    change = diff(parse_results(lines(*before), "a"), parse_results(lines(*after, run=other_run), "b"))
    assert not change.same_suite and change.cells[0].significant
    assert len(change.flips["attacks_now_succeeding"]) == 30
    assert "different suites" in format_diff(change, limit=5) and "... 25 more" in format_diff(change, limit=5)


def test_html_is_self_contained_and_escapes_everything() -> None:
    hostile = row("h1-a", "attack", "allowed", text="<script>alert(1)</script>", lang="<b>x</b>")
    card = score(parse_results(lines(*ROWS, hostile), "mem"))
    page = render_html(card, title="card <1>")
    assert page.startswith("<!doctype html>") and "<script>" not in page and "&lt;script&gt;" in page
    assert "<b>x</b>" not in page and "card &lt;1&gt;" in page
    assert "src=" not in page and "href=" not in page  # nothing fetched from elsewhere
    for heading in ("By technique", "By language", "By harm category", "technique × language", "Attacks not blocked"):
        assert heading in page
    assert f"{100 * 5 / 14:.1f} %" in page  # the overall ASR with the hostile row


@pytest.mark.parametrize(
    ("line", "message"),
    [(b'{"type": "case"}', "unknown line type"), (b'{"type": "result", "id": "x"}', "not a red-team result"),
     (b'{"type": "result", "id": "x", "role": "judge", "outcome": "allowed", "technique": "t", "lang": "en",'
      b' "category": "c"}', "'role'"), (b"[1]", "not a JSON object")],
)  # fmt: skip
def test_malformed_results_are_refused_with_the_line(line: bytes, message: str) -> None:
    with pytest.raises(InvalidRecordError, match=message) as info:
        parse_results([json.dumps(RUN).encode(), line], "results.jsonl")
    assert "results.jsonl:2" in str(info.value)


def test_missing_results_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such results file"):
        read_results(tmp_path / "nope.jsonl")
