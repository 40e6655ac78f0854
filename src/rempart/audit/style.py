"""Photo or illustration? A cheap, transparent estimate from colour and gradient statistics.

No model: six statistics of the image, combined by a logistic function whose weights were fitted
once (``benchmarks/style_eval.py --fit``) on images built by code and then frozen here. All in [0, 1]:

* ``flat``: share of pixels (on a copy scaled to at most 384 px) whose luminance equals both their
  right and lower neighbours'. Flat fills make illustrations high.
* ``mid``: share of pixels with a gentle gradient (3-16 levels): the soft texture of photographs.
* ``strong_edges``: share of the textured pixels whose gradient exceeds 48 levels: drawn outlines.
* ``entropy``: entropy of the colour histogram (4 bits per channel) over its maximum.
* ``noise``: mean absolute difference between luminance and its 3 x 3 median in smooth areas of a
  256 px crop at full resolution, in levels / 2, capped at 1 (grain, and JPEG ringing).
* ``saturation``: mean HSV saturation.

The fitted weights are not all intuitive (``noise`` came out positive: JPEG ringing around flat
fills counts as well as camera grain), which is one more reason to read the result as a coarse split.

Honest limits, measured in ``benchmarks/results/style-*.md``: the weights were fitted and tested on
scikit-image photos (and transformations of them) against shapes drawn by code, toon-filtered and
posterised photos, and scikit-image's few drawings. AI-generated images are the hard case: rendered
"photos" have no sensor noise and painterly illustrations have no flat fills, so on them the
estimate is weak; it is reported as ``uncertain`` between the two thresholds and should be read as
a coarse split, verified on the human sample, never as a finding about one image.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

STYLE_VERSION: Final = "1.0"
ANALYSIS_SIDE: Final = 384
NOISE_SIDE: Final = 256
_KERNEL: Final = np.ones((3, 3), np.uint8)

FEATURES: Final[tuple[str, ...]] = ("flat", "mid", "strong_edges", "entropy", "noise", "saturation")
WEIGHTS: Final[Mapping[str, float]] = {
    "flat": 10.68,
    "mid": -3.41,
    "strong_edges": 6.62,
    "entropy": 4.28,
    "noise": 3.94,
    "saturation": -0.55,
}
"""Fitted by ``benchmarks/style_eval.py --fit`` (class-balanced logistic regression on split A)."""
BIAS: Final = -5.59
ILLUSTRATION_ABOVE: Final = 0.65
PHOTO_BELOW: Final = 0.35


@dataclass(frozen=True, slots=True)
class StyleEstimate:
    """``label`` is ``photo``, ``illustration`` or ``uncertain``; ``p_illustration`` in [0, 1]."""

    label: str
    p_illustration: float
    features: Mapping[str, float]
    version: str = STYLE_VERSION

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "p_illustration": round(self.p_illustration, 4),
            "features": {k: round(v, 4) for k, v in self.features.items()},
            "version": self.version,
        }


def _shrink(pixels: NDArray[np.uint8], side: int) -> NDArray[np.uint8]:
    height, width = pixels.shape[:2]
    scale = side / max(height, width)
    if scale >= 1.0:
        return pixels
    import cv2

    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return np.asarray(cv2.resize(np.ascontiguousarray(pixels), size, interpolation=cv2.INTER_AREA), dtype=np.uint8)


def _center(pixels: NDArray[np.uint8], side: int) -> NDArray[np.uint8]:
    height, width = pixels.shape[:2]
    y, x = max(0, (height - side) // 2), max(0, (width - side) // 2)
    return np.ascontiguousarray(pixels[y : y + side, x : x + side])


def style_features(pixels: NDArray[np.uint8]) -> dict[str, float]:
    """The statistics above for an RGB ``uint8`` image of shape (height, width, 3)."""
    import cv2

    rgb = np.ascontiguousarray(_shrink(pixels, ANALYSIS_SIDE))
    if rgb.shape[0] < 8 or rgb.shape[1] < 8:
        return dict.fromkeys(FEATURES, 0.0)
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.int16)
    dx = np.abs(np.diff(gray, axis=1))[:-1, :]
    dy = np.abs(np.diff(gray, axis=0))[:, :-1]
    grad = np.maximum(dx, dy)
    flat = float((grad == 0).mean())
    mid = float(((grad > 2) & (grad <= 16)).mean())
    textured = grad > 2
    strong = float((grad[textured] > 48).mean()) if textured.any() else 0.0
    quant = (rgb >> 4).astype(np.int32)
    codes = ((quant[..., 0] << 8) | (quant[..., 1] << 4) | quant[..., 2]).ravel()
    counts = np.bincount(codes, minlength=4096).astype(np.float64)
    probs = counts[counts > 0] / codes.size
    entropy = float(-(probs * np.log(probs)).sum() / np.log(4096))
    native = cv2.cvtColor(_center(pixels, NOISE_SIDE), cv2.COLOR_RGB2GRAY)
    residual = np.abs(native.astype(np.int16) - cv2.medianBlur(native, 3).astype(np.int16))
    spread = cv2.dilate(native, _KERNEL).astype(np.int16) - cv2.erode(native, _KERNEL).astype(np.int16)
    smooth = (spread <= 12)[1:-1, 1:-1]
    residual = residual[1:-1, 1:-1]
    noise = float(min(1.0, residual[smooth].mean() / 2.0)) if smooth.any() else 0.0
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    saturation = float(hsv[..., 1].mean() / 255.0)
    return {
        "flat": flat,
        "mid": mid,
        "strong_edges": strong,
        "entropy": entropy,
        "noise": noise,
        "saturation": saturation,
    }


def estimate_style(pixels: NDArray[np.uint8]) -> StyleEstimate:
    """Photo, illustration or uncertain, with the probability-like score behind it (pure)."""
    features = style_features(pixels)
    logit = BIAS + sum(WEIGHTS[name] * features[name] for name in FEATURES)
    p = float(1.0 / (1.0 + np.exp(-logit)))
    if p >= ILLUSTRATION_ABOVE:
        label = "illustration"
    elif p <= PHOTO_BELOW:
        label = "photo"
    else:
        label = "uncertain"
    return StyleEstimate(label=label, p_illustration=p, features=features)
