"""Fit and measure the audit's photo / illustration heuristic (``rempart.audit.style``) on images built by code.

    python benchmarks/style_eval.py [--per-kind 60] [--fit]

Split A (fit) and split B (test) use disjoint scikit-image source photos and different seeds; the
illustrations are drawn shapes, toon-filtered and posterised photos, text posters and scikit-image's
drawings (``benchmarks/audit_synthetic.py``). ``--fit`` prints logistic-regression weights fitted on
A (class-balanced; these were pasted into ``style.py``); the run always measures the weights frozen in
``style.py`` on B, per kind, plus a hard case the fit never saw: B photos with their grain smoothed
away (a proxy for noise-free AI-rendered photos). Writes ``benchmarks/results/style-<date>.json/.md``.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "src"))

import audit_synthetic as syn  # noqa: E402
from machine import machine_details  # noqa: E402

from rempart.audit.style import FEATURES, ILLUSTRATION_ABOVE, PHOTO_BELOW, estimate_style, style_features  # noqa: E402


def build(split: str, per_kind: int, seed: int) -> list[tuple[str, str, np.ndarray]]:
    """(kind, label, decoded pixels) for ``per_kind`` JPEG-encoded images of every kind of ``split``."""
    rng = np.random.default_rng(seed)
    out = []
    kinds = list(syn.kinds(split))
    names = syn.PHOTOS_A if split == "A" else syn.PHOTOS_B
    kinds.append(syn.Kind("smoothed_photo (hard)", "photo", lambda r, s: syn.smoothed_photo(r, s, names)))
    for kind in kinds:
        for _ in range(per_kind):
            pixels = kind.make(rng, syn.sample_size(rng, 256, 768))
            data = syn.jpeg(pixels, int(rng.integers(60, 96)))
            decoded = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=np.uint8)
            out.append((kind.name, kind.label, decoded))
    return out


def fit(rows: list[tuple[str, str, np.ndarray]]) -> dict[str, Any]:
    from sklearn.linear_model import LogisticRegression

    rows = [r for r in rows if "hard" not in r[0]]
    x = np.array([[style_features(p)[f] for f in FEATURES] for _, _, p in rows])
    y = np.array([label == "illustration" for _, label, _ in rows])
    weights = np.where(y, 0.5 / y.mean(), 0.5 / (1 - y.mean()))
    model = LogisticRegression(C=10.0, max_iter=5000).fit(x, y, sample_weight=weights)
    return {
        "weights": dict(zip(FEATURES, (round(float(c), 2) for c in model.coef_[0]), strict=True)),
        "bias": round(float(model.intercept_[0]), 2),
    }


def measure(rows: list[tuple[str, str, np.ndarray]]) -> dict[str, Any]:
    per_kind: dict[str, dict[str, int]] = {}
    for kind, label, pixels in rows:
        estimate = estimate_style(pixels)
        counts = per_kind.setdefault(kind, {"n": 0, "correct": 0, "wrong": 0, "uncertain": 0, "correct_at_0.5": 0})
        counts["n"] += 1
        if estimate.label == "uncertain":
            counts["uncertain"] += 1
        elif estimate.label == label:
            counts["correct"] += 1
        else:
            counts["wrong"] += 1
        counts["correct_at_0.5"] += int((estimate.p_illustration >= 0.5) == (label == "illustration"))

    def summary(selected: list[dict[str, int]]) -> dict[str, Any]:
        n = sum(c["n"] for c in selected)
        decided = sum(c["correct"] + c["wrong"] for c in selected)
        correct = sum(c["correct"] for c in selected)
        return {
            "n": n,
            "decided": decided,
            "accuracy_when_decided": round(correct / decided, 4) if decided else None,
            "uncertain_share": round(sum(c["uncertain"] for c in selected) / n, 4) if n else None,
            "accuracy_forced_at_0.5": round(sum(c["correct_at_0.5"] for c in selected) / n, 4) if n else None,
        }

    main = [c for k, c in per_kind.items() if "hard" not in k]
    return {
        "overall": summary(main),
        "per_kind": {k: {**c, **summary([c])} for k, c in per_kind.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-kind", type=int, default=60)
    parser.add_argument("--fit", action="store_true", help="print weights fitted on split A")
    args = parser.parse_args()
    result: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_details(("numpy", "opencv-python-headless", "scikit-image", "pillow")),
        "per_kind": args.per_kind,
        "thresholds": {"photo_below": PHOTO_BELOW, "illustration_above": ILLUSTRATION_ABOVE},
    }
    if args.fit:
        result["fit_on_A"] = fit(build("A", args.per_kind, seed=1))
        print(json.dumps(result["fit_on_A"], indent=2))
    test = build("B", args.per_kind, seed=2)
    result["test_B"] = measure(test)
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    (out / f"style-{stamp}.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    overall = result["test_B"]["overall"]
    lines = [
        f"# Photo / illustration heuristic, measured {result['date']}",
        "",
        f"Machine: {result['machine']['cpu']}, {result['machine']['cores']} cores.",
        f"Test split B: {overall['n']} images built by code ({args.per_kind} per kind), source photos disjoint",
        "from the fit split A. Thresholds: photo <= "
        f"{PHOTO_BELOW}, illustration >= {ILLUSTRATION_ABOVE}, uncertain between.",
        "",
        f"* accuracy on the images it decided: **{overall['accuracy_when_decided']}**"
        f" ({overall['decided']} of {overall['n']}; uncertain {overall['uncertain_share']})",
        f"* accuracy when forced at 0.5: {overall['accuracy_forced_at_0.5']}",
        "",
        "| kind | n | correct | wrong | uncertain | accuracy when decided | forced at 0.5 |",
        "|---|---|---|---|---|---|---|",
    ]
    for kind, c in result["test_B"]["per_kind"].items():
        lines.append(
            f"| {kind} | {c['n']} | {c['correct']} | {c['wrong']} | {c['uncertain']} | "
            f"{c['accuracy_when_decided']} | {c['accuracy_forced_at_0.5']} |"
        )
    lines += [
        "",
        "Not measured: real AI-generated images (none can be fetched here). The hard row (photos with",
        "their grain smoothed away, like rendered images) shows the expected failure mode.",
    ]
    (out / f"style-{stamp}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
