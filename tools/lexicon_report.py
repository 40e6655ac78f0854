"""Where the lexicons and rules alone get a language wrong, on the training corpus.

    python tools/lexicon_report.py LANG [--data data/prompts/train.jsonl] [--limit 60]

Screens every row of LANG with the rules only (the classifier is replaced by a constant 0), and
prints the harmful rows the rules let through and the benign rows they block, each with the
concepts found. For tuning lexicons: it reads the training part only, never the held-out part.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

from conftest import constant_model  # noqa: E402
from rempart.guard import Guard, RequestInput  # noqa: E402
from rempart.policy import load_policy  # noqa: E402
from rempart.text.encoder import UseEncoder  # noqa: E402
from rempart.text.screen import PromptScreen  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lang")
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "prompts" / "train.jsonl")
    parser.add_argument("--limit", type=int, default=60)
    parser.add_argument("--originals", action="store_true", help="skip the obfuscated variants")
    args = parser.parse_args()
    screen = PromptScreen(UseEncoder(), model=constant_model(0.0001))
    screen.load()
    guard = Guard(policy=load_policy(), prompt_screen=screen)
    misses, false_blocks, total = [], [], 0
    for line in args.data.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row.get("lang") != args.lang or (args.originals and "~" in str(row.get("id"))):
            continue
        total += 1
        photo = row.get("photo_of_person")
        decision = guard.screen_request(RequestInput(row["text"], photo if isinstance(photo, bool) else None)).decision
        blocked = decision.action.value == "block"
        prompt = decision.explanation.get("prompt", {})
        concepts = [f"{c['concept']}={c['matched']}" for c in prompt.get("concepts", [])]  # type: ignore[union-attr]
        entry = f"[{row['id']}] {row['text']}\n      concepts: {', '.join(concepts)}"
        if row["label"] == "block" and not blocked:
            misses.append(entry)
        elif row["label"] == "allow" and blocked:
            false_blocks.append(entry + f"\n      rules: {'; '.join(decision.reasons)}")
    print(
        f"{args.lang}: {total} rows, {len(misses)} harmful let through, {len(false_blocks)} benign blocked (rules only)"
    )
    print("\n== harmful rows the rules let through ==")
    print("\n".join(misses[: args.limit]))
    print("\n== benign rows the rules block ==")
    print("\n".join(false_blocks[: args.limit]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
