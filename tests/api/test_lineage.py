"""Sessions and lineage through real HTTP: escalation is judged on the chain of edits, not one step."""

from __future__ import annotations

import base64

import httpx
from gateway_fakes import FakeImage, draw_image, reencode

from conftest import Gateway


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _screen(client: httpx.Client, text: str, **extra: object) -> dict[str, object]:
    r = client.post("/v1/screen/request", json={"text": text, "photo_of_person": False, **extra})
    assert r.status_code == 200, r.text
    body: dict[str, object] = r.json()
    return body


def test_escalation_in_a_session_is_judged_on_the_lineage(screen_client: httpx.Client) -> None:
    steps = [
        ("a woman in a red dress on the beach", "allow"),
        ("now a swimsuit instead", "allow"),  # swimwear of a fictional adult: allowed alone
        ("make it wet", "review"),  # harmless alone; after a swimsuit it uncovers more
    ]
    lineage_id = None
    for number, (text, expected) in enumerate(steps, start=1):
        body = _screen(screen_client, text, session_id="sess-escalate")
        assert body["action"] == expected, (text, body["reasons"])
        lineage = body["lineage"]
        assert isinstance(lineage, dict)
        assert lineage["step"] == number
        lineage_id = lineage_id or lineage["id"]
        assert lineage["id"] == lineage_id
    assert any(r["rule"] == "lineage_escalation" for r in body["rules"])  # type: ignore[union-attr]
    assert body["lineage"]["earlier_exposure"] == 2  # type: ignore[index]
    # The same words outside the lineage pass: the lineage is what made the difference.
    assert _screen(screen_client, "make it wet")["action"] == "allow"
    assert _screen(screen_client, "make it wet", session_id="sess-fresh")["action"] == "allow"


def test_a_review_decision_opens_a_review_item_in_the_same_transaction(screen_client: httpx.Client) -> None:
    _screen(screen_client, "now a swimsuit instead", session_id="sess-review")
    flagged = _screen(screen_client, "make it shorter", session_id="sess-review")
    assert flagged["action"] == "review"
    items = screen_client.get("/v1/reviews").json()
    assert [i["decision_id"] for i in items] == [flagged["decision_id"]]
    resolved = screen_client.post(
        f"/v1/reviews/{flagged['decision_id']}", json={"outcome": "block", "note": "escalation"}
    )
    assert resolved.status_code == 200, resolved.text
    assert resolved.json()["status"] == "resolved" and resolved.json()["outcome"] == "block"
    assert screen_client.get("/v1/reviews").json() == []
    assert len(screen_client.get("/v1/reviews", params={"status": "resolved"}).json()) == 1


def test_edits_of_the_same_photo_link_by_digest_and_by_perceptual_hash(
    gateway: Gateway, screen_client: httpx.Client
) -> None:
    photo = gateway.inspector.add(draw_image(201), FakeImage(person=None))
    first = _screen(screen_client, "change the background to a beach", image_base64=b64(photo))
    same_bytes = _screen(screen_client, "add a sun hat", image_base64=b64(photo))
    recompressed = gateway.inspector.add(reencode(photo, "JPEG", 70, scale=0.75), FakeImage(person=None))
    near_copy = _screen(screen_client, "add sunglasses", image_base64=b64(recompressed))
    other = gateway.inspector.add(draw_image(202), FakeImage(person=None))
    unrelated = _screen(screen_client, "add sunglasses", image_base64=b64(other))
    ids = [d["lineage"]["id"] for d in (first, same_bytes, near_copy, unrelated)]  # type: ignore[index]
    assert ids[0] == ids[1] == ids[2] != ids[3]
    assert [d["lineage"]["step"] for d in (first, same_bytes, near_copy)] == [1, 2, 3]  # type: ignore[index]


def test_an_output_edited_again_continues_its_lineage(gateway: Gateway, screen_client: httpx.Client) -> None:
    source = gateway.inspector.add(draw_image(203), FakeImage(person=None))
    output = gateway.inspector.add(draw_image(204), FakeImage(person=None, exposure=2))
    first = _screen(screen_client, "put the model in a swimsuit", image_base64=b64(source))
    assert first["action"] == "allow", first["reasons"]
    out = screen_client.post(
        "/v1/screen/output", json={"decision_id": first["decision_id"], "output_image_base64": b64(output)}
    ).json()
    assert out["action"] == "allow"
    # The user uploads the generated image again and asks for the next step: same lineage.
    next_step = _screen(screen_client, "make it wet", image_base64=b64(output))
    assert next_step["lineage"]["id"] == first["lineage"]["id"]  # type: ignore[index]
    assert next_step["lineage"]["step"] == 3  # type: ignore[index]
    assert next_step["action"] == "review"


def test_lineages_do_not_cross_tenants(gateway: Gateway, screen_client: httpx.Client) -> None:
    photo = gateway.inspector.add(draw_image(205), FakeImage(person=None))
    mine = _screen(screen_client, "put the model in a swimsuit", image_base64=b64(photo))
    theirs_client = gateway.client(gateway.key("another-tenant-lineage", "screen"))
    theirs = _screen(theirs_client, "make it wet", image_base64=b64(photo))
    assert theirs["lineage"]["id"] != mine["lineage"]["id"]  # type: ignore[index]
    assert theirs["lineage"]["step"] == 1  # type: ignore[index]
    assert theirs["action"] == "allow"
