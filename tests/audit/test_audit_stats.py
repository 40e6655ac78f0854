"""Proportions and Cohen's kappa against hand-computed values."""

from __future__ import annotations

import pytest

from rempart.audit.stats import Proportion, cohen_kappa, field_agreement
from rempart.evaluation.prompts import wilson


def test_proportion_uses_wilson() -> None:
    p = Proportion(53, 100)
    assert p.share == 0.53 and p.interval == wilson(53, 100)
    low, high = p.interval
    assert 0.43 < low < 0.53 < high < 0.63
    assert Proportion(0, 0).share is None and Proportion(0, 0).interval is None
    assert Proportion(0, 0).to_dict()["ci_low"] is None
    with pytest.raises(ValueError):
        Proportion(3, 2)


def test_cohen_kappa_textbook_example() -> None:
    # 50 items: both yes 20, machine yes/human no 5, machine no/human yes 10, both no 15.
    pairs = [("y", "y")] * 20 + [("y", "n")] * 5 + [("n", "y")] * 10 + [("n", "n")] * 15
    # p_o = 0.7; p_e = 0.5*0.6 + 0.5*0.4 = 0.5; kappa = 0.4
    assert cohen_kappa(pairs) == pytest.approx(0.4)
    assert cohen_kappa([("a", "a")] * 5) is None  # one class on both sides: undefined
    assert cohen_kappa([]) is None
    assert cohen_kappa([("a", "b"), ("b", "a")]) == pytest.approx(-1.0)


def test_field_agreement_confusion() -> None:
    a = field_agreement("x", [("yes", "yes"), ("yes", "no"), ("no", "no")])
    assert a.pairs == 3 and a.accuracy.successes == 2
    assert a.confusion == {"yes": {"yes": 1, "no": 1}, "no": {"no": 1}}
