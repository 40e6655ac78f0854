"""Identity: 128-d face embeddings and the same-person test between two images.

Two faces are the same person when the Euclidean distance between their dlib ResNet embeddings is at
most ``DEFAULT_THRESHOLD``. dlib documents 0.6 (99.38 % on LFW); the value kept here and its
measured false-match rate on the faces we could build offline are in docs/exposure.md and
benchmarks/results/. Between two images the closest pair of faces decides (an edit may add or drop
people; the question is whether the real person of the source is still in the output). Only the
``max_faces`` largest faces are embedded (~16 ms each with the numpy port of the network in
``dlib_resnet``, ~70 ms each through dlib itself).

Labels: ``face_embedding`` (score = 1.0 when the face was embedded; evidence: face index and box).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Final

from rempart.media.image import LoadedImage
from rempart.signals import DetectorResult, Evidence, Finding, ModelInfo, run_detector
from rempart.vision.backends import EmbeddingBackend
from rempart.vision.values import FaceGeometry, IdentityMatch

DEFAULT_THRESHOLD: Final = 0.6
EMBEDDING_SIZE: Final = 128


def distance(a: Sequence[float], b: Sequence[float]) -> float:
    if len(a) != len(b):
        raise ValueError(f"embeddings differ in size: {len(a)} vs {len(b)}")
    return math.sqrt(sum((x - y) ** 2 for x, y in zip(a, b, strict=True)))


def match_embeddings(
    a: Sequence[tuple[float, ...] | None],
    b: Sequence[tuple[float, ...] | None],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    missing_a: str = "no face in image A",
    missing_b: str = "no face in image B",
) -> IdentityMatch:
    """The closest pair of embedded faces; same person when its distance is at most ``threshold``."""
    if not a:
        return IdentityMatch(False, None, threshold, reason=missing_a)
    if not b:
        return IdentityMatch(False, None, threshold, reason=missing_b)
    pairs = [
        (distance(ea, eb), i, j) for i, ea in enumerate(a) if ea is not None for j, eb in enumerate(b) if eb is not None
    ]
    if not pairs:
        return IdentityMatch(False, None, threshold, reason="faces found but no embedding was computed")
    best, i, j = min(pairs)
    return IdentityMatch(best <= threshold, best, threshold, face_a=i, face_b=j)


class IdentityDetector:
    """``vision.identity``: embeddings of the largest ``max_faces`` faces (faces arrive largest first)."""

    name = "vision.identity"
    version = "1.0"

    def __init__(self, backend: EmbeddingBackend, *, max_faces: int = 4) -> None:
        if max_faces < 1:
            raise ValueError("max_faces must be at least 1")
        self.backend = backend
        self.max_faces = max_faces
        self._models: tuple[ModelInfo, ...] = ()

    def load(self) -> None:
        self.backend.load()
        self._models = self.backend.model_info()

    def detect(self, image: LoadedImage, faces: Sequence[FaceGeometry]) -> DetectorResult:
        def run() -> tuple[tuple[Finding, ...], Mapping[str, Any]]:
            chosen = list(faces[: self.max_faces])
            vectors = self.backend.embed(image.pixels, chosen) if chosen else ()
            if len(vectors) != len(chosen):
                raise RuntimeError(f"embedding backend returned {len(vectors)} vectors for {len(chosen)} faces")
            for vector in vectors:
                if len(vector) != EMBEDDING_SIZE or not all(math.isfinite(v) for v in vector):
                    raise ValueError("embedding backend returned a malformed vector")
            embeddings: tuple[tuple[float, ...] | None, ...] = tuple(vectors) + (None,) * (len(faces) - len(chosen))
            findings = tuple(
                Finding("face_embedding", 1.0, (Evidence("face", str(i), detail={"box": f.box.to_list()}),))
                for i, f in enumerate(chosen)
            )
            return findings, {"embeddings": embeddings}

        return run_detector(self.name, self.version, run, models=self._models)
