"""The dlib backends: HOG face detection with 5-point alignment, and the ResNet face embedding.

dlib (the ``dlib-bin`` wheel, no compiler needed) is imported inside ``load()`` only. The HOG
detector runs on a copy of the image scaled so its longer side is at most ``detect_side`` pixels
(HOG cost grows with the pixel count: about 85 ms at 1024 x 1024 against 30 ms at 640 on 2 cores),
so faces smaller than about 80 / scale pixels are left to the NudeNet face boxes that the face
detector merges in. Landmarks and embeddings always use the full-resolution pixels. The embedding
model is dlib's ``dlib_face_recognition_resnet_model_v1`` (128-d, CC0) from the
``face_recognition_models`` data package, called through dlib directly (not the
``face_recognition`` package). dlib holds the GIL while it runs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from rempart.errors import ModelError, ModelUnavailableError
from rempart.signals import ModelInfo
from rempart.vision.backends import Pixels
from rempart.vision.values import Box, FaceGeometry, RawFace
from rempart.vision.weights import FACE_RESNET, HOG_FACE, SHAPE_PREDICTOR_5, locate, model_info

EMBEDDING_PADDING = 0.25
"""dlib's default chip padding for the ResNet embedding (the value it was trained with)."""


def import_dlib() -> Any:
    try:
        import dlib  # type: ignore[import-untyped,import-not-found,unused-ignore]
    except ImportError:
        raise ModelUnavailableError("dlib is not installed (pip install dlib-bin)") from None
    return dlib


def squash_hog_score(raw: float) -> float:
    """Map a HOG SVM margin (about -0.5 .. 3) into (0, 1): 0 -> 0.5, 1 -> 0.88, 2 -> 0.98."""
    return 1.0 / (1.0 + math.exp(-2.0 * raw))


def to_shape(dlib: Any, face: FaceGeometry) -> Any:
    """Rebuild a dlib ``full_object_detection`` from a box and its landmarks."""
    b = face.box
    rect = dlib.rectangle(b.x, b.y, b.x + max(b.w, 1) - 1, b.y + max(b.h, 1) - 1)
    points = dlib.points()
    for px, py in face.landmarks:
        points.append(dlib.point(round(px), round(py)))
    return dlib.full_object_detection(rect, points)


def contiguous(pixels: Pixels) -> Pixels:
    """dlib's numpy bridge wants a C-contiguous, writeable (H, W, 3) uint8 array."""
    if pixels.flags.c_contiguous and pixels.flags.writeable:
        return pixels
    return np.array(pixels, dtype=np.uint8, order="C", copy=True)


class DlibFaceBackend:
    """dlib's frontal HOG detector plus the 5-point shape predictor."""

    def __init__(self, *, detect_side: int = 800, upsample: int = 0, adjust_threshold: float = 0.0) -> None:
        if detect_side < 80:
            raise ValueError("detect_side must be at least 80 pixels (the HOG window)")
        self.detect_side = detect_side
        self.upsample = upsample
        self.adjust_threshold = adjust_threshold
        self._dlib: Any = None
        self._detector: Any = None
        self._predictor: Any = None

    def load(self) -> None:
        if self._predictor is not None:
            return
        dlib = import_dlib()
        path = locate(SHAPE_PREDICTOR_5)
        try:
            predictor = dlib.shape_predictor(str(path))
        except RuntimeError as exc:
            raise ModelError(f"cannot load {path.name}: {exc}") from None
        self._dlib = dlib
        self._detector = dlib.get_frontal_face_detector()
        self._predictor = predictor

    @property
    def loaded(self) -> bool:
        return self._predictor is not None

    def model_info(self) -> tuple[ModelInfo, ...]:
        return (model_info(HOG_FACE), model_info(SHAPE_PREDICTOR_5))

    def detect(self, pixels: Pixels) -> tuple[RawFace, ...]:
        self._require()
        height, width = pixels.shape[:2]
        scale = min(1.0, self.detect_side / max(height, width))
        small = pixels if scale >= 1.0 else _resize(pixels, scale)
        rects, scores, _ = self._detector.run(contiguous(small), self.upsample, self.adjust_threshold)
        faces = []
        for rect, raw in zip(rects, scores, strict=True):
            box = Box(
                round(rect.left() / scale),
                round(rect.top() / scale),
                round(rect.width() / scale),
                round(rect.height() / scale),
            ).clip(width, height)
            if box.area == 0:
                continue
            faces.append(RawFace(box=box, score=squash_hog_score(float(raw)), source="hog", raw_score=float(raw)))
        return tuple(faces)

    def align(self, pixels: Pixels, faces: Sequence[RawFace]) -> tuple[FaceGeometry, ...]:
        self._require()
        image = contiguous(pixels)
        out = []
        for face in faces:
            b = face.box
            rect = self._dlib.rectangle(b.x, b.y, b.x + max(b.w, 1) - 1, b.y + max(b.h, 1) - 1)
            shape = self._predictor(image, rect)
            points = tuple((float(shape.part(i).x), float(shape.part(i).y)) for i in range(shape.num_parts))
            out.append(FaceGeometry(box=b, landmarks=points))
        return tuple(out)

    def _require(self) -> None:
        if self._predictor is None:
            raise ModelError("DlibFaceBackend used before load()")


class DlibEmbeddingBackend:
    """dlib's ResNet face embedding: 128 floats per aligned 150 x 150 chip, same person if L2 < ~0.6."""

    def __init__(self, *, jitters: int = 0) -> None:
        self.jitters = jitters
        self._dlib: Any = None
        self._model: Any = None

    def load(self) -> None:
        if self._model is not None:
            return
        dlib = import_dlib()
        path = locate(FACE_RESNET)
        try:
            model = dlib.face_recognition_model_v1(str(path))
        except RuntimeError as exc:
            raise ModelError(f"cannot load {path.name}: {exc}") from None
        self._dlib = dlib
        self._model = model

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def model_info(self) -> tuple[ModelInfo, ...]:
        return (model_info(FACE_RESNET),)

    def embed(self, pixels: Pixels, faces: Sequence[FaceGeometry]) -> tuple[tuple[float, ...], ...]:
        if self._model is None:
            raise ModelError("DlibEmbeddingBackend used before load()")
        if not faces:
            return ()
        shapes = self._dlib.full_object_detections()
        for face in faces:
            shapes.append(to_shape(self._dlib, face))
        vectors = self._model.compute_face_descriptor(contiguous(pixels), shapes, self.jitters, EMBEDDING_PADDING)
        return tuple(tuple(float(v) for v in vector) for vector in vectors)


def extract_chips(pixels: Pixels, faces: Sequence[FaceGeometry], size: int, padding: float) -> list[Pixels]:
    """Aligned square face chips (dlib's similarity transform from the 5 landmarks), one per face."""
    dlib = import_dlib()
    image = contiguous(pixels)
    chips = []
    for face in faces:
        details = dlib.get_face_chip_details(to_shape(dlib, face), size, padding)
        chips.append(np.ascontiguousarray(dlib.extract_image_chip(image, details), dtype=np.uint8))
    return chips


def _resize(pixels: Pixels, scale: float) -> Pixels:
    import cv2

    height, width = pixels.shape[:2]
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    resized = np.asarray(cv2.resize(pixels, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)
    return resized
