"""Red-team suites: the values (``Turn``, ``Case``, ``SuiteHeader``) and their canonical JSONL form.

A suite file is one header line followed by one line per case::

    {"type": "suite", "format": 1, "seed": 7, "scale": 1, "generator": "...", "sources": [...], "counts": {...}}
    {"type": "case", "id": "roleplay-fr-003-a", "pair": "roleplay-fr-003", "role": "attack", "label": "block",
     "technique": "roleplay", "variant": "fiction", "landscape": ["A9"], "lang": "fr",
     "category": "real_person_sexualisation", "sources": ["fr-0042"],
     "turns": [{"text": "...", "photo_of_person": true, "label": "block"}]}

Every attack (``role: attack``, ``label: block``) has a benign control (``role: control``,
``label: allow``) with the same ``pair``, technique, variant and language. ``category`` is the
harm category the pair is about, for the control too, so false refusals can be read per category.
A case with several turns is one session (multi-turn escalation).

``dump_suite`` writes the canonical form (fixed key order, UTF-8, ``\\n`` line ends), so the same
cases give the same bytes; ``read_suite`` validates every line and raises ``InvalidRecordError``
with the line number.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

from rempart.errors import InputError, InvalidRecordError

__all__ = [
    "FORMAT",
    "Case",
    "Label",
    "Role",
    "Suite",
    "SuiteHeader",
    "Turn",
    "case_from_dict",
    "digest",
    "dump_suite",
    "parse_lines",
    "read_suite",
    "select",
    "write_suite",
]

FORMAT: Final = 1

Role = Literal["attack", "control"]
Label = Literal["block", "allow"]
_ROLES: Final = ("attack", "control")
_LABELS: Final = ("block", "allow")


@dataclass(frozen=True, slots=True)
class Turn:
    """One request of a case: the instruction and whether a real person's photo comes with it."""

    text: str
    photo_of_person: bool | None = None
    label: Label = "block"
    """This turn on its own terms (informational: a case is scored on its own ``role``)."""

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "photo_of_person": self.photo_of_person, "label": self.label}


@dataclass(frozen=True, slots=True)
class Case:
    """An attack or its benign control. Several turns are one session, sent in order."""

    id: str
    pair: str
    role: Role
    technique: str
    variant: str
    landscape: tuple[str, ...]
    lang: str
    category: str
    turns: tuple[Turn, ...]
    sources: tuple[str, ...] = ()
    """Where the text came from: seed ids (``fr-0042``) or phrase-table keys (``phrase:fr:attire:bikini``)."""

    @property
    def label(self) -> Label:
        return "block" if self.role == "attack" else "allow"

    @property
    def multi_turn(self) -> bool:
        return len(self.turns) > 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": "case",
            "id": self.id,
            "pair": self.pair,
            "role": self.role,
            "label": self.label,
            "technique": self.technique,
            "variant": self.variant,
            "landscape": list(self.landscape),
            "lang": self.lang,
            "category": self.category,
            "sources": list(self.sources),
            "turns": [t.to_dict() for t in self.turns],
        }


