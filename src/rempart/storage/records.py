"""Frozen values that go into and come out of the store (separate from the tables and the API schemas).

``NewDecision`` is what the gateway hands to ``DecisionStore.record``; ``DecisionRecord`` is what
is stored and read back (and what ``GET /v1/decisions/{id}`` returns through ``to_dict``).
``ApiKeyRecord`` holds a key's hashed secret and grants; ``LineageState`` is what the lineage
lookup found before the detectors ran.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from rempart.storage.fingerprints import ImageFingerprint, TextFingerprint

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_id(prefix: str) -> str:
    """``prefix_`` + a 26-character ULID (48-bit milliseconds, 80 random bits): sortable by time,
    unique for ever, only ``[A-Za-z0-9_]`` (usable as a DSA ``puid``)."""
    value = (int(time.time() * 1000) << 80) | secrets.randbits(80)
    chars = []
    for _ in range(26):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return f"{prefix}_{''.join(reversed(chars))}"


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Timestamps read back from SQLite are naive; every timestamp rempart writes is UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class ApiKeyRecord:
    id: str
    tenant: str
    name: str
    secret_hash: str
    scopes: frozenset[str]
    rate_per_minute: int
    created_at: datetime
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    rotated_from: str | None = None

    def active(self, now: datetime) -> bool:
        if self.revoked_at is not None and self.revoked_at <= now:
            return False
        return self.expires_at is None or self.expires_at > now

    def to_dict(self) -> dict[str, Any]:
        """The key's public description (never the secret or its hash)."""
        return {
            "key_id": self.id,
            "tenant": self.tenant,
            "name": self.name,
            "scopes": sorted(self.scopes),
            "rate_per_minute": self.rate_per_minute,
            "created_at": self.created_at.isoformat(),
            "expires_at": None if self.expires_at is None else self.expires_at.isoformat(),
            "revoked_at": None if self.revoked_at is None else self.revoked_at.isoformat(),
            "rotated_from": self.rotated_from,
        }


LineageMatch = Literal["parent", "sha256", "dhash", "session"]


@dataclass(frozen=True, slots=True)
class LineageState:
    """An existing lineage this step continues, found before the detectors run."""

    id: str
    steps: int
    max_requested_exposure: int | None
    max_output_exposure: int | None
    matched_by: LineageMatch
    distance: int | None = None


@dataclass(frozen=True, slots=True)
class StoredImage:
    role: Literal["source", "output"]
    fingerprint: ImageFingerprint


@dataclass(frozen=True, slots=True)
class NewDecision:
    """Everything recorded for one check, in one transaction with what it triggers."""

    id: str
    tenant: str
    key_id: str | None
    request_id: str | None
    stage: Literal["request", "output"]
    action: str
    categories: tuple[str, ...]
    severity: str
    degraded: bool
    rules: tuple[dict[str, Any], ...]
    signals: dict[str, Any]
    policy_name: str
    policy_digest: str
    models: tuple[dict[str, Any], ...]
    received_at: datetime
    detector_ms: float
    queue_ms: float
    text: TextFingerprint | None = None
    images: tuple[StoredImage, ...] = ()
    parent_id: str | None = None
    session_id: str | None = None
    account_id: str | None = None
    jurisdiction: str | None = None
    requested_exposure: int | None = None
    output_exposure: int | None = None
    lineage: LineageState | None = None
    start_lineage: bool = False
    """No lineage matched: start one (when the step has an image or a session to link later steps by)."""


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    id: str
    tenant: str
    key_id: str | None
    request_id: str | None
    stage: str
    subject_type: str
    parent_id: str | None
    lineage_id: str | None
    lineage_step: int | None
    lineage_exposure: int | None
    session_id: str | None
    account_id: str | None
    jurisdiction: str | None
    action: str
    categories: tuple[str, ...]
    severity: str
    degraded: bool
    rules: tuple[dict[str, Any], ...]
    signals: dict[str, Any] = field(repr=False)
    policy_name: str = ""
    policy_digest: str = ""
    models: tuple[dict[str, Any], ...] = ()
    text_sha256: str | None = None
    text_chars: int | None = None
    source_sha256: str | None = None
    source_dhash: str | None = None
    output_sha256: str | None = None
    output_dhash: str | None = None
    requested_exposure: int | None = None
    output_exposure: int | None = None
    detector_ms: float = 0.0
    queue_ms: float = 0.0
    received_at: datetime = field(default_factory=utcnow)
    created_at: datetime = field(default_factory=utcnow)

    @property
    def reasons(self) -> list[str]:
        return [str(r.get("reason", "")) for r in self.rules]

    def to_dict(self) -> dict[str, Any]:
        return {
            "decision_id": self.id,
            "request_id": self.request_id,
            "stage": self.stage,
            "subject_type": self.subject_type,
            "parent_decision_id": self.parent_id,
            "action": self.action,
            "categories": list(self.categories),
            "severity": self.severity,
            "reasons": self.reasons,
            "rules": list(self.rules),
            "degraded": self.degraded,
            "policy": {"name": self.policy_name, "digest": self.policy_digest},
            "models": list(self.models),
            "signals": self.signals,
            "inputs": {
                "text": None if self.text_sha256 is None else {"sha256": self.text_sha256, "chars": self.text_chars},
                "source_image": None
                if self.source_sha256 is None
                else {"sha256": self.source_sha256, "dhash": self.source_dhash},
                "output_image": None
                if self.output_sha256 is None
                else {"sha256": self.output_sha256, "dhash": self.output_dhash},
            },
            "lineage": None
            if self.lineage_id is None
            else {"id": self.lineage_id, "step": self.lineage_step, "earlier_exposure": self.lineage_exposure},
            "session_id": self.session_id,
            "account_id": self.account_id,
            "jurisdiction": self.jurisdiction,
            "tenant": self.tenant,
            "automated_detection": True,
            "automated_decision": True,
            "timings": {"detector_ms": round(self.detector_ms, 3), "queue_ms": round(self.queue_ms, 3)},
            "received_at": self.received_at.isoformat(),
            "created_at": self.created_at.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class ReviewItem:
    decision_id: str
    tenant: str
    status: str
    created_at: datetime
    resolved_at: datetime | None = None
    outcome: str | None = None
    reviewer_key_id: str | None = None
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "decision_id": self.decision_id,
            "status": self.status,
            "created_at": self.created_at.isoformat(),
            "resolved_at": None if self.resolved_at is None else self.resolved_at.isoformat(),
            "outcome": self.outcome,
            "reviewer_key_id": self.reviewer_key_id,
            "note": self.note,
        }
