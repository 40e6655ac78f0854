"""dlib's face-recognition ResNet run with numpy: the same weights and embeddings, about 5x faster.

dlib-bin is built without BLAS, so ``compute_face_descriptor`` spends ~70 ms per face on 2 cores
and holds the GIL. This module reads ``dlib_face_recognition_resnet_model_v1.dat`` (CC0) itself and
runs the network with numpy's BLAS-backed matrix products (which release the GIL) on one BLAS
thread: ~16 ms per face instead of ~70 ms, embeddings equal to dlib's within 1e-5.

The file is dlib's serialisation of ``loss_metric<fc_no_bias<128, avg_pool_everything<...>>>`` (see
dlib's ``dnn_face_recognition_ex.cpp``): integers as a control byte (sign bit, byte count) followed
by little-endian bytes; floats in layer settings as (mantissa, exponent) integer pairs; tensors as
version 2, four dimensions, then raw little-endian float32. Layer records appear input first, each
introduced by its name (``con_4``, ``affine_``, ``relu_``, ``max_pool_2``, ``avg_pool_2``,
``add_prev_``, ``fc_2``); tag and skip layers have no record, so the residual wiring is rebuilt from
the known architecture and the parser checks that the sequence of records matches it.

Network: 150 x 150 RGB chip, (x - channel mean) / 256; conv 7x7/2 (32) + affine + relu; max-pool
3x3/2; residual blocks 3 x 32, 4 x 64, 3 x 128, 3 x 256, 1 x 256 (each: conv 3x3 + affine + relu +
conv 3x3 + affine, added to its input; the first block of each width downsamples with a stride-2
conv and a 2x2 average pool on the shortcut, the sum zero-padding the smaller tensor as dlib's
``add_prev`` does); global average pool; 256 -> 128 matrix. Parity with dlib is checked by the
real-weights tests (embedding distance < 1e-4).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import NDArray

from rempart.errors import ModelError
from rempart.signals import ModelInfo
from rempart.vision.backends import Pixels
from rempart.vision.dlib_backends import EMBEDDING_PADDING, extract_chips
from rempart.vision.values import FaceGeometry
from rempart.vision.weights import FACE_RESNET, locate, model_info

F32 = NDArray[np.float32]
CHIP_SIZE: Final = 150
_RECORD = re.compile(
    rb"\x01[\x04-\x15](input_rgb_image_sized|con_\d|affine_|relu_|max_pool_\d|avg_pool_\d|add_prev_|fc_\d)"
)


class _Reader:
    """Sequential reader of dlib's serialisation primitives."""

    def __init__(self, data: bytes, offset: int = 0) -> None:
        self.data = data
        self.pos = offset

    def int(self) -> int:
        control = self.data[self.pos]
        size = control & 0x0F
        if size == 0 or size > 8:
            raise ModelError(f"dlib model: bad integer control byte {control:#x} at {self.pos}")
        value = int.from_bytes(self.data[self.pos + 1 : self.pos + 1 + size], "little")
        self.pos += 1 + size
        return -value if control & 0x80 else value

    def float(self) -> float:
        mantissa = self.int()
        exponent = self.int()
        return float(mantissa * 2.0**exponent)

    def tensor(self) -> F32:
        version = self.int()
        if version != 2:
            raise ModelError(f"dlib model: tensor version {version} at {self.pos} (expected 2)")
        dims = [self.int() for _ in range(4)]
        count = int(np.prod(dims))
        end = self.pos + 4 * count
        if end > len(self.data):
            raise ModelError("dlib model: truncated tensor")
        values = np.frombuffer(self.data, dtype="<f4", count=count, offset=self.pos).astype(np.float32)
        self.pos = end
        return values


@dataclass(frozen=True, slots=True)
class Conv:
    weight: F32
    """(in_channels * kh * kw, out_channels), rows ordered (channel, row, column)."""
    bias: F32
    kernel: int
    stride: int
    padding: int
    scale: F32
    """The affine layer folded in: y = (conv(x) + bias) * scale + shift."""
    shift: F32


@dataclass(frozen=True, slots=True)
class Block:
    first: Conv
    second: Conv
    downsample: bool


