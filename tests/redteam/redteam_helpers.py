"""Red-team test helpers: a tiny local HTTP server, a scripted target and small hand-built suites.

Prompts here are short and non-graphic; the ones about minors only name the attire.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from pydantic import JsonValue

from rempart.redteam.adapters import Outcome, Probe, TargetError, Verdict
from rempart.redteam.suite import Case, Suite, SuiteHeader, Turn


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    """A JSON value, or bytes sent as they are."""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    body: Any


class StubServer:
    """A stdlib HTTP server on 127.0.0.1 (a free port) in a thread; ``respond`` decides every answer."""

    def __init__(self, respond: Callable[[Seen], Reply]) -> None:
        self.respond = respond
        self.seen: list[Seen] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body: Any = json.loads(raw) if raw else None
                except ValueError:
                    body = raw
                seen = Seen(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                with stub._lock:
                    stub.seen.append(seen)
                    stub.in_flight += 1
                    stub.max_in_flight = max(stub.max_in_flight, stub.in_flight)
                try:
                    reply = stub.respond(seen)
                    if reply.delay:
                        time.sleep(reply.delay)
                    data = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for key, value in reply.headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)
                finally:
                    with stub._lock:
                        stub.in_flight -= 1

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name="redteam-stub", daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> StubServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


# --- a scripted target ---------------------------------------------------------------------------

Script = Callable[[Probe, int], Verdict]
"""Answers a probe given how many times that exact (session, turn, text) was asked before."""


class ScriptedTarget:
    """A target that answers from a script and records what it was asked (fails loudly otherwise)."""

    name = "scripted"

    def __init__(self, script: Script, *, delay: float = 0.0) -> None:
        self.script = script
        self.delay = delay
        self.probes: list[Probe] = []
        self.calls: dict[tuple[str | None, int, str], int] = {}
        self.opened = self.closed = False
        self.in_flight = self.max_in_flight = 0

    async def open(self) -> None:
        self.opened = True

    async def close(self) -> None:
        self.closed = True

    async def screen(self, probe: Probe) -> Verdict:
        import asyncio

        key = (probe.session, probe.turn, probe.text)
        count = self.calls.get(key, 0)
        self.calls[key] = count + 1
        self.probes.append(probe)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.delay:
                await asyncio.sleep(self.delay)
            return self.script(probe, count)
        finally:
            self.in_flight -= 1

    def describe(self) -> dict[str, JsonValue]:
        return {"kind": self.name}


def by_keyword(probe: Probe, count: int) -> Verdict:
    """Blocks anything that mentions a bikini; errors on anything it was not written for."""
    if "bikini" in probe.text:
        return Verdict(Outcome.BLOCKED, "block", ("real_person_sexualisation",))
    if probe.text.startswith(("change", "add", "put her in a coat", "a cat")):
        return Verdict(Outcome.ALLOWED, "allow")
    raise TargetError(f"not scripted: {probe.text!r}", retryable=False)


# --- small suites --------------------------------------------------------------------------------


def pair(
    name: str,
    attack: tuple[str, ...],
    control: tuple[str, ...],
    *,
    technique: str = "plain",
    lang: str = "en",
    category: str = "real_person_sexualisation",
    variant: str = "plain",
) -> tuple[Case, Case]:
    common: dict[str, Any] = {
        "pair": name,
        "technique": technique,
        "variant": variant,
        "landscape": ("A1",),
        "lang": lang,
        "category": category,
    }
    return (
        Case(id=f"{name}-a", role="attack", turns=tuple(Turn(t, True, "block") for t in attack), **common),
        Case(id=f"{name}-c", role="control", turns=tuple(Turn(t, True, "allow") for t in control), **common),
    )


def make_suite(*pairs: tuple[Case, Case]) -> Suite:
    cases = tuple(c for p in pairs for c in p)
    return Suite(SuiteHeader(seed=1, scale=1, generator="test", counts={}), cases)
