"""Values that flow into and out of the policy: signals, context, fired rules and the decision.

Everything here is a frozen value with a ``to_dict`` for records and APIs. The policy sees images
only through ``ImageFacts`` (what the vision detectors established, and which checks could not
run), so the decision logic never depends on a model library.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rempart.signals import ModelInfo, Status
from rempart.text.rules import PromptAnalysis
from rempart.vocabulary import ACTION_RANK, CATEGORY_SEVERITY, Action, HarmCategory, Severity


@dataclass(frozen=True, slots=True)
class PromptSignal:
    """The prompt screen's output as the policy sees it."""

    status: Status
    analysis: PromptAnalysis | None
    probability: float | None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class FaceFacts:
    age_estimate: float | None
    age_low: float | None
    age_high: float | None
    possible_minor: bool
    under_challenge_age: bool
    presentation: str = "unknown"


@dataclass(frozen=True, slots=True)
class ImageFacts:
    """What an image shows, as far as the detectors could tell. ``failed`` names checks that did not run."""

    role: str  # "source" | "output"
    persons: int
    faces: tuple[FaceFacts, ...] = ()
    exposure: int | None = None
    nsfw_score: float | None = None
    same_person_as_source: bool | None = None
    identity_distance: float | None = None
    failed: frozenset[str] = frozenset()
    """Subset of {"faces", "age", "exposure", "identity", "decode"} that errored or timed out."""

    @property
    def possible_minor(self) -> bool:
        return any(f.possible_minor for f in self.faces)

    @property
    def under_challenge_age(self) -> bool:
        return any(f.under_challenge_age or f.possible_minor for f in self.faces)

    @property
    def shows_person(self) -> bool:
        return self.persons > 0 or bool(self.faces)


@dataclass(frozen=True, slots=True)
class Signals:
    prompt: PromptSignal | None = None
    source: ImageFacts | None = None
    output: ImageFacts | None = None
    request_categories: tuple[HarmCategory, ...] = ()
    """For an output check: the categories of the request's own decision, if known."""
    lineage_exposure: int | None = None
    """Highest exposure requested earlier in the same lineage of edits, if known."""


@dataclass(frozen=True, slots=True)
class Context:
    """Facts about the request that are not signals. Time and ids come in here, never from a clock."""

    photo_of_person: bool | None = None
    stage: str = "request"  # "request" | "output"
    request_id: str | None = None
    tenant: str | None = None
    account_id: str | None = None
    jurisdiction: str | None = None
    received_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class RuleFired:
    """A named policy rule that applied, what it does and why."""

    rule: str
    action: Action
    category: HarmCategory
    reason: str
    evidence: tuple[dict[str, Any], ...] = ()

    @property
    def severity(self) -> Severity:
        return CATEGORY_SEVERITY[self.category]

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "action": self.action.value,
            "category": self.category.value,
            "severity": self.severity.name.lower(),
            "reason": self.reason,
            "evidence": list(self.evidence),
        }


@dataclass(frozen=True, slots=True)
class Decision:
    action: Action
    categories: tuple[HarmCategory, ...]
    severity: Severity
    rules: tuple[RuleFired, ...]
    policy_name: str
    policy_digest: str
    degraded: bool
    models: tuple[ModelInfo, ...] = ()
    latency_ms: float = 0.0
    request_id: str | None = None
    stage: str = "request"
    explanation: dict[str, Any] = field(default_factory=dict)

    @property
    def reasons(self) -> list[str]:
        return [r.reason for r in self.rules]

    def with_runtime(self, *, latency_ms: float, models: tuple[ModelInfo, ...]) -> Decision:
        """The same decision with the runtime facts the pure policy cannot know."""
        return Decision(
            action=self.action,
            categories=self.categories,
            severity=self.severity,
            rules=self.rules,
            policy_name=self.policy_name,
            policy_digest=self.policy_digest,
            degraded=self.degraded,
            models=models,
            latency_ms=latency_ms,
            request_id=self.request_id,
            stage=self.stage,
            explanation=self.explanation,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "request_id": self.request_id,
            "stage": self.stage,
            "action": self.action.value,
            "categories": [c.value for c in self.categories],
            "severity": self.severity.name.lower(),
            "reasons": self.reasons,
            "rules": [r.to_dict() for r in self.rules],
            "degraded": self.degraded,
            "policy": {"name": self.policy_name, "digest": self.policy_digest},
            "models": [m.to_dict() for m in self.models],
            "latency_ms": round(self.latency_ms, 3),
            "explanation": self.explanation,
        }


def strictest(actions: list[Action]) -> Action:
    return max(actions, key=lambda a: ACTION_RANK[a], default=Action.ALLOW)
