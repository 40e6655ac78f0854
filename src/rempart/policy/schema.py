"""The safety policy as a file: a strictly validated schema, the shipped default, and its digest.

A policy is TOML (or YAML where PyYAML is installed). Unknown keys, wrong types and out-of-range
values are errors: an invalid policy stops start-up; nothing silently falls back to defaults.
Deployments copy ``default.toml`` and change what they need; ``load_policy`` merges nothing.
The digest (SHA-256 of the canonical JSON of the validated policy) goes into every decision.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from rempart.errors import PolicyError

DEFAULT_POLICY_RESOURCE = "default.toml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


DegradedAction = Literal["block", "review"]


class PromptSection(_Strict):
    """How the text screen's scores become actions."""

    block_threshold: float = Field(0.4, ge=0.0, le=1.0, description="classifier probability that blocks")
    review_threshold: float = Field(
        0.4, ge=0.0, le=1.0, description="probability from which a prompt goes to review (equal: no review band)"
    )
    minor_block_threshold: float = Field(
        0.35, ge=0.0, le=1.0, description="lower blocking threshold when a minor cue is present"
    )
    benign_evidence_threshold: float = Field(
        0.85, ge=0.0, le=1.0, description="threshold when the rules found only benign evidence (negation, accessories)"
    )
    unsupported_threshold: float = Field(
        0.6,
        ge=0.0,
        le=1.0,
        description="threshold when the text has no word of any harmful family (the classifier stands alone)",
    )
    allowed_attire_threshold: float = Field(
        0.6,
        ge=0.0,
        le=1.0,
        description="threshold when the rules read fictional adults in attire the policy allows (swimwear)",
    )
    max_chars: int = Field(16_000, ge=16, le=1_000_000)

    @model_validator(mode="after")
    def _ordered(self) -> PromptSection:
        if self.review_threshold > self.block_threshold:
            raise ValueError("review_threshold must not exceed block_threshold")
        return self


class MinorsSection(_Strict):
    """Apparent minors: nothing above everyday clothing, ever."""

    max_exposure: int = Field(0, ge=0, le=0, description="fixed at 0: not configurable upwards")
    challenge_age: int = Field(25, ge=18, le=30, description="estimates below this count as possible minors")


class RealPersonsSection(_Strict):
    """Identifiable real people: no undressing or sexualising edits, whatever consent is claimed."""

    max_exposure: int = Field(0, ge=0, le=1)
    unknown_photo_edits_are_real: bool = Field(
        True,
        description="treat edit instructions about 'her'/'him' as real-person edits when photo presence is unknown",
    )


class AdultContentSection(_Strict):
    """Fictional or unidentified adults."""

    mode: Literal["block", "review", "allow"] = Field(
        "block", description="what happens to fictional adult nudity and sexual content (allow = adult mode)"
    )
    max_exposure: int = Field(2, ge=0, le=5, description="highest exposure level allowed without adult mode")
    sexualised: Literal["block", "review", "allow"] = "block"


class OutputSection(_Strict):
    """The output check: exposure x apparent age x same person."""

    minor_block_level: int = Field(2, ge=1, le=5, description="possible minor at or above this level is blocked")
    minor_review_level: int = Field(1, ge=1, le=5)
    real_person_block_level: int = Field(2, ge=1, le=5, description="same real person at or above this level")
    fictional_block_level: int = Field(3, ge=1, le=5, description="anyone at or above this level without adult mode")


class DegradedSection(_Strict):
    """What a check that could not run means (fail closed for minors and real people)."""

    minor_check: DegradedAction = "block"
    real_person_check: DegradedAction = "block"
    other: DegradedAction = "review"


class Policy(_Strict):
    version: Literal[1] = 1
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    prompt: PromptSection = PromptSection()
    minors: MinorsSection = MinorsSection()
    real_persons: RealPersonsSection = RealPersonsSection()
    adult_content: AdultContentSection = AdultContentSection()
    output: OutputSection = OutputSection()
    degraded: DegradedSection = DegradedSection()

    @property
    def digest(self) -> str:
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


def parse_policy(text: str, origin: str = "<policy>", fmt: str = "toml") -> Policy:
    try:
        if fmt == "toml":
            data = tomllib.loads(text)
        elif fmt in ("yaml", "yml"):
            try:
                import yaml
            except ImportError as exc:
                raise PolicyError(f"{origin}: YAML policies need PyYAML installed") from exc
            data = yaml.safe_load(text)
        else:
            raise PolicyError(f"{origin}: unknown policy format {fmt!r}")
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{origin}: not valid TOML: {exc}") from exc
    if not isinstance(data, dict):
        raise PolicyError(f"{origin}: a policy must be a table of settings")
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '<root>'}: {err['msg']}" for err in exc.errors()
        )
        raise PolicyError(f"{origin}: invalid policy: {problems}") from exc


def load_policy(path: Path | None = None) -> Policy:
    """The policy at ``path``, or the shipped default when ``path`` is None."""
    if path is None:
        text = resources.files("rempart.policy").joinpath(DEFAULT_POLICY_RESOURCE).read_text(encoding="utf-8")
        return parse_policy(text, "default.toml")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyError(f"cannot read policy {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise PolicyError(f"policy {path} is not UTF-8 text") from exc
    return parse_policy(text, str(path), path.suffix.lstrip(".").lower() or "toml")
