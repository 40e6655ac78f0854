"""Train the prompt classifier on the project's corpus and write the shipped model.

    python -m rempart.text.training [--train data/prompts/train.jsonl] [--heldout data/prompts/heldout.jsonl]

Steps: build features for every training row (rules + hashed n-grams + USE embedding), fit a
class-balanced logistic regression, estimate out-of-fold metrics by 5-fold cross-validation on the
training part, measure once on the held-out part (never used for fitting or for choosing settings),
and write ``src/rempart/text/model/prompt_model.npz`` with a JSON card recording the data digests,
the command, the settings and the metrics.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import sys
import time
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from rempart.text.classifier import HASH_SIZE, LinearPromptModel, featurize
from rempart.text.encoder import UseEncoder
from rempart.text.screen import PromptScreen

ROOT = Path(__file__).resolve().parents[3]
DEFAULT_TRAIN = ROOT / "data" / "prompts" / "train.jsonl"
DEFAULT_HELDOUT = ROOT / "data" / "prompts" / "heldout.jsonl"
DEFAULT_OUT = Path(__file__).resolve().parent / "model"


def _read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def build_matrix(rows: list[dict[str, Any]], screen: PromptScreen, encoder: UseEncoder) -> tuple[Any, np.ndarray]:
    from scipy import sparse

    analyses = []
    texts = []
    for row in rows:
        photo = row.get("photo_of_person")
        norm, _, analysis = screen.analyse_text(str(row["text"]), photo if isinstance(photo, bool) else None)
        norm = screen.classifier_view(norm, analysis)
        analyses.append((norm, analysis, photo if isinstance(photo, bool) else None))
        texts.append(norm.text)
    embeddings = np.concatenate([encoder.encode(texts[i : i + 256]) for i in range(0, len(texts), 256)])
    data, indices, indptr = [], [], [0]
    dense_rows = []
    for (norm, analysis, photo), emb in zip(analyses, embeddings, strict=True):
        f = featurize(norm, analysis, photo, emb)
        order = np.argsort(f.indices)
        indices.extend(f.indices[order].tolist())
        data.extend(f.values[order].tolist())
        indptr.append(len(indices))
        dense_rows.append(f.dense)
    hashed = sparse.csr_matrix((data, indices, indptr), shape=(len(rows), HASH_SIZE), dtype=np.float32)
    dense = sparse.csr_matrix(np.stack(dense_rows))
    x = sparse.hstack([hashed, dense], format="csr")
    y = np.asarray([1 if row["label"] == "block" else 0 for row in rows])
    return x, y


def _metrics(y: np.ndarray, p: np.ndarray, threshold: float = 0.5) -> dict[str, float]:
    pred = p >= threshold
    harmful, benign = y == 1, y == 0
    return {
        "recall": float(pred[harmful].mean()) if harmful.any() else float("nan"),
        "false_block_rate": float(pred[benign].mean()) if benign.any() else float("nan"),
        "n_harmful": int(harmful.sum()),
        "n_benign": int(benign.sum()),
    }


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def train(train_path: Path, heldout_path: Path | None, out_dir: Path, c: float = 8.0) -> dict[str, Any]:
    from sklearn.linear_model import LogisticRegression

    started = time.time()
    screen = PromptScreen()
    encoder = UseEncoder(threads=2)
    encoder.load()
    rows = _read(train_path)
    x, y = build_matrix(rows, screen, encoder)

    def fit(xm: Any, ym: np.ndarray) -> Any:
        model = LogisticRegression(C=c, class_weight="balanced", max_iter=3000, solver="liblinear")
        model.fit(xm, ym)
        return model

    oof = np.zeros(len(y))
    # Folds by seed so that obfuscated siblings of one seed never straddle train and validation.
    groups = np.asarray([zlib.crc32(str(r.get("base_id", r["id"])).encode()) % 5 for r in rows])
    for k in range(5):
        tr, va = groups != k, groups == k
        oof[va] = fit(x[tr], y[tr]).predict_proba(x[va])[:, 1]
    final = fit(x, y)
    coef = final.coef_[0].astype(np.float32)
    model = LinearPromptModel(
        sparse_weights=coef[:HASH_SIZE],
        dense_weights=coef[HASH_SIZE:],
        intercept=float(final.intercept_[0]),
        card={},
    )
    card: dict[str, Any] = {
        "version": datetime.now(UTC).strftime("%Y%m%d%H%M"),
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "python -m rempart.text.training " + " ".join(sys.argv[1:]),
        "algorithm": f"LogisticRegression(C={c}, class_weight=balanced, liblinear)",
        "features": "hashed char 2-5grams + word 1-2grams (2**18), concept counts, rule analysis, USE-m v3 (512)",
        "train_file": str(train_path.relative_to(ROOT)) if train_path.is_relative_to(ROOT) else str(train_path),
        "train_sha256": _digest(train_path),
        "train_rows": len(rows),
        "cross_validation": _metrics(y, oof),
        "python": platform.python_version(),
        "seconds": 0.0,
    }
    if heldout_path is not None and heldout_path.exists():
        held = _read(heldout_path)
        xh, yh = build_matrix(held, screen, encoder)
        card["heldout_file"] = (
            str(heldout_path.relative_to(ROOT)) if heldout_path.is_relative_to(ROOT) else str(heldout_path)
        )
        card["heldout_sha256"] = _digest(heldout_path)
        card["heldout_classifier_only"] = _metrics(yh, final.predict_proba(xh)[:, 1])
    card["seconds"] = round(time.time() - started, 1)
    LinearPromptModel(model.sparse_weights, model.dense_weights, model.intercept, card).save(out_dir)
    return card


def main() -> int:
    parser = argparse.ArgumentParser(description="train the rempart prompt classifier")
    parser.add_argument("--train", type=Path, default=DEFAULT_TRAIN)
    parser.add_argument("--heldout", type=Path, default=DEFAULT_HELDOUT)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("-C", type=float, default=8.0, dest="c")
    args = parser.parse_args()
    card = train(args.train, args.heldout, args.out, args.c)
    print(json.dumps(card, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
