"""The decoded-image value every vision detector reads: ``LoadedImage`` and its ``ImageMetadata``.

A ``LoadedImage`` is built only by ``rempart.media.loading`` once the bytes passed every limit and
decoded cleanly. It holds the RGB pixels as a read-only ``uint8`` array of shape (height, width, 3)
with EXIF orientation already applied, the original bytes (for the provenance readers, which need
the container), their SHA-256, and the metadata the provenance check looks at (text chunks, XMP,
selected EXIF tags). Nothing in it refers to a file on disk.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True, slots=True)
class ImageMetadata:
    """Container metadata kept for the provenance check (values are decoded text, possibly truncated)."""

    text_chunks: Mapping[str, str] = field(default_factory=dict)
    """PNG tEXt/iTXt/zTXt chunks, GIF/JPEG comments, WebP/HEIF text keys, by key."""
    xmp: str | None = None
    """The XMP packet, when the container carries one."""
    exif: Mapping[str, str] = field(default_factory=dict)
    """Selected EXIF tags by name (Software, Make, Model, ImageDescription, Artist, UserComment)."""
    icc_profile: bool = False


@dataclass(frozen=True, slots=True)
class LoadedImage:
    """One decoded image. ``pixels`` is (height, width, 3) ``uint8`` RGB, read-only, orientation applied."""

    pixels: NDArray[np.uint8] = field(repr=False, compare=False)
    format: str
    """Container format as Pillow names it: JPEG, PNG, WEBP, GIF, HEIF."""
    width: int
    height: int
    sha256: str
    """Hex SHA-256 of the original bytes (not of the pixels)."""
    byte_size: int
    exif_orientation: int | None
    """The EXIF orientation tag (1-8) as found, None when absent."""
    orientation_applied: bool
    """True when the pixels were rotated or flipped to honour ``exif_orientation``."""
    has_alpha: bool
    """The source had an alpha channel; it was dropped, not composited (hidden pixels stay visible)."""
    animated: bool
    """The container holds more than one frame; only the first one is decoded."""
    origin: str
    """How it arrived: ``file``, ``bytes`` or ``base64``."""
    metadata: ImageMetadata = field(default_factory=ImageMetadata)
    data: bytes = field(default=b"", repr=False, compare=False)
    """The original bytes, kept in memory for the provenance readers."""

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) after orientation."""
        return (self.width, self.height)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "width": self.width,
            "height": self.height,
            "sha256": self.sha256,
            "byte_size": self.byte_size,
            "exif_orientation": self.exif_orientation,
            "orientation_applied": self.orientation_applied,
            "has_alpha": self.has_alpha,
            "animated": self.animated,
            "origin": self.origin,
        }
