"""``rempart audit`` from the command line, on scripted fakes (the real models: test_audit_models.py)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from conftest import Corpus
from rempart.cli import audit_cmd
from rempart.cli.main import main


@pytest.fixture
def fake_models(corpus: Corpus, monkeypatch: pytest.MonkeyPatch) -> Corpus:
    monkeypatch.setattr(audit_cmd, "RealAnalyzerFactory", lambda detect_side: corpus.factory)
    return corpus


def test_scan_report_relabel(fake_models: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    code = main(["audit", str(fake_models.root), "--out", str(out), "--workers", "0", "--sample", "6", "--seed", "1"])
    assert code == 0
    err = capsys.readouterr().err
    assert "12 analysed, 1 errors" in err and "people_exposed" in err
    names = {p.name for p in out.iterdir()}
    assert names == {"results.jsonl", "report.html", "report.json", "metrics.csv", "images.csv",
                     "verification-sample.csv"}  # fmt: skip
    data = json.loads((out / "report.json").read_text())
    assert data["metrics"]["people_exposed"]["k"] == 5 and data["agreement"] is None
    assert data["options"]["sample_size"] == 6 and len(data["sample"]) == 6
    page = (out / "report.html").read_text()
    assert page.count("data:image/jpeg;base64,") == 5 and "blurred on purpose" in page

    # a reviewer fills the template; the report is rebuilt with agreement statistics, no re-analysis
    rows = list(csv.DictReader(io.StringIO((out / "verification-sample.csv").read_text())))
    machine = {json.loads(line)["path"]: json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()
               if '"type":"image"' in line}  # fmt: skip
    for row in rows:
        rec = machine[row["path"]]
        row["people"] = "1" if rec["faces"] else "0"
        row["exposure_level"] = str(rec["exposure"])
    labels = tmp_path / "labels.csv"
    with labels.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert main(["audit", "--report-only", "--out", str(out), "--labels", str(labels), "--unblur", "-q"]) == 0
    data = json.loads((out / "report.json").read_text())
    people = next(a for a in data["agreement"] if a["field"] == "people")
    assert people["pairs"] == 6 and people["accuracy"]["share"] == 1.0
    assert "UNBLURRED" in (out / "report.html").read_text()

    # a second scan resumes: nothing to analyse
    assert main(["audit", str(fake_models.root), "--out", str(out), "--workers", "0"]) == 0
    assert "0 analysed, 0 errors, 13 already done" in capsys.readouterr().err


def test_bad_invocations_exit_with_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", "--out", str(tmp_path / "o")]) == 3
    assert "give a SOURCE" in capsys.readouterr().err
    assert main(["audit", str(tmp_path / "missing"), "--out", str(tmp_path / "o")]) == 3
    assert "no such folder" in capsys.readouterr().err
    assert main(["audit", "--report-only", "--out", str(tmp_path / "o")]) == 3
    (tmp_path / "empty").mkdir()
    assert main(["audit", str(tmp_path / "empty"), "--out", str(tmp_path / "o")]) == 3
    assert "no images found" in capsys.readouterr().err


def test_every_image_rejected_is_an_input_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "junk"
    folder.mkdir()
    (folder / "a.png").write_bytes(b"not a png")
    (folder / "b.jpg").write_bytes(b"")
    code = main(["audit", str(folder), "--out", str(tmp_path / "o"), "--workers", "0", "-q"])
    assert code == 3 and "none of the 2 images could be analysed" in capsys.readouterr().err
    assert (tmp_path / "o" / "report.html").exists()
