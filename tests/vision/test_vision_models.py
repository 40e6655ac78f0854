"""Real weights on benign images (scikit-image data, drawn pictures, transformations of them).

Run with ``-m models``. Assertions are ranges and rankings, not exact floats: the numbers measured
on this machine are in benchmarks/results/vision-*.json.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np
import pytest
from numpy.typing import NDArray
from PIL import Image, ImageEnhance, ImageFilter

from rempart.media import LoadedImage, load_bytes
from rempart.vision import ImageAnalyzer, ImageSignals, compare
from rempart.vision.hashing import hamming
from rempart.vocabulary import ExposureLevel

pytestmark = pytest.mark.models
skimage_data = pytest.importorskip("skimage.data")


def as_image(pixels: NDArray[np.uint8], fmt: str = "PNG", **options: object) -> LoadedImage:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, fmt, **options)
    return load_bytes(buffer.getvalue())


def astronaut() -> NDArray[np.uint8]:
    return np.ascontiguousarray(skimage_data.astronaut())


def transformed(name: str) -> LoadedImage:
    pil = Image.fromarray(astronaut())
    if name == "jpeg50":
        return as_image(astronaut(), "JPEG", quality=50)
    if name == "crop_brighten":
        return as_image(np.asarray(ImageEnhance.Brightness(pil.crop((100, 20, 400, 320))).enhance(1.3)))
    if name == "mirror":
        return as_image(np.ascontiguousarray(astronaut()[:, ::-1]))
    if name == "rotate10":
        return as_image(np.asarray(pil.rotate(10)))
    if name == "blur":
        return as_image(np.asarray(pil.filter(ImageFilter.GaussianBlur(2))))
    if name == "upscale2":
        return as_image(np.asarray(pil.resize((1024, 1024))))
    raise ValueError(name)


@pytest.fixture(scope="module")
def real() -> ImageAnalyzer:
    analyzer = ImageAnalyzer()
    analyzer.load()
    return analyzer


@pytest.fixture(scope="module")
def original(real: ImageAnalyzer) -> ImageSignals:
    return real.analyze(as_image(astronaut()))


def test_models_load_and_are_named(real: ImageAnalyzer) -> None:
    infos = {m.name: m for m in real.model_info()}
    for name in (
        "nudenet-320n",
        "yahoo-open-nsfw",
        "cydral-age-v1",
        "cydral-gender-v1",
        "dlib-face-recognition-resnet-v1",
        "dlib-shape-predictor-5",
    ):
        assert infos[name].sha256 is not None and len(infos[name].sha256 or "") == 64


def test_astronaut_portrait(original: ImageSignals) -> None:
    assert not original.degraded
    (face,) = original.faces
    x, y, w, h = face.box.to_list()
    assert 150 <= x <= 210 and 60 <= y <= 110 and 70 <= w <= 110 and 70 <= h <= 110
    assert face.apparent_age is not None and 25 <= face.apparent_age.estimate <= 50
    assert face.apparent_age.low < face.apparent_age.estimate < face.apparent_age.high
    assert not face.possible_minor and not face.possible_minor_challenge25
    assert face.presentation.value == "female"
    assert face.embedding is not None and 0.2 < float(np.linalg.norm(face.embedding)) < 1.5
    assert original.exposure is not None and original.exposure.level == ExposureLevel.EVERYDAY
    assert original.exposure.nsfw_score is not None and original.exposure.nsfw_score < 0.2
    assert original.hashes is not None and original.hashes.pdq_quality >= 80


@pytest.mark.parametrize("name", ["chelsea", "coffee"])
def test_no_people(real: ImageAnalyzer, name: str) -> None:
    s = real.analyze(as_image(np.ascontiguousarray(getattr(skimage_data, name)())))
    assert s.faces == () and s.persons == ()
    assert s.exposure is not None and s.exposure.level == ExposureLevel.EVERYDAY
    assert (s.exposure.nsfw_score or 0.0) < 0.2


def test_drawn_pictures_are_everyday(real: ImageAnalyzer, draw_image: Callable[..., NDArray[np.uint8]]) -> None:
    for seed in range(3):
        s = real.analyze(as_image(draw_image(seed, 480, 360)))
        assert s.exposure is not None and s.exposure.level <= ExposureLevel.REVEALING
        assert not s.degraded


def test_cameraman_is_found_through_nudenet(real: ImageAnalyzer) -> None:
    s = real.analyze(as_image(np.ascontiguousarray(skimage_data.camera())))
    assert len(s.faces) == 1 and s.faces[0].source == "nudenet"
    assert s.faces[0].presentation.value in ("male", "unknown")


@pytest.mark.parametrize("name", ["jpeg50", "crop_brighten", "mirror", "rotate10", "blur", "upscale2"])
def test_same_person_survives_benign_edits(real: ImageAnalyzer, original: ImageSignals, name: str) -> None:
    edited = real.analyze(transformed(name))
    match = compare(original, edited)
    assert match.same_person, (name, match)
    assert match.distance is not None and match.distance < 0.45
    face = edited.faces[match.face_b or 0]
    assert face.apparent_age is not None and abs(face.apparent_age.estimate - 33) < 12


def test_identity_ranks_edits_closer_than_strangers(real: ImageAnalyzer, original: ImageSignals) -> None:
    jpeg = compare(original, real.analyze(transformed("jpeg50"))).distance
    blur = compare(original, real.analyze(transformed("blur"))).distance
    stranger = compare(original, real.analyze(as_image(np.ascontiguousarray(skimage_data.camera()))))
    assert jpeg is not None and blur is not None and stranger.distance is not None
    assert jpeg < blur < stranger.distance
    assert not stranger.same_person and stranger.distance > 0.6


def test_hashes_match_edits_not_other_images(real: ImageAnalyzer, original: ImageSignals) -> None:
    jpeg = real.analyze(transformed("jpeg50"), identity=False)
    coffee = real.analyze(as_image(np.ascontiguousarray(skimage_data.coffee())), identity=False)
    assert original.hashes and jpeg.hashes and coffee.hashes
    assert hamming(original.hashes.pdq, jpeg.hashes.pdq) <= 31
    assert hamming(original.hashes.pdq, coffee.hashes.pdq) > 31
    assert hamming(original.hashes.phash, jpeg.hashes.phash) <= 8


def test_nudenet_port_matches_the_package(real: ImageAnalyzer) -> None:
    nudenet = pytest.importorskip("nudenet")
    reference = nudenet.NudeDetector()
    for pixels in (astronaut(), np.ascontiguousarray(skimage_data.coffee())):
        ours = real.regions.backend.detect(pixels) if real.regions else ()
        theirs = reference.detect(np.ascontiguousarray(pixels[:, :, ::-1]))
        assert sorted((r.label, round(r.score, 3)) for r in ours) == sorted(
            (d["class"], round(d["score"], 3)) for d in theirs
        )
