"""Fixtures for the vision tests: benign images made by code or shipped by scikit-image, and fakes.

Real-weights tests (``@pytest.mark.models``) are skipped unless selected with ``-m models`` (or
``REMPART_MODELS=1``), so the default run stays fast and needs no weights.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator

import numpy as np
import pytest
from numpy.typing import NDArray
from PIL import Image

from rempart.media import LoadedImage, load_bytes
from rempart.vision import ImageAnalyzer
from rempart.vision.fakes import ScriptedVision

Encoder = Callable[..., bytes]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    selected = "models" in (config.getoption("-m") or "") or os.environ.get("REMPART_MODELS") == "1"
    if selected:
        return
    skip = pytest.mark.skip(reason="real-weights test: run with -m models")
    for item in items:
        if "models" in item.keywords and "tests/vision" in str(item.path).replace(os.sep, "/"):
            item.add_marker(skip)


def drawn(seed: int = 0, width: int = 320, height: int = 240) -> NDArray[np.uint8]:
    """A benign picture drawn by code: a gradient with a few coloured rectangles and discs."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width]
    image = np.stack(
        [xx * 255 // max(width - 1, 1), yy * 255 // max(height - 1, 1), np.full_like(xx, 90 + 40 * (seed % 4))], axis=-1
    ).astype(np.uint8)
    for _ in range(5):
        x0, y0 = int(rng.integers(0, max(1, width - 8))), int(rng.integers(0, max(1, height - 8)))
        w, h = int(rng.integers(4, max(5, width // 3))), int(rng.integers(4, max(5, height // 3)))
        image[y0 : y0 + h, x0 : x0 + w] = rng.integers(0, 256, size=3, dtype=np.uint8)
        cx, cy, r = int(rng.integers(0, width)), int(rng.integers(0, height)), int(rng.integers(8, 40))
        image[(xx - cx) ** 2 + (yy - cy) ** 2 < r * r] = rng.integers(0, 256, size=3, dtype=np.uint8)
    return image


def encode(pixels: NDArray[np.uint8], fmt: str = "PNG", **options: object) -> bytes:
    mode = "RGBA" if pixels.ndim == 3 and pixels.shape[2] == 4 else None
    buffer = io.BytesIO()
    Image.fromarray(pixels, mode=mode).save(buffer, fmt, **options)
    return buffer.getvalue()


@pytest.fixture
def make_image() -> Callable[..., LoadedImage]:
    """``make_image(seed=0, width=320, height=240, fmt="PNG")`` -> a LoadedImage of a drawn picture."""

    def build(seed: int = 0, width: int = 320, height: int = 240, fmt: str = "PNG") -> LoadedImage:
        return load_bytes(encode(drawn(seed, width, height), fmt))

    return build


@pytest.fixture
def vision() -> Iterator[ScriptedVision]:
    """Scripted fakes; the test fails if any fake was asked something unscripted."""
    scripted = ScriptedVision()
    yield scripted
    assert not scripted.violations, f"unscripted backend calls: {scripted.violations}"


@pytest.fixture
def analyzer(vision: ScriptedVision) -> ImageAnalyzer:
    built = ImageAnalyzer(vision.backends())
    built.load()
    return built


@pytest.fixture
def encode_image() -> Encoder:
    """``encode_image(pixels, fmt="PNG", **save_options)`` -> bytes."""
    return encode


@pytest.fixture
def draw_image() -> Callable[..., NDArray[np.uint8]]:
    """``draw_image(seed=0, width=320, height=240)`` -> (H, W, 3) uint8 pixels."""
    return drawn
