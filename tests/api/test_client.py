"""The Python client, sync and async, against a live gateway."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from gateway_fakes import FakeImage, draw_image

from conftest import Gateway
from rempart.client import ApiError, AsyncRempartClient, RempartClient


def test_sync_client_round_trip(gateway: Gateway, tenant: str, tmp_path: Path) -> None:
    source = gateway.inspector.add(draw_image(401), FakeImage(person="erin", exposure=0))
    output = gateway.inspector.add(draw_image(402), FakeImage(person="erin", exposure=3))
    path = tmp_path / "source.png"
    path.write_bytes(source)
    with RempartClient(gateway.url, gateway.key(tenant, "screen,audit")) as client:
        assert client.ready()
        request = client.screen_request("change the background to a garden", image=path, session_id="cli-1")
        assert request.allowed and not request.degraded
        check = client.screen_output(output, decision_id=request.decision_id)
        assert check.blocked
        assert check.categories[0] == "real_person_sexualisation"
        assert check.lineage_id == request.lineage_id
        assert client.get_decision(check.decision_id).raw["parent_decision_id"] == request.decision_id
        text_only = client.screen_request("put her in a bikini", photo_of_person=True, request_id="my-trace")
        assert text_only.blocked and text_only.raw["request_id"] == "my-trace"


def test_sync_client_errors(gateway: Gateway, tenant: str) -> None:
    with RempartClient(gateway.url, "rk_0123456789abcdef_" + "C" * 43) as client, pytest.raises(ApiError) as info:
        client.screen_request("a cat")
    assert info.value.status == 401 and info.value.error_code == "unauthorized" and not info.value.retryable
    with RempartClient(gateway.url, gateway.key(tenant, "screen")) as client, pytest.raises(ApiError) as info:
        client.screen_request("")
    assert info.value.status == 422 and info.value.error_code == "invalid_text"
    assert info.value.request_id


def test_sync_client_reports_the_rate_limit(gateway: Gateway, tenant: str) -> None:
    key = gateway.key(tenant, "screen", rate_per_minute=6)  # the bucket holds one request
    with RempartClient(gateway.url, key, max_retries=1, max_retry_wait=0.05) as client:
        client.screen_request("a cat")
        with pytest.raises(ApiError) as info:
            client.screen_request("a cat")
    assert info.value.status == 429 and info.value.retryable and info.value.retry_after is not None
    assert info.value.retry_after >= 1


def test_sync_client_retries_429_and_503_after_retry_after() -> None:
    calls: list[str] = []
    decision = {"decision_id": "dec_" + "1" * 26, "stage": "request", "action": "allow", "categories": []}

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if len(calls) == 1:
            return httpx.Response(
                429, headers={"Retry-After": "1"}, json={"error": {"code": "rate_limited", "message": "x"}}
            )
        if len(calls) == 2:
            return httpx.Response(
                503, headers={"Retry-After": "1"}, json={"error": {"code": "overloaded", "message": "x"}}
            )
        return httpx.Response(200, json=decision)

    with RempartClient(
        "http://gw", "rk_x", max_retries=2, max_retry_wait=0.01, transport=httpx.MockTransport(handler)
    ) as c:
        assert c.screen_request("a cat").allowed
    assert len(calls) == 3
    calls.clear()
    with (
        RempartClient(
            "http://gw", "rk_x", max_retries=1, max_retry_wait=0.01, transport=httpx.MockTransport(handler)
        ) as c,
        pytest.raises(ApiError) as info,
    ):
        c.screen_request("a cat")
    assert info.value.error_code == "overloaded" and len(calls) == 2


def test_async_client_round_trip(gateway: Gateway, tenant: str) -> None:
    key = gateway.key(tenant, "screen,audit")
    output = gateway.inspector.add(draw_image(403), FakeImage(person=None, exposure=0))

    async def run() -> None:
        async with AsyncRempartClient(gateway.url, key) as client:
            assert await client.ready()
            decisions = await asyncio.gather(*(client.screen_request(f"a red bicycle number {i}") for i in range(8)))
            assert all(d.allowed for d in decisions)
            assert len({d.decision_id for d in decisions}) == 8
            check = await client.screen_output(output, decision_id=decisions[0].decision_id)
            assert check.allowed and check.stage == "output"
            again = await client.get_decision(check.decision_id)
            assert again.decision_id == check.decision_id
            with pytest.raises(ApiError) as info:
                await client.get_decision("dec_" + "0" * 26)
            assert info.value.status == 404

    asyncio.run(run())
