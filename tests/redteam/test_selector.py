"""The JSONPath-like selector of the JSON adapter."""

from __future__ import annotations

import pytest
from pydantic import JsonValue

from rempart.errors import ConfigError
from rempart.redteam.selector import Selector, json_equal

DOC: JsonValue = {
    "results": [
        {"flagged": True, "categories": {"sexual/minors": False, "sexual": True}, "scores": [0.1, 0.9]},
        {"flagged": False, "categories": {"sexual/minors": False, "sexual": False}, "scores": [0.2, 0.3]},
    ],
    "id": "mod-1",
}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("$", [DOC]),
        ("$.id", ["mod-1"]),
        ("$.results[0].flagged", [True]),
        ("$.results[-1].flagged", [False]),
        ("$.results[*].flagged", [True, False]),
        ("$.results.*.flagged", [True, False]),
        ("$.results[0].categories['sexual/minors']", [False]),
        ('$.results[1]["categories"].sexual', [False]),
        ("$.results[0].scores[1]", [0.9]),
        ("$.results[5].flagged", []),
        ("$.nothing.here", []),
        ("$.id[0]", []),
    ],
)
def test_select(path: str, expected: list[JsonValue]) -> None:
    assert Selector.parse(path).select(DOC) == expected


@pytest.mark.parametrize("path", ["results[0]", "$.results[", "$..flagged", "$.a b", "$[?(@.x)]"])
def test_malformed_paths_are_config_errors(path: str) -> None:
    with pytest.raises(ConfigError, match="selector"):
        Selector.parse(path)


def test_json_equality_keeps_booleans_apart_from_numbers() -> None:
    assert json_equal(True, True) and not json_equal(True, 1) and not json_equal(0, False)
    assert json_equal(1, 1.0) and json_equal("block", "block") and not json_equal("1", 1)
    assert json_equal([1, {"a": None}], [1.0, {"a": None}]) and not json_equal({"a": 1}, {"b": 1})
