"""Benchmark the prompt screen: model load time and per-prompt latency on one core.

    python benchmarks/prompt_bench.py [--n 2000]

Runs in a fresh process (so load time is honest), pins BLAS to one thread, screens prompts drawn
from the held-out corpus (all 17 languages, obfuscated and plain), and writes
``benchmarks/results/prompt-<date>.json`` and ``.md`` with the machine details.
Targets (issue 2): median <= 5 ms per prompt on one core; models loaded <= 3 s.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse
import json
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import machine_details  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "prompts" / "heldout.jsonl")
    args = parser.parse_args()

    t0 = time.perf_counter()
    from rempart.guard import Guard, RequestInput
    from rempart.text.encoder import UseEncoder
    from rempart.text.screen import PromptInput, PromptScreen

    imported = time.perf_counter() - t0
    t1 = time.perf_counter()
    screen = PromptScreen(UseEncoder(threads=1))
    screen.load()
    loaded = time.perf_counter() - t1
    guard = Guard(prompt_screen=screen)

    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = (rows * (args.n // max(len(rows), 1) + 1))[: args.n]
    for row in rows[:50]:  # warm-up
        guard.screen_request(RequestInput(row["text"], row.get("photo_of_person")))
    screen_ms, request_ms = [], []
    for row in rows:
        s = time.perf_counter()
        screen.screen(PromptInput(row["text"], row.get("photo_of_person")))
        screen_ms.append((time.perf_counter() - s) * 1000)
        s = time.perf_counter()
        guard.screen_request(RequestInput(row["text"], row.get("photo_of_person")))
        request_ms.append((time.perf_counter() - s) * 1000)

    # Concurrent callers (as the gateway's worker threads are): the encoder batches them together.
    concurrent = {}
    for threads in (1, 8):
        encoder = screen.encoder
        batches_before = getattr(encoder, "batches", 0)
        calls_before = getattr(encoder, "batched_calls", 0)
        cpu = time.process_time()
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(lambda r: guard.screen_request(RequestInput(r["text"], r.get("photo_of_person"))), rows))
        batches = getattr(encoder, "batches", 0) - batches_before
        concurrent[f"{threads}_threads"] = {
            "cpu_ms_per_prompt": round((time.process_time() - cpu) * 1000 / len(rows), 3),
            "prompts_per_encoder_batch": round(
                (getattr(encoder, "batched_calls", 0) - calls_before) / max(batches, 1), 2
            ),
        }

    def summary(values: list[float]) -> dict[str, float]:
        ordered = sorted(values)
        return {
            "median_ms": round(statistics.median(ordered), 3),
            "p90_ms": round(ordered[int(0.9 * len(ordered))], 3),
            "p99_ms": round(ordered[int(0.99 * len(ordered))], 3),
            "mean_ms": round(statistics.fmean(ordered), 3),
        }

    result = {
        "benchmark": "prompt_screen",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_details(),
        "threads": 1,
        "prompts": len(rows),
        "data": str(args.data.relative_to(ROOT)) if args.data.is_relative_to(ROOT) else str(args.data),
        "import_s": round(imported, 3),
        "load_s": round(loaded, 3),
        "screen": summary(screen_ms),
        "screen_request_with_policy": summary(request_ms),
        "concurrent_requests": concurrent,
        "targets": {"median_ms": 5.0, "load_s": 3.0},
    }
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    stem = f"prompt-{datetime.now(UTC).strftime('%Y%m%d')}"
    (out / f"{stem}.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    md = [
        f"# Prompt screen benchmark ({result['date']})",
        "",
        f"Machine: {result['machine']['cpu']} ({result['machine']['cores']} cores), "
        f"Python {result['machine']['python']}; BLAS pinned to 1 thread. "
        f"Speed calibration (lower is faster): {result['machine']['calibration']}.",
        "",
        "| measure | value | target |",
        "|---|---|---|",
        f"| import (s) | {result['import_s']} | |",
        f"| models loaded (s) | {result['load_s']} | <= 3 |",
        f"| screen median (ms) | {result['screen']['median_ms']} | <= 5 |",
        f"| screen p99 (ms) | {result['screen']['p99_ms']} | |",
        f"| request incl. policy median (ms) | {result['screen_request_with_policy']['median_ms']} | |",
        *(
            f"| CPU per request, {name.replace('_', ' ')} (ms; prompts per encoder batch "
            f"{v['prompts_per_encoder_batch']}) | {v['cpu_ms_per_prompt']} | |"
            for name, v in concurrent.items()
        ),
        "",
        f"{len(rows)} prompts from `{result['data']}` (17 languages, plain and obfuscated).",
    ]
    (out / f"{stem}.md").write_text("\n".join(md) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
