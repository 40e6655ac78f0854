"""The photo / illustration heuristic on pictures it should get right, and its contract."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import drawing
from rempart.audit.style import FEATURES, estimate_style, style_features


def test_flat_drawings_are_illustrations() -> None:
    for seed in range(5):
        estimate = estimate_style(drawing(seed, 640, 480))
        assert estimate.label == "illustration", estimate.features
        assert 0.65 <= estimate.p_illustration <= 1.0


def test_photographs_are_photos() -> None:
    data = pytest.importorskip("skimage.data")
    for name in ("astronaut", "coffee", "chelsea"):
        estimate = estimate_style(np.ascontiguousarray(getattr(data, name)()[..., :3]))
        assert estimate.label == "photo", (name, estimate.features)


def test_features_are_bounded_and_small_images_do_not_fail() -> None:
    rng = np.random.default_rng(0)
    for pixels in (
        rng.integers(0, 256, size=(300, 500, 3), dtype=np.uint8),
        np.zeros((4, 4, 3), dtype=np.uint8),
        np.full((1, 900, 3), 200, dtype=np.uint8),
    ):
        features = style_features(pixels)
        assert set(features) == set(FEATURES)
        assert all(0.0 <= v <= 1.0 for v in features.values())
        assert estimate_style(pixels).label in ("photo", "illustration", "uncertain")
