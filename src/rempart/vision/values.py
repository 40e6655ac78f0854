"""Value objects of the vision stack: boxes, faces, persons, exposure, hashes, provenance, identity.

Everything here is a frozen dataclass with a ``to_dict`` that gives the JSON shape of the
``rempart inspect --json`` / ``rempart compare --json`` contract (see docs/exposure.md and issue 3):
boxes are ``[x, y, w, h]`` in pixels of the oriented image, ages are years, scores are in [0, 1].
The raw model outputs that backends return (``RawFace``, ``Region``, ``AgeGenderRaw``) live here
too, so fakes and real backends speak the same types.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from rempart.media.image import LoadedImage
from rempart.signals import DetectorResult, ModelInfo, Status
from rempart.vocabulary import ExposureLevel


@dataclass(frozen=True, slots=True)
class Box:
    """Axis-aligned box in pixels: top-left corner, width, height."""

    x: int
    y: int
    w: int
    h: int

    @property
    def area(self) -> int:
        return max(self.w, 0) * max(self.h, 0)

    @property
    def center(self) -> tuple[float, float]:
        return (self.x + self.w / 2.0, self.y + self.h / 2.0)

    @property
    def right(self) -> int:
        return self.x + self.w

    @property
    def bottom(self) -> int:
        return self.y + self.h

    def iou(self, other: Box) -> float:
        ix = max(0, min(self.right, other.right) - max(self.x, other.x))
        iy = max(0, min(self.bottom, other.bottom) - max(self.y, other.y))
        inter = ix * iy
        union = self.area + other.area - inter
        return inter / union if union > 0 else 0.0

    def contains_point(self, px: float, py: float) -> bool:
        return self.x <= px <= self.right and self.y <= py <= self.bottom

    def clip(self, width: int, height: int) -> Box:
        x0, y0 = max(0, self.x), max(0, self.y)
        x1, y1 = min(width, self.right), min(height, self.bottom)
        return Box(x0, y0, max(0, x1 - x0), max(0, y1 - y0))

    def union(self, other: Box) -> Box:
        x0, y0 = min(self.x, other.x), min(self.y, other.y)
        x1, y1 = max(self.right, other.right), max(self.bottom, other.bottom)
        return Box(x0, y0, x1 - x0, y1 - y0)

    def to_list(self) -> list[int]:
        return [self.x, self.y, self.w, self.h]


Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class RawFace:
    """A face as a detector backend reports it: box, confidence in [0, 1], where it came from."""

    box: Box
    score: float
    source: str
    """``hog`` (dlib HOG), ``nudenet`` (a NudeNet FACE_* region), or ``hog+nudenet``."""
    raw_score: float | None = None
    """The backend's own score before squashing into [0, 1] (the HOG SVM margin)."""


@dataclass(frozen=True, slots=True)
class FaceGeometry:
    """A face box with its five alignment landmarks (eye corners and nose base, dlib order)."""

    box: Box
    landmarks: tuple[Point, ...]


@dataclass(frozen=True, slots=True)
class Region:
    """A NudeNet body-region detection: one of its 18 class labels, a score, a box."""

    label: str
    score: float
    box: Box

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "score": round(self.score, 4), "box": self.box.to_list()}


@dataclass(frozen=True, slots=True)
class AgeGenderRaw:
    """One face's age distribution summary and gender probability, as a backend reports it."""

    expected_age: float
    """Mean of the model's age distribution, in years."""
    spread: float
    """Standard deviation of that distribution, in years (the model's own uncertainty)."""
    p_female: float


class Presentation(StrEnum):
    """Apparent gender presentation; ``unknown`` when the model is not confident either way."""

    FEMALE = "female"
    MALE = "male"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class ApparentAge:
    """Apparent age in years with an uncertainty band; not a claim about the real age."""

    estimate: float
    low: float
    high: float

    def to_dict(self) -> dict[str, float]:
        return {"estimate": round(self.estimate, 1), "low": round(self.low, 1), "high": round(self.high, 1)}


@dataclass(frozen=True, slots=True)
class FaceSignal:
    """Everything known about one face. ``possible_minor*`` are True when the age is unknown (fail closed)."""

    index: int
    box: Box
    score: float
    source: str
    apparent_age: ApparentAge | None
    possible_minor: bool
    """The age band reaches below the minor age (18)."""
    possible_minor_challenge25: bool
    """Estimate under the challenge age (25), or ``possible_minor``; applies above everyday clothing."""
    presentation: Presentation
    p_female: float | None
    embedding: tuple[float, ...] | None = field(default=None, repr=False)

    def to_dict(self, *, with_embedding: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "index": self.index,
            "box": self.box.to_list(),
            "score": round(self.score, 4),
            "source": self.source,
            "apparent_age": self.apparent_age.to_dict() if self.apparent_age is not None else None,
            "possible_minor": self.possible_minor,
            "possible_minor_challenge25": self.possible_minor_challenge25,
            "presentation": self.presentation.value,
            "p_female": round(self.p_female, 4) if self.p_female is not None else None,
            "has_embedding": self.embedding is not None,
        }
        if with_embedding and self.embedding is not None:
            out["embedding"] = [round(v, 6) for v in self.embedding]
        return out


