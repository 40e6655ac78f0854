"""The numpy port of dlib's face ResNet: serialisation primitives, layer maths, and (real weights) parity."""

from __future__ import annotations

import numpy as np
import pytest

from rempart.errors import ModelError
from rempart.vision.dlib_resnet import Conv, _add, _apply, _pool, _Reader, parse_resnet


def test_reader_decodes_dlib_integers_and_floats() -> None:
    # 0 -> 01 00 ; 300 -> 02 2c 01 ; -5 -> 81 05 ; float 122.782 as (mantissa 16093282, exponent -17)
    reader = _Reader(bytes([0x01, 0x00, 0x02, 0x2C, 0x01, 0x81, 0x05, 0x03, 0x62, 0x90, 0xF5, 0x81, 0x11]))
    assert (reader.int(), reader.int(), reader.int()) == (0, 300, -5)
    assert reader.float() == pytest.approx(122.782, abs=1e-3)
    with pytest.raises(ModelError):
        _Reader(b"\x00").int()


def test_reader_tensor() -> None:
    floats = np.arange(6, dtype="<f4").tobytes()
    reader = _Reader(bytes([0x01, 0x02, 0x01, 0x06, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01]) + floats)
    assert reader.tensor().tolist() == [0, 1, 2, 3, 4, 5]
    with pytest.raises(ModelError, match="truncated"):
        _Reader(bytes([0x01, 0x02, 0x01, 0x09, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01]) + floats).tensor()


def naive_conv(x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: int, pad: int) -> np.ndarray:
    """Direct cross-correlation, NHWC input, OIHW filters."""
    x = np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    n, h, wd, _ = x.shape
    o, _, k, _ = w.shape
    oh, ow = (h - k) // stride + 1, (wd - k) // stride + 1
    out = np.zeros((n, oh, ow, o), dtype=np.float64)
    for i in range(oh):
        for j in range(ow):
            patch = x[:, i * stride : i * stride + k, j * stride : j * stride + k, :]  # n, k, k, c
            out[:, i, j, :] = np.einsum("nklc,ockl->no", patch, w) + b
    return out


@pytest.mark.parametrize(("stride", "pad"), [(1, 1), (2, 0)])
def test_conv_matches_a_direct_convolution(stride: int, pad: int) -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 9, 9, 3)).astype(np.float32)
    w = rng.normal(size=(4, 3, 3, 3)).astype(np.float32)
    b = rng.normal(size=4).astype(np.float32)
    conv = Conv(w.reshape(4, -1).T.copy(), b, 3, stride, pad, np.ones(4, np.float32), np.zeros(4, np.float32))
    np.testing.assert_allclose(_apply(conv, x, relu=False), naive_conv(x, w, b, stride, pad), rtol=1e-4, atol=1e-4)
    assert (_apply(conv, x, relu=True) >= 0).all()


def test_add_zero_pads_the_smaller_tensor_like_dlib() -> None:
    a = np.ones((1, 3, 3, 4), dtype=np.float32)
    b = np.full((1, 4, 4, 2), 2.0, dtype=np.float32)
    out = _add(a, b)
    assert out.shape == (1, 4, 4, 4)
    assert out[0, 0, 0].tolist() == [3, 3, 1, 1] and out[0, 3, 3].tolist() == [2, 2, 0, 0]


def test_pools() -> None:
    x = np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1)
    assert _pool(x, 2, 2, "avg")[0, :, :, 0].tolist() == [[2.5, 4.5], [10.5, 12.5]]
    assert _pool(x, 3, 1, "max")[0, :, :, 0].tolist() == [[10, 11], [14, 15]]


def test_parser_rejects_other_files() -> None:
    with pytest.raises(ModelError):
        parse_resnet(b"\x01\x01not a dlib network at all" * 10)


@pytest.mark.models
def test_numpy_port_matches_dlib() -> None:
    skimage_data = pytest.importorskip("skimage.data")
    from rempart.vision.dlib_backends import DlibEmbeddingBackend, DlibFaceBackend
    from rempart.vision.dlib_resnet import NumpyResnetEmbeddingBackend

    faces, ours, theirs = DlibFaceBackend(), NumpyResnetEmbeddingBackend(), DlibEmbeddingBackend()
    for backend in (faces, ours, theirs):
        backend.load()
    for image in (skimage_data.astronaut(), np.ascontiguousarray(skimage_data.astronaut()[:, ::-1])):
        pixels = np.ascontiguousarray(image)
        geometry = faces.align(pixels, faces.detect(pixels))
        assert geometry
        a, b = np.asarray(ours.embed(pixels, geometry)), np.asarray(theirs.embed(pixels, geometry))
        assert np.linalg.norm(a - b, axis=1).max() < 1e-4
