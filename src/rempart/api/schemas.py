"""API request and response schemas (pydantic), with the examples shown in the OpenAPI document.

These are the wire shapes only: request bodies are parsed into them and handed on as plain values;
responses are built from storage records (``DecisionRecord.to_dict``) and documented here.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue

SESSION_PATTERN = r"^[A-Za-z0-9._:-]{1,128}$"
JURISDICTION_PATTERN = r"^(EU|[A-Z]{2}(-[A-Z0-9]{1,3})?)$"
DECISION_ID_PATTERN = r"^dec_[0-9A-Z]{26}$"

_PIXEL_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"
"""A 1x1 PNG, to keep the examples short."""

_REQUEST_EXAMPLES: list[JsonValue] = [
    {
        "text": "replace the sky with a sunset",
        "photo_of_person": False,
        "session_id": "sess-8f2c",
        "account_id": "user-1234",
        "jurisdiction": "FR",
    },
    {
        "text": "make her swimsuit see-through",
        "image_base64": _PIXEL_PNG,
        "session_id": "sess-8f2c",
        "jurisdiction": "GB",
    },
]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScreenRequestBody(_Body):
    """An edit or generation instruction, optionally with the source photo it applies to."""

    model_config = ConfigDict(json_schema_extra={"examples": _REQUEST_EXAMPLES})

    text: str = Field(description="the instruction as the user wrote it (never stored; only its SHA-256)")
    image_base64: str | None = Field(
        None, description="the source image, base64 (a data: URL prefix is accepted); never stored"
    )
    photo_of_person: bool | None = Field(
        None, description="the caller knows a photo of a real person is (true) or is not (false) attached"
    )
    session_id: str | None = Field(None, pattern=SESSION_PATTERN, description="the caller's editing session")
    account_id: str | None = Field(None, max_length=128, description="the end user's pseudonymous account id")
    jurisdiction: str | None = Field(
        None, pattern=JURISDICTION_PATTERN, description="ISO 3166 code of the user's country (or EU)"
    )
    tenant: str | None = Field(None, max_length=64, description="must match the API key's tenant when given")


class ScreenOutputBody(_Body):
    """A generated image to check, linked to its request decision or to its source image."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "decision_id": "dec_01JD6Q8X7K3M2N4P5R6S7T8V9W",
                    "output_image_base64": _PIXEL_PNG,
                }
            ]
        }
    )

    output_image_base64: str = Field(description="the generated image, base64; never stored")
    decision_id: str | None = Field(
        None, pattern=DECISION_ID_PATTERN, description="the request decision this output answers"
    )
    source_image_base64: str | None = Field(
        None, description="the source image, when the request decision is not known here"
    )
    session_id: str | None = Field(None, pattern=SESSION_PATTERN)
    account_id: str | None = Field(None, max_length=128)
    jurisdiction: str | None = Field(None, pattern=JURISDICTION_PATTERN)
    tenant: str | None = Field(None, max_length=64)


class ModelOut(BaseModel):
    name: str
    package: str
    version: str
    file: str | None = None
    sha256: str | None = None
    licence: str | None = None


class RuleOut(BaseModel):
    rule: str
    action: Literal["allow", "review", "block"]
    category: str
    severity: str
    reason: str
    evidence: list[dict[str, Any]] = []


class DigestOut(BaseModel):
    sha256: str
    chars: int | None = None
    dhash: str | None = None


class InputsOut(BaseModel):
    text: DigestOut | None = None
    source_image: DigestOut | None = None
    output_image: DigestOut | None = None


class LineageOut(BaseModel):
    id: str
    step: int | None = Field(None, description="1 for the first step of the lineage")
    earlier_exposure: int | None = Field(None, description="highest exposure requested by earlier steps")


class PolicyOut(BaseModel):
    name: str
    digest: str


class TimingsOut(BaseModel):
    detector_ms: float
    queue_ms: float


