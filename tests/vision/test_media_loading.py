"""Image input: formats, orientation, limits before decoding, corrupt and hostile inputs."""

from __future__ import annotations

import base64
import io
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray
from PIL import Image

from rempart.errors import ImageTooLargeError, InvalidImageError
from rempart.media import ImageLimits, load_base64, load_bytes, load_image, load_path, sniff_format

Draw = Callable[..., NDArray[np.uint8]]
Encode = Callable[..., bytes]


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header declares width x height but carries almost no data (a decompression bomb shape)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _png_chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "GIF"])
def test_common_formats_decode_to_rgb(fmt: str, draw_image: Draw, encode_image: Encode) -> None:
    pixels = draw_image(1, 200, 120)
    image = load_bytes(encode_image(pixels, fmt))
    assert image.format == fmt
    assert image.size == (200, 120)
    assert image.pixels.shape == (120, 200, 3) and image.pixels.dtype == np.uint8
    assert not image.pixels.flags.writeable
    if fmt in ("PNG", "WEBP"):
        lossless = load_bytes(encode_image(pixels, fmt, lossless=True)) if fmt == "WEBP" else image
        assert np.array_equal(lossless.pixels, pixels)


def test_heif_decodes_when_pillow_heif_is_installed(draw_image: Draw) -> None:
    pillow_heif = pytest.importorskip("pillow_heif")
    pixels = draw_image(2, 96, 64)
    buffer = io.BytesIO()
    pillow_heif.from_pillow(Image.fromarray(pixels)).save(buffer, quality=90)
    image = load_bytes(buffer.getvalue())
    assert image.format == "HEIF" and image.size == (96, 64)
    assert np.abs(image.pixels.astype(int) - pixels.astype(int)).mean() < 12


def test_gif_first_frame_only_and_animated_flag() -> None:
    frames = [Image.new("RGB", (16, 16), (200, 0, 0)), Image.new("RGB", (16, 16), (0, 0, 200))]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=50)
    image = load_bytes(buffer.getvalue())
    assert image.animated
    assert image.pixels[8, 8, 0] > 150 and image.pixels[8, 8, 2] < 60


@pytest.mark.parametrize(("orientation", "size"), [(1, (40, 20)), (3, (40, 20)), (6, (20, 40)), (8, (20, 40))])
def test_exif_orientation_is_applied(orientation: int, size: tuple[int, int]) -> None:
    pixels = np.zeros((20, 40, 3), dtype=np.uint8)
    pixels[:, :20] = (255, 0, 0)  # left half red, right half blue
    pixels[:, 20:] = (0, 0, 255)
    img = Image.fromarray(pixels)
    exif = img.getexif()
    exif[0x0112] = orientation
    buffer = io.BytesIO()
    img.save(buffer, "PNG", exif=exif.tobytes())
    loaded = load_bytes(buffer.getvalue())
    assert loaded.size == size
    assert loaded.exif_orientation == orientation
    assert loaded.orientation_applied is (orientation != 1)
    if orientation == 3:  # rotated 180: red moves to the right
        assert loaded.pixels[10, 35, 0] == 255 and loaded.pixels[10, 5, 2] == 255
    if orientation == 6:  # rotate 270 (clockwise 90): the left (red) half ends up on top
        assert loaded.pixels[5, 10, 0] == 255 and loaded.pixels[35, 10, 2] == 255


def test_alpha_is_dropped_not_composited(encode_image: Encode) -> None:
    rgba = np.zeros((10, 10, 4), dtype=np.uint8)
    rgba[..., 0] = 200  # red pixels, fully transparent: still analysed
    image = load_bytes(encode_image(rgba, "PNG"))
    assert image.has_alpha
    assert image.pixels[0, 0].tolist() == [200, 0, 0]


def test_metadata_text_chunks_and_exif_are_kept(draw_image: Draw) -> None:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("parameters", "a lighthouse at dusk\nSteps: 20, Sampler: Euler a, Seed: 1")
    img = Image.fromarray(draw_image(3, 32, 32))
    exif = img.getexif()
    exif[0x0131] = "TestSuite 1.0"
    buffer = io.BytesIO()
    img.save(buffer, "PNG", pnginfo=info, exif=exif.tobytes())
    image = load_bytes(buffer.getvalue())
    assert "Steps: 20" in image.metadata.text_chunks["parameters"]
    assert image.metadata.exif["Software"] == "TestSuite 1.0"


def test_sha256_is_of_the_bytes(draw_image: Draw, encode_image: Encode) -> None:
    import hashlib

    data = encode_image(draw_image(4, 30, 30), "PNG")
    image = load_bytes(data)
    assert image.sha256 == hashlib.sha256(data).hexdigest()
    assert image.byte_size == len(data)
    assert image.data == data


