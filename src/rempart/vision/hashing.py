"""Perceptual hashes of an image: PDQ (256 bits, with its 0-100 quality) and a 64-bit DCT pHash.

PDQ (Meta ThreatExchange, via ``pdqhash``) is the hash shared with hash lists (StopNCII, HMA); its
hex form here is the ThreatExchange one (most significant bit first, 64 hex characters), and a
quality under 50 means the hash is unreliable for matching (flat or tiny images). pHash
(``imagehash``) is the fast second opinion. Both run on a copy scaled to at most ``hash_side`` pixels
(PDQ reduces to 64 x 64 internally anyway; at 1024 px the full-size input costs ~38 ms against ~4 ms
at 512, for a few bits of difference; see the benchmark). Matching: PDQ Hamming distance <= 31
(ThreatExchange's default), pHash <= 8, and ``pdq_dihedral`` for mirrored or rotated copies.

Labels: ``pdq_low_quality`` (score = 1 - quality/100) when the quality is under 50.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from rempart.errors import ModelUnavailableError
from rempart.media.image import LoadedImage
from rempart.signals import DetectorResult, Evidence, Finding, ModelInfo, run_detector
from rempart.vision.values import HashSignal
from rempart.vision.weights import PDQ, PHASH, model_info

PDQ_MATCH_DISTANCE: Final = 31
PHASH_MATCH_DISTANCE: Final = 8
PDQ_MIN_QUALITY: Final = 50


def bits_to_hex(bits: NDArray[Any]) -> str:
    """A bit vector (most significant first) as lowercase hex."""
    packed = np.packbits(np.asarray(bits, dtype=np.uint8).reshape(-1))
    return packed.tobytes().hex()


def hamming(a: str, b: str) -> int:
    """Bit distance between two hex hashes of the same length."""
    if len(a) != len(b):
        raise ValueError("hashes differ in length")
    return (int(a, 16) ^ int(b, 16)).bit_count()


def downscale(pixels: NDArray[np.uint8], side: int) -> NDArray[np.uint8]:
    height, width = pixels.shape[:2]
    scale = side / max(height, width)
    if scale >= 1.0:
        return np.ascontiguousarray(pixels)
    import cv2

    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    resized = cv2.resize(np.ascontiguousarray(pixels), size, interpolation=cv2.INTER_AREA)
    return np.asarray(resized, dtype=np.uint8)


def pdq(pixels: NDArray[np.uint8]) -> tuple[str, int]:
    try:
        import pdqhash  # type: ignore[import-untyped,import-not-found,unused-ignore]
    except ImportError:
        raise ModelUnavailableError("pdqhash is not installed") from None
    bits, quality = pdqhash.compute(np.ascontiguousarray(pixels))
    return bits_to_hex(bits), int(quality)


def pdq_dihedral(pixels: NDArray[np.uint8]) -> tuple[str, ...]:
    """The PDQ hashes of the 8 rotations and mirror images, for matching transformed copies."""
    try:
        import pdqhash  # type: ignore[import-untyped,import-not-found,unused-ignore]
    except ImportError:
        raise ModelUnavailableError("pdqhash is not installed") from None
    vectors, _ = pdqhash.compute_dihedral(np.ascontiguousarray(pixels))
    return tuple(bits_to_hex(v) for v in vectors)


def phash(pixels: NDArray[np.uint8]) -> str:
    try:
        import imagehash
    except ImportError:
        raise ModelUnavailableError("imagehash is not installed") from None
    from PIL import Image

    return str(imagehash.phash(Image.fromarray(np.ascontiguousarray(pixels))))


class HashDetector:
    """``vision.hashes``: PDQ + quality and pHash of the oriented pixels."""

    name = "vision.hashes"
    version = "1.0"

    def __init__(self, *, hash_side: int = 512) -> None:
        self.hash_side = hash_side
        self._models: tuple[ModelInfo, ...] = ()

    def load(self) -> None:
        self._models = (model_info(PDQ), model_info(PHASH))

    def detect(self, image: LoadedImage) -> DetectorResult:
        def run() -> tuple[tuple[Finding, ...], Mapping[str, Any]]:
            small = downscale(image.pixels, self.hash_side)
            pdq_hex, quality = pdq(small)
            signal = HashSignal(pdq=pdq_hex, pdq_quality=quality, phash=phash(small))
            findings: tuple[Finding, ...] = ()
            if quality < PDQ_MIN_QUALITY:
                findings = (
                    Finding(
                        "pdq_low_quality",
                        min(1.0, max(0.0, 1.0 - quality / 100.0)),
                        (Evidence("quality", str(quality)),),
                    ),
                )
            return findings, {"hashes": signal}

        return run_detector(self.name, self.version, run, models=self._models)