@dataclass(frozen=True, slots=True)
class SuiteHeader:
    seed: int
    scale: int
    generator: str
    sources: tuple[Mapping[str, str], ...] = ()
    """The seed files used: name and SHA-256 (never a local absolute path)."""
    counts: Mapping[str, int] = field(default_factory=dict)
    """Attacks per technique."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": "suite",
            "format": FORMAT,
            "seed": self.seed,
            "scale": self.scale,
            "generator": self.generator,
            "sources": [dict(s) for s in self.sources],
            "counts": dict(self.counts),
        }


@dataclass(frozen=True, slots=True)
class Suite:
    header: SuiteHeader
    cases: tuple[Case, ...]

    def attacks(self) -> tuple[Case, ...]:
        return tuple(c for c in self.cases if c.role == "attack")


def _line(obj: Mapping[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(", ", ": ")) + "\n"


def dump_suite(suite: Suite) -> bytes:
    """The canonical bytes of a suite: same cases, same bytes."""
    parts = [_line(suite.header.to_dict())]
    parts.extend(_line(c.to_dict()) for c in suite.cases)
    return "".join(parts).encode("utf-8")


def write_suite(suite: Suite, path: Path) -> None:
    path.write_bytes(dump_suite(suite))


def digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _str(row: Mapping[str, Any], key: str, where: str) -> str:
    value = row.get(key)
    if not isinstance(value, str) or not value:
        raise InvalidRecordError(f"{where}: '{key}' must be a non-empty string")
    return value


def _strings(row: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = row.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidRecordError(f"{where}: '{key}' must be a list of strings")
    return tuple(value)


def _turn(raw: Any, where: str) -> Turn:
    if not isinstance(raw, dict):
        raise InvalidRecordError(f"{where}: every turn must be an object")
    text = raw.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InvalidRecordError(f"{where}: a turn needs a non-empty 'text'")
    photo = raw.get("photo_of_person")
    if photo is not None and not isinstance(photo, bool):
        raise InvalidRecordError(f"{where}: 'photo_of_person' must be true, false or null")
    label = raw.get("label", "block")
    if label not in _LABELS:
        raise InvalidRecordError(f"{where}: a turn's 'label' must be block or allow")
    return Turn(text, photo, label)


def case_from_dict(row: Mapping[str, Any], where: str = "case") -> Case:
    """Validate one case object (as written by ``Case.to_dict``; extra keys are ignored)."""
    role = row.get("role")
    if role not in _ROLES:
        raise InvalidRecordError(f"{where}: 'role' must be attack or control")
    turns = row.get("turns")
    if not isinstance(turns, list) or not turns:
        raise InvalidRecordError(f"{where}: 'turns' must be a non-empty list")
    label = row.get("label")
    if label is not None and label != ("block" if role == "attack" else "allow"):
        raise InvalidRecordError(f"{where}: an {role} must be labelled {'block' if role == 'attack' else 'allow'}")
    return Case(
        id=_str(row, "id", where),
        pair=_str(row, "pair", where),
        role=role,
        technique=_str(row, "technique", where),
        variant=_str(row, "variant", where),
        landscape=_strings(row, "landscape", where),
        lang=_str(row, "lang", where),
        category=_str(row, "category", where),
        turns=tuple(_turn(t, where) for t in turns),
        sources=_strings(row, "sources", where),
    )


def _header(row: Mapping[str, Any], where: str) -> SuiteHeader:
    if row.get("format") != FORMAT:
        raise InvalidRecordError(f"{where}: unsupported suite format {row.get('format')!r} (expected {FORMAT})")
    seed, scale = row.get("seed"), row.get("scale", 1)
    if not isinstance(seed, int) or not isinstance(scale, int):
        raise InvalidRecordError(f"{where}: 'seed' and 'scale' must be integers")
    sources = row.get("sources", [])
    counts = row.get("counts", {})
    if not isinstance(sources, list) or not isinstance(counts, dict):
        raise InvalidRecordError(f"{where}: malformed 'sources' or 'counts'")
    return SuiteHeader(
        seed=seed,
        scale=scale,
        generator=str(row.get("generator", "")),
        sources=tuple({str(k): str(v) for k, v in s.items()} for s in sources if isinstance(s, dict)),
        counts={str(k): int(v) for k, v in counts.items()},
    )


def parse_lines(lines: Iterable[bytes], name: str) -> Iterable[tuple[int, dict[str, Any]]]:
    """JSON objects of a JSONL stream with their line numbers; blank lines are skipped."""
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            row = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InvalidRecordError(f"{name}:{number}: not a JSON line ({exc})") from exc
        if not isinstance(row, dict):
            raise InvalidRecordError(f"{name}:{number}: not a JSON object")
        yield number, row


def read_suite(path: Path) -> Suite:
    if not path.is_file():
        raise InputError(f"no such suite file: {path}")
    header: SuiteHeader | None = None
    cases: list[Case] = []
    seen: set[str] = set()
    with path.open("rb") as handle:
        for number, row in parse_lines(handle, str(path)):
            where = f"{path}:{number}"
            kind = row.get("type")
            if kind == "suite":
                if header is not None or cases:
                    raise InvalidRecordError(f"{where}: the suite header must be the first line, once")
                header = _header(row, where)
            elif kind == "case":
                case = case_from_dict(row, where)
                if case.id in seen:
                    raise InvalidRecordError(f"{where}: duplicate case id {case.id!r}")
                seen.add(case.id)
                cases.append(case)
            else:
                raise InvalidRecordError(f"{where}: unknown line type {kind!r} (expected suite or case)")
    if header is None:
        raise InvalidRecordError(f"{path}: no suite header line (is this a results file?)")
    return Suite(header, tuple(cases))


def select(
    suite: Suite, *, techniques: Sequence[str] = (), langs: Sequence[str] = (), limit: int | None = None
) -> Suite:
    """A sub-suite: whole pairs only, in suite order (``limit`` counts pairs)."""
    pairs: dict[str, None] = {}
    for case in suite.cases:
        if (not techniques or case.technique in techniques) and (not langs or case.lang in langs):
            pairs[case.pair] = None
    ordered = list(pairs)
    keep = set(ordered[:limit] if limit is not None else ordered)
    return Suite(suite.header, tuple(c for c in suite.cases if c.pair in keep))
