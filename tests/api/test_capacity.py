"""Robustness through real HTTP: deadlines fail closed, back-pressure answers 503, size limits 413."""

from __future__ import annotations

import base64
import io
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
from gateway_fakes import FakeImage, constant_model, draw_image, fake_guard
from PIL import Image

from conftest import Gateway
from rempart.text.encoder import FakeEncoder
from rempart.text.screen import PromptInput, PromptScreen, PromptScreening


class SlowScreen(PromptScreen):
    """The fake prompt screen, slowed down: a detector that misses its deadline."""

    def __init__(self, delay_s: float) -> None:
        super().__init__(FakeEncoder(), model=constant_model(0.01))
        self.delay_s = delay_s

    def screen(self, item: PromptInput) -> PromptScreening:
        time.sleep(self.delay_s)
        return super().screen(item)


def _post_many(client: httpx.Client, n: int, body: dict[str, object]) -> list[httpx.Response]:
    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(lambda _: client.post("/v1/screen/request", json=body), range(n)))


def test_a_detector_past_its_deadline_gives_a_degraded_fail_closed_decision(
    make_gateway: Callable[..., Gateway],
) -> None:
    gw = make_gateway(fake_guard(screen=SlowScreen(1.5)), request_deadline_s=0.3)
    client = gw.client(gw.key("t", "screen,audit"))
    start = time.perf_counter()
    r = client.post("/v1/screen/request", json={"text": "change her shirt to blue"})
    elapsed = time.perf_counter() - start
    assert r.status_code == 200, r.text
    body = r.json()
    assert elapsed < 1.2, "the answer came at the deadline, not when the detector finished"
    assert body["degraded"] is True
    assert body["action"] == "block"  # a real person may be involved: fail closed
    assert body["rules"][0]["rule"] == "prompt_screen_unavailable"
    assert body["signals"]["prompt"]["status"] == "timeout"
    assert client.get(f"/v1/decisions/{body['decision_id']}").json()["degraded"] is True
    time.sleep(1.5)  # let the abandoned job finish, so its slot is released
    fictional = client.post("/v1/screen/request", json={"text": "a castle at dusk", "photo_of_person": False}).json()
    assert fictional["degraded"] is True and fictional["action"] == "review"
    metrics = gw.client().get("/metrics").text
    assert 'rempart_detector_failures_total{kind="timeout"} 2.0' in metrics


def test_a_full_pool_refuses_at_once_with_503_and_retry_after(make_gateway: Callable[..., Gateway]) -> None:
    gw = make_gateway(
        fake_guard(screen=SlowScreen(0.6)), inference_workers=1, inference_queue=0, request_deadline_s=5.0
    )
    client = gw.client(gw.key("t", "screen"))
    responses = _post_many(client, 4, {"text": "a red bicycle", "photo_of_person": False})
    codes = sorted(r.status_code for r in responses)
    assert codes.count(200) >= 1 and codes.count(503) >= 1, codes
    refused = next(r for r in responses if r.status_code == 503)
    assert refused.json()["error"]["code"] == "overloaded"
    assert refused.headers["retry-after"] == "1"
    assert refused.elapsed.total_seconds() < 0.5, "refused immediately, not after waiting"
    assert "rempart_rejections_total" in gw.client().get("/metrics").text


def test_a_request_still_queued_at_its_deadline_gets_503(make_gateway: Callable[..., Gateway]) -> None:
    gw = make_gateway(
        fake_guard(screen=SlowScreen(0.8)), inference_workers=1, inference_queue=4, request_deadline_s=0.4
    )
    client = gw.client(gw.key("t", "screen"))
    responses = _post_many(client, 2, {"text": "a red bicycle", "photo_of_person": False})
    codes = sorted(r.status_code for r in responses)
    assert codes == [200, 503], [r.text for r in responses]
    assert next(r for r in responses if r.status_code == 200).json()["degraded"] is True


def test_size_limits_answer_413(make_gateway: Callable[..., Gateway]) -> None:
    gw = make_gateway(max_body_bytes=64 * 1024, max_image_bytes=12 * 1024, max_image_pixels=1_000_000)
    client = gw.client(gw.key("t", "screen"))
    r = client.post("/v1/screen/request", json={"text": "a" * 10, "image_base64": "A" * 100_000})
    assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"

    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(100):
            yield b"a" * 1024
        yield b'"}'

    r = client.post("/v1/screen/request", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"

    big = draw_image(301, size=512, fmt="JPEG")
    assert 12 * 1024 < len(big) < 48 * 1024, len(big)
    r = client.post("/v1/screen/request", files={"image": ("a.jpg", big, "image/jpeg")}, data={"text": "a cat"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "image_too_large"

    buf = io.BytesIO()
    Image.new("RGB", (1500, 1500), (10, 20, 30)).save(buf, format="PNG")  # 2.25 Mpx in 10 KB
    bomb = gw.inspector.add(buf.getvalue(), FakeImage())
    r = client.post("/v1/screen/request", json={"text": "a cat", "image_base64": base64.b64encode(bomb).decode()})
    assert r.status_code == 413 and r.json()["error"]["code"] == "image_too_large"
    assert "1500x1500" in r.json()["error"]["message"]


def test_image_checks_do_not_hold_up_text_checks(make_gateway: Callable[..., Gateway]) -> None:
    from gateway_fakes import FakeInspector

    inspector = FakeInspector(delay_s=1.0)
    gw = make_gateway(fake_guard(inspector), image_workers=1, image_queue=0, request_deadline_s=5.0)
    client = gw.client(gw.key("t", "screen"))
    photo = base64.b64encode(inspector.add(draw_image(302), FakeImage())).decode()
    image_body = {"text": "add a hat", "image_base64": photo}
    with ThreadPoolExecutor(3) as pool:
        slow = pool.submit(client.post, "/v1/screen/request", json=image_body)
        time.sleep(0.2)  # the first image check now occupies the only image worker
        refused = pool.submit(client.post, "/v1/screen/request", json=image_body)
        text = pool.submit(client.post, "/v1/screen/request", json={"text": "a castle", "photo_of_person": False})
        assert text.result().status_code == 200
        assert text.result().elapsed.total_seconds() < 0.5, "the text check did not wait for the image check"
        assert refused.result().status_code == 503
        assert slow.result().status_code == 200
