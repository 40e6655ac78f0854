"""The trained prompt classifier: features, the linear model, and its file format.

Features of one prompt, all computed from the normalised text and the rule analysis:

- hashed character n-grams (2-5) and word uni/bi-grams of the normalised text (CRC32 into
  2**18 buckets, each block L2-normalised): spelling-level evidence in every script;
- concept counts and the rule analysis (exposure level, sexualised, minor / real-person cues,
  negations, benign evidence, whether a photo of a person is attached);
- the USE multilingual sentence embedding: meaning across languages and paraphrases.

The model is logistic regression trained by ``rempart.text.training`` on the project's own corpus
(``data/prompts/train.jsonl``). Weights are stored as a plain ``.npz`` (no pickle, nothing
executable) next to a JSON card that records the training data digest, command and metrics.
"""

from __future__ import annotations

import itertools
import json
import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from rempart.errors import ModelUnavailableError
from rempart.signals import ModelInfo
from rempart.text.concepts import ALL_CONCEPTS
from rempart.text.normalize import NormalizedText
from rempart.text.rules import PromptAnalysis

HASH_BITS = 18
HASH_SIZE = 1 << HASH_BITS
CHAR_NGRAMS = (2, 3, 4, 5)
MODEL_PACKAGE = "rempart.text.model"
MODEL_FILE = "prompt_model.npz"
CARD_FILE = "prompt_model.json"

FloatArray = npt.NDArray[np.float32]

_ANALYSIS_FEATURES = (
    "exposure_0",
    "exposure_1",
    "exposure_2",
    "exposure_3",
    "exposure_4",
    "exposure_5",
    "sexualised",
    "minor_cue",
    "real_cue",
    "implied_edit",
    "framing",
    "fictional",
    "person",
    "hits",
    "benign",
    "photo_true",
    "photo_false",
    "photo_unknown",
    "length",
)
DENSE_NAMES: tuple[str, ...] = tuple(f"concept:{c.value}" for c in ALL_CONCEPTS) + _ANALYSIS_FEATURES


@dataclass(frozen=True, slots=True)
class Features:
    indices: npt.NDArray[np.int64]
    values: FloatArray
    dense: FloatArray


def _bucket(text: str, salt: str) -> int:
    return zlib.crc32(f"{salt}\x1f{text}".encode()) & (HASH_SIZE - 1)


def _accumulate(counts: dict[int, float], keys: Sequence[str], salt: str) -> dict[int, float]:
    block: dict[int, float] = {}
    for key in keys:
        idx = _bucket(key, salt)
        block[idx] = block.get(idx, 0.0) + 1.0
    norm = math.sqrt(sum(v * v for v in block.values())) or 1.0
    for idx, value in block.items():
        counts[idx] = counts.get(idx, 0.0) + value / norm
    return counts


def sparse_features(norm: NormalizedText) -> tuple[npt.NDArray[np.int64], FloatArray]:
    padded = f" {' '.join(t.value for t in norm.tokens)} "
    grams = [padded[i : i + n] for n in CHAR_NGRAMS for i in range(len(padded) - n + 1)]
    counts: dict[int, float] = {}
    _accumulate(counts, grams, "c")
    words = [t.value for t in norm.tokens]
    _accumulate(counts, words + [f"{a} {b}" for a, b in itertools.pairwise(words)], "w")
    if not counts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    indices = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
    values = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
    return indices, values


def dense_features(norm: NormalizedText, analysis: PromptAnalysis, photo_of_person: bool | None) -> FloatArray:
    concept_counts = dict.fromkeys(ALL_CONCEPTS, 0)
    for m in analysis.matches:
        concept_counts[m.concept] += 1
    out = [math.log1p(concept_counts[c]) for c in ALL_CONCEPTS]
    level = int(analysis.exposure)
    out += [1.0 if level == i else 0.0 for i in range(6)]
    out += [
        float(analysis.sexualised),
        float(analysis.minor_cue),
        float(analysis.real_cue),
        float(analysis.implied_edit),
        float(analysis.framing),
        float(analysis.fictional),
        float(analysis.person),
        math.log1p(len(analysis.hits)),
        math.log1p(len(analysis.benign)),
        float(photo_of_person is True),
        float(photo_of_person is False),
        float(photo_of_person is None),
        math.log1p(len(norm.tokens)) / 5.0,
    ]
    return np.asarray(out, dtype=np.float32)


def featurize(
    norm: NormalizedText, analysis: PromptAnalysis, photo_of_person: bool | None, embedding: FloatArray
) -> Features:
    indices, values = sparse_features(norm)
    dense = np.concatenate([dense_features(norm, analysis, photo_of_person), embedding.astype(np.float32)])
    return Features(indices, values, dense)


@dataclass(frozen=True)
class LinearPromptModel:
    """Logistic regression over hashed sparse features and dense features."""

    sparse_weights: FloatArray
    dense_weights: FloatArray
    intercept: float
    card: dict[str, Any]

    def probability(self, features: Features) -> float:
        if features.dense.shape[0] != self.dense_weights.shape[0]:
            raise ValueError(
                f"feature size {features.dense.shape[0]} does not match the model ({self.dense_weights.shape[0]})"
            )
        score = float(self.intercept)
        if features.indices.size:
            score += float(np.dot(self.sparse_weights[features.indices], features.values))
        score += float(np.dot(self.dense_weights, features.dense))
        return 1.0 / (1.0 + math.exp(-max(min(score, 40.0), -40.0)))

    @property
    def version(self) -> str:
        return str(self.card.get("version", "unknown"))

    def model_info(self) -> ModelInfo:
        return ModelInfo(
            name="rempart-prompt-classifier",
            package="rempart",
            version=self.version,
            file=f"rempart/text/model/{MODEL_FILE}",
            sha256=str(self.card.get("weights_sha256", "")) or None,
            licence="Apache-2.0 (trained on the project's own corpus)",
        )

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / MODEL_FILE
        np.savez_compressed(
            path,
            sparse_weights=self.sparse_weights.astype(np.float32),
            dense_weights=self.dense_weights.astype(np.float32),
            intercept=np.asarray([self.intercept], dtype=np.float32),
        )
        import hashlib

        card = dict(self.card)
        card["weights_sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
        (directory / CARD_FILE).write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def load_model(directory: Path | None = None) -> LinearPromptModel:
    """Load the shipped model (or one from ``directory``)."""
    try:
        if directory is not None:
            raw_weights = (directory / MODEL_FILE).read_bytes()
            raw_card = (directory / CARD_FILE).read_text(encoding="utf-8")
        else:
            root = resources.files(MODEL_PACKAGE)
            raw_weights = root.joinpath(MODEL_FILE).read_bytes()
            raw_card = root.joinpath(CARD_FILE).read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError) as exc:
        raise ModelUnavailableError(
            "the prompt classifier is not trained yet: run `python -m rempart.text.training`"
        ) from exc
    import io

    with np.load(io.BytesIO(raw_weights), allow_pickle=False) as data:
        sparse = np.asarray(data["sparse_weights"], dtype=np.float32)
        dense = np.asarray(data["dense_weights"], dtype=np.float32)
        intercept = float(data["intercept"][0])
    if sparse.shape[0] != HASH_SIZE:
        raise ModelUnavailableError(f"prompt model has {sparse.shape[0]} hashed weights, expected {HASH_SIZE}")
    return LinearPromptModel(sparse, dense, intercept, json.loads(raw_card))
