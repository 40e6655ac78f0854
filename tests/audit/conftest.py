"""Fixtures for the audit tests: a small corpus of benign images drawn by code, scripted fake vision.

What an image "shows" (faces, ages, body regions) comes from the scripts of ``ScriptedVision``: no
harmful imagery is ever made. Real-weights tests (``@pytest.mark.models``) run only with ``-m models``
or ``REMPART_MODELS=1``; the Ray test (``@pytest.mark.ray``) needs the ``ray`` package.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray
from PIL import Image

from rempart.audit.fakes import ScriptedAnalyzerFactory
from rempart.media.loading import load_path
from rempart.vision.fakes import ScriptedVision
from rempart.vision.values import AgeGenderRaw, Box, Region


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "ray: starts a local Ray instance (needs the 'ray' package; slow)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "models" in (config.getoption("-m") or "") or os.environ.get("REMPART_MODELS") == "1":
        return
    skip = pytest.mark.skip(reason="real-weights test: run with -m models")
    for item in items:
        if "models" in item.keywords and "tests/audit" in str(item.path).replace(os.sep, "/"):
            item.add_marker(skip)


def drawing(seed: int, width: int = 320, height: int = 240) -> NDArray[np.uint8]:
    """A benign picture: a random two-colour background split and a dozen random blocks."""
    rng = np.random.default_rng(1000 + seed)
    image = np.empty((height, width, 3), dtype=np.uint8)
    image[:] = rng.integers(0, 256, size=3, dtype=np.uint8)
    split = int(rng.integers(height // 4, 3 * height // 4))
    image[split:] = rng.integers(0, 256, size=3, dtype=np.uint8)
    for _ in range(12):
        x0, y0 = int(rng.integers(0, width - 20)), int(rng.integers(0, height - 20))
        w, h = int(rng.integers(15, width // 2)), int(rng.integers(15, height // 2))
        image[y0 : y0 + h, x0 : x0 + w] = rng.integers(0, 256, size=3, dtype=np.uint8)
    return image


def save(pixels: NDArray[np.uint8], path: Path, fmt: str = "PNG", **options: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(pixels).save(path, fmt, **options)
    return path


FACE = Box(120, 40, 64, 72)
COVERED = Region("FEMALE_BREAST_COVERED", 0.8, Box(110, 120, 90, 60))
EXPOSED = Region("FEMALE_BREAST_EXPOSED", 0.82, Box(110, 120, 90, 60))


@dataclass
class Corpus:
    """A folder of drawn images, the scripts saying what each "shows", and the expected facts."""

    root: Path
    vision: ScriptedVision
    paths: dict[str, Path] = field(default_factory=dict)

    @property
    def factory(self) -> ScriptedAnalyzerFactory:
        return ScriptedAnalyzerFactory(self.vision)

    def add(self, name: str, pixels: NDArray[np.uint8], fmt: str = "PNG", **script: object) -> Path:
        path = save(pixels, self.root / name, fmt)
        self.vision.script(load_path(path), **script)  # type: ignore[arg-type]
        self.paths[name] = path
        return path


@pytest.fixture
def corpus(tmp_path: Path) -> Corpus:
    return build_corpus(tmp_path / "corpus")


def build_corpus(root: Path) -> Corpus:
    """12 readable images (3 exposed women, 1 exposed man, 1 exposed apparent minor, 1 exact and 1 near
    duplicate) and 1 corrupt file, in two sub-folders."""
    c = Corpus(root, ScriptedVision())
    adult_woman = AgeGenderRaw(34.0, 3.0, 0.95)
    c.add("a/plain0.png", drawing(0))
    c.add("a/plain1.png", drawing(1))
    c.add("a/plain2.png", drawing(2))
    c.add("a/person3.png", drawing(3), faces=[FACE], ages=[AgeGenderRaw(40.0, 3.0, 0.1)])
    c.add("a/person4.png", drawing(4), faces=[FACE], ages=[adult_woman])
    for i in (5, 6, 7):
        c.add(f"b/woman{i}.png", drawing(i), faces=[FACE], ages=[adult_woman], regions=[COVERED])
    c.add("b/man8.png", drawing(8), faces=[FACE], ages=[AgeGenderRaw(45.0, 3.0, 0.05)], regions=[COVERED])
    c.add("b/minor9.png", drawing(9), faces=[FACE], ages=[AgeGenderRaw(14.0, 2.0, 0.9)], regions=[EXPOSED], nsfw=0.9)
    exact = c.root / "b" / "copy_of_plain0.png"
    exact.write_bytes(c.paths["a/plain0.png"].read_bytes())
    c.paths["b/copy_of_plain0.png"] = exact
    c.add("b/near_plain1.jpg", drawing(1), fmt="JPEG")
    broken = c.root / "b" / "broken.png"
    broken.write_bytes(c.paths["a/plain2.png"].read_bytes()[:200])
    c.paths["b/broken.png"] = broken
    return c
