"""Contact-sheet thumbnails as ``data:`` URIs, blurred beyond recognition unless asked otherwise.

A blurred thumbnail is computed here, in memory, from the image loaded through the gateway's own
``load_path`` (its limits apply): the picture is reduced to at most ``BLUR_CELLS`` cells on its
longer side (block averages: a pixelation that removes faces and bodies), enlarged back with
nearest-neighbour sampling, then smoothed with a Gaussian of radius ``side / 12``. Only colours and
the rough layout survive. The unblurred thumbnail (``blur=False``, the CLI's ``--unblur``) is a plain
reduction. Nothing is written to disk; the JPEG bytes go straight into the report's HTML.
"""

from __future__ import annotations

import base64
import io
from typing import Final

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageFilter

from rempart.errors import InputError
from rempart.media.loading import load_path

THUMB_SIDE: Final = 160
BLUR_CELLS: Final = 8


def thumbnail_pixels(pixels: NDArray[np.uint8], *, side: int = THUMB_SIDE, blur: bool = True) -> Image.Image:
    """A thumbnail of at most ``side`` pixels; pixelated and blurred when ``blur`` (pure)."""
    image = Image.fromarray(np.ascontiguousarray(pixels))
    image.thumbnail((side, side), Image.Resampling.LANCZOS)
    if not blur:
        return image
    width, height = image.size
    scale = BLUR_CELLS / max(width, height)
    cells = (max(1, round(width * scale)), max(1, round(height * scale)))
    coarse = image.resize(cells, Image.Resampling.BOX).resize((width, height), Image.Resampling.NEAREST)
    return coarse.filter(ImageFilter.GaussianBlur(radius=max(2.0, side / 12)))


def data_uri(image: Image.Image, quality: int = 70) -> str:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=quality)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def thumbnail_uri(path: str, *, blur: bool = True, side: int = THUMB_SIDE) -> str | None:
    """The thumbnail of the image at ``path`` as a data URI, or None when it can no longer be read."""
    try:
        image = load_path(path)
    except InputError:
        return None
    return data_uri(thumbnail_pixels(image.pixels, side=side, blur=blur))