class DecisionOut(BaseModel):
    """A stored decision: what to do, why, and what it was based on (digests, never content)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "decision_id": "dec_01JD6Q8X7K3M2N4P5R6S7T8V9W",
                    "request_id": "req_3f9a1c0b2d4e6f708192",
                    "stage": "request",
                    "subject_type": "prompt",
                    "parent_decision_id": None,
                    "action": "block",
                    "categories": ["real_person_sexualisation"],
                    "severity": "high",
                    "reasons": ["edit of a real person's photo that undresses or sexualises them (exposure level 3)"],
                    "rules": [
                        {
                            "rule": "real_person_sexualisation_request",
                            "action": "block",
                            "category": "real_person_sexualisation",
                            "severity": "high",
                            "reason": "edit of a real person's photo that undresses or sexualises them "
                            "(exposure level 3)",
                            "evidence": [],
                        }
                    ],
                    "degraded": False,
                    "policy": {"name": "rempart-default", "digest": "sha256:5d1c..."},
                    "models": [],
                    "signals": {"prompt": {"status": "ok", "exposure": 3, "probability": 0.97}},
                    "inputs": {
                        "text": {"sha256": "9c1e...", "chars": 29},
                        "source_image": {"sha256": "4b7a...", "dhash": "f0e1d2c3b4a59687"},
                        "output_image": None,
                    },
                    "lineage": {"id": "lin_01JD6Q8X7K3M2N4P5R6S7T8V9X", "step": 3, "earlier_exposure": 2},
                    "session_id": "sess-8f2c",
                    "account_id": "user-1234",
                    "jurisdiction": "GB",
                    "tenant": "acme",
                    "automated_detection": True,
                    "automated_decision": True,
                    "timings": {"detector_ms": 41.2, "queue_ms": 0.1},
                    "received_at": "2026-11-22T10:00:00.000000+00:00",
                    "created_at": "2026-11-22T10:00:00.052000+00:00",
                }
            ]
        }
    )

    decision_id: str
    request_id: str | None
    stage: Literal["request", "output"]
    subject_type: Literal["prompt", "generation"]
    parent_decision_id: str | None
    action: Literal["allow", "review", "block"]
    categories: list[str]
    severity: str
    reasons: list[str]
    rules: list[RuleOut]
    degraded: bool = Field(description="a check could not run; the policy failed closed")
    policy: PolicyOut
    models: list[ModelOut]
    signals: dict[str, Any]
    inputs: InputsOut
    lineage: LineageOut | None
    session_id: str | None
    account_id: str | None
    jurisdiction: str | None
    tenant: str
    automated_detection: bool
    automated_decision: bool
    timings: TimingsOut
    received_at: str
    created_at: str


class ErrorDetail(BaseModel):
    code: str = Field(description="stable machine-readable code, e.g. invalid_text, rate_limited")
    message: str
    request_id: str | None = None
    details: list[dict[str, Any]] | None = None


class ErrorOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"error": {"code": "invalid_text", "message": "the instruction is empty", "request_id": "req_1"}}
            ]
        }
    )

    error: ErrorDetail


class ReviewBody(_Body):
    outcome: Literal["allow", "block"]
    note: str | None = Field(None, max_length=2000, description="the reviewer's note (not user content)")


class ReviewOut(BaseModel):
    decision_id: str
    status: Literal["open", "resolved"]
    created_at: str
    resolved_at: str | None
    outcome: str | None
    reviewer_key_id: str | None
    note: str | None


class KeyCreateBody(_Body):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"name": "edit-service", "scopes": ["screen"], "rate_per_minute": 600}]}
    )

    name: str = Field("", max_length=200)
    scopes: list[Literal["screen", "review", "audit", "admin"]] = Field(min_length=1)
    rate_per_minute: int | None = Field(None, ge=1, le=10_000_000)


class KeyRotateBody(_Body):
    grace_seconds: int = Field(3600, ge=0, le=30 * 86400, description="how long the old key keeps working")


class KeyOut(BaseModel):
    key_id: str
    tenant: str
    name: str
    scopes: list[str]
    rate_per_minute: int
    created_at: str
    expires_at: str | None
    revoked_at: str | None
    rotated_from: str | None


class IssuedKeyOut(KeyOut):
    api_key: str = Field(description="the secret key; shown once, store it now")


class HealthOut(BaseModel):
    status: str
    checks: dict[str, str] = {}
