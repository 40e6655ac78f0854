"""Build the prompt corpus (train.jsonl, heldout.jsonl) from the hand-written seeds.

    python tools/build_corpus.py [--seed 13] [--variants 2] [--heldout 0.2]

Deterministic for a given seed. Splits by seed id first (a seed and all its variants land on the
same side, so the held-out part never sees a sibling of a training row), then adds:
- programmatic obfuscations of every seed (leetspeak, spacing, look-alike letters, invisible
  characters, emoji, typos, ...), for harmful and benign rows alike, so obfuscation itself is not
  a signal of harm;
- multi-step compositions within one language and one side of the split: a benign step followed by
  a harmful one (harmful), or two benign steps (benign).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from rempart.text.obfuscate import TECHNIQUES, obfuscate  # noqa: E402

SEEDS = ROOT / "data" / "prompts" / "seeds"
OUT = ROOT / "data" / "prompts"
JOINERS = {
    "en": [", then ", ". After that, ", " and then "],
    "fr": [", puis ", ". Ensuite, "],
    "es": [", luego ", ". Después, "],
    "de": [", dann ", ". Danach "],
    "it": [", poi ", ". Dopo, "],
    "pt": [", depois ", ". Em seguida, "],
    "nl": [", daarna ", ". Dan "],
    "pl": [", potem ", ". Następnie "],
    "ru": [", потом ", ". Затем "],
    "tr": [", sonra ", ". Ardından "],
    "ar": ["، ثم ", ". بعد ذلك "],
    "hi": [", फिर ", ", phir "],
    "id": [", lalu ", ". Setelah itu "],
    "ms": [", kemudian ", ". Selepas itu "],
    "ja": ["、それから", "。そのあと"],
    "ko": [", 그다음 ", ". 그리고 "],
    "zh": ["，然后", "。之后"],
}


def _side(seed_id: str, heldout: float) -> str:
    bucket = int(hashlib.sha256(seed_id.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return "heldout" if bucket < heldout else "train"


def load_seeds() -> list[dict[str, object]]:
    rows = []
    for path in sorted(SEEDS.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip():
                row = json.loads(line)
                if row.get("label") not in ("block", "allow"):
                    raise SystemExit(f"{path}:{number}: bad label")
                rows.append(row)
    ids = Counter(str(r["id"]) for r in rows)
    dupes = [i for i, n in ids.items() if n > 1]
    if dupes:
        raise SystemExit(f"duplicate seed ids: {dupes[:5]}")
    return rows


def build(seed: int, variants: int, heldout: float) -> dict[str, list[dict[str, object]]]:
    rng = random.Random(seed)
    sides: dict[str, list[dict[str, object]]] = {"train": [], "heldout": []}
    seeds = load_seeds()
    for row in seeds:
        side = _side(str(row["id"]), heldout)
        base = {**row, "base_id": row["id"], "techniques": list(row.get("techniques") or ["plain"])}
        sides[side].append(base)
        for k in range(variants):
            technique = rng.choice(TECHNIQUES)
            text = obfuscate(str(row["text"]), technique, rng, strength=rng.uniform(0.3, 0.8))
            if text == row["text"]:
                continue
            sides[side].append(
                {
                    **base,
                    "id": f"{row['id']}~{technique}{k}",
                    "text": text,
                    "techniques": [*base["techniques"], technique],
                }
            )
    for side, rows in list(sides.items()):
        originals = [r for r in rows if r["id"] == r["base_id"]]
        by_lang: dict[str, list[dict[str, object]]] = {}
        for r in originals:
            by_lang.setdefault(str(r["lang"]), []).append(r)
        extra = []
        for lang, items in sorted(by_lang.items()):
            benign = [r for r in items if r["label"] == "allow" and r["category"] == "benign_edit"]
            harmful = [r for r in items if r["label"] == "block" and r["category"] != "adult_sexual_content"]
            joiners = JOINERS.get(lang, [", then "])
            for n in range(min(12, len(benign), len(harmful))):
                first, second = rng.choice(benign), rng.choice(harmful)
                joined = f"{str(first['text']).rstrip('.。!！')}{rng.choice(joiners)}{second['text']}"
                extra.append(
                    {
                        "id": f"{side}-multistep-{lang}-{n}",
                        "base_id": f"{first['id']}+{second['id']}",
                        "text": joined,
                        "label": "block",
                        "category": second["category"],
                        "lang": lang,
                        "techniques": ["multistep"],
                        "photo_of_person": second.get("photo_of_person"),
                    }
                )
                a, b = rng.sample(benign, 2) if len(benign) > 1 else (benign[0], benign[0])
                extra.append(
                    {
                        "id": f"{side}-multistep-benign-{lang}-{n}",
                        "base_id": f"{a['id']}+{b['id']}",
                        "text": f"{str(a['text']).rstrip('.。!！')}{rng.choice(joiners)}{b['text']}",
                        "label": "allow",
                        "category": "benign_edit",
                        "lang": lang,
                        "techniques": ["multistep"],
                        "photo_of_person": a.get("photo_of_person"),
                    }
                )
        rows.extend(extra)
        rng.shuffle(rows)
    return sides


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--variants", type=int, default=2)
    parser.add_argument("--heldout", type=float, default=0.2)
    args = parser.parse_args()
    sides = build(args.seed, args.variants, args.heldout)
    for side, rows in sides.items():
        path = OUT / f"{side}.jsonl"
        with path.open("w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        labels = Counter(str(r["label"]) for r in rows)
        print(f"{path.relative_to(ROOT)}: {len(rows)} rows {dict(labels)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
