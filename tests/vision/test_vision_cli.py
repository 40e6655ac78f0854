"""``rempart inspect`` / ``compare`` / ``models``: the JSON-lines contract, bad inputs as data."""

from __future__ import annotations

import argparse
import io
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from rempart.cli import vision_cmds
from rempart.media import load_bytes
from rempart.vision import ImageAnalyzer
from rempart.vision.fakes import ScriptedVision, nudge, unit_vector
from rempart.vision.values import AgeGenderRaw, Box

Draw = Callable[..., NDArray[np.uint8]]
Encode = Callable[..., bytes]
FACE = Box(60, 40, 70, 70)


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


@pytest.fixture
def files(tmp_path: Path, vision: ScriptedVision, draw_image: Draw, encode_image: Encode) -> dict[str, str]:
    alice = unit_vector(1)
    out: dict[str, str] = {}
    for name, seed, embedding, age in (
        ("source.png", 1, alice, 31.0),
        ("output.jpg", 2, nudge(alice, 0.3), 31.0),
        ("stranger.png", 3, unit_vector(7), 17.0),
    ):
        data = encode_image(draw_image(seed, 240, 200), "JPEG" if name.endswith(".jpg") else "PNG")
        vision.script(load_bytes(data), faces=[FACE], ages=[AgeGenderRaw(age, 2.0, 0.9)], embeddings=[embedding])
        out[name] = write(tmp_path, name, data)
    empty = encode_image(draw_image(4, 100, 100), "PNG")
    vision.script(load_bytes(empty))
    out["empty.png"] = write(tmp_path, "empty.png", empty)
    out["broken.png"] = write(tmp_path, "broken.png", b"\x89PNG\r\n\x1a\n garbage")
    return out


def lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_inspect_json_lines(analyzer: ImageAnalyzer, files: dict[str, str]) -> None:
    out = io.StringIO()
    paths = [
        files["source.png"],
        files["broken.png"],
        files["stranger.png"],
        str(Path(files["source.png"]).parent / "nope.png"),
    ]
    code = vision_cmds.inspect_paths(analyzer, paths, out, as_json=True)
    assert code == 0
    got = lines(out.getvalue())
    assert [g["path"] for g in got] == paths
    ok, broken, stranger, missing = got
    face = ok["faces"][0]  # type: ignore[index]
    assert face["box"] == [60, 40, 70, 70]
    assert set(face["apparent_age"]) == {"estimate", "low", "high"}
    assert face["possible_minor"] is False and face["presentation"] == "female"
    assert ok["exposure"]["level"] == 0 and ok["exposure"]["persons"]  # type: ignore[index]
    assert len(ok["hashes"]["pdq"]) == 64 and isinstance(ok["hashes"]["pdq_quality"], int)  # type: ignore[index]
    assert broken["error"]["code"] == "invalid_image"  # type: ignore[index]
    assert stranger["faces"][0]["possible_minor"] is True  # type: ignore[index]
    assert "no such file" in missing["error"]["message"]  # type: ignore[index]


def test_inspect_all_bad_exits_3(analyzer: ImageAnalyzer, files: dict[str, str]) -> None:
    out = io.StringIO()
    assert vision_cmds.inspect_paths(analyzer, [files["broken.png"]], out, as_json=True) == 3
    assert "error" in lines(out.getvalue())[0]


def test_inspect_human_output(analyzer: ImageAnalyzer, files: dict[str, str]) -> None:
    out = io.StringIO()
    vision_cmds.inspect_paths(analyzer, [files["stranger.png"], files["broken.png"]], out, as_json=False)
    text = out.getvalue()
    assert "exposure: level 0" in text and "POSSIBLE MINOR" in text and "broken.png: error" in text


def test_inspect_embeddings_and_detectors_opt_in(analyzer: ImageAnalyzer, files: dict[str, str]) -> None:
    out = io.StringIO()
    vision_cmds.inspect_paths(analyzer, [files["source.png"]], out, as_json=True, embeddings=True, detectors=True)
    (line,) = lines(out.getvalue())
    assert len(line["faces"][0]["embedding"]) == 128  # type: ignore[index]
    assert {d["detector"] for d in line["detectors"]} >= {"vision.faces", "vision.age"}  # type: ignore[union-attr]


