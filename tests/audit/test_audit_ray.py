"""The same audit on a local Ray instance (``--ray``): actors load the analyzer once, results match."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from conftest import Corpus
from rempart.audit.inputs import discover
from rempart.audit.runner import RESULTS_FILE, read_results, run_audit

pytestmark = [
    pytest.mark.ray,
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]
LIMIT_S = 240


@pytest.fixture
def local_ray() -> Iterator[Any]:
    ray = pytest.importorskip("ray")

    def give_up(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError(f"the Ray test ran over {LIMIT_S} s")

    previous = signal.signal(signal.SIGALRM, give_up)
    signal.alarm(LIMIT_S)
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, object_store_memory=100 * 1024 * 1024)
    try:
        yield ray
    finally:
        ray.shutdown()
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_ray_run_matches_the_inline_run(local_ray: Any, corpus: Corpus, tmp_path: Path) -> None:
    items = discover(corpus.root)
    run_audit(items, tmp_path / "inline", factory=corpus.factory, workers=0)
    summary = run_audit(items, tmp_path / "ray", factory=corpus.factory, ray_address="auto", chunk=3)
    assert summary.executor == "ray" and summary.workers == 2
    assert (summary.analysed, summary.errors) == (12, 1)
    assert local_ray.is_initialized()  # a cluster the caller started is left running
    inline = read_results(tmp_path / "inline" / RESULTS_FILE)
    on_ray = read_results(tmp_path / "ray" / RESULTS_FILE)

    def essence(rs: Any) -> dict[str, Any]:
        return {r.path: {**r.to_dict(), "worker": "", "latency_ms": 0} for r in rs.records}

    assert essence(on_ray) == essence(inline)
    assert len(on_ray.workers) == 2  # each actor loaded its analyzer once and said so
    again = run_audit(items, tmp_path / "ray", factory=corpus.factory, ray_address="auto")
    assert (again.analysed, again.skipped) == (0, 13)
