"""The screening endpoints through real HTTP, on SQLite and PostgreSQL: decisions, storage, images."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable

import httpx
import pytest
from gateway_fakes import FakeImage, draw_image

from conftest import Gateway

DECISION_FIELDS = {
    "decision_id",
    "request_id",
    "stage",
    "subject_type",
    "parent_decision_id",
    "action",
    "categories",
    "severity",
    "reasons",
    "rules",
    "degraded",
    "policy",
    "models",
    "signals",
    "inputs",
    "lineage",
    "session_id",
    "account_id",
    "jurisdiction",
    "tenant",
    "automated_detection",
    "automated_decision",
    "timings",
    "received_at",
    "created_at",
}


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_benign_text_is_allowed_recorded_and_readable(screen_client: httpx.Client, tenant: str) -> None:
    text = "replace the sky with a sunset over the mountains"
    r = screen_client.post(
        "/v1/screen/request",
        json={"text": text, "photo_of_person": False, "account_id": "u-1", "jurisdiction": "FR"},
        headers={"X-Request-ID": "client-req-1"},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == DECISION_FIELDS
    assert body["action"] == "allow"
    assert body["degraded"] is False
    assert body["decision_id"].startswith("dec_") and len(body["decision_id"]) == 30
    assert body["request_id"] == "client-req-1" == r.headers["x-request-id"]
    assert body["tenant"] == tenant
    assert body["inputs"]["text"] == {"sha256": hashlib.sha256(text.encode()).hexdigest(), "chars": len(text)}
    assert body["policy"]["digest"].startswith("sha256:")
    assert body["signals"]["prompt"]["status"] == "ok"
    assert body["subject_type"] == "prompt"
    again = screen_client.get(f"/v1/decisions/{body['decision_id']}")
    assert again.status_code == 200
    assert again.json() == body


def test_undressing_a_real_persons_photo_is_blocked(screen_client: httpx.Client) -> None:
    r = screen_client.post("/v1/screen/request", json={"text": "put her in a bikini", "photo_of_person": True})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["action"] == "block"
    assert body["categories"] == ["real_person_sexualisation"]
    assert body["severity"] == "high"
    assert any(rule["rule"] == "real_person_sexualisation_request" for rule in body["rules"])
    assert body["reasons"]


def test_raw_content_is_never_stored(gateway: Gateway, screen_client: httpx.Client) -> None:
    text = "a watercolour lighthouse, unique marker zq7kx9"
    image = gateway.inspector.add(draw_image(101), FakeImage(person=None))
    r = screen_client.post("/v1/screen/request", json={"text": text, "image_base64": b64(image)})
    assert r.status_code == 200, r.text
    decision_id = r.json()["decision_id"]
    with gateway.store.engine.connect() as conn:
        from sqlalchemy import text as sql

        rows = [
            dict(row._mapping) for row in conn.execute(sql("SELECT * FROM decisions WHERE id = :i"), {"i": decision_id})
        ]
    dumped = json.dumps(rows, default=str)
    assert "zq7kx9" not in dumped and "lighthouse" not in dumped
    assert b64(image)[:40] not in dumped
    assert hashlib.sha256(image).hexdigest() in dumped


def test_json_and_multipart_give_the_same_decision(gateway: Gateway, screen_client: httpx.Client) -> None:
    image = gateway.inspector.add(draw_image(102), FakeImage(person="alice", exposure=0))
    text = "make her dress see-through"
    as_json = screen_client.post("/v1/screen/request", json={"text": text, "image_base64": b64(image)})
    as_form = screen_client.post(
        "/v1/screen/request", data={"text": text}, files={"image": ("photo.png", image, "image/png")}
    )
    assert as_json.status_code == as_form.status_code == 200, (as_json.text, as_form.text)
    a, b = as_json.json(), as_form.json()
    assert a["action"] == b["action"] == "block"
    assert a["categories"] == b["categories"] == ["real_person_sexualisation"]
    assert a["inputs"]["source_image"] == b["inputs"]["source_image"]
    assert a["inputs"]["source_image"]["sha256"] == hashlib.sha256(image).hexdigest()
    assert len(a["inputs"]["source_image"]["dhash"]) == 16
    assert a["signals"]["source"]["persons"] == 1


def test_output_check_by_decision_id_compares_identity(gateway: Gateway, screen_client: httpx.Client) -> None:
    source = gateway.inspector.add(draw_image(103), FakeImage(person="bob", exposure=0))
    output = gateway.inspector.add(draw_image(104), FakeImage(person="bob", exposure=2))
    req = screen_client.post(
        "/v1/screen/request", json={"text": "change the background to a beach", "image_base64": b64(source)}
    )
    assert req.status_code == 200 and req.json()["action"] == "allow", req.text
    out = screen_client.post(
        "/v1/screen/output", json={"decision_id": req.json()["decision_id"], "output_image_base64": b64(output)}
    )
    assert out.status_code == 200, out.text
    body = out.json()
    assert body["stage"] == "output" and body["subject_type"] == "generation"
    assert body["parent_decision_id"] == req.json()["decision_id"]
    assert body["action"] == "block"
    assert body["categories"] == ["real_person_sexualisation"]
    assert body["signals"]["output"]["same_person_as_source"] is True
    assert body["inputs"]["output_image"]["sha256"] == hashlib.sha256(output).hexdigest()
    assert body["lineage"]["id"] == req.json()["lineage"]["id"]
    assert body["lineage"]["step"] == 2


def test_output_check_by_source_image_multipart(gateway: Gateway, screen_client: httpx.Client) -> None:
    source = gateway.inspector.add(draw_image(105), FakeImage(person="carol", exposure=0))
    output = gateway.inspector.add(draw_image(106), FakeImage(person="dave", exposure=0))
    r = screen_client.post(
        "/v1/screen/output",
        files={"output_image": ("out.png", output, "image/png"), "source_image": ("src.png", source, "image/png")},
        data={"session_id": "s-out"},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["action"] == "allow"
    assert body["signals"]["output"]["same_person_as_source"] is False
    assert body["inputs"]["source_image"]["sha256"] == hashlib.sha256(source).hexdigest()


def test_unscripted_detector_failure_fails_closed_and_is_recorded(
    gateway: Gateway, screen_client: httpx.Client
) -> None:
    unknown = draw_image(999_001)  # the scripted inspector raises on it: a crashed detector
    r = screen_client.post("/v1/screen/output", json={"output_image_base64": b64(unknown)})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["degraded"] is True
    assert body["action"] != "allow"
    assert screen_client.get(f"/v1/decisions/{body['decision_id']}").json()["degraded"] is True


def test_output_of_another_tenants_decision_is_not_found(gateway: Gateway, screen_client: httpx.Client) -> None:
    other = gateway.client(gateway.key("someone-else", "screen"))
    req = other.post("/v1/screen/request", json={"text": "a red bicycle"}).json()
    output = gateway.inspector.add(draw_image(107), FakeImage())
    r = screen_client.post(
        "/v1/screen/output", json={"decision_id": req["decision_id"], "output_image_base64": b64(output)}
    )
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"
    assert screen_client.get(f"/v1/decisions/{req['decision_id']}").status_code == 404


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"text": ""}, 422, "invalid_text"),
        ({"text": "x" * 20_000}, 422, "invalid_text"),
        ({"text": "ok", "unknown": 1}, 422, "validation_error"),
        ({"text": "ok", "session_id": "has spaces"}, 422, "validation_error"),
        ({"text": "ok", "jurisdiction": "france"}, 422, "validation_error"),
        ({"text": "ok", "image_base64": "not base64!!"}, 422, "invalid_image"),
        ({"text": "ok", "image_base64": b64(b"GIF89a-truncated")}, 422, "invalid_image"),
        ({}, 422, "validation_error"),
    ],
)
def test_invalid_requests_are_refused_with_a_stable_error(
    screen_client: httpx.Client, body: dict[str, object], status: int, code: str
) -> None:
    r = screen_client.post("/v1/screen/request", json=body)
    assert r.status_code == status, r.text
    error = r.json()["error"]
    assert error["code"] == code
    assert error["message"]
    assert error["request_id"] == r.headers["x-request-id"]


def test_malformed_json_and_wrong_content_type(screen_client: httpx.Client) -> None:
    r = screen_client.post("/v1/screen/request", content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "validation_error"
    r = screen_client.post("/v1/screen/request", content=b"text=hi", headers={"Content-Type": "text/plain"})
    assert r.status_code == 415 and r.json()["error"]["code"] == "unsupported_media_type"


def test_tenant_in_body_must_match_the_key(screen_client: httpx.Client) -> None:
    r = screen_client.post("/v1/screen/request", json={"text": "a red bicycle", "tenant": "not-mine"})
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "forbidden"


def test_output_check_without_the_source_analysis_fails_closed(make_gateway: Callable[..., Gateway]) -> None:
    gw = make_gateway(source_cache_size=0)  # as after a restart: the source's analysis is gone
    client = gw.client(gw.key("t", "screen"))
    source = gw.inspector.add(draw_image(108), FakeImage(person="frank", exposure=0))
    benign = gw.inspector.add(draw_image(109), FakeImage(person="frank", exposure=0))
    exposed = gw.inspector.add(draw_image(110), FakeImage(person="frank", exposure=2))
    req = client.post("/v1/screen/request", json={"text": "add a hat", "image_base64": b64(source)}).json()
    low = client.post(
        "/v1/screen/output", json={"decision_id": req["decision_id"], "output_image_base64": b64(benign)}
    ).json()
    assert low["action"] == "allow" and low["degraded"] is False  # identity does not matter at level 0
    high = client.post(
        "/v1/screen/output", json={"decision_id": req["decision_id"], "output_image_base64": b64(exposed)}
    ).json()
    assert high["action"] == "block" and high["degraded"] is True
    assert "output_identity_unavailable" in [r["rule"] for r in high["rules"]]
    assert high["signals"]["output"]["failed"] == ["identity"]
    assert high["signals"]["source"]["faces"]  # rebuilt from the stored request decision
