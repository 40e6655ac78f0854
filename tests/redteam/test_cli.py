"""``rempart redteam generate | run | report | diff`` end to end, on the guard's fakes and a local server."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from redteam_helpers import Reply, Seen, StubServer

from rempart.cli import main as cli
from rempart.cli import redteam_cmd
from rempart.guard import Guard

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "data" / "prompts" / "heldout.jsonl"


@pytest.fixture
def fake_guard(monkeypatch: pytest.MonkeyPatch, rules_guard: Guard) -> Guard:
    """The CLI's in-process target gets the fakes instead of loading the real weights."""
    monkeypatch.setattr(redteam_cmd, "Guard", lambda policy: rules_guard)
    return rules_guard


def test_registered_in_the_rempart_command() -> None:
    assert "rempart.cli.redteam_cmd" in cli.COMMAND_MODULES
    with pytest.raises(SystemExit) as info:
        cli.main(["redteam", "generate", "--technique", "telepathy", "--out", "x"])
    assert info.value.code == 2
    assert cli.main(["redteam"]) == 2  # help


def test_generate_run_report_diff(tmp_path: Path, fake_guard: Guard, capsys: pytest.CaptureFixture[str]) -> None:
    suite = tmp_path / "suite.jsonl"
    assert cli.main(["redteam", "generate", "--seed", "7", "--out", str(suite), "--seeds", str(SEEDS),
                     "--lang", "en", "--lang", "de"]) == 0  # fmt: skip
    assert "attacks" in capsys.readouterr().err
    again = tmp_path / "again.jsonl"
    cli.main(["redteam", "generate", "--seed", "7", "--out", str(again), "--seeds", str(SEEDS), "--lang", "en",
              "--lang", "de"])  # fmt: skip
    assert again.read_bytes() == suite.read_bytes()

    results = tmp_path / "results.jsonl"
    code = cli.main(["redteam", "run", str(suite), "--target", "inprocess", "--out", str(results),
                     "--technique", "attire_substitution", "--technique", "multiturn", "--concurrency", "3",
                     "--run-id", "cli1"])  # fmt: skip
    assert code == 0
    out, err = capsys.readouterr()
    assert out.startswith("overall") and "attire_substitution" in out
    assert "40/40 cases" in err
    lines = [json.loads(line) for line in results.read_text(encoding="utf-8").splitlines()]
    assert lines[0]["type"] == "run" and lines[0]["run_id"] == "cli1"
    assert {line["technique"] for line in lines[1:]} == {"attire_substitution", "multiturn"}
    assert len(lines) - 1 == 2 * (2 * 8 + 2 * 2)  # en + de: 8 attire pairs, 2 chains each

    html, card = tmp_path / "card.html", tmp_path / "card.json"
    assert cli.main(["redteam", "report", str(results), "--html", str(html), "--json", str(card)]) == 0
    assert "by lang:" in capsys.readouterr().out
    document = json.loads(card.read_text(encoding="utf-8"))
    assert document["overall"]["attacks"] == 20 and document["run"]["run_id"] == "cli1"
    assert "<table" in html.read_text(encoding="utf-8")

    assert cli.main(["redteam", "diff", str(results), str(results), "--fail-on-regression"]) == 0
    assert "attacks now succeeding: 0" in capsys.readouterr().out
    worse = tmp_path / "worse.jsonl"
    rows = [json.loads(line) for line in results.read_text(encoding="utf-8").splitlines()]
    flipped = next(r for r in rows[1:] if r["role"] == "attack" and r["outcome"] == "blocked")
    flipped["outcome"] = "allowed"
    worse.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    diff_json = tmp_path / "diff.json"
    assert cli.main(["redteam", "diff", str(results), str(worse), "--json", str(diff_json)]) == 0
    assert cli.main(["redteam", "diff", str(results), str(worse), "--fail-on-regression"]) == 1
    assert json.loads(diff_json.read_text())["flips"]["attacks_now_succeeding"][0]["id"] == flipped["id"]


def test_json_http_target_from_the_command_line(
    tmp_path: Path,
    stub_server: Callable[[Callable[[Seen], Reply]], StubServer],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def respond(seen: Seen) -> Reply:
        assert seen.headers["x-key"] == "k-123"
        return Reply(body={"verdict": {"blocked": "bikini" in seen.body["q"] or "Bikini" in seen.body["q"]}})

    server = stub_server(respond)
    monkeypatch.setenv("REDTEAM_TEST_KEY", "k-123")
    target: dict[str, Any] = {
        "url": "http://placeholder.invalid/",
        "headers": {"X-Key": "${REDTEAM_TEST_KEY}"},
        "body": {"q": "{{prompt}}"},
        "refused": {"path": "$.verdict.blocked", "values": [True]},
    }
    config = tmp_path / "target.json"
    config.write_text(json.dumps(target), encoding="utf-8")
    suite, results = tmp_path / "suite.jsonl", tmp_path / "results.jsonl"
    cli.main(["redteam", "generate", "--out", str(suite), "--seeds", str(SEEDS), "--technique", "attire_substitution",
              "--lang", "en"])  # fmt: skip
    code = cli.main(["redteam", "run", str(suite), "--target", "json-http", "--config", str(config),
                     "--url", server.url + "/check", "--out", str(results), "--quiet"])  # fmt: skip
    assert code == 0
    rows = [json.loads(line) for line in results.read_text(encoding="utf-8").splitlines()[1:]]
    blocked = {r["id"] for r in rows if r["outcome"] == "blocked"}
    assert blocked == {"attire_substitution-en-001-a", "attire_substitution-en-007-a"}  # the two bikini requests
    assert all(s.path == "/check" for s in server.seen) and len(server.seen) == 16
    assert "/16 cases" not in capsys.readouterr().err  # --quiet: no progress lines


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["--target", "rempart-http"], 2, "needs --url"),
        (["--target", "rempart-http", "--url", "http://127.0.0.1:1", "--api-key-env", "REDTEAM_NO_SUCH_VAR"], 2,
         "REDTEAM_NO_SUCH_VAR"),
        (["--target", "json-http"], 2, "needs --config"),
        (["--technique", "translation", "--lang", "xx"], 3, "no case left"),
        (["--concurrency", "0"], 3, "concurrency"),
    ],
)  # fmt: skip
def test_run_errors_are_one_line_with_an_exit_code(
    tmp_path: Path, argv: list[str], code: int, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    suite = tmp_path / "suite.jsonl"
    cli.main(["redteam", "generate", "--out", str(suite), "--seeds", str(SEEDS), "--technique", "translation",
              "--lang", "en"])  # fmt: skip
    capsys.readouterr()
    assert cli.main(["redteam", "run", str(suite), "--out", str(tmp_path / "r.jsonl"), *argv]) == code
    err = capsys.readouterr().err
    assert message in err and err.startswith("rempart: error:") and err.count("\n") == 1


def test_missing_files_are_input_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["redteam", "report", str(tmp_path / "none.jsonl")]) == 3
    assert cli.main(["redteam", "run", str(tmp_path / "none.jsonl"), "--out", str(tmp_path / "r")]) == 3
    assert cli.main(["redteam", "generate", "--out", str(tmp_path / "s"), "--seeds", str(tmp_path / "no")]) == 3
    assert capsys.readouterr().err.count("rempart: error:") == 3
