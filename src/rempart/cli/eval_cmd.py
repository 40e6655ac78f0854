"""``rempart eval prompts FILE.jsonl``: recall, false-block rate and latency on labelled prompts."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rempart.cli.screen_cmd import build_guard
from rempart.errors import InputError
from rempart.evaluation.prompts import evaluate, format_summary, misses, read_labelled, summarise


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("eval", help="measure rempart on labelled data")
    inner = p.add_subparsers(dest="eval_kind", metavar="KIND")
    prompts = inner.add_parser("prompts", help="evaluate the prompt screen on labelled JSONL (label: block|allow)")
    prompts.add_argument("file", type=Path)
    prompts.add_argument("--policy", type=Path, help="policy file (default: the shipped policy)")
    prompts.add_argument("--json", action="store_true", help="print the summary as JSON")
    prompts.add_argument("--out", type=Path, help="also write the JSON summary (with misses) to this file")
    prompts.add_argument("--show-misses", type=int, default=0, metavar="N", help="print up to N misclassified rows")
    prompts.set_defaults(handler=run_prompts)

    def show_help(_: argparse.Namespace) -> int:
        p.print_help()
        return 2

    p.set_defaults(handler=show_help)


def run_prompts(args: argparse.Namespace) -> int:
    if not args.file.is_file():
        raise InputError(f"no such file: {args.file}")
    rows = list(read_labelled(args.file))
    guard = build_guard(args.policy)
    results = evaluate(guard, rows)
    summary = summarise(results)
    texts = {str(r.get("id", i)): str(r["text"]) for i, r in enumerate(rows)}
    wrong = misses(results, texts, limit=max(args.show_misses, 200))
    if args.out:
        args.out.write_text(
            json.dumps({"file": str(args.file), "summary": summary, "misses": wrong}, indent=2, ensure_ascii=False)
            + "\n",
            encoding="utf-8",
        )
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(format_summary(summary))
        for miss in wrong[: args.show_misses]:
            print(f"  MISS {miss['id']} label={miss['label']} action={miss['action']}: {miss['text']}")
    return 0
