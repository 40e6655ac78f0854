"""Running the gateway under uvicorn: one process, or several behind one port (``rempart serve``).

With ``workers > 1`` each worker process opens its own listening socket on the same address with
``SO_REUSEPORT``, so the kernel spreads connections evenly across the processes (a single shared
socket lets one process accept most keep-alive connections). Each worker builds its own app from
the settings (models loaded per process); migrations run once, in the supervisor, before the
workers start. The supervisor restarts a worker that dies, and on SIGTERM / SIGINT stops them all
gracefully (uvicorn drains in-flight requests for ``timeout_graceful_shutdown`` seconds).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import sys
import time
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import Any

import uvicorn

from rempart.api.app import create_app
from rempart.api.logs import configure_logging
from rempart.errors import ConfigError
from rempart.settings import Settings, load_settings
from rempart.storage import make_engine, upgrade

log = logging.getLogger("rempart.server")


def _uvicorn_options() -> dict[str, Any]:
    return {
        "log_config": None,
        "access_log": False,
        "proxy_headers": False,
        "server_header": False,
        "ws": "none",
        "timeout_graceful_shutdown": 10,
        "lifespan": "on",
    }


def serve(settings: Settings) -> None:
    """Run the gateway until it is told to stop. Raises ``ConfigError`` if it cannot start."""
    configure_logging(settings.log_level, json_lines=settings.log_json)
    sys.setswitchinterval(settings.switch_interval_ms / 1000.0)
    if settings.workers == 1:
        server = uvicorn.Server(
            uvicorn.Config(create_app(settings), host=settings.host, port=settings.port, **_uvicorn_options())
        )
        server.run()
        if not server.started:
            raise ConfigError("the server did not start (see the log above)")
        return
    if settings.migrate_on_start:
        engine = make_engine(settings.resolved_database_url, sqlite_synchronous=settings.sqlite_synchronous)
        try:
            upgrade(engine)
        finally:
            engine.dispose()
    _supervise(settings)


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _worker(values: dict[str, Any]) -> None:
    """One worker process: its own socket on the shared port, its own app."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the supervisor decides; SIGTERM stops us gracefully
    settings = load_settings(**values)
    configure_logging(settings.log_level, json_lines=settings.log_json)
    sys.setswitchinterval(settings.switch_interval_ms / 1000.0)
    sock = _listen(settings.host, settings.port)
    server = uvicorn.Server(uvicorn.Config(create_app(settings), **_uvicorn_options()))
    server.run(sockets=[sock])


def _supervise(settings: Settings) -> None:
    # Each worker gets the settings as explicit values (the environment alone may not hold them all).
    values = settings.model_dump(mode="json", exclude={"api_key_pepper"})
    values["api_key_pepper"] = settings.api_key_pepper.get_secret_value()
    values["migrate_on_start"] = False
    values["workers"] = 1
    probe = _listen(settings.host, settings.port)  # fail here, clearly, if the port is taken
    probe.close()
    context = multiprocessing.get_context("spawn")
    stopping = False

    def start() -> BaseProcess:
        process = context.Process(target=_worker, args=(values,), name="rempart-worker", daemon=False)
        process.start()
        return process

    def stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    workers = [start() for _ in range(settings.workers)]
    log.info("gateway started", extra={"workers": settings.workers, "port": settings.port})
    try:
        while not stopping:
            wait([p.sentinel for p in workers], timeout=0.5)
            for i, process in enumerate(workers):
                if not process.is_alive() and not stopping:
                    log.error("worker exited; restarting it", extra={"pid": process.pid, "exitcode": process.exitcode})
                    time.sleep(1.0)
                    workers[i] = start()
    finally:
        for process in workers:
            if process.is_alive() and process.pid is not None:
                os.kill(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for process in workers:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        log.info("gateway stopped")
