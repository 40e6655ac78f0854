"""The backend contracts of the vision detectors: one ``Protocol`` per kind of model.

A backend wraps one model runtime. Constructing it is cheap; ``load()`` reads the weights and is
idempotent; calling a method before ``load()`` raises ``ModelError``. Every method takes the
oriented RGB pixels of a ``LoadedImage`` ((H, W, 3) ``uint8``) and returns the raw value types of
``rempart.vision.values``; detectors turn those into ``DetectorResult``s. The real implementations
are in ``dlib_backends``, ``onnx_backends`` and ``provenance``; scripted fakes for tests are in
``fakes``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from rempart.signals import ModelInfo
from rempart.vision.values import AgeGenderRaw, FaceGeometry, RawFace, Region

Pixels = NDArray[np.uint8]


class FaceBackend(Protocol):
    """Finds frontal faces and places five alignment landmarks on a face box."""

    def load(self) -> None: ...

    @property
    def loaded(self) -> bool: ...

    def model_info(self) -> tuple[ModelInfo, ...]: ...

    def detect(self, pixels: Pixels) -> tuple[RawFace, ...]:
        """Faces with boxes in ``pixels`` coordinates and scores in [0, 1]."""
        ...

    def align(self, pixels: Pixels, faces: Sequence[RawFace]) -> tuple[FaceGeometry, ...]:
        """Five landmarks per face, in the same order."""
        ...


class RegionBackend(Protocol):
    """Body-region detector (NudeNet): exposed / covered regions and FACE_FEMALE / FACE_MALE boxes."""

    def load(self) -> None: ...

    @property
    def loaded(self) -> bool: ...

    def model_info(self) -> tuple[ModelInfo, ...]: ...

    def detect(self, pixels: Pixels) -> tuple[Region, ...]: ...


class NsfwBackend(Protocol):
    """Whole-image NSFW probability in [0, 1] (open_nsfw)."""

    def load(self) -> None: ...

    @property
    def loaded(self) -> bool: ...

    def model_info(self) -> tuple[ModelInfo, ...]: ...

    def score(self, pixels: Pixels) -> float: ...


class AgeGenderBackend(Protocol):
    """Apparent age distribution and gender probability per aligned face."""

    def load(self) -> None: ...

    @property
    def loaded(self) -> bool: ...

    def model_info(self) -> tuple[ModelInfo, ...]: ...

    def estimate(self, pixels: Pixels, faces: Sequence[FaceGeometry]) -> tuple[AgeGenderRaw, ...]: ...


class EmbeddingBackend(Protocol):
    """Face embeddings for identity comparison (unit-scale Euclidean space; see ``identity``)."""

    def load(self) -> None: ...

    @property
    def loaded(self) -> bool: ...

    def model_info(self) -> tuple[ModelInfo, ...]: ...

    def embed(self, pixels: Pixels, faces: Sequence[FaceGeometry]) -> tuple[tuple[float, ...], ...]: ...


class ManifestBackend(Protocol):
    """Reads an embedded C2PA manifest store; None when the asset carries none."""

    def load(self) -> None: ...

    @property
    def loaded(self) -> bool: ...

    def model_info(self) -> tuple[ModelInfo, ...]: ...

    def read(self, data: bytes, mime_type: str) -> Mapping[str, Any] | None: ...
