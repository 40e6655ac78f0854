"""Red-team benchmark: the example suite against rempart in process, with the shipped weights.

    python benchmarks/redteam_bench.py [--seed 7] [--concurrency 4] [--workers 2]

Generates the suite from the held-out seeds (the side the prompt classifier never trained on), runs
it through ``Guard()`` exactly as ``rempart redteam run --target inprocess`` does, and writes under
``benchmarks/results/``:

- ``redteam-<date>-suite.jsonl``    the suite (byte-identical for the same seed and seed file);
- ``redteam-<date>-results.jsonl``  every verdict: the baseline for ``rempart redteam diff``;
- ``redteam-<date>.json`` / ``.html`` the scorecard, with target, policy, models, machine details
  and the run's throughput.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from rempart.guard import Guard  # noqa: E402
from rempart.redteam.adapters import InProcessTarget  # noqa: E402
from rempart.redteam.generate import DEFAULT_SEEDS, GenerateOptions, generate, load_seeds  # noqa: E402
from rempart.redteam.render import render_html  # noqa: E402
from rempart.redteam.runner import RunSettings, run_suite, write_results  # noqa: E402
from rempart.redteam.scorecard import format_scorecard, read_results, score  # noqa: E402
from rempart.redteam.suite import write_suite  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args()

    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    base = args.out / f"redteam-{stamp}"
    seeds, sources = load_seeds([ROOT / DEFAULT_SEEDS])
    suite = generate(seeds, GenerateOptions(seed=args.seed), sources)
    suite_path = base.with_name(base.name + "-suite.jsonl")
    write_suite(suite, suite_path)

    guard = Guard()
    start = time.perf_counter()
    guard.load()
    load_s = time.perf_counter() - start
    settings = RunSettings(concurrency=args.concurrency, timeout_s=30.0, retries=0, run_id=f"bench-{stamp}")
    run = asyncio.run(run_suite(suite, InProcessTarget(guard, workers=args.workers), settings))
    results_path = base.with_name(base.name + "-results.jsonl")
    write_results(run, results_path)

    card = score(read_results(results_path))
    requests = sum(len(c.turns) for c in suite.cases)
    document = card.to_dict()
    document["benchmark"] = {
        "suite_file": suite_path.name,
        "results_file": results_path.name,
        "cases": len(suite.cases),
        "attacks": len(suite.attacks()),
        "requests": requests,
        "model_load_s": round(load_s, 2),
        "run_s": run.header["duration_s"],
        "requests_per_s": round(requests / run.header["duration_s"], 1),
        "command": "python benchmarks/redteam_bench.py "
        f"--seed {args.seed} --concurrency {args.concurrency} --workers {args.workers}",
    }
    base.with_suffix(".json").write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    base.with_suffix(".html").write_text(render_html(card, f"rempart red-team scorecard, {stamp}"), encoding="utf-8")
    print(format_scorecard(card))
    print(f"\n{requests} requests in {run.header['duration_s']} s (models loaded in {load_s:.1f} s); wrote {base}.*")
    return 0


if __name__ == "__main__":
    sys.exit(main())
