"""Face detection: dlib HOG boxes merged with NudeNet's FACE_* boxes, then 5-point alignment.

HOG is precise and gives the box framing the shape predictor and the age model were trained on, but
it misses profiles and, on the downscaled copy it runs on, faces under about 80 / scale pixels.
NudeNet (already run for exposure) sees smaller and turned faces. So a NudeNet face that no HOG box
covers is added, its box re-framed to HOG's convention (a square about as wide as NudeNet's box,
4 % higher: measured on the 15 faces both found in the benign test set). Recall matters more than
precision here: a missed face is an unchecked age. Faces are ordered largest first.

Label set: ``face`` (score = detector confidence in [0, 1]; evidence: box, source, raw score).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Final

from rempart.media.image import LoadedImage
from rempart.signals import DetectorResult, Evidence, Finding, ModelInfo, run_detector
from rempart.vision.backends import FaceBackend
from rempart.vision.values import Box, FaceGeometry, RawFace, Region

FACE_REGION_LABELS: Final = frozenset({"FACE_FEMALE", "FACE_MALE"})


@dataclass(frozen=True, slots=True)
class FaceScan:
    """The raw detection pass: faces, or the error that stopped it, and how long it took."""

    faces: tuple[RawFace, ...]
    error: str | None
    latency_ms: float


def reframe_region_face(box: Box, width: int, height: int) -> Box:
    """A NudeNet face box re-framed as the square HOG would draw (side ~ mean(w, 0.93 h), 4 % higher)."""
    side = max(1, round((box.w + 0.93 * box.h) / 2.0))
    cx, cy = box.center
    cy -= 0.042 * box.h
    return Box(round(cx - side / 2.0), round(cy - side / 2.0), side, side).clip(width, height)


def merge_faces(
    hog: Sequence[RawFace],
    regions: Sequence[Region],
    width: int,
    height: int,
    *,
    min_region_score: float,
    min_hog_only_score: float = 0.3,
) -> tuple[RawFace, ...]:
    """HOG faces, plus region faces whose centre no HOG box contains; largest first.

    A HOG face that no NudeNet face confirms is kept only from a raw SVM margin of
    ``min_hog_only_score``: on the benign set every such detection under 0.3 was a false positive
    (spacesuit patches, a flag), and every real face scored 0.58 or more or was confirmed.
    """
    merged = list(hog)
    for region in regions:
        if region.label not in FACE_REGION_LABELS or region.score < min_region_score:
            continue
        cx, cy = region.box.center
        hit = next(
            (i for i, f in enumerate(merged) if f.box.contains_point(cx, cy) or f.box.iou(region.box) > 0.3),
            None,
        )
        if hit is not None:
            face = merged[hit]
            if face.source == "hog":
                merged[hit] = RawFace(face.box, max(face.score, region.score), "hog+nudenet", face.raw_score)
            continue
        box = reframe_region_face(region.box, width, height)
        if box.w >= 8 and box.h >= 8:
            merged.append(RawFace(box=box, score=region.score, source="nudenet", raw_score=region.score))
    merged = [f for f in merged if f.source != "hog" or f.raw_score is None or f.raw_score >= min_hog_only_score]
    merged.sort(key=lambda f: (-f.box.area, f.box.x, f.box.y))
    return tuple(merged)


class FaceDetector:
    """``vision.faces``: boxes, sizes and landmarks of every face found."""

    name = "vision.faces"
    version = "1.0"

    def __init__(self, backend: FaceBackend, *, min_region_score: float = 0.35) -> None:
        self.backend = backend
        self.min_region_score = min_region_score
        self._models: tuple[ModelInfo, ...] = ()

    def load(self) -> None:
        self.backend.load()
        self._models = self.backend.model_info()

    def scan(self, image: LoadedImage) -> FaceScan:
        """The backend's own detection pass, kept apart so it can overlap with NudeNet (see analyzer)."""
        start = time.perf_counter()
        try:
            faces = self.backend.detect(image.pixels)
        except Exception as exc:  # a detector failure is data, reported by detect()
            return FaceScan((), f"{type(exc).__name__}: {exc}", (time.perf_counter() - start) * 1000.0)
        return FaceScan(faces, None, (time.perf_counter() - start) * 1000.0)

    def detect(
        self, image: LoadedImage, regions: Sequence[Region] = (), scanned: FaceScan | None = None
    ) -> DetectorResult:
        """Merge the scan (run now unless given) with NudeNet's faces, then align every face."""
        scan = scanned if scanned is not None else self.scan(image)

        def run() -> tuple[tuple[Finding, ...], Mapping[str, Any]]:
            if scan.error is not None:
                raise RuntimeError(f"face scan failed: {scan.error}")
            hog = scan.faces
            faces = merge_faces(hog, regions, image.width, image.height, min_region_score=self.min_region_score)
            geometry: tuple[FaceGeometry, ...] = self.backend.align(image.pixels, faces) if faces else ()
            findings = tuple(
                Finding(
                    "face",
                    face.score,
                    (
                        Evidence(
                            "box",
                            "x,y,w,h",
                            detail={
                                "box": face.box.to_list(),
                                "source": face.source,
                                "raw_score": face.raw_score,
                            },
                        ),
                    ),
                )
                for face in faces
            )
            return findings, {"faces": faces, "geometry": geometry}

        result = run_detector(self.name, self.version, run, models=self._models)
        return replace(result, latency_ms=result.latency_ms + scan.latency_ms)
