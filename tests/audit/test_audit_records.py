"""Records and the results file: round trips, latest-wins folding, corrupt lines, metadata updates."""

from __future__ import annotations

import json

from rempart.audit.records import FaceRecord, ImageRecord, age_band, meta_line, parse_results


def _face(age: float | None, presentation: str = "female", margin: float = 6.0) -> FaceRecord:
    low = None if age is None else age - margin
    high = None if age is None else age + margin
    return FaceRecord((1, 2, 30, 30), 0.9, age, low, high, presentation, 0.9)


def test_age_bands() -> None:
    assert [age_band(a) for a in (None, 5, 13, 17.9, 18, 24.9, 30, 49, 50, 70)] == [
        "unknown", "under 13", "13-17", "13-17", "18-24", "18-24", "25-34", "35-49", "50-64", "65+",
    ]  # fmt: skip


def test_derived_flags() -> None:
    r = ImageRecord("p", "s", "ok", faces=(_face(30), _face(20, "male")), persons=2, exposure=2)
    assert r.has_people and r.exposed is True and r.presentation == "mixed"
    assert not r.apparent_minor and r.possible_minor  # 20 - 6 < 18: the conservative band flags it
    assert ImageRecord("p", "s", "ok", exposure=3).exposed is False  # no people: not "people at exposure >= 2"
    assert ImageRecord("p", "s", "ok", faces=(_face(30),), exposure=None).exposed is None
    unknown = ImageRecord("p", "s", "ok", faces=(_face(None),), exposure=2)
    assert not unknown.ages_known and unknown.unknown_age_faces == 1 and not unknown.possible_minor
    assert ImageRecord("p", "s", "ok", faces=(_face(16),)).apparent_minor


def test_round_trip() -> None:
    r = ImageRecord(
        "x/y.png", "ab" * 32, "ok", meta={"date": "2026-01-02"}, width=10, height=20, format="PNG",
        faces=(_face(33.33),), persons=1, exposure=2, nsfw=0.123456, pdq="0" * 64, pdq_quality=80, phash="f" * 16,
        style="photo", p_illustration=0.1, degraded=True, failed=("vision.nsfw",), latency_ms=12.345, worker="h:1",
    )  # fmt: skip
    back = ImageRecord.from_dict(json.loads(json.dumps(r.to_dict())))
    assert back.to_dict() == r.to_dict()
    assert back.faces[0].age == 33.3 and back.nsfw == 0.1235
    err = ImageRecord("z", None, "error", error_code="invalid_image", error_message="corrupt")
    assert ImageRecord.from_dict(err.to_dict()) == err


def test_parse_results_latest_wins_and_skips_corrupt_lines() -> None:
    first = ImageRecord("a", "s1", "error", error_code="invalid_image", error_message="x")
    second = ImageRecord("a", "s2", "ok", exposure=0)
    other = ImageRecord("b", "s3", "ok", meta={"k": "old"}, exposure=1)
    lines = [
        json.dumps({"type": "run", "started": "t0"}),
        json.dumps(first.to_dict()),
        json.dumps(other.to_dict()),
        '{"type": "image", "path": "c", "sta',  # a line cut by a kill
        "",
        json.dumps(second.to_dict()),
        json.dumps(meta_line("b", "s3", {"k": "new"})),
        json.dumps(meta_line("b", "stale-sha", {"k": "ignored"})),
        json.dumps({"type": "worker", "worker": "h:1", "models": []}),
        "[1, 2]",
    ]
    rs = parse_results(lines)
    assert [r.path for r in rs.records] == ["a", "b"]
    assert rs.records[0] == second
    assert rs.records[1].meta == {"k": "new"}
    assert rs.corrupt_lines == 2 and rs.superseded == 1
    assert len(rs.runs) == 1 and len(rs.workers) == 1
    assert [r.path for r in rs.analysed] == ["a", "b"] and rs.errors == ()
