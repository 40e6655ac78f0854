"""Turn a file, raw bytes or base64 text into a ``LoadedImage``, refusing anything unsafe first.

Order of checks, cheapest first, so a hostile input costs little: the byte length (a file's size is
read with ``stat`` before its bytes; base64 text is measured before it is decoded); the magic bytes
(only JPEG, PNG, WebP, GIF, HEIF/HEIC and AVIF are accepted, other known formats are named in the
error); the header, which Pillow parses lazily, for width x height against ``ImageLimits`` (the
decompression-bomb check happens here, before any pixel is decoded); then the first frame is decoded,
and a truncated or corrupt stream becomes ``InvalidImageError``. EXIF orientation is applied; an alpha
channel is dropped, not composited, so pixels hidden behind transparency are still analysed.

Pillow's own bomb fence (``Image.MAX_IMAGE_PIXELS``: a warning above it, an error above twice it) is
left as configured globally; both the warning and the error map to ``ImageTooLargeError``, and
``ImageLimits`` refuses a ``max_pixels`` above Pillow's threshold so ours always trips first.
Nothing is written to disk.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import os
import re
import struct
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
from PIL import Image, UnidentifiedImageError

from rempart.errors import ImageTooLargeError, InvalidImageError
from rempart.media.image import ImageMetadata, LoadedImage

SUPPORTED_FORMATS: Final[tuple[str, ...]] = ("JPEG", "PNG", "WEBP", "GIF", "HEIF", "AVIF")

_TEXT_LIMIT: Final = 8192
"""Longest metadata value kept (characters); longer values are cut."""

_EXIF_TAGS: Final[Mapping[int, str]] = {
    0x010E: "ImageDescription",
    0x010F: "Make",
    0x0110: "Model",
    0x0131: "Software",
    0x013B: "Artist",
    0x8298: "Copyright",
}
_EXIF_IFD: Final = 0x8769
_EXIF_USER_COMMENT: Final = 0x9286
_ORIENTATION_TAG: Final = 0x0112

_TRANSPOSE: Final[Mapping[int, tuple[Image.Transpose, ...]]] = {
    2: (Image.Transpose.FLIP_LEFT_RIGHT,),
    3: (Image.Transpose.ROTATE_180,),
    4: (Image.Transpose.FLIP_TOP_BOTTOM,),
    5: (Image.Transpose.TRANSPOSE,),
    6: (Image.Transpose.ROTATE_270,),
    7: (Image.Transpose.TRANSVERSE,),
    8: (Image.Transpose.ROTATE_90,),
}
"""EXIF orientation value -> the transform that makes the pixels upright (as Pillow's exif_transpose)."""

_HEIF_BRANDS: Final = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"})
_AVIF_BRANDS: Final = frozenset({b"avif", b"avis"})

_KNOWN_UNSUPPORTED: Final[tuple[tuple[bytes, str], ...]] = (
    (b"%PDF", "a PDF document"),
    (b"BM", "a BMP image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x00\x00\x01\x00", "an ICO icon"),
    (b"8BPS", "a Photoshop document"),
    (b"PK\x03\x04", "a ZIP archive"),
)

_DATA_URL = re.compile(rb"^data:(?P<mime>[\w.+/-]*)(?:;[\w=.+-]+)*?;base64,", re.IGNORECASE)
_WHITESPACE = re.compile(rb"\s+")


@dataclass(frozen=True, slots=True)
class ImageLimits:
    """Input limits checked before decoding. Defaults fit generated images with a wide margin."""

    max_bytes: int = 25 * 1024 * 1024
    max_pixels: int = 40_000_000
    max_side: int = 16_384

    def __post_init__(self) -> None:
        if self.max_bytes <= 0 or self.max_pixels <= 0 or self.max_side <= 0:
            raise ValueError("image limits must be positive")
        pillow_fence = Image.MAX_IMAGE_PIXELS
        if pillow_fence is not None and self.max_pixels > pillow_fence:
            raise ValueError(
                f"max_pixels {self.max_pixels} exceeds Pillow's MAX_IMAGE_PIXELS ({pillow_fence}); "
                "raise Pillow's threshold first so the header check here is the one that trips"
            )


DEFAULT_LIMITS: Final = ImageLimits()


def load_image(
    source: bytes | bytearray | memoryview | str | os.PathLike[str], *, limits: ImageLimits = DEFAULT_LIMITS
) -> LoadedImage:
    """Load from bytes, a ``data:`` URL, or a path (any other ``str`` is taken as a path)."""
    if isinstance(source, bytes | bytearray | memoryview):
        return load_bytes(bytes(source), limits=limits)
    if isinstance(source, str) and source[:5].lower() == "data:":
        return load_base64(source, limits=limits)
    return load_path(source, limits=limits)


def load_path(path: str | os.PathLike[str], *, limits: ImageLimits = DEFAULT_LIMITS) -> LoadedImage:
    """Read a file, checking its size before reading its bytes."""
    file = Path(path)
    try:
        size = file.stat().st_size
        if not file.is_file():
            raise InvalidImageError(f"{file}: not a regular file")
        if size > limits.max_bytes:
            raise ImageTooLargeError(f"{file}: {size} bytes exceeds the limit of {limits.max_bytes}")
        with file.open("rb") as handle:
            data = handle.read(limits.max_bytes + 1)
    except FileNotFoundError:
        raise InvalidImageError(f"{file}: no such file") from None
    except PermissionError:
        raise InvalidImageError(f"{file}: permission denied") from None
    except OSError as exc:
        raise InvalidImageError(f"{file}: cannot read: {exc.strerror or exc}") from None
    return _decode(data, origin="file", limits=limits)


def load_bytes(data: bytes, *, limits: ImageLimits = DEFAULT_LIMITS) -> LoadedImage:
    return _decode(data, origin="bytes", limits=limits)


def load_base64(text: str | bytes, *, limits: ImageLimits = DEFAULT_LIMITS) -> LoadedImage:
    """Decode base64 (optionally a ``data:image/...;base64,`` URL; whitespace is ignored)."""
    raw = text.encode("ascii", errors="replace") if isinstance(text, str) else bytes(text)
    encoded_limit = 4 * ((limits.max_bytes + 2) // 3)
    if len(raw) > 2 * encoded_limit + 4096:  # bound the work before stripping whitespace
        raise ImageTooLargeError(f"base64 text of {len(raw)} characters exceeds the byte limit")
    match = _DATA_URL.match(raw)
    if match is not None:
        raw = raw[match.end() :]
    elif raw[:5].lower() == b"data:":
        raise InvalidImageError("data URL is not base64-encoded (expected ';base64,')")
    clean = _WHITESPACE.sub(b"", raw)
    if len(clean) > encoded_limit:
        raise ImageTooLargeError(
            f"base64 text decodes to about {len(clean) * 3 // 4} bytes, over the limit of {limits.max_bytes}"
        )
    if not clean:
        raise InvalidImageError("empty base64 image")
    try:
        data = base64.b64decode(clean, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidImageError(f"not valid base64: {exc}") from None
    return _decode(data, origin="base64", limits=limits)


def sniff_format(data: bytes) -> str:
    """Name the container from its magic bytes, or raise ``InvalidImageError`` with what it looks like."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[4:8] == b"ftyp":
        brands = {data[8:12]} | {data[i : i + 4] for i in range(16, min(len(data), 64), 4)}
        if brands & _AVIF_BRANDS:
            return "AVIF"
        if brands & _HEIF_BRANDS:
            return "HEIF"
        raise InvalidImageError("unsupported ISO media file (not HEIF/HEIC/AVIF: a video?)")
    for magic, what in _KNOWN_UNSUPPORTED:
        if data.startswith(magic):
            raise InvalidImageError(f"unsupported format: looks like {what}; accepted: {', '.join(SUPPORTED_FORMATS)}")
    head = data[:256].lstrip().lower()
    if head.startswith((b"<svg", b"<?xml", b"<!doctype", b"<html")):
        raise InvalidImageError("unsupported format: looks like SVG/XML/HTML text, not a raster image")
    raise InvalidImageError(f"unrecognised image format; accepted: {', '.join(SUPPORTED_FORMATS)}")


def _decode(data: bytes, *, origin: str, limits: ImageLimits) -> LoadedImage:
    if not data:
        raise InvalidImageError("empty image data")
    if len(data) > limits.max_bytes:
        raise ImageTooLargeError(f"{len(data)} bytes exceeds the limit of {limits.max_bytes}")
    fmt = sniff_format(data)
    if fmt == "HEIF":
        _register_heif()
    try:
        image = Image.open(io.BytesIO(data), formats=[fmt])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageTooLargeError(f"{fmt} header declares too many pixels: {exc}") from None
    except UnidentifiedImageError:
        raise InvalidImageError(f"corrupt {fmt} data: the header cannot be parsed") from None
    except (OSError, SyntaxError, ValueError, EOFError, struct.error) as exc:
        raise InvalidImageError(f"corrupt {fmt} header: {exc}") from None
    with image:
        width, height = image.size
        if width <= 0 or height <= 0:
            raise InvalidImageError(f"{fmt} header declares an empty image ({width}x{height})")
        if width * height > limits.max_pixels or max(width, height) > limits.max_side:
            raise ImageTooLargeError(
                f"{fmt} image of {width}x{height} exceeds the limits "
                f"({limits.max_pixels} pixels, {limits.max_side} px per side)"
            )
        try:
            animated = bool(getattr(image, "is_animated", False))
            orientation, metadata = _metadata(image)
            image.seek(0)
            image.load()
            has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info
            rgb = _to_rgb(image)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ImageTooLargeError(f"{fmt} image declares too many pixels: {exc}") from None
        except (OSError, SyntaxError, ValueError, EOFError, struct.error, zlib.error, IndexError) as exc:
            raise InvalidImageError(f"truncated or corrupt {fmt} data: {exc}") from None
    applied = False
    if orientation is not None and orientation in _TRANSPOSE:
        for method in _TRANSPOSE[orientation]:
            rgb = rgb.transpose(method)
        applied = True
    pixels = np.asarray(rgb, dtype=np.uint8)
    if pixels.ndim != 3 or pixels.shape[2] != 3:  # defensive: convert("RGB") guarantees this
        raise InvalidImageError(f"decoded {fmt} has an unexpected shape {pixels.shape}")
    pixels = np.ascontiguousarray(pixels)
    pixels.setflags(write=False)
    return LoadedImage(
        pixels=pixels,
        format=fmt,
        width=int(pixels.shape[1]),
        height=int(pixels.shape[0]),
        sha256=hashlib.sha256(data).hexdigest(),
        byte_size=len(data),
        exif_orientation=orientation,
        orientation_applied=applied,
        has_alpha=has_alpha,
        animated=animated,
        origin=origin,
        metadata=metadata,
        data=data,
    )


def _to_rgb(image: Image.Image) -> Image.Image:
    if image.mode == "RGB":
        return image.copy()
    if image.mode in ("P", "PA") or (image.mode == "L" and "transparency" in image.info):
        return image.convert("RGBA").convert("RGB")
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        array = np.asarray(image, dtype=np.uint32)
        scaled = (array >> 8).astype(np.uint8) if array.max(initial=0) > 255 else array.astype(np.uint8)
        return Image.fromarray(scaled, mode="L").convert("RGB")
    return image.convert("RGB")


def _metadata(image: Image.Image) -> tuple[int | None, ImageMetadata]:
    texts: dict[str, str] = {}
    xmp: str | None = None
    for key, value in image.info.items():
        if not isinstance(key, str):
            continue
        lowered = key.lower()
        if lowered in ("xmp", "xml:com.adobe.xmp"):
            xmp = _text(value)
        elif lowered in (
            "exif",
            "icc_profile",
            "dpi",
            "transparency",
            "duration",
            "loop",
            "background",
            "version",
            "jfif",
            "jfif_version",
            "jfif_unit",
            "jfif_density",
            "progressive",
            "progression",
            "adobe",
            "adobe_transform",
            "gamma",
            "aspect",
            "interlace",
            "srgb",
            "chromaticity",
            "extension",
            "timestamp",
            "mp",
            "photoshop",
        ):
            continue
        elif isinstance(value, str | bytes):
            texts[key] = _text(value)
    exif = image.getexif()
    orientation_raw = exif.get(_ORIENTATION_TAG)
    orientation = int(orientation_raw) if isinstance(orientation_raw, int) and 1 <= orientation_raw <= 8 else None
    tags: dict[str, str] = {}
    for tag, name in _EXIF_TAGS.items():
        value = exif.get(tag)
        if isinstance(value, str | bytes) and value:
            tags[name] = _text(value)
    try:
        comment = exif.get_ifd(_EXIF_IFD).get(_EXIF_USER_COMMENT)
    except (KeyError, ValueError, struct.error, OSError):
        comment = None
    if isinstance(comment, str | bytes) and comment:
        tags["UserComment"] = _text(comment)
    return orientation, ImageMetadata(
        text_chunks=texts,
        xmp=xmp,
        exif=tags,
        icc_profile=bool(image.info.get("icc_profile")),
    )


def _text(value: object) -> str:
    text = value.decode("utf-8", errors="replace") if isinstance(value, bytes) else str(value)
    return text.replace("\x00", "")[:_TEXT_LIMIT]


_heif_registered = False


def _register_heif() -> None:
    """Register pillow-heif's opener on first use (not at import: nothing global happens at import)."""
    global _heif_registered
    if _heif_registered:
        return
    try:
        from pillow_heif import register_heif_opener
    except ImportError:
        raise InvalidImageError("HEIF/HEIC images need the pillow-heif package, which is not installed") from None
    register_heif_opener()
    _heif_registered = True
