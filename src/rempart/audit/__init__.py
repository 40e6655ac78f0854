"""Corpus audit: measure what a set of generated images shows, at scale, with intervals and a human check.

The IO runner (``runner``: process pool or Ray, append-only ``results.jsonl``, resume) feeds every
image through the gateway's own ``ImageAnalyzer``; everything after that is a pure transform of the
results (``records`` -> ``dedup`` / ``report`` -> ``render``), written out by ``outputs``:

    inputs.discover ─> runner.run_audit ─> results.jsonl ─> records.parse_results ─> report.build_report
                                                                                     └> render (HTML/JSON/CSV)
"""

from rempart.audit.dedup import Duplicates, PdqIndex, find_duplicates
from rempart.audit.inputs import discover, read_labels
from rempart.audit.records import AuditItem, FaceRecord, ImageRecord, ResultSet, parse_results
from rempart.audit.report import AuditReport, HumanLabel, ReportOptions, build_report
from rempart.audit.runner import RealAnalyzerFactory, RunSummary, read_results, run_audit
from rempart.audit.stats import Proportion, cohen_kappa
from rempart.audit.style import StyleEstimate, estimate_style

__all__ = [
    "AuditItem",
    "AuditReport",
    "Duplicates",
    "FaceRecord",
    "HumanLabel",
    "ImageRecord",
    "PdqIndex",
    "Proportion",
    "RealAnalyzerFactory",
    "ReportOptions",
    "ResultSet",
    "RunSummary",
    "StyleEstimate",
    "build_report",
    "cohen_kappa",
    "discover",
    "estimate_style",
    "find_duplicates",
    "parse_results",
    "read_labels",
    "read_results",
    "run_audit",
]
