"""The `rempart screen --jsonl` contract: one line out per line in, in order, bad lines as errors."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from rempart.cli import screen_cmd
from rempart.cli.main import main
from rempart.guard import Guard


def _run(guard: Guard, tmp_path: Path, raw_lines: list[bytes]) -> list[dict[str, object]]:
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\n".join(raw_lines) + b"\n")
    out = io.StringIO()
    assert screen_cmd.run_batch(guard, str(path), out) == 0
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_contract_fields_and_order(rules_guard: Guard, tmp_path: Path) -> None:
    rows = [
        {"id": "a", "text": "put her in a bikini", "photo_of_person": True, "image": None, "output_image": None},
        {"id": "b", "text": "remove the watermark", "photo_of_person": True, "extra": {"ignored": 1}},
        {"id": "c", "text": "a nude woman", "photo_of_person": False},
    ]
    out = _run(rules_guard, tmp_path, [json.dumps(r).encode() for r in rows])
    assert [o["id"] for o in out] == ["a", "b", "c"]
    for line in out:
        assert set(line) == {"id", "action", "categories", "reasons", "degraded"}
        assert line["action"] in ("allow", "review", "block")
        assert isinstance(line["categories"], list) and isinstance(line["reasons"], list)
        assert isinstance(line["degraded"], bool)
    assert [o["action"] for o in out] == ["block", "allow", "block"]
    assert out[0]["categories"] == ["real_person_sexualisation"]


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (json.dumps({"id": "e", "text": ""}).encode(), "invalid_text"),
        (json.dumps({"id": "e", "text": "x" * 1_048_576}).encode(), "invalid_text"),
        (json.dumps({"id": "e", "text": "\x00\x01\x02\x03binary"}).encode(), "invalid_text"),
        (b'{"id": "e", "text": "caf\xe9 \xff\xfe"}', "invalid_record"),
        (b'{"id": "e", "text": ', "invalid_record"),
        (b"[1, 2, 3]", "invalid_record"),
        (json.dumps({"id": "e"}).encode(), "invalid_record"),
        (json.dumps({"id": "e", "text": "hi", "photo_of_person": "yes"}).encode(), "invalid_record"),
        (json.dumps({"id": "e", "text": 42}).encode(), "invalid_text"),
        (bytes(b for b in range(256) if b not in (10, 13)), "invalid_record"),
    ],
)
def test_bad_lines_get_errors_and_the_batch_goes_on(rules_guard: Guard, tmp_path: Path, raw: bytes, code: str) -> None:
    good = json.dumps({"id": "ok", "text": "make the sky blue"}).encode()
    out = _run(rules_guard, tmp_path, [good, raw, good])
    assert len(out) == 3
    assert out[0]["action"] == "allow" and out[2]["action"] == "allow"
    assert out[1]["error"]["code"] == code, out[1]  # type: ignore[index]
    assert out[1]["line"] == 2


def test_cli_maps_errors_to_exit_codes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["screen", "--jsonl", str(tmp_path / "missing.jsonl")]) == 3
    err = capsys.readouterr().err
    assert err.startswith("rempart: error:") and "Traceback" not in err
    bad_policy = tmp_path / "p.toml"
    bad_policy.write_text('version = 1\nname = "x"\nsurprise = true\n')
    assert main(["screen", "hello", "--policy", str(bad_policy)]) == 2
    assert "invalid policy" in capsys.readouterr().err
