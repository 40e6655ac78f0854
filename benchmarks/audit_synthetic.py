"""Benign synthetic images for the audit benchmark and the photo/illustration evaluation, made by code.

Two families, each from a seed, so every corpus is reproducible:

* photos: crops of scikit-image's bundled photographs (astronaut, coffee, chelsea, rocket, camera...),
  flipped, rescaled, with brightness and contrast jitter; ``face`` photos paste a crop of the
  astronaut's or the cameraman's head and shoulders onto another photo, so the face detector and the
  age model run on a realistic share of the corpus;
* illustrations: flat shapes drawn with Pillow (anti-aliased), "toon" filtered photos (bilateral
  smoothing, colour quantisation, dark outlines), posterised photos, poster-like text graphics, and
  scikit-image's few drawings (logo, colour wheel, horse silhouette, phantom).

Every image is encoded as JPEG (quality 60-95), like images downloaded from a platform. Nothing here
depicts nudity; the harmful-looking cases in the tests come from scripted fake backends.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFilter, ImageOps

Pixels = NDArray[np.uint8]

PHOTOS_A: tuple[str, ...] = (
    "astronaut",
    "coffee",
    "rocket",
    "camera",
    "brick",
    "grass",
    "moon",
    "coins",
    "motorcycle_left",
    "ihc",
)
PHOTOS_B: tuple[str, ...] = (
    "chelsea",
    "motorcycle_right",
    "retina",
    "hubble_deep_field",
    "gravel",
    "page",
    "text",
    "clock_motion",
    "cell",
)
DRAWINGS: tuple[str, ...] = ("logo", "colorwheel", "horse", "phantom", "chessboard_RGB")
FACE_SOURCES: dict[str, tuple[int, int, int, int]] = {
    # name: (top, bottom, left, right) of a head-and-shoulders crop
    "astronaut": (0, 260, 100, 320),
    "camera": (30, 260, 180, 360),
}


FILES: dict[str, str] = {
    "astronaut": "astronaut.png",
    "coffee": "coffee.png",
    "rocket": "rocket.jpg",
    "camera": "camera.png",
    "brick": "brick.png",
    "grass": "grass.png",
    "moon": "moon.png",
    "coins": "coins.png",
    "motorcycle_left": "motorcycle_left.png",
    "ihc": "ihc.png",
    "chelsea": "chelsea.png",
    "motorcycle_right": "motorcycle_right.png",
    "retina": "retina.jpg",
    "hubble_deep_field": "hubble_deep_field.jpg",
    "gravel": "gravel.png",
    "page": "page.png",
    "text": "text.png",
    "clock_motion": "clock_motion.png",
    "cell": "cell.png",
    "logo": "logo.png",
    "colorwheel": "color.png",
    "horse": "horse.png",
    "phantom": "phantom.png",
    "chessboard_RGB": "chessboard_RGB.png",
}


@cache
def source(name: str) -> Pixels:
    """A picture shipped inside the scikit-image wheel, as RGB uint8 (no network, no download)."""
    import os

    from skimage import data

    with Image.open(os.path.join(os.path.dirname(data.__file__), FILES[name])) as image:
        if image.mode in ("RGBA", "LA", "P") or "transparency" in image.info:
            flat = Image.new("RGB", image.size, (255, 255, 255))
            flat.paste(image.convert("RGBA"), mask=image.convert("RGBA").split()[-1])
            rgb = flat
        else:
            rgb = image.convert("RGB")
        return np.ascontiguousarray(np.asarray(rgb, dtype=np.uint8))


def jpeg(pixels: Pixels, quality: int) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def _crop_resize(rng: np.random.Generator, pixels: Pixels, size: tuple[int, int]) -> Pixels:
    h, w = pixels.shape[:2]
    frac = rng.uniform(0.55, 1.0)
    ch, cw = max(16, int(h * frac)), max(16, int(w * frac))
    y, x = int(rng.integers(0, h - ch + 1)), int(rng.integers(0, w - cw + 1))
    crop = Image.fromarray(pixels[y : y + ch, x : x + cw])
    if rng.random() < 0.5:
        crop = ImageOps.mirror(crop)
    return np.asarray(crop.resize(size, Image.Resampling.BICUBIC), dtype=np.uint8)


def _jitter(rng: np.random.Generator, pixels: Pixels) -> Pixels:
    gain = rng.uniform(0.8, 1.2, size=3)
    offset = rng.uniform(-20, 20)
    return np.clip(pixels.astype(np.float32) * gain + offset, 0, 255).astype(np.uint8)


def photo(rng: np.random.Generator, size: tuple[int, int], names: Sequence[str]) -> Pixels:
    return _jitter(rng, _crop_resize(rng, source(str(rng.choice(list(names)))), size))


def face_photo(rng: np.random.Generator, size: tuple[int, int], names: Sequence[str]) -> Pixels:
    """A head-and-shoulders crop pasted at a random place and scale onto another photo."""
    background = Image.fromarray(photo(rng, size, names))
    who = str(rng.choice(list(FACE_SOURCES)))
    top, bottom, left, right = FACE_SOURCES[who]
    head = Image.fromarray(source(who)[top:bottom, left:right])
    scale = rng.uniform(0.45, 0.9) * min(size) / max(head.size)
    head = head.resize((max(24, int(head.width * scale)), max(24, int(head.height * scale))), Image.Resampling.BICUBIC)
    if rng.random() < 0.5:
        head = ImageOps.mirror(head)
    x = int(rng.integers(0, max(1, size[0] - head.width)))
    y = int(rng.integers(0, max(1, size[1] - head.height)))
    background.paste(head, (x, y))
    return _jitter(rng, np.asarray(background, dtype=np.uint8))


def _colour(rng: np.random.Generator) -> tuple[int, int, int]:
    c = rng.integers(0, 256, size=3)
    return (int(c[0]), int(c[1]), int(c[2]))


def shapes(rng: np.random.Generator, size: tuple[int, int]) -> Pixels:
    """Flat-design art: a flat or two-tone background and anti-aliased shapes with outlines."""
    w, h = size
    big = Image.new("RGB", (w * 2, h * 2), _colour(rng))
    draw = ImageDraw.Draw(big)
    if rng.random() < 0.5:
        draw.rectangle((0, int(h * 2 * rng.uniform(0.4, 0.8)), w * 2, h * 2), fill=_colour(rng))
    for _ in range(int(rng.integers(4, 14))):
        x0, y0 = int(rng.integers(0, w * 2)), int(rng.integers(0, h * 2))
        x1, y1 = x0 + int(rng.integers(20, w)), y0 + int(rng.integers(20, h))
        outline = (20, 20, 20) if rng.random() < 0.6 else None
        width = int(rng.integers(2, 9))
        kind = rng.integers(0, 4)
        if kind == 0:
            draw.rectangle((x0, y0, x1, y1), fill=_colour(rng), outline=outline, width=width)
        elif kind == 1:
            draw.ellipse((x0, y0, x1, y1), fill=_colour(rng), outline=outline, width=width)
        elif kind == 2:
            pts = [(int(rng.integers(0, w * 2)), int(rng.integers(0, h * 2))) for _ in range(int(rng.integers(3, 7)))]
            draw.polygon(pts, fill=_colour(rng), outline=outline)
        else:
            draw.line((x0, y0, x1, y1), fill=_colour(rng), width=width * 2)
    return np.asarray(big.resize(size, Image.Resampling.LANCZOS), dtype=np.uint8)


def toon(rng: np.random.Generator, size: tuple[int, int], names: Sequence[str]) -> Pixels:
    """A photo turned into a cartoon: edge-preserving smoothing, few colours, dark outlines."""
    import cv2

    base = _crop_resize(rng, source(str(rng.choice(list(names)))), size)
    smooth = base
    for _ in range(4):
        smooth = cv2.bilateralFilter(smooth, 9, 60, 9)
    levels = int(rng.integers(4, 9))
    step = 256 // levels
    quant = ((smooth // step) * step + step // 2).astype(np.uint8)
    gray = cv2.cvtColor(base, cv2.COLOR_RGB2GRAY)
    edges = cv2.Canny(cv2.medianBlur(gray, 5), 60, 140)
    edges = cv2.dilate(edges, np.ones((2, 2), np.uint8))
    quant[edges > 0] = (25, 25, 25)
    return np.ascontiguousarray(quant)


def posterised(rng: np.random.Generator, size: tuple[int, int], names: Sequence[str]) -> Pixels:
    base = Image.fromarray(_crop_resize(rng, source(str(rng.choice(list(names)))), size))
    base = base.filter(ImageFilter.MedianFilter(5))
    return np.asarray(ImageOps.posterize(base, int(rng.integers(2, 4))), dtype=np.uint8)


def poster(rng: np.random.Generator, size: tuple[int, int]) -> Pixels:
    """A text graphic: bands of colour with lines of large text (a meme or an infographic)."""
    art = Image.fromarray(shapes(rng, size)) if rng.random() < 0.5 else Image.new("RGB", size, _colour(rng))
    draw = ImageDraw.Draw(art)
    words = ["AUDIT", "SAFETY", "REPORT", "2026", "HELLO", "DATA", "IMAGE", "TEST"]
    for row in range(int(rng.integers(2, 6))):
        text = " ".join(str(rng.choice(words)) for _ in range(3))
        draw.text((10, 10 + row * size[1] // 6), text, fill=_colour(rng), font_size=int(size[1] // 10))
    return np.asarray(art, dtype=np.uint8)


def drawing(rng: np.random.Generator, size: tuple[int, int]) -> Pixels:
    base = source(str(rng.choice(list(DRAWINGS))))
    return np.asarray(Image.fromarray(base).resize(size, Image.Resampling.BICUBIC), dtype=np.uint8)


@dataclass(frozen=True, slots=True)
class Kind:
    name: str
    label: str  # "photo" or "illustration"
    make: Callable[[np.random.Generator, tuple[int, int]], Pixels]


def kinds(split: str) -> tuple[Kind, ...]:
    """The image kinds of a split: ``A`` (fit) and ``B`` (test) use disjoint source photos."""
    names = PHOTOS_A if split == "A" else PHOTOS_B
    return (
        Kind("photo", "photo", lambda r, s: photo(r, s, names)),
        Kind("face_photo", "photo", lambda r, s: face_photo(r, s, names)),
        Kind("shapes", "illustration", shapes),
        Kind("toon", "illustration", lambda r, s: toon(r, s, names)),
        Kind("posterised", "illustration", lambda r, s: posterised(r, s, names)),
        Kind("poster", "illustration", poster),
        Kind("drawing", "illustration", drawing),
    )


def smoothed_photo(rng: np.random.Generator, size: tuple[int, int], names: Sequence[str]) -> Pixels:
    """A photo with its grain removed (a proxy for the noise-free look of AI-rendered photos)."""
    import cv2

    base = photo(rng, size, names)
    for _ in range(3):
        base = cv2.bilateralFilter(base, 9, 40, 7)
    return np.ascontiguousarray(base)


def sample_size(rng: np.random.Generator, low: int = 512, high: int = 1024) -> tuple[int, int]:
    w = int(rng.integers(low, high + 1))
    aspect = float(rng.choice([1.0, 0.75, 4 / 3, 9 / 16]))
    return (w, max(64, int(w * aspect)))
