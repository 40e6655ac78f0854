"""Image input: bytes, files and base64 in, a checked and decoded ``LoadedImage`` out.

``load_image`` (and ``load_path`` / ``load_bytes`` / ``load_base64``) enforce byte and pixel limits
before decoding, reject truncated or corrupt data with ``InvalidImageError`` and oversized input with
``ImageTooLargeError``, apply EXIF orientation, and never write to disk.
"""

from rempart.media.image import ImageMetadata, LoadedImage
from rempart.media.loading import (
    DEFAULT_LIMITS,
    SUPPORTED_FORMATS,
    ImageLimits,
    load_base64,
    load_bytes,
    load_image,
    load_path,
    sniff_format,
)

__all__ = [
    "DEFAULT_LIMITS",
    "SUPPORTED_FORMATS",
    "ImageLimits",
    "ImageMetadata",
    "LoadedImage",
    "load_base64",
    "load_bytes",
    "load_image",
    "load_path",
    "sniff_format",
]
