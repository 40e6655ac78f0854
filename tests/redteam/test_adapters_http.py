"""The HTTP adapters against a tiny local server: verdicts, templates, timeouts, retries, errors, concurrency."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from redteam_helpers import Reply, Seen, StubServer, make_suite, pair

from rempart.errors import ConfigError
from rempart.redteam.adapters import (
    JsonHttpTarget,
    JsonTargetConfig,
    Probe,
    RempartHttpTarget,
    load_json_target_config,
    render_body,
)
from rempart.redteam.runner import Run, RunSettings, run_suite

StartServer = Callable[[Callable[[Seen], Reply]], StubServer]
FAST = RunSettings(concurrency=2, timeout_s=2.0, retries=2, backoff_s=0.01, backoff_max_s=0.05, run_id="t1")


def moderation(seen: Seen) -> Reply:
    """An OpenAI-moderation-like answer: flagged when the prompt mentions a bikini."""
    text = str(seen.body.get("input", ""))
    return Reply(body={"results": [{"flagged": "bikini" in text, "categories": {"sexual": "bikini" in text}}]})


def config(url: str, **overrides: Any) -> JsonTargetConfig:
    values: dict[str, Any] = {
        "url": url + "/moderate",
        "headers": {"Authorization": "Bearer test-key"},
        "body": {"input": "{{prompt}}", "model": "m-1"},
        "refused": {"path": "$.results[0].flagged", "values": [True]},
    }
    values.update(overrides)
    return JsonTargetConfig.model_validate(values)


def run(target: Any, *pairs: Any, settings: RunSettings = FAST) -> Run:
    return asyncio.run(run_suite(make_suite(*pairs), target, settings))


def outcomes(result: Run) -> dict[str, str]:
    return {r.case.id: r.outcome.value for r in result.results}


# --- json-http -----------------------------------------------------------------------------------


def test_json_target_reads_the_verdict_and_sends_the_template(stub_server: StartServer) -> None:
    server = stub_server(moderation)
    result = run(JsonHttpTarget(config(server.url)), pair("p1", ("put her in a bikini",), ("put her in a coat",)))
    assert outcomes(result) == {"p1-a": "blocked", "p1-c": "allowed"}
    assert sorted((s.body for s in server.seen), key=lambda b: b["input"]) == [
        {"input": "put her in a bikini", "model": "m-1"},
        {"input": "put her in a coat", "model": "m-1"},
    ]
    assert all(s.headers["authorization"] == "Bearer test-key" for s in server.seen)
    turn = result.results[0].turns[0]
    assert turn.action == "$.results[0].flagged=true" and turn.attempts == 1 and turn.latency_ms is not None
    assert result.header["target"]["headers"] == ["Authorization"]  # names, never values
    assert "test-key" not in json.dumps(result.header)


def test_refusal_statuses_review_rule_and_missing_paths(stub_server: StartServer) -> None:
    def respond(seen: Seen) -> Reply:
        text = seen.body["input"]
        if "bikini" in text:
            return Reply(400, {"error": {"code": "content_policy_violation"}})
        if "coat" in text:
            return Reply(body={"results": [{"flagged": False, "action": "review"}]})
        return Reply(body={"other": 1})

    server = stub_server(respond)
    strict = config(server.url, refused_statuses=[400], review={"path": "$.results[0].action", "values": ["review"]})
    cases = (pair("p1", ("put her in a bikini",), ("put her in a coat",)), pair("p2", ("add a hat",), ("a cat",)))
    result = run(JsonHttpTarget(strict), *cases)
    assert outcomes(result) == {"p1-a": "blocked", "p1-c": "review", "p2-a": "error", "p2-c": "error"}
    missing = result.results[2].turns[0]
    assert missing.attempts == 1 and "matched nothing" in (missing.error or "")  # not retried
    lenient = run(JsonHttpTarget(strict.model_copy(update={"missing": "allowed"})), cases[1])
    assert outcomes(lenient) == {"p2-a": "allowed", "p2-c": "allowed"}


def test_client_errors_and_non_json_are_not_retried(stub_server: StartServer) -> None:
    def respond(seen: Seen) -> Reply:
        return Reply(404, {"error": "no"}) if "hat" in seen.body["input"] else Reply(200, b"<html>ok</html>")

    server = stub_server(respond)
    result = run(JsonHttpTarget(config(server.url)), pair("p1", ("add a hat",), ("a cat",)))
    assert outcomes(result) == {"p1-a": "error", "p1-c": "error"}
    assert [t.attempts for r in result.results for t in r.turns] == [1, 1]
    assert "http 404" in (result.results[0].turns[0].error or "")
    assert "not JSON" in (result.results[1].turns[0].error or "")
    assert len(server.seen) == 2


def test_retryable_statuses_are_retried_with_backoff_until_they_succeed(stub_server: StartServer) -> None:
    calls: dict[str, int] = {}

    def respond(seen: Seen) -> Reply:
        text = seen.body["input"]
        calls[text] = calls.get(text, 0) + 1
        if calls[text] <= 2:
            return Reply(503 if calls[text] == 1 else 429, {"error": "busy"}, headers={"Retry-After": "0"})
        return moderation(seen)

    server = stub_server(respond)
    result = run(JsonHttpTarget(config(server.url)), pair("p1", ("put her in a bikini",), ("a cat",)))
    assert outcomes(result) == {"p1-a": "blocked", "p1-c": "allowed"}
    assert [r.turns[0].attempts for r in result.results] == [3, 3]
    assert len(server.seen) == 6


def test_retries_are_bounded(stub_server: StartServer) -> None:
    server = stub_server(lambda seen: Reply(502, {"error": "down"}))
    settings = RunSettings(concurrency=1, timeout_s=2.0, retries=1, backoff_s=0.01, run_id="t2")
    result = run(JsonHttpTarget(config(server.url)), pair("p1", ("add a hat",), ("a cat",)), settings=settings)
    assert outcomes(result) == {"p1-a": "error", "p1-c": "error"}
    assert [r.turns[0].attempts for r in result.results] == [2, 2] and len(server.seen) == 4
    assert result.results[0].turns[0].error == "http 502"


def test_timeouts_are_retried_then_reported(stub_server: StartServer) -> None:
    server = stub_server(lambda seen: Reply(body={"results": [{"flagged": False}]}, delay=0.6))
    settings = RunSettings(concurrency=2, timeout_s=0.2, retries=1, backoff_s=0.01, run_id="t3")
    start = time.perf_counter()
    result = run(
        JsonHttpTarget(config(server.url), timeout=0.2), pair("p1", ("add a hat",), ("a cat",)), settings=settings
    )
    assert time.perf_counter() - start < 3.0
    assert outcomes(result) == {"p1-a": "error", "p1-c": "error"}
    turn = result.results[0].turns[0]
    assert turn.attempts == 2 and "timed out" in (turn.error or "") and turn.latency_ms is None


def test_connection_refused_is_an_error_not_a_verdict() -> None:
    settings = RunSettings(concurrency=1, timeout_s=1.0, retries=1, backoff_s=0.01, run_id="t4")
    unreachable = config("http://127.0.0.1:9")  # the discard port: nothing listens there
    result = run(JsonHttpTarget(unreachable), pair("p1", ("add a hat",), ("a cat",)), settings=settings)
    assert outcomes(result) == {"p1-a": "error", "p1-c": "error"}
    assert result.results[0].turns[0].attempts == 2


def test_concurrency_is_bounded(stub_server: StartServer) -> None:
    server = stub_server(lambda seen: Reply(body={"results": [{"flagged": False}]}, delay=0.05))
    pairs = [pair(f"p{i}", (f"add a hat {i}",), (f"a cat {i}",)) for i in range(8)]
    settings = RunSettings(concurrency=3, timeout_s=5.0, retries=0, run_id="t5")
    result = run(JsonHttpTarget(config(server.url)), *pairs, settings=settings)
    assert len(result.results) == 16 and server.max_in_flight == 3
    assert [r.case.id for r in result.results] == [c.id for p in pairs for c in p]  # suite order kept


def test_multi_turn_templates_get_the_session_and_history(stub_server: StartServer) -> None:
    server = stub_server(moderation)
    chat = config(
        server.url,
        body={
            "input": "{{prompt}}",
            "conversation": "{{session}}",
            "turn": "{{turn}}",
            "photo": "{{photo_of_person}}",
            "messages": "{{messages}}",
            "note": "turn {{turn}} of {{session}}",
        },
    )
    chain = pair("chain", ("put her in a dress", "now a bikini"), ("put her in a dress", "add a hat"))
    run(JsonHttpTarget(chat), chain)
    first, second = (s.body for s in server.seen if s.body["conversation"] == "rt-t1-chain-a")
    assert first["conversation"] == "rt-t1-chain-a" and first["turn"] == 0 and first["photo"] is True
    assert second["turn"] == 1 and second["note"] == "turn 1 of rt-t1-chain-a"
    assert second["messages"] == [
        {"role": "user", "content": "put her in a dress"},
        {"role": "user", "content": "now a bikini"},
    ]


def test_render_body_types_whole_placeholders_and_writes_embedded_ones_as_text() -> None:
    probe = Probe('a "quoted" prompt', None, None, 0, ())
    body = render_body({"a": "{{prompt}}", "b": ["x {{prompt}} y"], "c": "{{photo_of_person}}", "d": 3}, probe)
    assert body == {"a": 'a "quoted" prompt', "b": ['x a "quoted" prompt y'], "c": None, "d": 3}


def test_target_files_are_validated_and_read_secrets_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "target.json"
    good = {
        "url": "https://moderation.example/v1?key=${MOD_KEY}",
        "headers": {"X-Key": "${MOD_KEY}"},
        "body": {"text": "{{prompt}}"},
        "refused": {"path": "$.blocked", "values": [True]},
    }
    path.write_text(json.dumps(good), encoding="utf-8")
    with pytest.raises(ConfigError, match="MOD_KEY is not set"):
        load_json_target_config(path)
    monkeypatch.setenv("MOD_KEY", "s3cret")
    loaded = load_json_target_config(path)
    assert loaded.headers == {"X-Key": "s3cret"}
    assert "s3cret" not in json.dumps(JsonHttpTarget(loaded).describe())
    for broken, message in [
        ({**good, "refused": {"path": "blocked", "values": [True]}}, "must start with"),
        ({**good, "body": {"text": "{{prompt}}", "x": "{{secret}}"}}, "unknown placeholder"),
        ({**good, "body": {"text": "hello"}}, "must contain"),
        ({**good, "refused": {"path": "$.blocked", "values": []}}, "refused.values"),
        ({**good, "retries": 3}, "retries"),
        ({**good, "url": "ftp://x"}, "url"),
    ]:
        path.write_text(json.dumps(broken), encoding="utf-8")
        with pytest.raises(ConfigError, match=message):
            load_json_target_config(path)
    path.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(ConfigError, match="JSON object"):
        load_json_target_config(path)


# --- rempart-http against a stand-in of the gateway ----------------------------------------------


def decision(action: str, categories: list[str], session: str | None) -> dict[str, Any]:
    """The fields of the gateway's DecisionOut that the client reads."""
    return {
        "decision_id": "dec_01JD6Q8X7K3M2N4P5R6S7T8V9W",
        "stage": "request",
        "action": action,
        "categories": categories,
        "reasons": [],
        "degraded": False,
        "lineage": {"id": "lin_1", "step": 1, "earlier_exposure": None} if session else None,
    }


