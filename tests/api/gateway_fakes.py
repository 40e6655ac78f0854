"""Fakes for the gateway tests: a guard on the real lexicons and rules with a fake encoder, a
constant classifier and a scripted image inspector; benign images drawn by code; a server runner.

Shared by the pytest fixtures (in-process servers) and ``serve_fake.py`` (a server in its own
process, for the crash test). The image inspector fails loudly on an image nobody scripted.
"""

from __future__ import annotations

import hashlib
import io
import socket
import threading
import time
from dataclasses import dataclass, field

import numpy as np
import uvicorn
from PIL import Image

from rempart.guard import Guard
from rempart.policy import FaceFacts, ImageFacts, load_policy
from rempart.signals import ModelInfo, ScriptedBackendError
from rempart.text.classifier import DENSE_NAMES, HASH_SIZE, LinearPromptModel
from rempart.text.encoder import EMBEDDING_DIM, FakeEncoder
from rempart.text.screen import PromptScreen


def constant_model(probability: float) -> LinearPromptModel:
    logit = float(np.log(probability / (1 - probability)))
    return LinearPromptModel(
        sparse_weights=np.zeros(HASH_SIZE, dtype=np.float32),
        dense_weights=np.zeros(len(DENSE_NAMES) + EMBEDDING_DIM, dtype=np.float32),
        intercept=logit,
        card={"version": f"constant-{probability}"},
    )


@dataclass(frozen=True, slots=True)
class FakeImage:
    """What the scripted inspector reports for one image."""

    person: str | None = None
    """An identity label: outputs with the same label as their source are the same person."""
    exposure: int = 0
    age: float | None = 30.0


@dataclass
class FakeInspector:
    """``ImageInspector`` scripted by image digest; the analysis handle is the ``FakeImage``."""

    script: dict[str, FakeImage] = field(default_factory=dict)
    delay_s: float = 0.0
    calls: int = 0

    def add(self, data: bytes, image: FakeImage) -> bytes:
        self.script[hashlib.sha256(data).hexdigest()] = image
        return data

    def load(self) -> None:
        pass

    def model_info(self) -> tuple[ModelInfo, ...]:
        return (ModelInfo(name="fake-inspector", package="tests", version="1"),)

    def facts(self, image: bytes | str, role: str, source: object | None = None) -> tuple[ImageFacts, object]:
        self.calls += 1
        if self.delay_s:
            time.sleep(self.delay_s)
        assert isinstance(image, bytes), "the gateway passes bytes"
        scripted = self.script.get(hashlib.sha256(image).hexdigest())
        if scripted is None:
            raise ScriptedBackendError(f"image {hashlib.sha256(image).hexdigest()[:12]} was not scripted")
        faces: tuple[FaceFacts, ...] = ()
        if scripted.person is not None and scripted.age is not None:
            minor = scripted.age < 18
            faces = (FaceFacts(scripted.age, scripted.age - 4, scripted.age + 4, minor, scripted.age < 25),)
        same: bool | None = None
        if role == "output" and isinstance(source, FakeImage) and source.person is not None:
            same = source.person == scripted.person
        facts = ImageFacts(
            role=role,
            persons=1 if scripted.person else 0,
            faces=faces,
            exposure=scripted.exposure,
            same_person_as_source=same,
            identity_distance=None if same is None else (0.2 if same else 0.9),
        )
        return facts, scripted


def fake_screen() -> PromptScreen:
    screen = PromptScreen(FakeEncoder(), model=constant_model(0.01))
    screen.load()
    return screen


def fake_guard(inspector: FakeInspector | None = None, screen: PromptScreen | None = None) -> Guard:
    return Guard(policy=load_policy(), prompt_screen=screen or fake_screen(), images=inspector)


def draw_image(seed: int, size: int = 512, fmt: str = "PNG", quality: int = 90) -> bytes:
    """A benign picture (gradient and coloured discs) that differs by ``seed``."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:size, 0:size].astype(np.float32) / size
    base = rng.uniform(0, 255, 3)
    img = np.stack([base[i] * (0.5 + 0.5 * (x if i % 2 else y)) for i in range(3)], axis=-1)
    for _ in range(6):
        cx, cy, r = rng.uniform(0, 1), rng.uniform(0, 1), rng.uniform(0.05, 0.25)
        mask = (x - cx) ** 2 + (y - cy) ** 2 < r * r
        img[mask] = rng.uniform(0, 255, 3)
    buf = io.BytesIO()
    Image.fromarray(img.clip(0, 255).astype(np.uint8)).save(buf, format=fmt, quality=quality)
    return buf.getvalue()


def reencode(data: bytes, fmt: str = "JPEG", quality: int = 80, scale: float = 1.0) -> bytes:
    with Image.open(io.BytesIO(data)) as img:
        rgb = img.convert("RGB")
        if scale != 1.0:
            rgb = rgb.resize((int(rgb.width * scale), int(rgb.height * scale)))
        buf = io.BytesIO()
        rgb.save(buf, format=fmt, quality=quality)
        return buf.getvalue()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class LiveServer:
    """uvicorn on 127.0.0.1 in a thread of this process (real HTTP, real sockets)."""

    def __init__(self, app: object, port: int | None = None) -> None:
        self.port = port or free_port()
        config = uvicorn.Config(
            app,  # type: ignore[arg-type]
            host="127.0.0.1",
            port=self.port,
            log_config=None,
            access_log=False,
            lifespan="on",
            loop="asyncio",
            ws="none",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name=f"uvicorn-{self.port}", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("the test server failed to start")
            if time.monotonic() > deadline:
                raise RuntimeError("the test server did not start in time")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
