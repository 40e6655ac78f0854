"""The HTML, JSON and CSV outputs: self-contained, escaped, blurred by default."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser

import numpy as np

from conftest import drawing
from rempart.audit.records import FaceRecord, ImageRecord, ResultSet
from rempart.audit.render import images_csv, metrics_csv, render_html, report_json, sample_csv
from rempart.audit.report import ReportOptions, build_report
from rempart.audit.thumbs import data_uri, thumbnail_pixels

HOSTILE = '/c/<script>alert("x")</script>.jpg'


def _records() -> ResultSet:
    face = FaceRecord((0, 0, 50, 50), 0.9, 30.0, 24.0, 36.0, "female")
    recs = [
        ImageRecord(f"/c/img{i}.jpg", f"{i:064x}", "ok", meta={"date": f"2026-01-0{1 + i % 3}", "author": "<b>bob</b>"},
                    faces=(face,), persons=1, exposure=2 if i % 2 else 0, pdq=f"{i * 7919:064x}", pdq_quality=80)
        for i in range(12)
    ]  # fmt: skip
    recs.append(ImageRecord(HOSTILE, "f" * 64, "ok", faces=(face,), persons=1, exposure=3, meta={"author": "eve"}))
    recs.append(ImageRecord("/c/broken.jpg", None, "error", error_code="invalid_image", error_message="bad"))
    return ResultSet(tuple(recs))


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend((tag, k, v) for k, v in attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(page: str) -> _Collector:
    parser = _Collector()
    parser.feed(page)
    return parser


def test_html_is_self_contained_and_escaped() -> None:
    results = _records()
    report = build_report(results, ReportOptions(examples=4), generated="2026-01-10T00:00:00+00:00")
    thumbs = {e.path: data_uri(thumbnail_pixels(drawing(1))) for e in report.examples}
    page = render_html(report, thumbs)
    parsed = _parse(page)
    assert "script" not in parsed.tags and "link" not in parsed.tags and "iframe" not in parsed.tags
    urls = [v for tag, k, v in parsed.attrs if k in ("src", "href", "xlink:href") and v]
    assert urls and all(v.startswith("data:image/jpeg;base64,") for v in urls)
    assert not re.search(r"url\(|@import", page)
    csp = [v for tag, k, v in parsed.attrs if tag == "meta" and k == "content" and v and "default-src" in v]
    assert csp == ["default-src 'none'; img-src data:; style-src 'unsafe-inline'"]
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert "<b>bob</b>" not in page and "&lt;b&gt;bob&lt;/b&gt;" in page
    for section in ("headline", "distributions", "breakdowns", "duplicates", "contact-sheet", "sample", "method"):
        assert f"id='{section}'" in page
    assert parsed.tags.count("svg") >= 6 and parsed.tags.count("img") == 4
    assert "blurred on purpose" in page and "UNBLURRED" not in page
    text = " ".join(parsed.text)
    assert "People at exposure ≥ 2" in text and "95 %" in text
    assert "UNBLURRED" in render_html(report, thumbs, blurred=False)


def test_missing_thumbnails_and_empty_corpus() -> None:
    report = build_report(_records(), ReportOptions(examples=3))
    page = render_html(report, {})
    assert page.count("not shown") == 3
    empty = build_report(ResultSet(()))
    page = render_html(empty, {})
    assert "no data (n = 0)" in page and "no contact sheet" in page
    assert json.loads(report_json(empty))["metrics"]["people_exposed"]["share"] is None


def test_json_and_csv_outputs() -> None:
    results = _records()
    report = build_report(results, ReportOptions(sample_size=6, seed=4))
    data = json.loads(report_json(report))
    assert data["metrics"]["people_exposed"] == report.metrics["people_exposed"].to_dict()
    assert {b["field"] for b in data["breakdowns"]} == {"date (day)", "author"}
    rows = list(csv.DictReader(io.StringIO(metrics_csv(report))))
    overall = [r for r in rows if r["scope"] == "overall"]
    assert {r["metric"] for r in overall} >= {"people_exposed", "women_among_exposed", "duplicates"}
    day_rows = [r for r in rows if r["field"] == "date (day)" and r["metric"] == "people_exposed"]
    assert [r["value"] for r in day_rows] == ["2026-01-01", "2026-01-02", "2026-01-03", "(unknown)"]
    images = list(csv.DictReader(io.StringIO(images_csv(results.records, report.duplicates))))
    assert len(images) == 14 and "meta.author" in images[0] and images[-1]["status"] == "error"
    sample = list(csv.DictReader(io.StringIO(sample_csv(report.sample))))
    assert len(sample) == 6
    assert all(r["people"] == "" and r["minor"] == "" for r in sample)  # reviewers are not shown the machine's answer
    assert {"exposed", "other"} == {r["stratum"] for r in sample}


def _detail(pixels: np.ndarray) -> float:
    """Mean absolute Laplacian: edges and texture (a smooth colour ramp scores ~0)."""
    g = pixels.astype(np.float64).mean(axis=2)
    return float(np.abs(4 * g[1:-1, 1:-1] - g[:-2, 1:-1] - g[2:, 1:-1] - g[1:-1, :-2] - g[1:-1, 2:]).mean())


def test_thumbnails_are_blurred_beyond_recognition_by_default() -> None:
    rng = np.random.default_rng(0)
    detailed = drawing(3, 640, 480)
    detailed[::4] = rng.integers(0, 256, size=detailed[::4].shape, dtype=np.uint8)  # fine texture
    sharp = np.asarray(thumbnail_pixels(detailed, blur=False))
    blurred = np.asarray(thumbnail_pixels(detailed))
    assert sharp.shape == blurred.shape and max(sharp.shape[:2]) == 160
    assert _detail(sharp) > 10
    assert _detail(blurred) < 1.0  # what is left is the rounding of a smooth blur: no edge, no texture
    assert _detail(np.asarray(thumbnail_pixels(drawing(4, 1024, 768)))) < 1.0
