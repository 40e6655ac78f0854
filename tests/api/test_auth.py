"""API keys through real HTTP: 401 / 403 / 429, tenant isolation, rotation and revocation."""

from __future__ import annotations

from conftest import Gateway
from rempart.cli.main import main


def test_missing_and_invalid_keys_are_401(gateway: Gateway) -> None:
    anonymous = gateway.client()
    r = anonymous.post("/v1/screen/request", json={"text": "a cat"})
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "unauthorized"
    assert r.headers["www-authenticate"].startswith("Bearer")
    for token in ("nonsense", "rk_0123456789abcdef_" + "A" * 43):
        r = gateway.client(token).post("/v1/screen/request", json={"text": "a cat"})
        assert r.status_code == 401, token
    r = gateway.client(None, **{"X-API-Key": "rk_0123456789abcdef_" + "B" * 43}).get("/v1/decisions/dec_" + "0" * 26)
    assert r.status_code == 401


def test_a_key_from_the_x_api_key_header_works(gateway: Gateway, tenant: str) -> None:
    token = gateway.key(tenant, "screen")
    r = gateway.client(None, **{"X-API-Key": token}).post("/v1/screen/request", json={"text": "a red bicycle"})
    assert r.status_code == 200, r.text


def test_scopes_are_enforced_with_403(gateway: Gateway, tenant: str) -> None:
    screen_only = gateway.client(gateway.key(tenant, "screen"))
    audit_only = gateway.client(gateway.key(tenant, "audit"))
    decision = screen_only.post("/v1/screen/request", json={"text": "a red bicycle"}).json()
    r = screen_only.get(f"/v1/decisions/{decision['decision_id']}")
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    assert audit_only.get(f"/v1/decisions/{decision['decision_id']}").status_code == 200
    assert audit_only.post("/v1/screen/request", json={"text": "a red bicycle"}).status_code == 403
    assert audit_only.get("/v1/keys").status_code == 403
    assert audit_only.get("/v1/reviews").status_code == 403


def test_rate_limit_answers_429_with_retry_after(gateway: Gateway, tenant: str) -> None:
    client = gateway.client(gateway.key(tenant, "screen", rate_per_minute=6))  # bucket holds one request
    assert client.post("/v1/screen/request", json={"text": "a red bicycle"}).status_code == 200
    r = client.post("/v1/screen/request", json={"text": "a red bicycle"})
    assert r.status_code == 429
    assert r.json()["error"]["code"] == "rate_limited"
    assert int(r.headers["retry-after"]) >= 1


def test_admin_creates_rotates_and_revokes_keys_of_its_tenant_only(gateway: Gateway, tenant: str) -> None:
    admin = gateway.client(gateway.key(tenant, "admin"))
    created = admin.post("/v1/keys", json={"name": "editor", "scopes": ["screen"], "rate_per_minute": 120})
    assert created.status_code == 201, created.text
    key = created.json()
    assert key["api_key"].startswith(f"rk_{key['key_id']}_")
    assert key["tenant"] == tenant and key["scopes"] == ["screen"] and key["rate_per_minute"] == 120
    new_client = gateway.client(key["api_key"])
    assert new_client.post("/v1/screen/request", json={"text": "a red bicycle"}).status_code == 200

    listed = admin.get("/v1/keys").json()
    assert {k["key_id"] for k in listed} >= {key["key_id"]}
    assert all("api_key" not in k and "secret_hash" not in k for k in listed)

    rotated = admin.post(f"/v1/keys/{key['key_id']}/rotate", json={"grace_seconds": 0})
    assert rotated.status_code == 201, rotated.text
    assert rotated.json()["rotated_from"] == key["key_id"]
    assert new_client.post("/v1/screen/request", json={"text": "a red bicycle"}).status_code == 401
    fresh = gateway.client(rotated.json()["api_key"])
    assert fresh.post("/v1/screen/request", json={"text": "a red bicycle"}).status_code == 200

    revoked = admin.delete(f"/v1/keys/{rotated.json()['key_id']}")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    assert fresh.post("/v1/screen/request", json={"text": "a red bicycle"}).status_code == 401

    foreign = gateway.client(gateway.key("other-" + tenant, "admin"))
    assert foreign.delete(f"/v1/keys/{key['key_id']}").status_code == 404


def test_rotation_with_grace_keeps_the_old_key_working(gateway: Gateway, tenant: str) -> None:
    admin = gateway.client(gateway.key(tenant, "admin"))
    key = admin.post("/v1/keys", json={"scopes": ["screen"]}).json()
    admin.post(f"/v1/keys/{key['key_id']}/rotate", json={"grace_seconds": 600})
    r = gateway.client(key["api_key"]).post("/v1/screen/request", json={"text": "a red bicycle"})
    assert r.status_code == 200


def test_cli_keys_create_list_rotate_revoke(gateway: Gateway, tenant: str, monkeypatch: object, capsys: object) -> None:
    import json

    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    assert isinstance(capsys, pytest.CaptureFixture)
    monkeypatch.setenv("REMPART_DATABASE_URL", gateway.settings.resolved_database_url)
    monkeypatch.setenv("REMPART_API_KEY_PEPPER", gateway.settings.api_key_pepper.get_secret_value())
    monkeypatch.setenv("REMPART_ENVIRONMENT", "test")
    assert main(["keys", "create", "--tenant", tenant, "--scopes", "screen,audit", "--rate-per-minute", "60"]) == 0
    created = json.loads(capsys.readouterr().out)
    r = gateway.client(created["api_key"]).post("/v1/screen/request", json={"text": "a red bicycle"})
    assert r.status_code == 200
    assert main(["keys", "list", "--tenant", tenant]) == 0
    assert created["key_id"] in capsys.readouterr().out
    assert main(["keys", "rotate", created["key_id"], "--grace-seconds", "0"]) == 0
    rotated = json.loads(capsys.readouterr().out)
    assert rotated["rotated_from"] == created["key_id"]
    assert gateway.client(created["api_key"]).post("/v1/screen/request", json={"text": "a cat"}).status_code == 401
    assert main(["keys", "revoke", rotated["key_id"]]) == 0
    capsys.readouterr()
    assert main(["keys", "create", "--tenant", tenant, "--scopes", "everything"]) == 3
    assert "unknown scope" in capsys.readouterr().err


def test_production_settings_refuse_the_development_pepper(monkeypatch: object) -> None:
    import pytest

    from rempart.errors import ConfigError
    from rempart.settings import load_settings

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.delenv("REMPART_API_KEY_PEPPER", raising=False)
    with pytest.raises(ConfigError, match="PEPPER"):
        load_settings(environment="production")
    with pytest.raises(ConfigError, match="at least 32"):
        load_settings(environment="production", api_key_pepper="short")
    assert load_settings(environment="production", api_key_pepper="p" * 40).environment == "production"
    assert load_settings().environment in ("development", "test", "production")
