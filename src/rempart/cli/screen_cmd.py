"""``rempart screen``: one instruction in human-readable form, or a JSONL batch (the stable contract).

Batch input, one JSON object per line (extra fields ignored)::

    {"id": str, "text": str, "photo_of_person": true|false|null, "image": path|null, "output_image": path|null}

Batch output, one JSON line per input line, in input order::

    {"id", "action": "allow"|"review"|"block", "categories": [...], "reasons": [...], "degraded": bool}

A line that cannot be screened (malformed JSON or UTF-8, empty, oversized or binary text, a missing
field, an unreadable image) produces ``{"id", "line", "error": {"code", "message"}}`` and the batch
goes on.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from rempart.errors import InputError, InvalidRecordError, RempartError
from rempart.guard import Guard, GuardResult, RequestInput
from rempart.policy import Context, load_policy

_MAX_LINE_BYTES = 8 * 1024 * 1024


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("screen", help="screen an instruction (or a JSONL batch) and print the decision")
    p.add_argument("text", nargs="?", help="the instruction to screen")
    p.add_argument("--jsonl", metavar="FILE", help="screen a JSONL batch ('-' for stdin)")
    p.add_argument("--photo-of-person", action="store_true", default=None, help="a photo of a real person is attached")
    p.add_argument("--no-photo", dest="photo_of_person", action="store_false", help="text-to-image: no photo attached")
    p.add_argument("--image", metavar="PATH", help="the source image")
    p.add_argument("--output-image", metavar="PATH", help="the generated image to check")
    p.add_argument("--policy", metavar="FILE", type=Path, help="policy file (default: the shipped policy)")
    p.add_argument("--json", action="store_true", help="print the full decision as JSON")
    p.set_defaults(handler=run)


def build_guard(policy_path: Path | None) -> Guard:
    policy = load_policy(policy_path)
    images = None
    try:
        from rempart.vision.inspector import VisionInspector
    except ImportError:
        pass
    else:
        images = VisionInspector(challenge_age=policy.minors.challenge_age)
    return Guard(policy=policy, images=images)


def run(args: argparse.Namespace) -> int:
    guard = build_guard(args.policy)
    if args.jsonl is not None:
        if args.text:
            raise InvalidRecordError("give either an instruction or --jsonl, not both")
        return run_batch(guard, args.jsonl, sys.stdout)
    if not args.text:
        raise InvalidRecordError("no instruction given (or use --jsonl FILE)")
    result = guard.screen_request(
        RequestInput(args.text, args.photo_of_person, args.image, args.output_image), Context()
    )
    if args.json:
        print(json.dumps(_full(result), ensure_ascii=False, indent=2))
    else:
        print(_human(result))
    return 0


def _lines(source: str) -> Iterator[bytes]:
    if source == "-":
        yield from sys.stdin.buffer
        return
    try:
        handle = open(source, "rb")  # noqa: SIM115 - streamed line by line below
    except OSError as exc:
        raise InputError(f"cannot open {source}: {exc.strerror or exc}") from exc
    with handle:
        yield from handle


def run_batch(guard: Guard, source: str, out: IO[str]) -> int:
    if source != "-" and not Path(source).is_file():
        raise InputError(f"cannot open {source}: no such file")
    guard.prompt_screen.load()  # image models load on the first line that carries an image
    for number, raw in enumerate(_lines(source), start=1):
        if not raw.strip():
            continue
        record_id: Any = None
        try:
            record = _parse_line(raw, number)
            record_id = record.get("id")
            line = screen_record(guard, record)
        except RempartError as exc:
            line = {"id": record_id, "line": number, "error": {"code": exc.code, "message": str(exc)}}
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
        if number % 64 == 0:
            out.flush()
    out.flush()
    return 0


def _parse_line(raw: bytes, number: int) -> dict[str, Any]:
    if len(raw) > _MAX_LINE_BYTES:
        raise InvalidRecordError(f"line {number} is {len(raw):,} bytes; the limit is {_MAX_LINE_BYTES:,}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidRecordError(f"line {number} is not valid UTF-8 (byte {exc.start})") from exc
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidRecordError(f"line {number} is not valid JSON: {exc.msg} at column {exc.colno}") from exc
    if not isinstance(record, dict):
        raise InvalidRecordError(f"line {number} must be a JSON object, got {type(record).__name__}")
    return record


def screen_record(guard: Guard, record: dict[str, Any]) -> dict[str, Any]:
    record_id = record.get("id")
    if record_id is not None and not isinstance(record_id, str | int):
        raise InvalidRecordError("'id' must be a string")
    if "text" not in record:
        raise InvalidRecordError("missing field 'text'")
    photo = record.get("photo_of_person")
    if photo is not None and not isinstance(photo, bool):
        raise InvalidRecordError("'photo_of_person' must be true, false or null")
    image = _path_field(record, "image")
    output_image = _path_field(record, "output_image")
    result = guard.screen_request(
        RequestInput(record["text"], photo, image, output_image),
        Context(request_id=None if record_id is None else str(record_id)),
    )
    return contract_line(record_id, result)


def _path_field(record: dict[str, Any], key: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise InvalidRecordError(f"'{key}' must be a file path or null")
    return value


def contract_line(record_id: Any, result: GuardResult) -> dict[str, Any]:
    decisions = [result.decision] + ([result.output_decision] if result.output_decision else [])
    from rempart.policy.decision import strictest

    action = strictest([d.action for d in decisions])
    categories: list[str] = []
    reasons: list[str] = []
    for d in decisions:
        categories += [c.value for c in d.categories if c.value not in categories]
        reasons += d.reasons
    return {
        "id": record_id,
        "action": action.value,
        "categories": categories,
        "reasons": reasons,
        "degraded": any(d.degraded for d in decisions),
    }


def _full(result: GuardResult) -> dict[str, Any]:
    out: dict[str, Any] = {"request": result.decision.to_dict()}
    if result.output_decision is not None:
        out["output"] = result.output_decision.to_dict()
    return out


def _human(result: GuardResult) -> str:
    d = result.final
    lines = [f"{d.action.value.upper()}" + (f"  ({', '.join(c.value for c in d.categories)})" if d.categories else "")]
    for rule in d.rules:
        lines.append(f"  - [{rule.rule}] {rule.reason}")
    prompt = result.decision.explanation.get("prompt")
    if isinstance(prompt, dict):
        concepts = prompt.get("concepts") or []
        if concepts:
            shown = ", ".join(f"{c['concept']}='{c['matched']}'" for c in concepts[:12])
            lines.append(f"  concepts: {shown}")
        if prompt.get("probability") is not None:
            lines.append(f"  classifier probability: {prompt['probability']}")
    if d.degraded:
        lines.append("  degraded: a check could not run; the policy failed closed")
    lines.append(f"  policy {d.policy_name} {d.policy_digest[:19]}  ({d.latency_ms:.1f} ms)")
    return "\n".join(lines)
