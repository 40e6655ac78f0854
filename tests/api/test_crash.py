"""Durability: SIGKILL the server while it is acknowledging decisions; nothing acknowledged is lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
from gateway_fakes import free_port
from sqlalchemy import select

from conftest import PEPPER
from rempart.auth import issue_key, parse_scopes
from rempart.storage import SqlStore, make_engine, upgrade
from rempart.storage.models import DecisionRow

HERE = Path(__file__).parent
SRC = HERE.parents[1] / "src"


def _start(port: int, database_url: str, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{HERE}"}
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [sys.executable, str(HERE / "serve_fake.py"), str(port), database_url, PEPPER],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not become ready")


def test_sigkill_mid_run_loses_nothing_acknowledged(database_url: str, tmp_path: Path) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    store = SqlStore(engine)
    tenant = "crash-" + os.urandom(4).hex()
    issued = issue_key(tenant=tenant, scopes=parse_scopes(["screen,audit"]), rate_per_minute=10**7, pepper=PEPPER)
    store.create_key(issued.record)
    port = free_port()
    log = tmp_path / "server.log"
    proc = _start(port, database_url, log)
    acknowledged: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def hammer(worker: int) -> None:
        with httpx.Client(
            base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {issued.token}"}, timeout=5
        ) as client:
            n = 0
            while not stop.is_set():
                n += 1
                try:
                    r = client.post(
                        "/v1/screen/request",
                        json={"text": f"worker {worker} asks for a red bicycle #{n}", "session_id": f"w{worker}"},
                    )
                except httpx.TransportError:
                    return  # the server is gone: this request was never acknowledged
                if r.status_code == 200:
                    with lock:
                        acknowledged.append(r.json()["decision_id"])

    threads = [threading.Thread(target=hammer, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 30
    while len(acknowledged) < 150 and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    stop.set()
    for t in threads:
        t.join(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    assert len(acknowledged) >= 150, "the server acknowledged too little before the kill to prove anything"

    with engine.connect() as conn:
        stored = set(conn.scalars(select(DecisionRow.id).where(DecisionRow.tenant == tenant)))
    lost = [d for d in acknowledged if d not in stored]
    assert not lost, f"{len(lost)} acknowledged decisions lost: {lost[:5]}"

    # The server comes back on the same database and serves what was acknowledged.
    proc = _start(port, database_url, log)
    try:
        with httpx.Client(
            base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {issued.token}"}, timeout=5
        ) as client:
            for decision_id in acknowledged[-20:]:
                assert client.get(f"/v1/decisions/{decision_id}").status_code == 200
            assert client.post("/v1/screen/request", json={"text": "a red bicycle"}).status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        engine.dispose()
