"""The safety policy: a validated file and the pure ``decide`` function over signals."""

from rempart.policy.decision import Context, Decision, FaceFacts, ImageFacts, PromptSignal, RuleFired, Signals
from rempart.policy.engine import RULES, decide
from rempart.policy.schema import Policy, load_policy, parse_policy

__all__ = [
    "RULES",
    "Context",
    "Decision",
    "FaceFacts",
    "ImageFacts",
    "Policy",
    "PromptSignal",
    "RuleFired",
    "Signals",
    "decide",
    "load_policy",
    "parse_policy",
]