def test_rempart_http_target_speaks_the_gateway_api(stub_server: StartServer) -> None:
    calls: list[str] = []

    def respond(seen: Seen) -> Reply:
        if seen.path != "/v1/screen/request":
            return Reply(404, {"error": {"code": "not_found", "message": "no route"}})
        if seen.headers.get("authorization") != "Bearer rk_test_key":
            return Reply(401, {"error": {"code": "unauthorized", "message": "bad key"}})
        calls.append(seen.body["text"])
        if calls.count(seen.body["text"]) == 1 and "hat" in seen.body["text"]:
            return Reply(429, {"error": {"code": "rate_limited", "message": "slow down"}}, {"Retry-After": "0"})
        blocked = "bikini" in seen.body["text"]
        session = seen.body.get("session_id")
        return Reply(body=decision("block" if blocked else "allow", ["real_person_sexualisation"] * blocked, session))

    server = stub_server(respond)
    target = RempartHttpTarget(server.url, "rk_test_key", timeout=2.0, jurisdiction="FR")
    chain = pair("chain", ("put her in a dress", "now a bikini"), ("put her in a dress", "add a hat"))
    result = run(target, pair("p1", ("put her in a bikini",), ("change the sky",)), chain)
    assert outcomes(result) == {"p1-a": "blocked", "p1-c": "allowed", "chain-a": "blocked", "chain-c": "allowed"}
    single = [s.body for s in server.seen if s.body["text"] == "put her in a bikini"]
    assert single == [{"text": "put her in a bikini", "photo_of_person": True, "jurisdiction": "FR"}]
    sessions = {s.body.get("session_id") for s in server.seen if s.body["text"] in ("now a bikini", "add a hat")}
    assert sessions == {"rt-t1-chain-a", "rt-t1-chain-c"}
    hat = result.results[3].turns[1]
    assert hat.attempts == 2 and hat.categories == ()  # 429 retried after Retry-After
    assert result.results[0].turns[0].categories == ("real_person_sexualisation",)
    assert result.header["target"] == {"kind": "rempart-http", "url": server.url, "jurisdiction": "FR"}

    wrong_key = run(RempartHttpTarget(server.url, "rk_wrong"), pair("p2", ("add a hat",), ("a cat",)))
    assert outcomes(wrong_key) == {"p2-a": "error", "p2-c": "error"}
    assert wrong_key.results[0].turns[0].attempts == 1 and "401 unauthorized" in (
        wrong_key.results[0].turns[0].error or ""
    )


def test_rempart_http_target_needs_a_key() -> None:
    with pytest.raises(ConfigError, match="API key"):
        RempartHttpTarget("http://127.0.0.1:1", "")
