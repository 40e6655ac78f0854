"""The HTML report in a real headless Chromium: it renders, with its charts and blurred contact sheet."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from conftest import Corpus
from rempart.audit.inputs import discover
from rempart.audit.outputs import write_outputs
from rempart.audit.runner import RESULTS_FILE, read_results, run_audit

pytestmark = pytest.mark.browser


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no Chromium on this machine (apt-get install chromium)")


def test_report_renders_in_chromium(corpus: Corpus, tmp_path: Path) -> None:
    browser = _chromium()
    out = tmp_path / "out"
    run_audit(discover(corpus.root), out, factory=corpus.factory, workers=0)
    write_outputs(out, read_results(out / RESULTS_FILE))
    shot = tmp_path / "report.png"
    base = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        f"--user-data-dir={tmp_path}/p",
    ]
    url = (out / "report.html").as_uri()
    subprocess.run([*base, "--window-size=1200,2400", f"--screenshot={shot}", url], check=True, timeout=120,
                   capture_output=True)  # fmt: skip
    dom = subprocess.run([*base, "--dump-dom", url], check=True, timeout=120, capture_output=True, text=True).stdout
    assert "Corpus audit" in dom and dom.count("<svg") >= 6 and dom.count("<img") == 5
    with Image.open(shot) as image:
        pixels = np.asarray(image.convert("RGB"), dtype=np.float64)
    assert pixels.shape[:2] == (2400, 1200)
    assert pixels.std() > 20  # text, bars and thumbnails, not a blank page
    blue = (np.abs(pixels - (0x4F, 0x7C, 0xC4)).sum(axis=2) < 30).sum()
    assert blue > 2000  # the share bars are drawn
