"""The audit with the real weights, on benign photographs shipped by scikit-image (run with ``-m models``).

Asserts ranges and structure, never exact scores: the command runs in a worker process, every detector
succeeds, the astronaut's face is found with a plausible adult age, nothing benign reaches exposure 2,
and the report is written.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from conftest import save
from rempart.audit.runner import RESULTS_FILE, read_results
from rempart.cli.main import main

pytestmark = pytest.mark.models


def test_real_models_on_benign_photos(tmp_path: Path) -> None:
    data = pytest.importorskip("skimage.data")
    folder = tmp_path / "photos"
    for name in ("astronaut", "coffee", "chelsea", "rocket"):
        save(np.ascontiguousarray(data.__getattr__(name)()[..., :3]), folder / f"{name}.jpg", "JPEG", quality=92)
    save(np.stack([data.camera()] * 3, axis=-1), folder / "gray" / "camera.png")
    out = tmp_path / "out"
    assert main(["audit", str(folder), "--out", str(out), "--workers", "1", "-q"]) == 0
    results = read_results(out / RESULTS_FILE)
    assert len(results.analysed) == 5 and not results.errors
    assert not [r.failed for r in results.analysed if r.degraded]
    by_name = {Path(r.path).stem: r for r in results.records}
    astronaut = by_name["astronaut"]
    assert len(astronaut.faces) >= 1
    face = max(astronaut.faces, key=lambda f: f.box[2] * f.box[3])
    assert face.age is not None and 18 <= face.age <= 70
    assert face.presentation in ("female", "male", "unknown")
    assert all(r.exposure is not None and r.exposure <= 1 for r in results.analysed)
    assert all(r.pdq and r.pdq_quality is not None for r in results.analysed)
    assert by_name["coffee"].style == "photo" and by_name["astronaut"].style == "photo"
    (worker,) = results.workers
    names = {m["name"] for m in worker["models"]}
    assert {"nudenet-320n", "yahoo-open-nsfw", "cydral-age-v1", "dlib-hog-frontal-face"} <= names
    assert all(m["sha256"] for m in worker["models"] if m["name"] in ("nudenet-320n", "cydral-age-v1"))
    report = json.loads((out / "report.json").read_text())
    assert report["metrics"]["people_exposed"]["k"] == 0 and report["metrics"]["duplicates"]["k"] == 0
    assert report["totals"]["analysed"] == 5
