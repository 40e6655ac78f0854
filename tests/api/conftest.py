"""Fixtures for the gateway tests: live servers over real HTTP on SQLite and on PostgreSQL.

``gateway`` is one server per database backend for the whole run (parametrised: ``sqlite`` always,
``postgres`` under the ``postgres`` marker, on a throwaway database created for this run and
dropped after it). Each test works in its own tenant, so tests do not see each other's records.
``make_gateway`` starts an extra server with custom settings or a custom guard (capacity tests).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import psycopg
import pytest
from gateway_fakes import FakeInspector, LiveServer, fake_guard

from rempart.api import create_app
from rempart.auth import Scope, issue_key, parse_scopes
from rempart.guard import Guard
from rempart.settings import Settings
from rempart.storage import SqlStore, make_engine, upgrade

PEPPER = "test-pepper-" + "x" * 40
PG_DSN = os.environ.get("REMPART_TEST_PG_DSN", "host=127.0.0.1 port=5432 user=postgres dbname=postgres")


@dataclass
class Gateway:
    server: LiveServer
    settings: Settings
    store: SqlStore
    inspector: FakeInspector
    clients: list[httpx.Client] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.server.url

    def key(self, tenant: str, scopes: str = "screen", rate_per_minute: int = 1_000_000) -> str:
        issued = issue_key(tenant=tenant, scopes=parse_scopes([scopes]), rate_per_minute=rate_per_minute, pepper=PEPPER)
        self.store.create_key(issued.record)
        return issued.token

    def client(self, token: str | None = None, **headers: str) -> httpx.Client:
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        client = httpx.Client(base_url=self.url, headers=headers, timeout=30.0)
        self.clients.append(client)
        return client

    def close(self) -> None:
        for client in self.clients:
            client.close()
        self.server.stop()
        self.store.engine.dispose()


def gateway_settings(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "environment": "test",
        "api_key_pepper": PEPPER,
        "database_url": database_url,
        "inference_workers": 2,
        "inference_queue": 32,
        "request_deadline_s": 10.0,
        "auth_cache_seconds": 0.0,
        "log_json": False,
    }
    values.update(overrides)
    return Settings(**values)


def start_gateway(database_url: str, guard: Guard | None = None, **overrides: Any) -> Gateway:
    inspector = FakeInspector()
    guard = guard if guard is not None else fake_guard(inspector)
    if isinstance(guard.images, FakeInspector):
        inspector = guard.images
    settings = gateway_settings(database_url, **overrides)
    server = LiveServer(create_app(settings, guard)).start()
    engine = make_engine(database_url)
    return Gateway(server, settings, SqlStore(engine), inspector)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Real-weights tests run only when selected (``-m models`` or ``REMPART_MODELS=1``), as in tests/vision."""
    if "models" in (config.getoption("-m") or "") or os.environ.get("REMPART_MODELS") == "1":
        return
    skip = pytest.mark.skip(reason="real-weights test: run with -m models")
    for item in items:
        if "models" in item.keywords and "tests/api" in str(item.path).replace(os.sep, "/"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A database created for this test run and dropped after it."""
    try:
        admin = psycopg.connect(PG_DSN, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL is not reachable ({PG_DSN}): {exc}")
    name = f"rempart_test_{secrets.token_hex(6)}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        params = dict(item.split("=", 1) for item in PG_DSN.split())
        user, host, port = params.get("user", "postgres"), params.get("host", "127.0.0.1"), params.get("port", "5432")
        yield f"postgresql+psycopg://{user}@{host}:{port}/{name}"
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'rempart.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture(scope="session")
def gateway(database_url: str) -> Iterator[Gateway]:
    gw = start_gateway(database_url)
    yield gw
    gw.close()


@pytest.fixture
def tenant() -> str:
    return "t-" + secrets.token_hex(5)


@pytest.fixture
def screen_client(gateway: Gateway, tenant: str) -> httpx.Client:
    return gateway.client(gateway.key(tenant, "screen,audit,review"))


@pytest.fixture
def make_gateway(tmp_path: Any) -> Iterator[Callable[..., Gateway]]:
    started: list[Gateway] = []

    def make(guard: Guard | None = None, database_url: str | None = None, **overrides: Any) -> Gateway:
        url = database_url or f"sqlite:///{tmp_path / f'extra-{len(started)}.db'}"
        gw = start_gateway(url, guard, **overrides)
        started.append(gw)
        return gw

    yield make
    for gw in started:
        gw.close()


@pytest.fixture
def migrated_sqlite(tmp_path: Any) -> Iterator[SqlStore]:
    engine = make_engine(f"sqlite:///{tmp_path / 'store.db'}")
    upgrade(engine)
    yield SqlStore(engine)
    engine.dispose()


__all__ = ["PEPPER", "Gateway", "Scope"]
