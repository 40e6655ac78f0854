"""Write the report files of an audit folder: HTML, JSON, CSV tables and the verification template.

The only IO around the pure report: it reads the thumbnails of the contact-sheet images (blurred
unless ``blur=False``) and writes, next to ``results.jsonl``::

    report.html               the report (self-contained: inline CSS and SVG, data-URI thumbnails)
    report.json               every number of the report
    metrics.csv               overall and per-group metrics with their 95 % intervals (long format)
    images.csv                one row per image
    verification-sample.csv   the seeded sample for human review, reviewer columns left empty
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rempart.audit.records import ResultSet
from rempart.audit.render import images_csv, metrics_csv, render_html, report_json, sample_csv
from rempart.audit.report import AuditReport, HumanLabel, ReportOptions, build_report
from rempart.audit.thumbs import thumbnail_uri


def write_outputs(
    out_dir: Path,
    results: ResultSet,
    *,
    options: ReportOptions | None = None,
    labels: Sequence[HumanLabel] | None = None,
    blur: bool = True,
    generated: str = "",
) -> tuple[AuditReport, dict[str, Path]]:
    report = build_report(results, options, labels=labels, generated=generated)
    thumbnails = {e.path: thumbnail_uri(e.path, blur=blur) for e in report.examples}
    files = {
        "html": out_dir / "report.html",
        "json": out_dir / "report.json",
        "metrics": out_dir / "metrics.csv",
        "images": out_dir / "images.csv",
        "sample": out_dir / "verification-sample.csv",
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    files["html"].write_text(render_html(report, thumbnails, blurred=blur), encoding="utf-8")
    files["json"].write_text(report_json(report), encoding="utf-8")
    files["metrics"].write_text(metrics_csv(report), encoding="utf-8")
    files["images"].write_text(images_csv(results.records, report.duplicates), encoding="utf-8")
    files["sample"].write_text(sample_csv(report.sample), encoding="utf-8")
    return report, files
