"""Scripted fake backends: the vision stack without weights, for unit tests and policy tests.

Each fake answers only for images it was scripted for, keyed by ``pixel_key`` (a digest of the
pixels and their shape), and raises ``signals.ScriptedBackendError`` otherwise. Because the
detectors turn any backend exception into an ``error`` result (failures are data), every fake also
appends the violation to the shared ``ScriptedVision.violations`` list, so a test can assert it is
empty and an unscripted call fails loudly. Harmful cases (explicit regions, apparent minors) are
expressed here as scripted outputs: no such imagery is ever created.

    vision = ScriptedVision()
    vision.script(image, faces=[Box(10, 10, 40, 40)], ages=[AgeGenderRaw(30, 3, 0.9)], nsfw=0.02)
    analyzer = ImageAnalyzer(vision.backends()); analyzer.load()
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn

import numpy as np
from numpy.typing import NDArray

from rempart.media.image import LoadedImage
from rempart.signals import ModelInfo, ScriptedBackendError
from rempart.vision.analyzer import VisionBackends
from rempart.vision.values import AgeGenderRaw, Box, FaceGeometry, Point, RawFace, Region


def pixel_key(pixels: NDArray[np.uint8]) -> str:
    digest = hashlib.sha256(repr(pixels.shape).encode())
    digest.update(np.ascontiguousarray(pixels).tobytes())
    return digest.hexdigest()[:24]


def synthetic_landmarks(box: Box) -> tuple[Point, ...]:
    """Five plausible landmarks (eye corners, nose base) placed by proportion inside ``box``."""
    x, y, w, h = box.x, box.y, box.w, box.h
    return (
        (x + 0.78 * w, y + 0.38 * h),
        (x + 0.60 * w, y + 0.38 * h),
        (x + 0.22 * w, y + 0.38 * h),
        (x + 0.40 * w, y + 0.38 * h),
        (x + 0.50 * w, y + 0.66 * h),
    )


@dataclass
class ImageScript:
    """Everything the fakes answer for one image. ``None`` means "raise": the backend is broken here."""

    faces: Sequence[RawFace] | None = ()
    regions: Sequence[Region] | None = ()
    nsfw: float | None = 0.0
    ages: Sequence[AgeGenderRaw] | None = ()
    embeddings: Sequence[tuple[float, ...]] | None = ()
    manifest: Mapping[str, Any] | None = None
    manifest_error: bool = False


class BackendBroken(RuntimeError):
    """A scripted failure (the script said this backend fails on this image)."""


@dataclass
class ScriptedVision:
    """A set of scripts plus the fakes that read them; ``violations`` collects unscripted calls."""

    scripts: dict[str, ImageScript] = field(default_factory=dict)
    by_sha: dict[str, ImageScript] = field(default_factory=dict)
    violations: list[str] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)

    def script(
        self,
        image: LoadedImage,
        *,
        faces: Sequence[Box | RawFace] | None = (),
        regions: Sequence[Region] | None = (),
        nsfw: float | None = 0.0,
        ages: Sequence[AgeGenderRaw] | None = (),
        embeddings: Sequence[tuple[float, ...]] | None = (),
        manifest: Mapping[str, Any] | None = None,
        manifest_error: bool = False,
    ) -> ImageScript:
        raw_faces = (
            None
            if faces is None
            else tuple(
                f if isinstance(f, RawFace) else RawFace(box=f, score=0.95, source="hog", raw_score=1.5) for f in faces
            )
        )
        entry = ImageScript(raw_faces, regions, nsfw, ages, embeddings, manifest, manifest_error)
        self.scripts[pixel_key(image.pixels)] = entry
        self.by_sha[image.sha256] = entry
        return entry

    def lookup(self, backend: str, pixels: NDArray[np.uint8]) -> ImageScript:
        key = pixel_key(pixels)
        self.calls.append(f"{backend}:{key}")
        if key not in self.scripts:
            self._violation(f"{backend} asked about unscripted image {key}")
        return self.scripts[key]

    def lookup_bytes(self, backend: str, data: bytes) -> ImageScript:
        sha = hashlib.sha256(data).hexdigest()
        self.calls.append(f"{backend}:{sha[:24]}")
        if sha not in self.by_sha:
            self._violation(f"{backend} asked about unscripted bytes {sha[:24]}")
        return self.by_sha[sha]

    def _violation(self, message: str) -> NoReturn:
        self.violations.append(message)
        raise ScriptedBackendError(message)

    def backends(self) -> VisionBackends:
        return VisionBackends(
            faces=FakeFaceBackend(self),
            regions=FakeRegionBackend(self),
            nsfw=FakeNsfwBackend(self),
            age=FakeAgeGenderBackend(self),
            embeddings=FakeEmbeddingBackend(self),
            manifests=FakeManifestBackend(self),
        )


class _Fake:
    kind = "fake"

    def __init__(self, vision: ScriptedVision) -> None:
        self.vision = vision
        self._loaded = False

    def load(self) -> None:
        self._loaded = True

    @property
    def loaded(self) -> bool:
        return self._loaded

    def model_info(self) -> tuple[ModelInfo, ...]:
        return (ModelInfo(name=f"scripted-{self.kind}", package="rempart.vision.fakes", version="0"),)

    def _require(self) -> None:
        if not self._loaded:
            self.vision._violation(f"{self.kind} backend used before load()")


def _broken(kind: str) -> BackendBroken:
    return BackendBroken(f"scripted failure of the {kind} backend")


class FakeFaceBackend(_Fake):
    kind = "faces"

    def detect(self, pixels: NDArray[np.uint8]) -> tuple[RawFace, ...]:
        self._require()
        faces = self.vision.lookup(self.kind, pixels).faces
        if faces is None:
            raise _broken(self.kind)
        return tuple(faces)

    def align(self, pixels: NDArray[np.uint8], faces: Sequence[RawFace]) -> tuple[FaceGeometry, ...]:
        self._require()
        self.vision.lookup(self.kind, pixels)
        return tuple(FaceGeometry(box=f.box, landmarks=synthetic_landmarks(f.box)) for f in faces)


class FakeRegionBackend(_Fake):
    kind = "regions"

    def detect(self, pixels: NDArray[np.uint8]) -> tuple[Region, ...]:
        self._require()
        regions = self.vision.lookup(self.kind, pixels).regions
        if regions is None:
            raise _broken(self.kind)
        return tuple(regions)


class FakeNsfwBackend(_Fake):
    kind = "nsfw"

    def score(self, pixels: NDArray[np.uint8]) -> float:
        self._require()
        value = self.vision.lookup(self.kind, pixels).nsfw
        if value is None:
            raise _broken(self.kind)
        return value


class FakeAgeGenderBackend(_Fake):
    kind = "age"

    def estimate(self, pixels: NDArray[np.uint8], faces: Sequence[FaceGeometry]) -> tuple[AgeGenderRaw, ...]:
        self._require()
        ages = self.vision.lookup(self.kind, pixels).ages
        if ages is None:
            raise _broken(self.kind)
        if len(ages) < len(faces):
            self.vision._violation(f"age backend scripted for {len(ages)} faces, asked about {len(faces)}")
        return tuple(ages[: len(faces)])


class FakeEmbeddingBackend(_Fake):
    kind = "embeddings"

    def embed(self, pixels: NDArray[np.uint8], faces: Sequence[FaceGeometry]) -> tuple[tuple[float, ...], ...]:
        self._require()
        vectors = self.vision.lookup(self.kind, pixels).embeddings
        if vectors is None:
            raise _broken(self.kind)
        if len(vectors) < len(faces):
            self.vision._violation(f"embedding backend scripted for {len(vectors)} faces, asked about {len(faces)}")
        return tuple(vectors[: len(faces)])


class FakeManifestBackend(_Fake):
    kind = "manifests"

    def read(self, data: bytes, mime_type: str) -> Mapping[str, Any] | None:
        self._require()
        entry = self.vision.lookup_bytes(self.kind, data)
        if entry.manifest_error:
            raise _broken(self.kind)
        return entry.manifest


def unit_vector(seed: int, size: int = 128) -> tuple[float, ...]:
    """A deterministic embedding of norm 0.5 (the scale of dlib's), for scripting identities."""
    rng = np.random.default_rng(seed)
    v = rng.normal(size=size)
    v = 0.5 * v / np.linalg.norm(v)
    return tuple(float(x) for x in v)


def nudge(vector: Sequence[float], distance: float, seed: int = 0) -> tuple[float, ...]:
    """``vector`` moved by exactly ``distance`` in a random direction (to script a given distance)."""
    rng = np.random.default_rng(seed)
    d = rng.normal(size=len(vector))
    d = distance * d / np.linalg.norm(d)
    return tuple(float(a + b) for a, b in zip(vector, d, strict=True))