def test_compare_two_images(analyzer: ImageAnalyzer, files: dict[str, str]) -> None:
    out = io.StringIO()
    pairs = [
        (files["source.png"], files["output.jpg"], None),
        (files["source.png"], files["stranger.png"], None),
        (files["source.png"], files["empty.png"], None),
    ]
    assert vision_cmds.compare_pairs(analyzer, pairs, out, as_json=True) == 0
    same, other, missing = lines(out.getvalue())
    assert same["same_person"] is True and same["threshold"] == 0.6
    assert isinstance(same["distance"], float) and same["distance"] == pytest.approx(0.3, abs=1e-3)
    assert other["same_person"] is False and other["distance"] > 0.6  # type: ignore[operator]
    assert missing == {
        "file_a": files["source.png"],
        "file_b": files["empty.png"],
        "same_person": False,
        "distance": None,
        "threshold": 0.6,
        "reason": "no face in image B",
    }


def test_compare_pairs_csv(
    tmp_path: Path, analyzer: ImageAnalyzer, vision: ScriptedVision, files: dict[str, str]
) -> None:
    csv_path = tmp_path / "pairs.csv"
    csv_path.write_text(
        "file_a,file_b\nsource.png,output.jpg\n# a comment\nsource.png,broken.png\n"
        f"{files['stranger.png']},output.jpg\nlonely.png\n\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    code = vision_cmds.compare_pairs(analyzer, vision_cmds.read_pairs(csv_path), out, as_json=True)
    assert code == 0
    got = lines(out.getvalue())
    assert len(got) == 4
    assert got[0]["same_person"] is True and got[0]["file_a"] == files["source.png"]
    assert got[1]["error"]["code"] == "invalid_image"  # type: ignore[index]
    assert got[2]["same_person"] is False
    assert got[3]["error"]["code"] == "invalid_record"  # type: ignore[index]
    analysed = {c.split(":")[1] for c in vision.calls if c.startswith("faces:")}
    assert len(analysed) == 3  # source, output, stranger: each analysed once for the batch


def test_compare_human_output(analyzer: ImageAnalyzer, files: dict[str, str]) -> None:
    out = io.StringIO()
    vision_cmds.compare_pairs(analyzer, [(files["source.png"], files["output.jpg"], None)], out, as_json=False)
    assert "SAME PERSON" in out.getvalue()


def test_register_wires_three_commands() -> None:
    parser = argparse.ArgumentParser(prog="rempart")
    sub = parser.add_subparsers(dest="command")
    vision_cmds.register(sub)
    args = parser.parse_args(["inspect", "a.png", "b.png", "--json"])
    assert args.handler is vision_cmds.run_inspect and args.images == ["a.png", "b.png"] and args.json
    args = parser.parse_args(["compare", "--pairs", "p.csv", "--json"])
    assert args.handler is vision_cmds.run_compare and args.pairs == "p.csv"
    assert parser.parse_args(["models"]).handler is vision_cmds.run_models


def test_compare_argument_errors() -> None:
    from rempart.errors import InputError

    with pytest.raises(InputError, match="exactly two"):
        vision_cmds.run_compare(argparse.Namespace(images=["a.png"], pairs=None, json=True))
    with pytest.raises(InputError, match="not both"):
        vision_cmds.run_compare(argparse.Namespace(images=["a.png", "b.png"], pairs="p.csv", json=True))


def test_models_lists_every_model(capsys: pytest.CaptureFixture[str]) -> None:
    assert vision_cmds.run_models(argparse.Namespace(json=True)) == 0
    got = lines(capsys.readouterr().out)
    names = {g["name"] for g in got}
    assert {"nudenet-320n", "yahoo-open-nsfw", "cydral-age-v1", "dlib-face-recognition-resnet-v1", "pdq"} <= names
    for g in got:
        assert "licence" in g or "error" in g
        if g.get("file"):
            assert len(str(g["sha256"])) == 64
