"""Contract every vision detector honours: a broken backend gives an ``error`` result, never an exception."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from rempart.media import LoadedImage
from rempart.signals import DetectorResult, ModelInfo, Status
from rempart.vision.age import AgeDetector
from rempart.vision.exposure import ExposureGrader, NsfwDetector, RegionDetector
from rempart.vision.faces import FaceDetector
from rempart.vision.hashing import HashDetector
from rempart.vision.identity import IdentityDetector
from rempart.vision.provenance import ProvenanceDetector
from rempart.vision.values import Box, FaceGeometry, RawFace

GEOMETRY = (FaceGeometry(Box(10, 10, 50, 50), ((20.0, 20.0),) * 5),)


class Broken:
    """Loads fine, then fails on every call (a crashed model)."""

    loaded = True

    def load(self) -> None: ...

    def model_info(self) -> tuple[ModelInfo, ...]:
        return (ModelInfo("broken", "tests", "0"),)

    def __getattr__(self, name: str) -> Callable[..., Any]:
        def fail(*args: object, **kwargs: object) -> Any:
            raise RuntimeError(f"{name} crashed")

        return fail


def run_face(image: LoadedImage) -> DetectorResult:
    d = FaceDetector(Broken())
    d.load()
    return d.detect(image, ())


def run_age(image: LoadedImage) -> DetectorResult:
    d = AgeDetector(Broken())
    d.load()
    return d.detect(image, GEOMETRY)


def run_identity(image: LoadedImage) -> DetectorResult:
    d = IdentityDetector(Broken())
    d.load()
    return d.detect(image, GEOMETRY)


def run_regions(image: LoadedImage) -> DetectorResult:
    d = RegionDetector(Broken())
    d.load()
    return d.detect(image)


def run_nsfw(image: LoadedImage) -> DetectorResult:
    d = NsfwDetector(Broken())
    d.load()
    return d.detect(image)


def run_provenance(image: LoadedImage) -> DetectorResult:
    d = ProvenanceDetector(Broken())
    d.load()
    return d.detect(image)


def run_exposure_without_regions(image: LoadedImage) -> DetectorResult:
    return ExposureGrader().detect(image, [RawFace(Box(0, 0, 5, 5), 0.9, "hog")], None, 0.1)


RUNNERS = {
    "vision.faces": run_face,
    "vision.age": run_age,
    "vision.identity": run_identity,
    "vision.regions": run_regions,
    "vision.nsfw": run_nsfw,
    "vision.provenance": run_provenance,
    "vision.exposure": run_exposure_without_regions,
}


@pytest.mark.parametrize("name", sorted(RUNNERS))
def test_failure_is_an_error_result(name: str, make_image: Callable[..., LoadedImage]) -> None:
    result = RUNNERS[name](make_image(1))
    assert isinstance(result, DetectorResult)
    assert result.detector == name and result.version
    assert result.status is Status.ERROR and result.error and not result.findings
    assert result.latency_ms >= 0.0
    assert result.to_dict()["status"] == "error"


def test_out_of_range_nsfw_score_is_an_error(make_image: Callable[..., LoadedImage]) -> None:
    class Wild(Broken):
        def score(self, pixels: object) -> float:
            return 1.7

    d = NsfwDetector(Wild())
    d.load()
    result = d.detect(make_image(2))
    assert result.status is Status.ERROR and "outside [0, 1]" in (result.error or "")


def test_malformed_embedding_is_an_error(make_image: Callable[..., LoadedImage]) -> None:
    class Short(Broken):
        def embed(self, pixels: object, faces: object) -> tuple[tuple[float, ...], ...]:
            return ((0.1, 0.2),)

    d = IdentityDetector(Short())
    d.load()
    assert d.detect(make_image(3), GEOMETRY).status is Status.ERROR


def test_hash_detector_needs_no_backend(make_image: Callable[..., LoadedImage]) -> None:
    d = HashDetector()
    d.load()
    result = d.detect(make_image(4))
    assert result.ok and {m.name for m in result.models} == {"pdq", "phash"}