@dataclass(frozen=True, slots=True)
class PersonSignal:
    """A person: a face and the body regions attributed to it, or regions with no visible face."""

    index: int
    box: Box
    face_index: int | None
    level: ExposureLevel
    regions: tuple[Region, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "box": self.box.to_list(),
            "face": self.face_index,
            "level": int(self.level),
            "regions": [r.to_dict() for r in self.regions],
        }


@dataclass(frozen=True, slots=True)
class ExposureSignal:
    """Whole-image exposure level (the maximum of the persons' levels and the whole-image floor)."""

    level: ExposureLevel
    persons: tuple[PersonSignal, ...]
    nsfw_score: float | None
    reasons: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": int(self.level),
            "label": self.level.name.lower(),
            "persons": [p.to_dict() for p in self.persons],
            "nsfw_score": round(self.nsfw_score, 4) if self.nsfw_score is not None else None,
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True, slots=True)
class HashSignal:
    """Perceptual hashes: PDQ (256 bits as 64 hex chars) with its quality 0-100, and a 64-bit pHash."""

    pdq: str
    pdq_quality: int
    phash: str

    def to_dict(self) -> dict[str, Any]:
        return {"pdq": self.pdq, "pdq_quality": self.pdq_quality, "phash": self.phash}


@dataclass(frozen=True, slots=True)
class ProvenanceMarker:
    """One sign of provenance or AI generation: where it was found and what it says."""

    kind: str
    """``c2pa``, ``xmp``, ``png_text``, ``exif`` or ``iptc``."""
    key: str
    value: str
    ai_generated: bool
    """The marker states the content was generated or edited by an AI model."""

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "key": self.key, "value": self.value, "ai_generated": self.ai_generated}


@dataclass(frozen=True, slots=True)
class ProvenanceSignal:
    c2pa_present: bool
    c2pa_validation: str | None
    """The C2PA validation state (``Valid``, ``Trusted``, ``Invalid``...) when a manifest was read."""
    ai_generated_marker: bool
    markers: tuple[ProvenanceMarker, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "c2pa_present": self.c2pa_present,
            "c2pa_validation": self.c2pa_validation,
            "ai_generated_marker": self.ai_generated_marker,
            "markers": [m.to_dict() for m in self.markers],
        }


@dataclass(frozen=True, slots=True)
class ImageSignals:
    """What one image shows, with every detector result behind it. ``degraded``: a detector failed."""

    image: LoadedImage = field(repr=False)
    faces: tuple[FaceSignal, ...]
    persons: tuple[PersonSignal, ...]
    exposure: ExposureSignal | None
    hashes: HashSignal | None
    provenance: ProvenanceSignal | None
    results: tuple[DetectorResult, ...]
    latency_ms: float

    @property
    def degraded(self) -> bool:
        return any(r.status in (Status.ERROR, Status.TIMEOUT) for r in self.results)

    @property
    def failed(self) -> frozenset[str]:
        """Names of detectors that errored or timed out (the policy fails closed on these)."""
        return frozenset(r.detector for r in self.results if r.status in (Status.ERROR, Status.TIMEOUT))

    def result(self, detector: str) -> DetectorResult | None:
        for r in self.results:
            if r.detector == detector:
                return r
        return None

    @property
    def models(self) -> tuple[ModelInfo, ...]:
        seen: dict[tuple[str, str | None], ModelInfo] = {}
        for r in self.results:
            for m in r.models:
                seen.setdefault((m.name, m.sha256), m)
        return tuple(seen.values())

    def to_dict(self, *, with_results: bool = True, with_embeddings: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "image": self.image.to_dict(),
            "faces": [f.to_dict(with_embedding=with_embeddings) for f in self.faces],
            "person_count": len(self.persons),
            "exposure": self.exposure.to_dict() if self.exposure is not None else None,
            "hashes": self.hashes.to_dict() if self.hashes is not None else None,
            "provenance": self.provenance.to_dict() if self.provenance is not None else None,
            "degraded": self.degraded,
            "failed": sorted(self.failed),
            "latency_ms": round(self.latency_ms, 2),
        }
        if with_results:
            out["detectors"] = [r.to_dict() for r in self.results]
        return out


@dataclass(frozen=True, slots=True)
class IdentityMatch:
    """Whether two images show the same person: the closest pair of faces, its distance, the threshold."""

    same_person: bool
    distance: float | None
    threshold: float
    reason: str | None = None
    """Why the answer is False without a distance (a face or an embedding is missing)."""
    face_a: int | None = None
    face_b: int | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "same_person": self.same_person,
            "distance": round(self.distance, 4) if self.distance is not None else None,
            "threshold": self.threshold,
        }
        if self.reason is not None:
            out["reason"] = self.reason
        if self.face_a is not None:
            out["face_a"] = self.face_a
            out["face_b"] = self.face_b
        return out


def payload(result: DetectorResult, key: str) -> Any:
    """The typed payload a detector stored in ``result.data[key]``; None unless the result is ok."""
    if result.status is not Status.OK:
        return None
    data: Mapping[str, Any] = result.data
    return data.get(key)
