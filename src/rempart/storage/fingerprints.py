"""What rempart keeps of an input instead of the input: digests and a perceptual hash.

Raw prompts and images are never stored. A prompt is kept as its SHA-256 and its length; an image
as the SHA-256 of its bytes and a 64-bit difference hash (dHash) of its pixels, which survives
re-encoding, resizing and small edits, so successive edits of one photo can be linked into a
lineage. The dHash is split into eight 8-bit bands for indexed lookup: two hashes within 7 bits of
each other share at least one band exactly (pigeonhole), so a lookup by bands finds every
candidate within the lineage distance without scanning.

Decoding here is only for the hash: byte and pixel limits are checked before any pixel is decoded,
and undecodable data raises ``InvalidImageError``.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from rempart.errors import ImageTooLargeError, InvalidImageError

DHASH_BITS = 64
BANDS = 8
_HASH_W, _HASH_H = 9, 8


@dataclass(frozen=True, slots=True)
class TextFingerprint:
    sha256: str
    chars: int


@dataclass(frozen=True, slots=True)
class ImageFingerprint:
    """SHA-256 of the bytes, the dHash as 16 hex digits, and the decoded size."""

    sha256: str
    dhash: str
    width: int
    height: int
    byte_size: int

    @property
    def dhash_int(self) -> int:
        return int(self.dhash, 16)

    def band_keys(self) -> tuple[int, ...]:
        return band_keys(self.dhash_int)


def fingerprint_text(text: str) -> TextFingerprint:
    return TextFingerprint(hashlib.sha256(text.encode("utf-8")).hexdigest(), len(text))


def fingerprint_image(data: bytes, *, max_bytes: int, max_pixels: int) -> ImageFingerprint:
    """Digest and dHash of an encoded image. Raises ``ImageTooLargeError`` / ``InvalidImageError``."""
    if len(data) > max_bytes:
        raise ImageTooLargeError(f"the image is {len(data):,} bytes; the limit is {max_bytes:,}")
    if not data:
        raise InvalidImageError("the image is empty")
    digest = hashlib.sha256(data).hexdigest()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                width, height = img.size
                if width * height > max_pixels:
                    raise ImageTooLargeError(
                        f"the image is {width}x{height} pixels; the limit is {max_pixels:,} pixels"
                    )
                if img.format == "JPEG":
                    img.draft("L", (_HASH_W * 8, _HASH_H * 8))  # decode at reduced scale: much faster
                grey = img.convert("L").resize((_HASH_W, _HASH_H), Image.Resampling.BOX)
                pixels = grey.tobytes()
    except ImageTooLargeError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageTooLargeError(f"the image is too large to decode safely: {exc}") from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise InvalidImageError(f"the image cannot be decoded: {exc}") from exc
    return ImageFingerprint(digest, format(dhash_from_pixels(pixels), "016x"), width, height, len(data))


def dhash_from_pixels(pixels: bytes) -> int:
    """64-bit horizontal difference hash of a 9x8 greyscale thumbnail (row-major bytes)."""
    if len(pixels) != _HASH_W * _HASH_H:
        raise ValueError(f"expected {_HASH_W * _HASH_H} pixels, got {len(pixels)}")
    value = 0
    for row in range(_HASH_H):
        base = row * _HASH_W
        for col in range(_HASH_W - 1):
            value = (value << 1) | (pixels[base + col] > pixels[base + col + 1])
    return value


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def band_keys(dhash: int) -> tuple[int, ...]:
    """One key per 8-bit band: ``band_index * 256 + band_value`` (0..2047)."""
    return tuple(i * 256 + ((dhash >> (8 * i)) & 0xFF) for i in range(BANDS))