def test_truncated_jpeg_is_rejected(draw_image: Draw, encode_image: Encode) -> None:
    data = encode_image(draw_image(5, 300, 200), "JPEG", quality=90)
    with pytest.raises(InvalidImageError, match="truncated or corrupt JPEG"):
        load_bytes(data[: len(data) // 2])


def test_truncated_png_is_rejected(draw_image: Draw, encode_image: Encode) -> None:
    data = encode_image(draw_image(6, 300, 200), "PNG")
    with pytest.raises(InvalidImageError):
        load_bytes(data[: len(data) // 2])


def test_corrupt_body_is_rejected(draw_image: Draw, encode_image: Encode) -> None:
    data = bytearray(encode_image(draw_image(7, 120, 80), "PNG"))
    for i in range(60, len(data) - 20, 7):
        data[i] ^= 0x5A
    with pytest.raises(InvalidImageError):
        load_bytes(bytes(data))


@pytest.mark.parametrize("size", [(100_000, 100_000), (20_000, 20_000), (7000, 7000), (17_000, 10)])
def test_bomb_header_is_rejected_before_decoding(size: tuple[int, int]) -> None:
    with pytest.raises(ImageTooLargeError):
        load_bytes(png_header_only(*size))


def test_pixel_limit_is_configurable(draw_image: Draw, encode_image: Encode) -> None:
    data = encode_image(draw_image(8, 200, 100), "PNG")
    with pytest.raises(ImageTooLargeError, match="200x100"):
        load_bytes(data, limits=ImageLimits(max_pixels=10_000))
    with pytest.raises(ImageTooLargeError):
        load_bytes(data, limits=ImageLimits(max_side=150))
    assert load_bytes(data, limits=ImageLimits(max_pixels=20_000)).size == (200, 100)


def test_limits_cannot_exceed_pillows_fence() -> None:
    with pytest.raises(ValueError, match="MAX_IMAGE_PIXELS"):
        ImageLimits(max_pixels=10**12)
    with pytest.raises(ValueError):
        ImageLimits(max_bytes=0)


def test_byte_limit_is_checked_before_reading(tmp_path: Path, draw_image: Draw, encode_image: Encode) -> None:
    path = tmp_path / "big.png"
    path.write_bytes(encode_image(draw_image(9, 64, 64), "PNG"))
    with pytest.raises(ImageTooLargeError, match="exceeds the limit"):
        load_path(path, limits=ImageLimits(max_bytes=100))
    with pytest.raises(ImageTooLargeError):
        load_bytes(path.read_bytes(), limits=ImageLimits(max_bytes=100))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"%PDF-1.7\n...", "PDF"),
        (b"BM" + b"\x00" * 60, "BMP"),
        (b"II*\x00" + b"\x00" * 60, "TIFF"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "SVG"),
        (b"hello, this is plain text", "unrecognised"),
        (b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 40, "video"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 10, "JPEG"),
    ],
)
def test_wrong_or_unknown_formats_are_named(data: bytes, message: str) -> None:
    with pytest.raises(InvalidImageError, match=message):
        load_bytes(data)


def test_sniff_format() -> None:
    assert sniff_format(b"\x89PNG\r\n\x1a\n....") == "PNG"
    assert sniff_format(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "WEBP"
    assert sniff_format(b"\x00\x00\x00\x1cftypheic\x00\x00\x00\x00mif1heic") == "HEIF"
    assert sniff_format(b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00") == "AVIF"


def test_base64_and_data_urls(draw_image: Draw, encode_image: Encode) -> None:
    data = encode_image(draw_image(10, 40, 30), "PNG")
    text = base64.b64encode(data).decode()
    assert load_base64(text).size == (40, 30)
    assert load_base64("data:image/png;base64," + text).origin == "base64"
    wrapped = "\n".join(text[i : i + 76] for i in range(0, len(text), 76))
    assert load_base64(wrapped).sha256 == load_bytes(data).sha256
    assert load_image("data:image/png;base64," + text).size == (40, 30)


@pytest.mark.parametrize("garbage", ["!!!!", "not base64 at all", "data:image/png,rawtext", "", "QUJD"])
def test_base64_garbage_is_rejected(garbage: str) -> None:
    with pytest.raises(InvalidImageError):
        load_base64(garbage)


def test_base64_size_is_checked_before_decoding() -> None:
    with pytest.raises(ImageTooLargeError):
        load_base64("A" * 5000, limits=ImageLimits(max_bytes=1000))


def test_path_errors(tmp_path: Path) -> None:
    with pytest.raises(InvalidImageError, match="no such file"):
        load_path(tmp_path / "missing.png")
    with pytest.raises(InvalidImageError, match="not a regular file"):
        load_path(tmp_path)


def test_load_image_dispatch(tmp_path: Path, draw_image: Draw, encode_image: Encode) -> None:
    data = encode_image(draw_image(11, 20, 20), "PNG")
    path = tmp_path / "a.png"
    path.write_bytes(data)
    assert load_image(data).origin == "bytes"
    assert load_image(str(path)).origin == "file"
    assert load_image(path).sha256 == load_image(bytearray(data)).sha256


def test_nothing_is_written_to_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, draw_image: Draw, encode_image: Encode
) -> None:
    monkeypatch.chdir(tmp_path)
    data = encode_image(draw_image(12, 50, 50), "JPEG")
    load_bytes(data)
    load_base64(base64.b64encode(data))
    assert list(tmp_path.iterdir()) == []
