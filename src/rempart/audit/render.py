"""The audit report as HTML (inline SVG charts, no script, nothing fetched), JSON and CSV: pure renderers.

``render_html(report, thumbnails, blurred=...)`` returns one self-contained page: the CSS is inline,
charts are inline SVG drawn here (bars for shares with their 95 % Wilson intervals as whiskers, bars
for counts), and thumbnails are ``data:`` URIs passed in by the caller. A Content-Security-Policy
meta tag (``default-src 'none'``) makes a browser refuse any external fetch should one slip in.
Every string from the corpus (paths, metadata) is HTML-escaped.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import Final

from rempart.audit.dedup import Duplicates
from rempart.audit.inputs import REVIEW_COLUMNS
from rempart.audit.records import ImageRecord
from rempart.audit.report import HEADLINE, OTHER_METRICS, AuditReport, Breakdown, SampleRow
from rempart.audit.stats import Proportion

CSP: Final = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
LABELS: Final[Mapping[str, str]] = {
    "people_exposed": "People at exposure ≥ 2",
    "women_among_exposed": "…of which presenting as women",
    "apparent_minor_among_exposed": "…of which apparent minors (estimate < 18)",
    "possible_minor_among_exposed": "…of which possible minors (band < 18)",
    "duplicates": "Duplicates and near-duplicates",
    "people": "Images showing people",
    "illustration": "Illustrations (heuristic)",
}
LEVEL_NAMES: Final[Mapping[str, str]] = {
    "0": "0 everyday",
    "1": "1 revealing",
    "2": "2 swimwear/underwear",
    "3": "3 partial nudity",
    "4": "4 explicit nudity",
    "5": "5 sexual activity",
}

_STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:1100px;color:#1d2330;
padding:0 1rem;line-height:1.45}
h1{margin-bottom:.2rem}h2{border-bottom:2px solid #d8dde6;padding-bottom:.2rem;margin-top:2.2rem}
table{border-collapse:collapse;margin:.6rem 0;font-size:.92rem}th,td{border:1px solid #d8dde6;padding:.25rem .5rem;
text-align:left;vertical-align:top}th{background:#f1f3f7}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}td:first-child{white-space:nowrap}
.note{color:#5a6272;font-size:.9rem}.warn{background:#fff4d6;border:1px solid #e6c35c;padding:.5rem .8rem}
.danger{background:#ffe1e1;border:1px solid #d66;padding:.5rem .8rem;font-weight:600}
.sheet{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:.8rem}
.sheet figure{margin:0;border:1px solid #d8dde6;padding:.3rem;background:#fafbfc}
.sheet img{width:100%;height:auto;display:block}.sheet figcaption{font-size:.78rem;word-break:break-all}
.missing{height:120px;background:#e8ebf0;display:flex;align-items:center;justify-content:center;color:#5a6272}
svg text{font-family:inherit}code{font-size:.85rem}
"""


