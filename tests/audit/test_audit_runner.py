"""The IO runner on scripted fakes: inline and process-pool runs, resume, manifests, crashes, failures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from audit_helpers import CrashingFactory, UnloadableFactory

from conftest import Corpus, drawing, save
from rempart.audit.inputs import discover
from rempart.audit.records import ImageRecord
from rempart.audit.report import build_report
from rempart.audit.runner import RESULTS_FILE, Progress, read_results, run_audit
from rempart.errors import InvalidRecordError, ModelError
from rempart.media.loading import load_path


def _essence(records: tuple[ImageRecord, ...]) -> dict[str, dict[str, Any]]:
    """Records without the fields that depend on where and how fast they ran."""
    out = {}
    for r in records:
        d = r.to_dict()
        d.pop("worker"), d.pop("latency_ms")
        out[r.path] = d
    return out


def test_inline_run_measures_the_scripted_corpus(corpus: Corpus, tmp_path: Path) -> None:
    items = discover(corpus.root)
    assert len(items) == 13
    summary = run_audit(items, tmp_path / "out", factory=corpus.factory, workers=0)
    assert (summary.analysed, summary.errors, summary.skipped, summary.executor) == (12, 1, 0, "inline")
    results = read_results(tmp_path / "out" / RESULTS_FILE)
    assert len(results.records) == 13 and len(results.runs) == 1 and len(results.workers) == 1
    assert not any(r.degraded for r in results.analysed), [r.failed for r in results.analysed if r.degraded]
    (broken,) = results.errors
    assert broken.path.endswith("broken.png") and broken.error_code == "invalid_image" and broken.sha256
    minor = next(r for r in results.records if r.path.endswith("minor9.png"))
    assert minor.exposure == 4 and minor.apparent_minor and minor.presentation == "female"
    m = build_report(results).metrics
    assert (m["people"].successes, m["people"].total) == (7, 12)
    assert (m["people_exposed"].successes, m["people_exposed"].total) == (5, 12)
    assert (m["women_among_exposed"].successes, m["women_among_exposed"].total) == (4, 5)
    assert (m["apparent_minor_among_exposed"].successes, m["apparent_minor_among_exposed"].total) == (1, 5)
    assert (m["duplicates"].successes, m["duplicates"].total) == (2, 12)
    assert all(r.style in ("photo", "illustration", "uncertain") for r in results.analysed)


def test_process_pool_gives_the_same_records(corpus: Corpus, tmp_path: Path) -> None:
    items = discover(corpus.root)
    run_audit(items, tmp_path / "inline", factory=corpus.factory, workers=0)
    summary = run_audit(items, tmp_path / "pool", factory=corpus.factory, workers=2, chunk=2)
    assert summary.executor == "process" and summary.workers == 2
    inline = read_results(tmp_path / "inline" / RESULTS_FILE)
    pool = read_results(tmp_path / "pool" / RESULTS_FILE)
    assert _essence(pool.records) == _essence(inline.records)
    assert len({r.worker for r in pool.records}) == 2
    assert len(pool.workers) == 2 and all(w["models"] for w in pool.workers)


def test_rerun_skips_done_images_and_redoes_changed_files(corpus: Corpus, tmp_path: Path) -> None:
    out = tmp_path / "out"
    items = discover(corpus.root)
    run_audit(items, out, factory=corpus.factory, workers=0)
    again = run_audit(items, out, factory=corpus.factory, workers=0)
    assert (again.analysed, again.errors, again.skipped) == (0, 0, 13)
    changed = save(drawing(20), corpus.paths["a/plain2.png"])
    corpus.vision.script(load_path(changed))
    third = run_audit(items, out, factory=corpus.factory, workers=0)
    assert (third.analysed, third.skipped) == (1, 12)
    results = read_results(out / RESULTS_FILE)
    assert len(results.records) == 13 and results.superseded == 1
    retried = run_audit(items, out, factory=corpus.factory, workers=0, retry_errors=True)
    assert (retried.errors, retried.skipped) == (1, 12)


class _Interrupt(Progress):
    def update(self, count: int, errors: int = 0) -> None:
        super().update(count, errors)
        if self.done >= 4:
            raise KeyboardInterrupt


def test_an_interrupted_run_resumes(corpus: Corpus, tmp_path: Path) -> None:
    out = tmp_path / "out"
    items = discover(corpus.root)
    with pytest.raises(KeyboardInterrupt):
        run_audit(items, out, factory=corpus.factory, workers=0, chunk=2, progress=_Interrupt(0, enabled=False))
    partial = read_results(out / RESULTS_FILE)
    assert len(partial.records) == 4
    with (out / RESULTS_FILE).open("a", encoding="utf-8") as handle:
        handle.write('{"type": "image", "path": "half-writ')  # killed mid-line
    summary = run_audit(items, out, factory=corpus.factory, workers=0)
    assert (summary.skipped, summary.analysed + summary.errors) == (4, 9)
    final = read_results(out / RESULTS_FILE)
    assert len(final.records) == 13 and final.corrupt_lines == 1
    assert all(json.loads(line) for line in (out / RESULTS_FILE).read_text().splitlines()[:-1] if "half" not in line)


def test_manifests_carry_metadata_and_updates_need_no_reanalysis(corpus: Corpus, tmp_path: Path) -> None:
    rows = [
        ("a/person4.png", "p1", "2026-01-01T10:00:00Z", "alice"),
        ("b/woman5.png", "p2", "2026-01-02T23:59:00+00:00", "bob"),
        ("b/minor9.png", "p3", "2026-01-02", "alice"),
    ]
    csv_path = corpus.root / "manifest.csv"
    csv_path.write_text(
        "path,post_id,date,author\n" + "".join(f"{p},{i},{d},{a}\n" for p, i, d, a in rows), encoding="utf-8"
    )
    items = discover(csv_path)
    assert [Path(i.path).name for i in items] == ["person4.png", "woman5.png", "minor9.png"]
    assert items[0].meta == {"post_id": "p1", "date": "2026-01-01T10:00:00Z", "author": "alice"}
    out = tmp_path / "out"
    run_audit(items, out, factory=corpus.factory, workers=0)
    report = build_report(read_results(out / RESULTS_FILE))
    by_field = {b.field: b for b in report.breakdowns}
    assert [g.value for g in by_field["date (day)"].groups] == ["2026-01-01", "2026-01-02"]
    assert [(g.value, g.n) for g in by_field["author"].groups] == [("alice", 2), ("bob", 1)]
    assert "post_id" in by_field  # 3 distinct values out of 3: still few enough here
    jsonl = corpus.root / "manifest.jsonl"
    jsonl.write_text(
        "".join(json.dumps({"file": p, "date": d, "author": a.upper(), "tags": ["x"]}) + "\n" for p, _, d, a in rows),
        encoding="utf-8",
    )
    again = run_audit(discover(jsonl), out, factory=corpus.factory, workers=0)
    assert (again.analysed, again.skipped) == (0, 3)
    authors = {r.meta["author"] for r in read_results(out / RESULTS_FILE).records}
    assert authors == {"ALICE", "BOB"}
    bad = corpus.root / "bad.csv"
    bad.write_text("name,date\nx,2026\n", encoding="utf-8")
    with pytest.raises(InvalidRecordError, match=r"bad\.csv:2"):
        discover(bad)


def test_a_worker_crash_costs_only_the_image_that_caused_it(corpus: Corpus, tmp_path: Path) -> None:
    victim = load_path(corpus.paths["b/woman6.png"]).sha256
    factory = CrashingFactory(corpus.vision, victim)
    summary = run_audit(discover(corpus.root), tmp_path / "out", factory=factory, workers=2, chunk=4)
    assert summary.crashes == 2  # the chunk that held it (once, though it broke the whole pool), then the image alone
    results = read_results(tmp_path / "out" / RESULTS_FILE)
    crashed = [r for r in results.errors if r.error_code == "worker_crashed"]
    assert [Path(r.path).name for r in crashed] == ["woman6.png"]
    assert len(results.analysed) == 11
    assert crashed[0].sha256 == victim  # so a re-run skips it unless told to retry errors
    again = run_audit(discover(corpus.root), tmp_path / "out", factory=factory, workers=2)
    assert (again.analysed, again.skipped, again.crashes) == (0, 13, 0)
    with pytest.raises(ModelError, match="crashed 2 times"):
        run_audit(discover(corpus.root), tmp_path / "other", factory=factory, workers=2, chunk=4, max_crashes=1)


def test_models_that_cannot_load_stop_the_run(corpus: Corpus, tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="weights missing"):
        run_audit(discover(corpus.root), tmp_path / "out", factory=UnloadableFactory(), workers=1)
