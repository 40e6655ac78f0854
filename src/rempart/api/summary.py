"""The signals summary stored with each decision, and the image facts rebuilt from it.

The summary keeps what the policy saw, without content: for the prompt, the rule analysis's flags,
exposure level, classifier probability and the names of the concepts found (not the text); for each
image, the ``ImageFacts`` (persons, per-face apparent age, exposure, same-person result, failed
checks). An output check that names its request decision rebuilds the source's facts from it.
"""

from __future__ import annotations

from typing import Any

from rempart.policy import Decision, FaceFacts, ImageFacts

_PROMPT_KEYS = (
    "exposure",
    "sexualised",
    "minor_cue",
    "real_cue",
    "implied_edit",
    "framing",
    "fictional",
    "probability",
)


def summarise(decision: Decision, images: tuple[ImageFacts | None, ...], prompt_status: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    prompt = decision.explanation.get("prompt")
    if isinstance(prompt, dict):
        summary: dict[str, Any] = {"status": prompt_status or "ok"}
        summary.update({k: prompt.get(k) for k in _PROMPT_KEYS})
        summary["techniques"] = list(prompt.get("techniques") or [])
        summary["concepts"] = sorted(
            {str(c.get("concept")) for c in prompt.get("concepts") or [] if isinstance(c, dict)}
        )
        out["prompt"] = summary
    elif prompt_status is not None:
        out["prompt"] = {"status": prompt_status}
    for facts in images:
        if facts is not None:
            out[facts.role] = facts_to_dict(facts)
    return out


def requested_exposure(decision: Decision) -> int | None:
    prompt = decision.explanation.get("prompt")
    if isinstance(prompt, dict) and isinstance(prompt.get("exposure"), int):
        return int(prompt["exposure"])
    return None


def facts_to_dict(facts: ImageFacts) -> dict[str, Any]:
    return {
        "persons": facts.persons,
        "faces": [
            {
                "age_estimate": _round(f.age_estimate, 1),
                "age_low": _round(f.age_low, 1),
                "age_high": _round(f.age_high, 1),
                "possible_minor": f.possible_minor,
                "under_challenge_age": f.under_challenge_age,
                "presentation": f.presentation,
            }
            for f in facts.faces
        ],
        "exposure": facts.exposure,
        "nsfw_score": _round(facts.nsfw_score, 4),
        "same_person_as_source": facts.same_person_as_source,
        "identity_distance": _round(facts.identity_distance, 4),
        "failed": sorted(facts.failed),
    }


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(float(value), digits)


def facts_from_dict(role: str, data: dict[str, Any]) -> ImageFacts:
    faces = tuple(
        FaceFacts(
            age_estimate=f.get("age_estimate"),
            age_low=f.get("age_low"),
            age_high=f.get("age_high"),
            possible_minor=bool(f.get("possible_minor")),
            under_challenge_age=bool(f.get("under_challenge_age")),
            presentation=str(f.get("presentation") or "unknown"),
        )
        for f in data.get("faces") or []
    )
    return ImageFacts(
        role=role,
        persons=int(data.get("persons") or 0),
        faces=faces,
        exposure=data.get("exposure"),
        nsfw_score=data.get("nsfw_score"),
        same_person_as_source=data.get("same_person_as_source"),
        identity_distance=data.get("identity_distance"),
        failed=frozenset(data.get("failed") or ()),
    )
