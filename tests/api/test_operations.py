"""Operations through real HTTP: liveness, readiness, Prometheus metrics, OpenAPI, JSON logs."""

from __future__ import annotations

import json
import logging
import time

import httpx
import pytest

from conftest import Gateway
from rempart.api.logs import JsonFormatter, reset_request_id, set_request_id


def test_liveness_and_readiness(gateway: Gateway) -> None:
    client = gateway.client()
    assert client.get("/healthz").json() == {"status": "ok", "checks": {}}
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json() == {"status": "ready", "checks": {"models": "ok", "database": "ok", "capacity": "ok"}}


def test_metrics_count_requests_and_decisions(gateway: Gateway, screen_client: httpx.Client) -> None:
    screen_client.post("/v1/screen/request", json={"text": "a lighthouse at night", "photo_of_person": False})
    text = gateway.client().get("/metrics").text
    assert 'rempart_decisions_total{action="allow",degraded="false",stage="request"}' in text
    assert 'rempart_http_requests_total{method="POST",route="/v1/screen/request",status="200"}' in text
    assert "rempart_http_request_duration_seconds_bucket" in text
    assert "rempart_inference_in_flight" in text


def test_openapi_documents_both_body_forms_with_examples(gateway: Gateway) -> None:
    doc = gateway.client().get("/openapi.json").json()
    body = doc["paths"]["/v1/screen/request"]["post"]["requestBody"]["content"]
    assert set(body) == {"application/json", "multipart/form-data"}
    assert body["application/json"]["examples"]["text_to_image"]["value"]["text"]
    assert body["multipart/form-data"]["schema"]["properties"]["image"]["format"] == "binary"
    schemas = doc["components"]["schemas"]
    assert schemas["ScreenRequestBody"]["examples"]
    assert schemas["DecisionOut"]["examples"][0]["decision_id"].startswith("dec_")
    responses = doc["paths"]["/v1/screen/request"]["post"]["responses"]
    assert {"200", "401", "403", "413", "422", "429", "503"} <= set(responses)
    assert doc["paths"]["/v1/screen/output"]["post"]["requestBody"]["content"]["application/json"]["examples"]
    assert "/v1/decisions/{decision_id}" in doc["paths"]
    assert doc["components"]["securitySchemes"]


def test_unknown_routes_and_methods_use_the_error_shape(gateway: Gateway) -> None:
    client = gateway.client()
    r = client.get("/v1/nothing-here")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    r = client.get("/v1/screen/request")
    assert r.status_code == 405 and r.json()["error"]["code"] == "method_not_allowed"


def test_access_log_names_the_request_and_its_decision(
    screen_client: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="rempart.access"):
        r = screen_client.post(
            "/v1/screen/request", json={"text": "a red bicycle"}, headers={"X-Request-ID": "trace-42"}
        )
        decision_id = r.json()["decision_id"]
        deadline = time.monotonic() + 5
        record = None
        while record is None and time.monotonic() < deadline:  # the line is written after the response
            found = [rec for rec in caplog.records if getattr(rec, "decision_id", None) == decision_id]
            record = found[0] if found else None
            time.sleep(0.01)
    assert record is not None and record.name == "rempart.access"
    assert record.__dict__["status"] == 200
    assert record.__dict__["path"] == "/v1/screen/request"
    formatted = json.loads(JsonFormatter().format(record))
    assert formatted["decision_id"] == r.json()["decision_id"]
    assert formatted["action"] == "allow"
    assert formatted["tenant"] == r.json()["tenant"]


def test_json_formatter_carries_the_request_id() -> None:
    token = set_request_id("req_abc")
    try:
        record = logging.LogRecord("rempart.test", logging.WARNING, __file__, 1, "hello %s", ("world",), None)
        record.detail = {"k": 1}
        line = json.loads(JsonFormatter().format(record))
    finally:
        reset_request_id(token)
    assert line["message"] == "hello world"
    assert line["request_id"] == "req_abc"
    assert line["level"] == "warning"
    assert line["detail"] == {"k": 1}
