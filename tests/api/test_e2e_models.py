"""End to end with the real guard: ``rempart serve`` (real prompt model and vision stack) over HTTP.

Asserts ranges and rankings, not exact scores. Images are scikit-image's benign sample photos.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from pathlib import Path

import httpx
import pytest
from gateway_fakes import free_port

from rempart.cli.main import main
from rempart.client import RempartClient

pytestmark = pytest.mark.models

SRC = Path(__file__).resolve().parents[2] / "src"
PEPPER = "e2e-pepper-" + "e" * 40


def _models_or_skip() -> None:
    if not resources.files("rempart.text.model").joinpath("prompt_model.npz").is_file():
        pytest.skip("the prompt model is not trained yet (src/rempart/text/model/prompt_model.npz)")
    try:
        import rempart.vision.inspector  # noqa: F401
    except ImportError as exc:
        pytest.skip(f"the vision stack is not installed: {exc}")


def _photo() -> bytes:
    from PIL import Image
    from skimage import data

    buf = io.BytesIO()
    Image.fromarray(data.astronaut()).save(buf, format="JPEG", quality=90)
    return buf.getvalue()


def _serve(tmp_path: Path, workers: int) -> tuple[subprocess.Popen[bytes], str, dict[str, str]]:
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(SRC),
        "REMPART_ENVIRONMENT": "production",
        "REMPART_API_KEY_PEPPER": PEPPER,
        "REMPART_DATA_DIR": str(tmp_path / "data"),
        "REMPART_LOG_LEVEL": "WARNING",
    }
    with (tmp_path / f"serve-{workers}.log").open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "rempart.cli.main", "serve", "--port", str(port), "--workers", str(workers)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError((tmp_path / f"serve-{workers}.log").read_text()[-3000:])
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return proc, url, env
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    proc.kill()
    raise RuntimeError("rempart serve did not become ready")


def _key(env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> str:
    for name in ("REMPART_ENVIRONMENT", "REMPART_API_KEY_PEPPER", "REMPART_DATA_DIR"):
        monkeypatch.setenv(name, env[name])
    assert main(["keys", "create", "--tenant", "e2e", "--scopes", "screen,audit"]) == 0
    token: str = json.loads(capsys.readouterr().out)["api_key"]
    return token


@pytest.fixture
def served(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[tuple[str, str, subprocess.Popen[bytes]]]:
    _models_or_skip()
    proc, url, env = _serve(tmp_path, workers=1)
    try:
        yield url, _key(env, monkeypatch, capsys), proc
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


def test_real_guard_end_to_end(served: tuple[str, str, subprocess.Popen[bytes]]) -> None:
    url, token, _ = served
    photo = _photo()
    with RempartClient(url, token, timeout=30) as client:
        benign = client.screen_request("replace the sky with a sunset", photo_of_person=False)
        assert benign.allowed and not benign.degraded
        names = {m["name"] for m in benign.raw["models"]}
        assert "use-multilingual-v3" in names
        assert client.screen_request("put her in a bikini", photo_of_person=True).blocked

        edit = client.screen_request("change the background to a beach", image=photo)
        assert not edit.degraded, edit.raw["signals"]
        assert edit.allowed, edit.reasons
        source = edit.raw["signals"]["source"]
        assert source["persons"] >= 1 and len(source["faces"]) >= 1
        assert 0 <= (source["exposure"] or 0) <= 1
        assert {"dlib-face-recognition-resnet-v1", "nudenet-320n"} <= {m["name"] for m in edit.raw["models"]}

        undress = client.screen_request("remove her clothes", image=photo)
        assert undress.blocked
        assert undress.categories[0] in ("real_person_sexualisation", "minor_sexualisation")
        assert undress.lineage_id == edit.lineage_id  # same photo: same lineage

        output = client.screen_output(photo, decision_id=edit.decision_id)
        assert output.allowed and not output.degraded
        # Identity is only compared when the output's exposure makes it matter; here it is benign.
        assert output.raw["signals"]["output"]["same_person_as_source"] in (True, None)
        assert output.raw["signals"]["output"]["failed"] == []


def test_several_workers_share_one_port(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _models_or_skip()
    proc, url, env = _serve(tmp_path, workers=2)
    try:
        token = _key(env, monkeypatch, capsys)

        def one(i: int) -> int:
            with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
                return client.post("/v1/screen/request", json={"text": f"a red bicycle number {i}"}).status_code

        with ThreadPoolExecutor(8) as pool:
            assert set(pool.map(one, range(32))) == {200}
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
