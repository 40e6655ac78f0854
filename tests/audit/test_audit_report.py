"""The pure report: denominators, breakdowns, the seeded sample and contact sheet, agreement with humans."""

from __future__ import annotations

from rempart.audit.records import FaceRecord, ImageRecord, ResultSet
from rempart.audit.report import HumanLabel, ReportOptions, agreement, build_report, day_of, draw_sample


def _face(age: float | None, presentation: str = "female") -> FaceRecord:
    return FaceRecord((0, 0, 50, 50), 0.9, age, None if age is None else age - 6, None if age is None else age + 6,
                      presentation)  # fmt: skip


def _rec(i: int, *, exposure: int | None = 0, faces: tuple[FaceRecord, ...] = (), **meta: str) -> ImageRecord:
    return ImageRecord(
        f"/c/img{i:03d}.jpg", f"{i:064x}", "ok", meta=meta, faces=faces, persons=len(faces), exposure=exposure
    )


def test_day_of() -> None:
    assert day_of("2026-01-02") == "2026-01-02"
    assert day_of("2026-01-02T23:30:00-05:00") == "2026-01-03"  # days are UTC
    assert day_of("2026-01-02T10:00:00Z") == "2026-01-02"
    assert day_of("2026-01-02 10:00:00") == "2026-01-02"
    assert day_of("1767312000") == "2026-01-02"
    assert day_of("1767312000000") == "2026-01-02"  # milliseconds
    assert day_of("yesterday") is None and day_of("") is None and day_of("-5") is None


def test_denominators_leave_out_unknowns() -> None:
    records = (
        _rec(1, exposure=2, faces=(_face(30),)),  # exposed woman adult
        _rec(2, exposure=3, faces=(_face(15),)),  # exposed apparent minor
        _rec(3, exposure=2, faces=(_face(None, "unknown"),)),  # exposed, presentation and age unknown
        _rec(4, exposure=2),  # level 2 without people: not counted as people exposed
        _rec(5, exposure=None, faces=(_face(30),)),  # exposure unknown: out of the denominator
        _rec(6, exposure=0, faces=(_face(22, "male"),)),
        ImageRecord("/c/bad.jpg", None, "error", error_code="invalid_image"),
    )
    report = build_report(ResultSet(records))
    m = report.metrics
    assert (m["people_exposed"].successes, m["people_exposed"].total) == (3, 5)
    assert (m["women_among_exposed"].successes, m["women_among_exposed"].total) == (2, 2)
    assert (m["apparent_minor_among_exposed"].successes, m["apparent_minor_among_exposed"].total) == (1, 2)
    assert (m["people"].successes, m["people"].total) == (5, 6)
    assert report.totals["errors"] == 1 and report.totals["exposure_unknown"] == 1
    assert report.totals["exposed_faces_unknown_age"] == 1
    assert report.errors == {"invalid_image": 1}
    assert report.distributions["exposure_level"] == {"(unknown)": 1, "0": 1, "2": 3, "3": 1}


def test_breakdowns_by_day_and_auto_fields_with_folding() -> None:
    records = tuple(
        _rec(i, exposure=2 if i % 3 == 0 else 0, faces=(_face(30),),
             date=f"2026-01-0{1 + i % 3}T12:00:00Z" if i != 7 else "n/a",
             author=f"user{i % 4}", post_id=f"p{i}", kind="photo" if i % 2 else "drawing")
        for i in range(40)
    )  # fmt: skip
    report = build_report(ResultSet(records), ReportOptions(max_groups=3))
    fields = [b.field for b in report.breakdowns]
    assert fields == ["date (day)", "author", "kind"]  # post_id has 40 values: left out automatically
    days = report.breakdowns[0]
    assert days.is_date and [g.value for g in days.groups] == ["2026-01-01", "2026-01-02", "2026-01-03", "(unknown)"]
    assert sum(g.n for g in days.groups) == 40
    authors = report.breakdowns[1]
    assert [g.value for g in authors.groups][-1] == "(other)" and authors.folded == 1
    assert sum(g.n for g in authors.groups) == 40
    chosen = build_report(ResultSet(records), ReportOptions(breakdown_fields=("post_id",), date_field="none"))
    assert [b.field for b in chosen.breakdowns] == ["none (day)", "post_id"]


def test_sample_is_seeded_and_stratified() -> None:
    records = tuple(_rec(i, exposure=2 if i < 30 else 0, faces=(_face(30),)) for i in range(200))
    a = draw_sample(records, 40, seed=1)
    assert a == draw_sample(tuple(reversed(records)), 40, seed=1)  # independent of record order
    assert a != draw_sample(records, 40, seed=2)
    strata = {s: [r for r in a if r.stratum == s] for s in ("exposed", "other")}
    assert len(strata["exposed"]) == 20 and len(strata["other"]) == 20
    assert strata["exposed"][0].weight == 30 / 20 and strata["other"][0].weight == 170 / 20
    small = draw_sample(records[25:40], 40, seed=0)  # 5 exposed, 10 other: all of them
    assert len(small) == 15


def test_contact_sheet_prefers_the_most_exposed() -> None:
    records = tuple(_rec(i, exposure=2 + i % 3, faces=(_face(30),)) for i in range(30))
    report = build_report(ResultSet(records), ReportOptions(examples=10, seed=3))
    assert [e.exposure for e in report.examples] == [4] * 10
    assert report.examples == build_report(ResultSet(records), ReportOptions(examples=10, seed=3)).examples


def test_agreement_with_human_labels() -> None:
    records = (
        _rec(1, exposure=2, faces=(_face(30),)),
        _rec(2, exposure=0, faces=(_face(40, "male"),)),
        _rec(3, exposure=3, faces=(_face(15),)),
        _rec(4, exposure=0),
    )
    labels = [
        HumanLabel(
            "/c/img001.jpg", None, {"people": "1", "exposure_level": "2", "presentation": "woman", "minor": "0"}
        ),
        HumanLabel(None, f"{2:064x}", {"people": "yes", "exposed": "no", "presentation": "male", "minor": "no"}),
        HumanLabel("/c/img003.jpg", None, {"people": "1", "exposure_level": "1", "minor": "1", "style": "photo"}),
        HumanLabel("/c/img004.jpg", None, {"people": "0", "exposure_level": "0"}),
        HumanLabel("/c/unknown.jpg", None, {"people": "1"}),
    ]
    by_name = {a.name: a for a in agreement(records, labels)}
    assert by_name["people"].pairs == 4 and by_name["people"].accuracy.successes == 4
    exposed = by_name["exposed"]
    assert exposed.pairs == 4 and exposed.accuracy.successes == 3  # img003: machine 3, human 1
    assert exposed.confusion == {"yes": {"yes": 1, "no": 1}, "no": {"no": 2}}
    assert exposed.kappa is not None and 0 < exposed.kappa < 1
    assert by_name["exposure_level"].pairs == 3
    assert by_name["presentation"].pairs == 2 and by_name["presentation"].accuracy.successes == 2
    assert by_name["minor"].accuracy.successes == 3 and by_name["minor"].pairs == 3
    assert by_name["style"].pairs == 1  # machine "unknown" style here: a disagreement
    report = build_report(ResultSet(records), labels=labels)
    assert report.agreement is not None and report.to_dict()["agreement"][0]["field"] == "people"