@dataclass(frozen=True, slots=True)
class ResnetWeights:
    means: tuple[float, float, float]
    stem: Conv
    pool: tuple[int, int, int]
    """Max-pool (size, stride, padding) after the stem."""
    blocks: tuple[Block, ...]
    fc: F32
    """(256, 128)."""


def _conv(reader: _Reader) -> tuple[F32, int, int, int, int, int]:
    params = reader.tensor()
    filters, rows, cols, stride_y, stride_x, pad_y, pad_x = (reader.int() for _ in range(7))
    if rows != cols or stride_y != stride_x or pad_y != pad_x:
        raise ModelError("dlib model: only square convolutions are supported")
    inputs, rest = divmod(params.size - filters, filters * rows * cols)
    if rest:
        raise ModelError("dlib model: convolution parameters do not match its shape")
    return params, filters, inputs, rows, stride_y, pad_y


def _affine(reader: _Reader, channels: int) -> tuple[F32, F32]:
    params = reader.tensor()
    if params.size != 2 * channels:
        raise ModelError(f"dlib model: affine layer has {params.size} parameters for {channels} channels")
    return params[:channels], params[channels:]


def parse_resnet(data: bytes) -> ResnetWeights:
    """Weights of dlib's face ResNet from the bytes of its ``.dat`` file; ``ModelError`` if it is another net."""
    records = [(m.group(1).decode(), m.end()) for m in _RECORD.finditer(data)]
    names = [name for name, _ in records]
    if not names or names[0] != "input_rgb_image_sized" or names[-1] != "fc_2":
        raise ModelError("dlib model: not the face-recognition ResNet (unexpected first or last layer)")
    reader = _Reader(data, records[0][1])
    means = (reader.float(), reader.float(), reader.float())
    if (reader.int(), reader.int()) != (CHIP_SIZE, CHIP_SIZE):
        raise ModelError("dlib model: input is not 150 x 150")

    index = 1

    def expect(name: str) -> _Reader:
        nonlocal index
        if index >= len(records) or not records[index][0].startswith(name):
            found = records[index][0] if index < len(records) else "end of file"
            raise ModelError(f"dlib model: expected layer {name!r}, found {found!r} (record {index})")
        at = records[index][1]
        index += 1
        if at < reader.pos:
            raise ModelError("dlib model: layer records overlap")
        reader.pos = at
        return reader

    def conv_affine(relu: bool) -> Conv:
        params, filters, inputs, kernel, stride, padding = _conv(expect("con_"))
        gamma, beta = _affine(expect("affine_"), filters)
        if relu:
            expect("relu_")
        split = filters * inputs * kernel * kernel
        weight = params[:split].reshape(filters, inputs * kernel * kernel).T.copy()
        return Conv(weight, params[split:].copy(), kernel, stride, padding, gamma.copy(), beta.copy())

    stem = conv_affine(relu=True)
    pool_reader = expect("max_pool_")
    size, _, stride, _, padding, _ = (pool_reader.int() for _ in range(6))
    blocks: list[Block] = []
    while index < len(records) and records[index][0].startswith("con_"):
        first = conv_affine(relu=True)
        second = conv_affine(relu=False)
        downsample = records[index][0].startswith("avg_pool_")
        if downsample:
            shortcut = expect("avg_pool_")
            if [shortcut.int() for _ in range(6)] != [2, 2, 2, 2, 0, 0]:
                raise ModelError("dlib model: unexpected shortcut pooling")
        expect("add_prev_")
        expect("relu_")
        blocks.append(Block(first, second, downsample))
    expect("avg_pool_")
    fc_reader = expect("fc_")
    outputs, inputs = fc_reader.int(), fc_reader.int()
    fc = fc_reader.tensor()
    if fc.size != outputs * inputs or index != len(records):
        raise ModelError("dlib model: unexpected output layer")
    if [b.downsample for b in blocks] != [False] * 3 + [True] + [False] * 3 + [True, False, False] + [
        True,
        False,
        False,
    ] + [True]:
        raise ModelError("dlib model: residual blocks do not match the face-recognition ResNet")
    return ResnetWeights(means, stem, (size, stride, padding), tuple(blocks), fc.reshape(inputs, outputs).copy())