def _pct(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{100.0 * value:.{digits}f} %"


def _ci(p: Proportion) -> str:
    interval = p.interval
    return "–" if interval is None else f"{_pct(interval[0])} – {_pct(interval[1])}"


def share_chart(rows: Sequence[tuple[str, Proportion]], *, title: str, width: int = 760) -> str:
    """Horizontal bars of shares (0-100 %) with the Wilson interval drawn as a whisker."""
    label_w, bar_w, row_h = 300, width - 300 - 130, 26
    height = row_h * len(rows) + 34
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in (0, 25, 50, 75, 100):
        x = label_w + bar_w * tick / 100
        parts.append(f'<line x1="{x:.1f}" y1="4" x2="{x:.1f}" y2="{height - 22}" stroke="#e3e6ec"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{height - 6}" font-size="11" text-anchor="middle" fill="#5a6272">{tick} %</text>'
        )
    for i, (label, p) in enumerate(rows):
        y = 6 + i * row_h
        parts.append(f'<text x="{label_w - 8}" y="{y + 15}" font-size="12" text-anchor="end">{escape(label)}</text>')
        share = p.share
        if share is None:
            parts.append(f'<text x="{label_w + 4}" y="{y + 15}" font-size="12" fill="#5a6272">no data (n = 0)</text>')
            continue
        parts.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{bar_w * share:.1f}" height="{row_h - 10}" fill="#4f7cc4">'
            f"<title>{escape(label)}: {_pct(share)} ({p.successes}/{p.total}), 95 % CI {_ci(p)}</title></rect>"
        )
        low, high = p.interval or (share, share)
        x0, x1, mid = label_w + bar_w * low, label_w + bar_w * high, y + row_h / 2 - 2
        parts.append(
            f'<line x1="{x0:.1f}" y1="{mid:.1f}" x2="{x1:.1f}" y2="{mid:.1f}" stroke="#1d2330" stroke-width="1.5"/>'
        )
        for x in (x0, x1):
            parts.append(f'<line x1="{x:.1f}" y1="{mid - 5:.1f}" x2="{x:.1f}" y2="{mid + 5:.1f}" stroke="#1d2330"/>')
        parts.append(
            f'<text x="{label_w + bar_w + 6}" y="{y + 15}" font-size="12">{_pct(share)} <tspan fill="#5a6272">'
            f"n={p.total}</tspan></text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def count_chart(rows: Sequence[tuple[str, int]], *, title: str, width: int = 760, colour: str = "#7a5fb0") -> str:
    """Horizontal bars of counts, scaled to the largest."""
    label_w, bar_w, row_h = 220, width - 220 - 80, 22
    height = row_h * max(1, len(rows)) + 8
    top = max((c for _, c in rows), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}"><title>{escape(title)}</title>'
    ]
    for i, (label, count) in enumerate(rows):
        y = 4 + i * row_h
        parts.append(f'<text x="{label_w - 8}" y="{y + 14}" font-size="12" text-anchor="end">{escape(label)}</text>')
        parts.append(
            f'<rect x="{label_w}" y="{y + 2}" width="{bar_w * count / top:.1f}" height="{row_h - 6}" fill="{colour}">'
            f"<title>{escape(label)}: {count}</title></rect>"
        )
        parts.append(f'<text x="{label_w + bar_w * count / top + 6:.1f}" y="{y + 14}" font-size="12">{count}</text>')
    parts.append("</svg>")
    return "".join(parts)


