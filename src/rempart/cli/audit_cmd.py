"""``rempart audit``: analyse a folder or a manifest of images and report what the corpus shows.

    rempart audit SOURCE --out DIR [--workers N | --ray ADDRESS] [--labels CSV] [--unblur] ...
    rempart audit --report-only --out DIR [--labels CSV]

SOURCE is a folder (walked recursively) or a manifest (``.csv`` with a header, or ``.jsonl``) listing
image paths with optional metadata (post id, date, author, prompt...). Results are appended to
``DIR/results.jsonl``; running the same command again skips every image already analysed (same path,
same SHA-256), so an interrupted audit resumes. The report files (``report.html``, ``report.json``,
``metrics.csv``, ``images.csv``, ``verification-sample.csv``) are rewritten at the end of each run.
Exit codes: 0 done; 3 bad input (no images, unreadable manifest, every image rejected); 4 the models
could not load; 130 interrupted (the results so far are kept).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from rempart.audit.inputs import discover, read_labels
from rempart.audit.outputs import write_outputs
from rempart.audit.records import ResultSet
from rempart.audit.report import ReportOptions
from rempart.audit.runner import (
    DEFAULT_DETECT_SIDE,
    RESULTS_FILE,
    Progress,
    RealAnalyzerFactory,
    read_results,
    run_audit,
)
from rempart.errors import InputError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "audit",
        help="audit a corpus of images: exposure, presentation, apparent minors, duplicates, with intervals",
        description="Analyse a folder or a manifest of images and report what the corpus shows: exposure, "
        "presentation, apparent minors and duplicates, each with a 95 % interval (see docs/audit.md).",
    )
    p.add_argument("source", nargs="?", help="folder of images, or a manifest (.csv / .jsonl)")
    p.add_argument("--out", "-o", type=Path, required=True, metavar="DIR", help="results and report folder")
    run = p.add_argument_group("analysis")
    run.add_argument("--workers", type=int, default=None, help="worker processes (default: all cores; 0: in-process)")
    run.add_argument("--ray", metavar="ADDRESS", help="run on a Ray cluster ('auto', 'ray://host:10001', or 'local')")
    run.add_argument("--chunk", type=int, default=8, help="images per task sent to a worker (default 8)")
    run.add_argument("--detect-side", type=int, default=DEFAULT_DETECT_SIDE, metavar="PX",
                     help="longest side the face detector scans (default: the gateway's)")  # fmt: skip
    run.add_argument("--limit", type=int, metavar="N", help="only the first N images of SOURCE")
    run.add_argument("--retry-errors", action="store_true", help="analyse again the images that failed before")
    run.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    rep = p.add_argument_group("report")
    rep.add_argument("--report-only", action="store_true", help="rebuild the report from DIR/results.jsonl")
    rep.add_argument("--no-report", action="store_true", help="analyse only; write the report later")
    rep.add_argument("--by", action="append", metavar="FIELD", help="break down by this metadata field (repeatable; "
                     "default: every field with 2-30 distinct values)")  # fmt: skip
    rep.add_argument("--date-field", metavar="FIELD", help="metadata field with the post date (default: auto)")
    rep.add_argument("--examples", type=int, default=24, help="contact-sheet size (default 24)")
    rep.add_argument("--sample", type=int, default=200, help="verification sample size (default 200)")
    rep.add_argument("--seed", type=int, default=0, help="seed of the sample and the contact sheet (default 0)")
    rep.add_argument("--labels", type=Path, metavar="CSV", help="human labels (the filled verification sample)")
    rep.add_argument("--unblur", action="store_true", help="show thumbnails unblurred (blurred by default)")
    p.set_defaults(handler=run_audit_command)


def run_audit_command(args: argparse.Namespace) -> int:
    out: Path = args.out
    if args.report_only:
        if not (out / RESULTS_FILE).is_file():
            raise InputError(f"{out / RESULTS_FILE}: no results to report on")
        return _report(args, read_results(out / RESULTS_FILE))
    if not args.source:
        raise InputError("give a SOURCE folder or manifest (or --report-only)")
    items = discover(args.source)
    if args.limit is not None:
        items = items[: max(0, args.limit)]
    if not items:
        raise InputError(f"{args.source}: no images found")
    progress = Progress(0, enabled=not args.quiet)
    summary = run_audit(
        items,
        out,
        factory=RealAnalyzerFactory(detect_side=args.detect_side),
        workers=args.workers,
        ray_address=args.ray,
        chunk=args.chunk,
        retry_errors=args.retry_errors,
        progress=progress,
        config={"source": str(args.source), "detect_side": args.detect_side},
    )
    if not args.quiet:
        print(
            f"rempart audit: {summary.analysed} analysed, {summary.errors} errors, {summary.skipped} already done "
            f"({summary.elapsed_s:.1f} s, {summary.rate:.1f} img/s, {summary.executor} x {summary.workers})",
            file=sys.stderr,
        )
    results = read_results(out / RESULTS_FILE)
    wanted = {item.path for item in items}
    current = replace(results, records=tuple(r for r in results.records if r.path in wanted))
    if not current.analysed:
        if not args.no_report:
            _report(args, current)
        raise InputError(f"none of the {len(items)} images could be analysed (see {out / 'images.csv'})")
    if args.no_report:
        return 0
    return _report(args, current)


def _report(args: argparse.Namespace, results: ResultSet) -> int:
    labels = read_labels(args.labels) if args.labels else None
    options = ReportOptions(
        breakdown_fields=tuple(args.by) if args.by else None,
        date_field=args.date_field,
        examples=max(0, args.examples),
        sample_size=max(0, args.sample),
        seed=args.seed,
    )
    report, files = write_outputs(
        args.out,
        results,
        options=options,
        labels=labels,
        blur=not args.unblur,
        generated=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    if not args.quiet:
        m = report.metrics
        lines = [f"rempart audit: report {files['html']}"]
        for name in ("people_exposed", "women_among_exposed", "apparent_minor_among_exposed", "duplicates"):
            p = m[name]
            low, high = p.interval or (0.0, 1.0)
            share = "-" if p.share is None else f"{100 * p.share:.1f} %"
            lines.append(f"  {name:<30} {share:>8}  [{100 * low:.1f}, {100 * high:.1f}]  {p.successes}/{p.total}")
        print("\n".join(lines), file=sys.stderr)
    return 0
