"""Fixtures of the red-team tests (helpers live in ``redteam_helpers``)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest
from redteam_helpers import Reply, Seen, StubServer


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Real-weight tests run only with ``-m models`` (or ``REMPART_MODELS=1``), as in the other suites."""
    if "models" in (config.getoption("-m") or "") or os.environ.get("REMPART_MODELS") == "1":
        return
    skip = pytest.mark.skip(reason="real-weights test: run with -m models")
    for item in items:
        if "models" in item.keywords and "tests/redteam" in str(item.path).replace(os.sep, "/"):
            item.add_marker(skip)


@pytest.fixture
def stub_server() -> Iterator[Callable[[Callable[[Seen], Reply]], StubServer]]:
    started: list[StubServer] = []

    def start(respond: Callable[[Seen], Reply]) -> StubServer:
        server = StubServer(respond).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