def date_chart(breakdown: Breakdown, *, width: int = 900, metric: str = "people_exposed") -> str:
    """Per day: a column for the number of images and a dot with whiskers for ``metric``'s share."""
    groups = [g for g in breakdown.groups]
    if not groups:
        return ""
    left, right, top_pad, plot_h = 50, 50, 10, 170
    step = (width - left - right) / len(groups)
    height = top_pad + plot_h + 70
    most = max(g.n for g in groups) or 1
    base = top_pad + plot_h
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="images and {metric} per day" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
        f"<title>Images per day (columns, left axis) and {escape(LABELS.get(metric, metric))} "
        "(dots with 95 % CI, right axis)</title>",
        f'<line x1="{left}" y1="{base}" x2="{width - right}" y2="{base}" stroke="#9aa3b2"/>',
        f'<text x="{left - 6}" y="{top_pad + 10}" font-size="11" text-anchor="end" fill="#7a5fb0">{most}</text>',
        f'<text x="{width - right + 6}" y="{top_pad + 10}" font-size="11" fill="#c2452d">100 %</text>',
        f'<text x="{width - right + 6}" y="{base}" font-size="11" fill="#c2452d">0 %</text>',
    ]
    label_every = max(1, len(groups) // 20)
    for i, g in enumerate(groups):
        x = left + i * step
        h = plot_h * g.n / most
        parts.append(
            f'<rect x="{x + step * 0.15:.1f}" y="{base - h:.1f}" width="{step * 0.7:.1f}" height="{h:.1f}" '
            f'fill="#cbbfe3"><title>{escape(g.value)}: {g.n} images</title></rect>'
        )
        p = g.metrics.get(metric)
        if p is not None and p.share is not None:
            low, high = p.interval or (p.share, p.share)
            cx = x + step / 2
            parts.append(
                f'<line x1="{cx:.1f}" y1="{base - plot_h * low:.1f}" x2="{cx:.1f}" y2="{base - plot_h * high:.1f}" '
                f'stroke="#c2452d"/>'
            )
            parts.append(
                f'<circle cx="{cx:.1f}" cy="{base - plot_h * p.share:.1f}" r="3.5" fill="#c2452d">'
                f"<title>{escape(g.value)}: {_pct(p.share)} ({p.successes}/{p.total}), CI {_ci(p)}</title></circle>"
            )
        if i % label_every == 0:
            parts.append(
                f'<text x="{x + step / 2:.1f}" y="{base + 12}" font-size="10" text-anchor="end" '
                f'transform="rotate(-45 {x + step / 2:.1f} {base + 12})">{escape(g.value)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _metric_rows(report: AuditReport) -> str:
    rows = []
    for name in (*HEADLINE, *OTHER_METRICS):
        p = report.metrics[name]
        rows.append(
            f"<tr><td>{escape(LABELS[name])}</td><td class='num'>{_pct(p.share)}</td><td class='num'>{_ci(p)}</td>"
            f"<td class='num'>{p.successes} / {p.total}</td><td class='note'>{escape(report.definitions.get(name, ''))}"
            "</td></tr>"
        )
    return (
        "<table><tr><th>metric</th><th>share</th><th>95 % Wilson CI</th><th>k / n</th><th>definition</th></tr>"
        + "".join(rows)
        + "</table>"
    )


def _breakdown_html(b: Breakdown) -> str:
    head = "".join(f"<th>{escape(LABELS[m])}</th>" for m in HEADLINE)
    rows = []
    for g in b.groups:
        cells = "".join(
            f"<td class='num'>{_pct(g.metrics[m].share)}<br><span class='note'>{_ci(g.metrics[m])} · "
            f"{g.metrics[m].successes}/{g.metrics[m].total}</span></td>"
            for m in HEADLINE
        )
        rows.append(f"<tr><td>{escape(g.value)}</td><td class='num'>{g.n}</td>{cells}</tr>")
    chart = (
        date_chart(b)
        if b.is_date
        else share_chart(
            [(g.value[:40], g.metrics["people_exposed"]) for g in b.groups],
            title=f"People at exposure ≥ 2 by {b.field}",
        )
    )
    folded = f"<p class='note'>{b.folded} less frequent values folded into (other).</p>" if b.folded else ""
    return (
        f"<h3>By {escape(b.field)}</h3>{chart}{folded}<table><tr><th>{escape(b.field)}</th><th>images</th>{head}</tr>"
        + "".join(rows)
        + "</table>"
    )


def _duplicates_html(d: Duplicates) -> str:
    rows = []
    for number, g in enumerate(d.groups[:25], start=1):
        shown = "<br>".join(escape(p) for p in g.paths[:4]) + (
            f"<br><span class='note'>… {len(g.paths) - 4} more</span>" if len(g.paths) > 4 else ""
        )
        rows.append(
            f"<tr><td class='num'>{number}</td><td class='num'>{len(g.paths)}</td>"
            f"<td>{'byte-identical' if g.exact else 'near'}</td><td class='num'>{g.max_distance}</td>"
            f"<td>{shown}</td></tr>"
        )
    brute = d.hashable * (d.hashable - 1) // 2
    return (
        f"<p>{d.redundant} of {d.considered} analysed images repeat an earlier one, in {len(d.groups)} groups "
        f"({d.in_groups} images). {d.hashable} images had a PDQ hash of quality ≥ 50; the multi-index hash "
        f"made {d.comparisons:,} distance checks where brute force would make {brute:,}. Groups are connected "
        "components: a chain of matches joins images that may be further apart than 31 bits.</p>"
        + (
            "<table><tr><th>#</th><th>size</th><th>kind</th><th>max PDQ distance</th><th>first members</th></tr>"
            + "".join(rows)
            + "</table>"
            if rows
            else ""
        )
    )


def _sheet_html(report: AuditReport, thumbnails: Mapping[str, str | None], blurred: bool) -> str:
    if not report.examples:
        return "<p>No image shows people at exposure ≥ 2: no contact sheet.</p>"
    figures = []
    for e in report.examples:
        uri = thumbnails.get(e.path)
        picture = (
            f"<img src='{escape(uri, quote=True)}' alt='{'blurred ' if blurred else ''}thumbnail'>"
            if uri and uri.startswith("data:image/")
            else "<div class='missing'>not shown</div>"
        )
        minor = " · possible minor" if e.possible_minor else ""
        minor = " · apparent minor" if e.apparent_minor else minor
        figures.append(
            f"<figure>{picture}<figcaption>level {e.exposure} · {escape(e.presentation)}{minor} · {escape(e.style)}"
            f"<br>ages: {escape(', '.join(e.age_bands) or '–')}<br><code>{escape(_tail(e.path))}</code>"
            "</figcaption></figure>"
        )
    return f"<div class='sheet'>{''.join(figures)}</div>"


def _tail(path: str, keep: int = 60) -> str:
    return path if len(path) <= keep else "…" + path[-keep:]


def _agreement_html(report: AuditReport) -> str:
    if report.agreement is None:
        return (
            "<p>No human labels supplied. Fill in the verification sample (<code>verification-sample.csv</code>) "
            "and re-run with <code>--labels FILE --report-only</code>.</p>"
        )
    if not report.agreement:
        return "<p>Human labels were supplied but none matched an analysed image.</p>"
    rows = []
    for a in report.agreement:
        kappa = "undefined" if a.kappa is None else f"{a.kappa:.3f}"
        confusion = "; ".join(
            f"machine {escape(m)}: " + ", ".join(f"{escape(h)} {c}" for h, c in sorted(row.items()))
            for m, row in sorted(a.confusion.items())
        )
        rows.append(
            f"<tr><td>{escape(a.name)}</td><td class='num'>{a.pairs}</td><td class='num'>{_pct(a.accuracy.share)}"
            f"<br><span class='note'>{_ci(a.accuracy)}</span></td><td class='num'>{kappa}</td>"
            f"<td class='note'>{confusion}</td><td class='note'>{escape(a.note)}</td></tr>"
        )
    return (
        "<table><tr><th>field</th><th>pairs</th><th>accuracy (95 % CI)</th><th>Cohen's κ</th>"
        "<th>confusion (machine → human)</th><th>note</th></tr>" + "".join(rows) + "</table>"
        "<p class='note'>Computed on the labelled sample, which over-represents exposed images (see weights): "
        "these are agreement figures on the sample, not corpus-wide error rates.</p>"
    )


def render_html(report: AuditReport, thumbnails: Mapping[str, str | None], *, blurred: bool = True) -> str:
    """The whole report page (pure)."""
    t = report.totals
    m = report.metrics
    banner = (
        "<p class='warn'>Thumbnails are pixelated and blurred on purpose (computed in memory by rempart). "
        "Open the listed files only when your role and the law allow it.</p>"
        if blurred
        else "<p class='danger'>UNBLURRED thumbnails (--unblur). This page may show sexual content and, "
        "if the corpus contains it, content depicting minors: do not share it; handle it under your legal "
        "obligations.</p>"
    )
    distributions = report.distributions
    levels = [(LEVEL_NAMES.get(k, k), v) for k, v in distributions.get("exposure_level", {}).items()]
    sections = [
        "<section id='headline'><h2>Headline metrics</h2>",
        share_chart([(LABELS[n], m[n]) for n in (*HEADLINE, *OTHER_METRICS)], title="Headline shares with 95 % CI"),
        _metric_rows(report),
        f"<p class='note'>{t['exposure_unknown']} analysed images had no exposure level (a detector failed) and are "
        f"left out of the exposure denominators; {t['exposed_faces_unknown_age']} faces in exposed images had no "
        "apparent age. Apparent gender and age are what a model infers from a face, not facts about a person.</p>",
        "</section>",
        "<section id='distributions'><h2>Distributions</h2><h3>Exposure level (all analysed images)</h3>",
        count_chart(levels, title="images per exposure level"),
        "<h3>Presentation in exposed images</h3>",
        count_chart(list(distributions.get("presentation_of_exposed", {}).items()), title="presentation"),
        "<h3>Apparent age band of faces in exposed images</h3>",
        count_chart(list(distributions.get("age_band_of_faces_in_exposed", {}).items()), title="age bands"),
        "<h3>Photo or illustration (heuristic)</h3>",
        count_chart(list(distributions.get("style", {}).items()), title="style"),
        "</section>",
        "<section id='breakdowns'><h2>Breakdowns</h2>",
        "".join(_breakdown_html(b) for b in report.breakdowns)
        or "<p>No date or metadata field to break down by (supply a manifest with metadata).</p>",
        "</section>",
        "<section id='duplicates'><h2>Duplicates</h2>",
        _duplicates_html(report.duplicates),
        "</section>",
        f"<section id='contact-sheet'><h2>Contact sheet ({len(report.examples)} exposed images, seed "
        f"{report.options.seed})</h2>",
        _sheet_html(report, thumbnails, blurred),
        "</section>",
        "<section id='sample'><h2>Human verification</h2>",
        f"<p>{len(report.sample)} images drawn (seed {report.options.seed}), stratified by the machine's verdict: "
        + ", ".join(
            f"{escape(s)} {sum(r.stratum == s for r in report.sample)}"
            for s in sorted({r.stratum for r in report.sample})
        )
        + ". Reviewers fill <code>verification-sample.csv</code> without seeing the machine's answers.</p>",
        "<h3>Agreement with human labels</h3>",
        _agreement_html(report),
        "</section>",
        "<section id='method'><h2>Method and provenance</h2>",
        _method_html(report),
        "</section>",
    ]
    errors = "".join(f"<li>{escape(code)}: {count}</li>" for code, count in report.errors.items())
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<meta http-equiv='Content-Security-Policy' content=\"{CSP}\">"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>rempart corpus audit</title><style>{_STYLE}</style></head><body>"
        "<header><h1>Corpus audit</h1>"
        f"<p>{t['analysed']} images analysed, {t['errors']} could not be ({t['degraded']} analysed with a failed "
        f"detector). Report generated {escape(report.generated)}.</p>"
        + (f"<ul class='note'>{errors}</ul>" if errors else "")
        + banner
        + "</header>"
        + "".join(sections)
        + "</body></html>\n"
    )


def _method_html(report: AuditReport) -> str:
    models = "".join(
        f"<li><code>{escape(str(x.get('name')))}</code> {escape(str(x.get('package')))} "
        f"{escape(str(x.get('version')))} sha256:{escape(str(x.get('sha256') or '–')[:16])}</li>"
        for x in report.models
    )
    runs = "".join(
        f"<li>{escape(str(r.get('started')))}: {r.get('todo')} to analyse, {r.get('skipped')} already done, "
        f"{escape(str(r.get('executor')))} × {r.get('workers')}</li>"
        for r in report.runs
    )
    return (
        "<ul>"
        "<li>Every image went through the gateway's own loader and <code>ImageAnalyzer</code> (faces, NudeNet regions, "
        "open_nsfw, age and gender, exposure grading, PDQ). Exposure levels: 0 everyday, 1 revealing, 2 swimwear or "
        "underwear, 3 partial nudity, 4 explicit nudity, 5 sexual activity.</li>"
        "<li>Intervals are 95 % Wilson score intervals on the stated denominators; they cover sampling noise, not "
        "model error. Model error is measured only by the human verification.</li>"
        "<li>Photo vs illustration is a colour/gradient heuristic (no model), about 90 % accurate on images built "
        "by code and weaker on AI-rendered images; treat it as a coarse split.</li>"
        "<li>Duplicates: byte-identical files, or PDQ distance ≤ 31 with quality ≥ 50 (ThreatExchange's "
        "defaults). Mirrored or rotated copies are not matched.</li>"
        "</ul>"
        f"<h3>Models</h3><ul>{models or '<li>not recorded</li>'}</ul><h3>Runs</h3><ul>{runs or '<li>none</li>'}</ul>"
    )


# --- JSON and CSV ------------------------------------------------------------------------------------


def report_json(report: AuditReport) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"


def metrics_csv(report: AuditReport) -> str:
    """Long table: scope, field, value, metric, k, n, share, ci_low, ci_high."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["scope", "field", "value", "images", "metric", "k", "n", "share", "ci_low", "ci_high"])

    def emit(scope: str, field: str, value: str, images: int, metrics: Mapping[str, Proportion]) -> None:
        for name, p in metrics.items():
            d = p.to_dict()
            writer.writerow([scope, field, value, images, name, d["k"], d["n"], d["share"], d["ci_low"], d["ci_high"]])

    emit("overall", "", "", report.totals["analysed"], report.metrics)
    for b in report.breakdowns:
        for g in b.groups:
            emit("breakdown", b.field, g.value, g.n, g.metrics)
    return buffer.getvalue()


def images_csv(records: Iterable[ImageRecord], duplicates: Duplicates) -> str:
    """One row per image: the machine's answers, its duplicate group, and its metadata (``meta.*``)."""
    rows = list(records)
    groups = duplicates.group_of()
    meta_keys = sorted({k for r in rows for k in r.meta})
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "path", "sha256", "status", "error", "width", "height", "persons", "faces", "exposure", "exposed",
            "presentation", "age_bands", "apparent_minor", "possible_minor", "unknown_age_faces", "style",
            "p_illustration", "pdq_quality", "duplicate_group", "degraded", "failed",
            *(f"meta.{k}" for k in meta_keys),
        ]
    )  # fmt: skip
    for r in rows:
        exposed = r.exposed
        writer.writerow(
            [
                r.path, r.sha256 or "", r.status, r.error_code or "", r.width or "", r.height or "", r.persons,
                len(r.faces), "" if r.exposure is None else r.exposure, "" if exposed is None else int(exposed),
                r.presentation, ";".join(f.band for f in r.faces), int(r.apparent_minor), int(r.possible_minor),
                r.unknown_age_faces, r.style, "" if r.p_illustration is None else round(r.p_illustration, 4),
                "" if r.pdq_quality is None else r.pdq_quality, groups.get(r.path, ""), int(r.degraded),
                ";".join(r.failed), *(r.meta.get(k, "") for k in meta_keys),
            ]
        )  # fmt: skip
    return buffer.getvalue()


def sample_csv(sample: Sequence[SampleRow]) -> str:
    """The verification template: which images, their stratum and weight, and empty reviewer columns."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["path", "sha256", "stratum", "weight", *REVIEW_COLUMNS, "notes"])
    for row in sample:
        writer.writerow(
            [row.path, row.sha256 or "", row.stratum, round(row.weight, 4), *([""] * len(REVIEW_COLUMNS)), ""]
        )
    return buffer.getvalue()
