"""A small JSONPath-like selector, enough to read a verdict out of a moderation API's JSON answer.

Grammar (a subset of JSONPath, no filters, no recursion)::

    $                 the document
    .name  ['name']   a member of an object ("name" may hold any character in the bracket form)
    [3]  [-1]         an element of an array (negative counts from the end)
    [*]  .*           every member or element

``Selector.parse("$.results[0].categories['sexual/minors']")`` raises ``ConfigError`` on a malformed
path; ``select(document)`` returns every value the path reaches (an empty list when it reaches
nothing, never an exception). ``json_equal`` compares JSON values the way JSON does (``true`` is not
``1``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from pydantic import JsonValue

from rempart.errors import ConfigError

__all__ = ["Selector", "json_equal"]

_NAME: Final = re.compile(r"\.([A-Za-z_][A-Za-z0-9_\-]*|\*)")
_INDEX: Final = re.compile(r"\[\s*(-?\d+|\*)\s*\]")
_QUOTED: Final = re.compile(r"""\[\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\s*\]""")

_Step = str | int | None
"""A member name, an array index, or ``None`` for the wildcard."""


@dataclass(frozen=True, slots=True)
class Selector:
    path: str
    steps: tuple[_Step, ...]

    @classmethod
    def parse(cls, path: str) -> Selector:
        text = path.strip()
        if not text.startswith("$"):
            raise ConfigError(f"selector {path!r} must start with '$'")
        steps: list[_Step] = []
        at = 1
        while at < len(text):
            for pattern in (_NAME, _INDEX, _QUOTED):
                match = pattern.match(text, at)
                if match is not None:
                    break
            else:
                raise ConfigError(f"selector {path!r}: cannot read {text[at:]!r} (use .name, ['name'], [0] or [*])")
            if pattern is _QUOTED:
                raw = match.group(1) if match.group(1) is not None else match.group(2)
                steps.append(re.sub(r"\\(.)", r"\1", raw))
            else:
                token = match.group(1)
                if token == "*":
                    steps.append(None)
                elif pattern is _INDEX:
                    steps.append(int(token))
                else:
                    steps.append(token)
            at = match.end()
        return cls(path, tuple(steps))

    def select(self, document: JsonValue) -> list[JsonValue]:
        current: list[JsonValue] = [document]
        for step in self.steps:
            following: list[JsonValue] = []
            for value in current:
                if step is None:
                    if isinstance(value, dict):
                        following.extend(value.values())
                    elif isinstance(value, list):
                        following.extend(value)
                elif isinstance(step, int):
                    if isinstance(value, list) and -len(value) <= step < len(value):
                        following.append(value[step])
                elif isinstance(value, dict) and step in value:
                    following.append(value[step])
            current = following
        return current


def json_equal(a: JsonValue, b: JsonValue) -> bool:
    """JSON equality: booleans equal only booleans; 1 and 1.0 are equal numbers."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b