def _apply(conv: Conv, x: F32, relu: bool) -> F32:
    """Convolution + affine (+ relu) on NHWC activations."""
    if conv.padding:
        p = conv.padding
        x = np.pad(x, ((0, 0), (p, p), (p, p), (0, 0)))
        n, h, w, c = x.shape
    else:
        n, h, w, c = x.shape
    k, s = conv.kernel, conv.stride
    out_h, out_w = (h - k) // s + 1, (w - k) // s + 1
    windows = sliding_window_view(x, (k, k), axis=(1, 2))[:, : out_h * s : s, : out_w * s : s]
    columns = windows.reshape(n * out_h * out_w, c * k * k)  # (channel, row, column) order, as dlib's filters
    y = columns @ conv.weight
    y += conv.bias
    y *= conv.scale
    y += conv.shift
    if relu:
        np.maximum(y, 0.0, out=y)
    return y.reshape(n, out_h, out_w, -1)


def _pool(x: F32, size: int, stride: int, op: str) -> F32:
    h, w = x.shape[1], x.shape[2]
    out_h, out_w = (h - size) // stride + 1, (w - size) // stride + 1
    windows = sliding_window_view(x, (size, size), axis=(1, 2))[:, : out_h * stride : stride, : out_w * stride : stride]
    result: F32 = windows.max(axis=(-2, -1)) if op == "max" else windows.mean(axis=(-2, -1), dtype=np.float32)
    return result


def _add(a: F32, b: F32) -> F32:
    """dlib's add_prev: the larger shape, each tensor added where it exists (zero elsewhere)."""
    if a.shape == b.shape:
        return a + b
    shape = tuple(max(p, q) for p, q in zip(a.shape, b.shape, strict=True))
    out = np.zeros(shape, dtype=np.float32)
    out[: a.shape[0], : a.shape[1], : a.shape[2], : a.shape[3]] += a
    out[: b.shape[0], : b.shape[1], : b.shape[2], : b.shape[3]] += b
    return out


def embed_chips(weights: ResnetWeights, chips: Sequence[Pixels]) -> F32:
    """128-d embeddings of aligned 150 x 150 RGB chips, shape (N, 128)."""
    x = np.stack([np.asarray(c, dtype=np.float32) for c in chips])
    x -= np.asarray(weights.means, dtype=np.float32)
    x /= np.float32(256.0)
    x = _apply(weights.stem, x, relu=True)
    size, stride, _ = weights.pool
    x = _pool(x, size, stride, "max")
    for block in weights.blocks:
        y = _apply(block.first, x, relu=True)
        y = _apply(block.second, y, relu=False)
        shortcut = _pool(x, 2, 2, "avg") if block.downsample else x
        x = np.maximum(_add(y, shortcut), 0.0)
    pooled = x.mean(axis=(1, 2), dtype=np.float32)
    result: F32 = pooled @ weights.fc
    return result


class NumpyResnetEmbeddingBackend:
    """The dlib face-recognition ResNet (same file, same embeddings) on numpy + BLAS."""

    def __init__(self) -> None:
        self._weights: ResnetWeights | None = None
        self._blas: Any = None

    def load(self) -> None:
        if self._weights is not None:
            return
        path: Path = locate(FACE_RESNET)
        self._weights = parse_resnet(path.read_bytes())
        try:
            from threadpoolctl import ThreadpoolController  # type: ignore[import-untyped,unused-ignore]
        except ImportError:
            self._blas = None
        else:
            self._blas = ThreadpoolController()

    def _one_blas_thread(self) -> AbstractContextManager[Any]:
        """These matrices are small: one BLAS thread is 3-10x faster than two fighting for a busy core."""
        if self._blas is None:
            return nullcontext()
        limited: AbstractContextManager[Any] = self._blas.limit(limits=1, user_api="blas")
        return limited

    @property
    def loaded(self) -> bool:
        return self._weights is not None

    def model_info(self) -> tuple[ModelInfo, ...]:
        return (model_info(FACE_RESNET),)

    def embed(self, pixels: Pixels, faces: Sequence[FaceGeometry]) -> tuple[tuple[float, ...], ...]:
        if self._weights is None:
            raise ModelError("NumpyResnetEmbeddingBackend used before load()")
        if not faces:
            return ()
        chips = extract_chips(pixels, faces, CHIP_SIZE, EMBEDDING_PADDING)
        with self._one_blas_thread():
            vectors = embed_chips(self._weights, chips)
        return tuple(tuple(float(v) for v in row) for row in vectors)
