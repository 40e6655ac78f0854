"""``rempart redteam``: generate attack suites, run them against a target, score and compare runs.

    rempart redteam generate --seed 7 --out suite.jsonl [--seeds data/prompts/heldout.jsonl] [--scale 1]
    rempart redteam run suite.jsonl --target inprocess --out results.jsonl [--policy FILE]
    rempart redteam run suite.jsonl --target rempart-http --url http://127.0.0.1:8080 --out results.jsonl
    rempart redteam run suite.jsonl --target json-http --config target.json --out results.jsonl
    rempart redteam report results.jsonl --html card.html --json card.json
    rempart redteam diff before.jsonl after.jsonl [--json diff.json] [--fail-on-regression]

The rempart-http target reads its API key from the environment variable named by ``--api-key-env``
(``REMPART_API_KEY`` by default), never from the command line. The json-http target is described by
a JSON file (see ``rempart.redteam.adapters.JsonTargetConfig``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from rempart.errors import ConfigError, InputError
from rempart.guard import Guard
from rempart.policy import load_policy
from rempart.redteam.adapters import InProcessTarget, JsonHttpTarget, RempartHttpTarget, Target, load_json_target_config
from rempart.redteam.generate import DEFAULT_SEEDS, TECHNIQUE_SPECS, GenerateOptions, generate, load_seeds
from rempart.redteam.phrases import LANGS
from rempart.redteam.render import render_html
from rempart.redteam.runner import RunSettings, run_suite, write_results
from rempart.redteam.scorecard import diff, format_diff, format_scorecard, read_results, score
from rempart.redteam.suite import read_suite, select, write_suite

_TECHNIQUES = [s.name for s in TECHNIQUE_SPECS]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("redteam", help="generate, run and score red-team suites")
    inner = p.add_subparsers(dest="redteam_kind", metavar="STEP")

    g = inner.add_parser("generate", help="generate a reproducible attack suite with paired benign controls")
    g.add_argument("--seed", type=int, default=7, help="random seed: the same seed gives a byte-identical suite")
    g.add_argument("--out", type=Path, required=True, help="the suite file to write (JSONL)")
    g.add_argument(
        "--seeds",
        type=Path,
        action="append",
        help=f"seed request files (JSONL, SEEDS.md format; default {DEFAULT_SEEDS}, the held-out side)",
    )
    g.add_argument("--scale", type=int, default=1, help="multiplies the seed-based pairs per language")
    g.add_argument("--technique", action="append", choices=_TECHNIQUES, help="only these techniques (repeatable)")
    g.add_argument("--lang", action="append", choices=LANGS, help="only these languages (repeatable)")
    g.set_defaults(handler=run_generate)

    r = inner.add_parser("run", help="screen a suite against a target and write the results (JSONL)")
    r.add_argument("suite", type=Path)
    r.add_argument("--target", choices=("inprocess", "rempart-http", "json-http"), default="inprocess")
    r.add_argument("--out", type=Path, required=True, help="the results file to write (JSONL)")
    r.add_argument("--policy", type=Path, help="inprocess: policy file (default: the shipped policy)")
    r.add_argument("--workers", type=int, default=2, help="inprocess: guard threads (default 2)")
    r.add_argument("--url", help="rempart-http: the gateway's base URL; json-http: overrides the file's URL")
    r.add_argument("--api-key-env", default="REMPART_API_KEY", help="rempart-http: variable holding the API key")
    r.add_argument("--jurisdiction", help="rempart-http: jurisdiction sent with every request (e.g. FR, EU)")
    r.add_argument("--config", type=Path, help="json-http: the target description (JSON)")
    r.add_argument("--concurrency", type=int, default=4, help="cases in flight at once (default 4)")
    r.add_argument("--timeout", type=float, default=10.0, help="seconds per attempt at one turn (default 10)")
    r.add_argument("--retries", type=int, default=2, help="further attempts on timeouts and retryable errors")
    r.add_argument("--backoff", type=float, default=0.5, help="first retry delay in seconds (doubles, jittered)")
    r.add_argument("--technique", action="append", choices=_TECHNIQUES, help="only these techniques (repeatable)")
    r.add_argument("--lang", action="append", help="only these languages (repeatable)")
    r.add_argument("--limit", type=int, help="only the first N pairs")
    r.add_argument("--run-id", default="", help="names the sessions of this run (default: random)")
    r.add_argument("--quiet", action="store_true", help="no progress on stderr")
    r.set_defaults(handler=run_run)

    rep = inner.add_parser("report", help="scorecard (text, HTML, JSON) from a results file")
    rep.add_argument("results", type=Path)
    rep.add_argument("--html", type=Path, help="write the HTML scorecard here")
    rep.add_argument("--json", type=Path, help="write the JSON scorecard here")
    rep.add_argument("--title", default="rempart red-team scorecard")
    rep.add_argument("--by", action="append", help="groupings printed (default: technique, lang, category)")
    rep.set_defaults(handler=run_report)

    d = inner.add_parser("diff", help="compare two results files: per-cell deltas and what flipped")
    d.add_argument("before", type=Path)
    d.add_argument("after", type=Path)
    d.add_argument("--json", type=Path, help="write the diff as JSON here")
    d.add_argument("--limit", type=int, default=20, help="flipped cases printed per kind")
    d.add_argument(
        "--fail-on-regression",
        action="store_true",
        help="exit 1 when an attack now succeeds or a control is now refused",
    )
    d.set_defaults(handler=run_diff)

    def show_help(_: argparse.Namespace) -> int:
        p.print_help()
        return 2

    p.set_defaults(handler=show_help)


def run_generate(args: argparse.Namespace) -> int:
    paths = args.seeds or [DEFAULT_SEEDS]
    seeds, sources = load_seeds(paths)
    options = GenerateOptions(
        seed=args.seed, scale=args.scale, techniques=tuple(args.technique or ()), langs=tuple(args.lang or ())
    )
    suite = generate(seeds, options, sources)
    write_suite(suite, args.out)
    attacks = len(suite.attacks())
    print(
        f"wrote {len(suite.cases)} cases ({attacks} attacks, {len(suite.cases) - attacks} controls) "
        f"to {args.out}: " + ", ".join(f"{k} {v}" for k, v in suite.header.counts.items()),
        file=sys.stderr,
    )
    return 0


def _target(args: argparse.Namespace) -> Target:
    if args.target == "inprocess":
        return InProcessTarget(Guard(policy=load_policy(args.policy)), workers=args.workers)
    if args.target == "rempart-http":
        if not args.url:
            raise ConfigError("--target rempart-http needs --url")
        key = os.environ.get(args.api_key_env, "")
        if not key:
            raise ConfigError(f"--target rempart-http reads the API key from ${args.api_key_env}, which is not set")
        return RempartHttpTarget(args.url, key, timeout=args.timeout, jurisdiction=args.jurisdiction)
    if args.config is None:
        raise ConfigError("--target json-http needs --config FILE")
    config = load_json_target_config(args.config)
    if args.url:
        config = config.model_copy(update={"url": args.url})
    return JsonHttpTarget(config, timeout=args.timeout)


def _progress(quiet: bool) -> Callable[[int, int], None]:
    """Progress on stderr: one updating line on a terminal, a line per 10 % otherwise."""
    tty = sys.stderr.isatty()
    last = [-1]

    def report(done: int, total: int) -> None:
        if quiet:
            return
        step = max(1, total // (50 if tty else 10))
        if done != total and done // step == last[0]:
            return
        last[0] = done // step
        if tty:
            print(f"\r{done}/{total} cases", end="\n" if done == total else "", file=sys.stderr, flush=True)
        else:
            print(f"{done}/{total} cases", file=sys.stderr, flush=True)

    return report


def run_run(args: argparse.Namespace) -> int:
    suite = select(
        read_suite(args.suite),
        techniques=tuple(args.technique or ()),
        langs=tuple(args.lang or ()),
        limit=args.limit,
    )
    if not suite.cases:
        raise InputError("no case left to run after the filters")
    try:
        settings = RunSettings(
            concurrency=args.concurrency,
            timeout_s=args.timeout,
            retries=args.retries,
            backoff_s=args.backoff,
            run_id=args.run_id,
        )
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    target = _target(args)
    report = _progress(args.quiet)
    run = asyncio.run(run_suite(suite, target, settings, progress=report))
    write_results(run, args.out)
    card = score(read_results(args.out))
    print(format_scorecard(card, groupings=("technique",)))
    print(f"\nresults: {args.out} ({run.header['duration_s']} s)", file=sys.stderr)
    return 0


def run_report(args: argparse.Namespace) -> int:
    card = score(read_results(args.results))
    if args.json:
        args.json.write_text(json.dumps(card.to_dict(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    if args.html:
        args.html.write_text(render_html(card, args.title), encoding="utf-8")
    print(format_scorecard(card, groupings=tuple(args.by or ("technique", "lang", "category"))))
    return 0


def run_diff(args: argparse.Namespace) -> int:
    change = diff(read_results(args.before), read_results(args.after))
    if args.json:
        args.json.write_text(json.dumps(change.to_dict(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(format_diff(change, limit=args.limit))
    regressed = change.flips["attacks_now_succeeding"] or change.flips["controls_now_refused"]
    return 1 if args.fail_on_regression and regressed else 0
