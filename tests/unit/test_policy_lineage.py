"""The lineage rule of the policy: escalation across successive edits is judged on the lineage."""

from __future__ import annotations

from pathlib import Path

import pytest

from rempart.policy import Context, PromptSignal, RuleFired, Signals, decide, load_policy, parse_policy
from rempart.signals import Status
from rempart.text.screen import PromptInput, PromptScreen
from rempart.vocabulary import Action, HarmCategory

POLICY = load_policy()


def _signals(screen: PromptScreen, text: str, earlier: int | None, photo: bool | None = False) -> Signals:
    screening = screen.screen(PromptInput(text, photo))
    return Signals(prompt=PromptSignal(Status.OK, screening.analysis, screening.probability), lineage_exposure=earlier)


def _fired(decision_rules: tuple[RuleFired, ...]) -> list[str]:
    return [r.rule for r in decision_rules]


@pytest.mark.parametrize(
    ("text", "earlier", "action"),
    [
        ("make it wet", 2, Action.REVIEW),  # harmless alone, uncovering after a swimsuit
        ("make it shorter", 2, Action.REVIEW),
        ("make it wet", 1, Action.ALLOW),  # revealing + one level = swimwear: within the adult limit
        ("make it wet", 0, Action.ALLOW),  # the lineage never went above everyday clothing
        ("make it wet", None, Action.ALLOW),  # no lineage
        ("do not make it wet", 2, Action.ALLOW),  # negated
        ("make the logo shorter", 2, Action.ALLOW),  # aimed at a benign object
        ("change the colour to blue", 2, Action.ALLOW),  # does not uncover
    ],
)
def test_lineage_escalation_for_fictional_adults(
    rules_screen: PromptScreen, text: str, earlier: int | None, action: Action
) -> None:
    decision = decide(POLICY, _signals(rules_screen, text, earlier), Context(photo_of_person=False))
    assert decision.action is action, decision.reasons
    if action is not Action.ALLOW:
        assert "lineage_escalation" in _fired(decision.rules)
        assert decision.categories == (HarmCategory.ADULT_SEXUAL_CONTENT,)
        assert "lineage" in decision.reasons[0]


def test_an_exposing_step_after_exposure_takes_the_adult_action(rules_screen: PromptScreen) -> None:
    decision = decide(POLICY, _signals(rules_screen, "a bit more see-through", 3), Context(photo_of_person=False))
    assert decision.action is Action.BLOCK
    assert "lineage_escalation" in _fired(decision.rules)


def test_real_person_lineage_blocks(rules_screen: PromptScreen) -> None:
    decision = decide(POLICY, _signals(rules_screen, "make it wet", 1, photo=True), Context(photo_of_person=True))
    assert decision.action is Action.BLOCK
    assert decision.categories == (HarmCategory.REAL_PERSON_SEXUALISATION,)
    assert "lineage_escalation" in _fired(decision.rules)


def test_adult_mode_allows_fictional_escalation(rules_screen: PromptScreen) -> None:
    source = (Path(__file__).parents[2] / "src/rempart/policy/default.toml").read_text()
    adult = parse_policy(source.replace('mode = "block"', 'mode = "allow"'))
    decision = decide(adult, _signals(rules_screen, "make it wet", 2), Context(photo_of_person=False))
    assert "lineage_escalation" not in _fired(decision.rules)


def test_the_rule_ignores_output_checks(rules_screen: PromptScreen) -> None:
    signals = _signals(rules_screen, "make it wet", 2)
    decision = decide(POLICY, signals, Context(photo_of_person=False, stage="output"))
    assert "lineage_escalation" not in _fired(decision.rules)
