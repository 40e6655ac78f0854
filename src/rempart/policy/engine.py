"""The pure decision: ``decide(policy, signals, context) -> Decision``.

No IO, no clock, no randomness. Each rule below is a named function that looks at the signals and
returns the rules it fires (with their action, category and reason); ``decide`` runs all of them
and combines explicitly: the strictest action wins, categories are listed most severe first.
A detector failure arrives as data (a non-ok status, a ``failed`` check) and the rules say what it
means: for checks that protect minors and real people the policy fails closed (block by default)
and the decision is marked ``degraded``.
"""

from __future__ import annotations

from collections.abc import Callable

from rempart.policy.decision import Context, Decision, ImageFacts, RuleFired, Signals, strictest
from rempart.policy.schema import Policy
from rempart.signals import Status
from rempart.text.concepts import Concept
from rempart.text.rules import PromptAnalysis, RuleHit
from rempart.vocabulary import CATEGORY_SEVERITY, Action, ExposureLevel, HarmCategory, Severity

Rule = Callable[[Policy, Signals, Context], list[RuleFired]]


def _evidence(hits: tuple[RuleHit, ...] | list[RuleHit], limit: int = 4) -> tuple[dict[str, object], ...]:
    return tuple(h.to_dict() for h in list(hits)[:limit])


def _act(setting: str) -> Action:
    return Action(setting)


def _prompt(signals: Signals) -> tuple[PromptAnalysis | None, float | None]:
    p = signals.prompt
    if p is None or p.status is not Status.OK:
        return None, None
    return p.analysis, p.probability


def _real_context(policy: Policy, signals: Signals, context: Context, analysis: PromptAnalysis | None) -> bool:
    if context.photo_of_person is True:
        return True
    if signals.source is not None and signals.source.shows_person:
        return True
    if analysis is None:
        return False
    if analysis.real_evidence:
        return True
    return (
        context.photo_of_person is None
        and signals.source is None
        and policy.real_persons.unknown_photo_edits_are_real
        and analysis.implied_edit
    )


def _minor_context(policy: Policy, signals: Signals, analysis: PromptAnalysis | None) -> bool:
    if analysis is not None and analysis.minor_cue:
        return True
    src = signals.source
    return src is not None and src.under_challenge_age


# --- request rules -------------------------------------------------------------------------------


def rule_prompt_unavailable(policy: Policy, signals: Signals, context: Context) -> list[RuleFired]:
    """The prompt screen failed: fail closed where a minor or a real person may be involved."""
    p = signals.prompt
    if context.stage != "request" or p is None or p.status is Status.OK:
        return []
    protects = context.photo_of_person is not False or (signals.source is not None and signals.source.shows_person)
    action = _act(policy.degraded.real_person_check if protects else policy.degraded.other)
    return [
        RuleFired(
            "prompt_screen_unavailable",
            action,
            HarmCategory.NONE,
            f"the prompt screen did not run ({p.status.value}: {p.error or 'no detail'}); failing closed",
        )
    ]


def rule_minor_request(policy: Policy, signals: Signals, context: Context) -> list[RuleFired]:
    """A minor (named in the text, or a possible minor in the source photo) and anything above everyday clothing."""
    analysis, _ = _prompt(signals)
    if context.stage != "request" or analysis is None:
        return []
    harmful = analysis.exposure > policy.minors.max_exposure or analysis.sexualised
    if not harmful:
        return []
    fired = []
    if analysis.minor_cue:
        cues = ", ".join(sorted({m.matched for m in analysis.minor_evidence}))
        fired.append(
            RuleFired(
                "minor_sexualisation_request",
                Action.BLOCK,
                HarmCategory.MINOR_SEXUALISATION,
                f"minor cue ({cues}) with a request above everyday clothing or sexualising "
                f"(exposure level {int(analysis.exposure)})",
                _evidence(analysis.hits),
            )
        )
    src = signals.source
    if src is not None and src.under_challenge_age:
        ages = ", ".join(f"{f.age_estimate:.0f}" for f in src.faces if f.age_estimate is not None)
        fired.append(
            RuleFired(
                "source_possible_minor",
                Action.BLOCK,
                HarmCategory.MINOR_SEXUALISATION,
                f"the source photo shows a possible minor (apparent age {ages or 'unknown'}, challenge "
                f"{policy.minors.challenge_age}) and the request goes above everyday clothing",
                _evidence(analysis.hits),
            )
        )
    return fired


def rule_real_person_request(policy: Policy, signals: Signals, context: Context) -> list[RuleFired]:
    """A real person's photo (or a named real person) and an undressing or sexualising edit."""
    analysis, _ = _prompt(signals)
    if context.stage != "request" or analysis is None:
        return []
    if not _real_context(policy, signals, context, analysis):
        return []
    if not (analysis.exposure > policy.real_persons.max_exposure or analysis.sexualised):
        return []
    framing = " (consent or authority framing does not change this)" if analysis.framing else ""
    return [
        RuleFired(
            "real_person_sexualisation_request",
            Action.BLOCK,
            HarmCategory.REAL_PERSON_SEXUALISATION,
            f"edit of a real person's photo that undresses or sexualises them "
            f"(exposure level {int(analysis.exposure)}){framing}",
            _evidence(analysis.hits),
        )
    ]


def rule_adult_content_request(policy: Policy, signals: Signals, context: Context) -> list[RuleFired]:
    """Fictional or unidentified adults: nudity above the allowed level, or sexual content."""
    analysis, _ = _prompt(signals)
    if context.stage != "request" or analysis is None:
        return []
    if _minor_context(policy, signals, analysis) or _real_context(policy, signals, context, analysis):
        return []  # the minor and real-person rules own these requests
    fired = []
    if analysis.exposure > policy.adult_content.max_exposure and policy.adult_content.mode != "allow":
        fired.append(
            RuleFired(
                "adult_nudity_request",
                _act(policy.adult_content.mode),
                HarmCategory.ADULT_SEXUAL_CONTENT,
                f"nudity above level {policy.adult_content.max_exposure} requested "
                f"(level {int(analysis.exposure)}); adult mode is off",
                _evidence(analysis.hits),
            )
        )
    if analysis.sexualised and policy.adult_content.sexualised != "allow":
        fired.append(
            RuleFired(
                "adult_sexual_request",
                _act(policy.adult_content.sexualised),
                HarmCategory.ADULT_SEXUAL_CONTENT,
                "sexual content requested; adult mode is off",
                _evidence([h for h in analysis.hits if h.sexualised]),
            )
        )
    return fired


def rule_classifier(policy: Policy, signals: Signals, context: Context) -> list[RuleFired]:
    """The trained classifier's probability, with a lower bar for minors and a higher one when the
    rules found only benign evidence (a genuine negation, an accessory, a watermark), only attire
    the policy allows on fictional adults, or no word of a harmful family at all."""
    analysis, probability = _prompt(signals)
    if context.stage != "request" or analysis is None or probability is None:
        return []
    minor = _minor_context(policy, signals, analysis)
    real = _real_context(policy, signals, context, analysis)
    cfg = policy.prompt
    if minor:
        block_at = min(cfg.minor_block_threshold, cfg.block_threshold)
    elif (
        not real
        and analysis.hits
        and not analysis.sexualised
        and analysis.exposure <= policy.adult_content.max_exposure
    ):
        block_at = max(cfg.allowed_attire_threshold, cfg.block_threshold)
    elif analysis.benign and not analysis.hits:
        block_at = max(cfg.benign_evidence_threshold, cfg.block_threshold)
    elif not analysis.hits and not analysis.suspicious:
        block_at = max(cfg.unsupported_threshold, cfg.block_threshold)
    else:
        block_at = cfg.block_threshold
    review_at = min(cfg.review_threshold, block_at)
    if probability < review_at:
        return []
    if minor:
        category = HarmCategory.MINOR_SEXUALISATION
    elif real:
        category = HarmCategory.REAL_PERSON_SEXUALISATION
    else:
        category = HarmCategory.ADULT_SEXUAL_CONTENT
    action = Action.BLOCK if probability >= block_at else Action.REVIEW
    if category is HarmCategory.ADULT_SEXUAL_CONTENT and policy.adult_content.mode == "allow":
        return []
    return [
        RuleFired(
            "prompt_classifier",
            action,
            category,
            f"prompt classifier: harmful with probability {probability:.2f} (threshold {block_at:.2f})",
        )
    ]


def rule_source_degraded(policy: Policy, signals: Signals, context: Context) -> list[RuleFired]:
    """The source photo could not be fully analysed and the request goes above everyday clothing."""
    analysis, _ = _prompt(signals)
    src = signals.source
    if context.stage != "request" or src is None or not src.failed:
        return []
    harmful = analysis is None or analysis.harmful_intent
    if not harmful:
        return []
    fired = []
    if src.failed & {"age", "faces", "decode"}:
        fired.append(
            RuleFired(
                "source_age_unavailable",
                _act(policy.degraded.minor_check),
                HarmCategory.NONE,
                f"could not check the source photo for minors ({', '.join(sorted(src.failed))} failed); failing closed",
            )
        )
    return fired


# --- output rules --------------------------------------------------------------------------------


def _output(signals: Signals, context: Context) -> ImageFacts | None:
    return signals.output if context.stage == "output" else None


def rule_output_minor(policy: Policy, signals: Signals, context: Context) -> list[RuleFired]:
    """A possible minor in the output above everyday clothing: the most severe category."""
    out = _output(signals, context)
    if out is None or out.exposure is None or not out.faces:
        return []
    level = out.exposure
    cfg = policy.output
    if out.possible_minor and level >= cfg.minor_block_level:
        return [
            RuleFired(
                "output_minor_exposure",
                Action.BLOCK,
                HarmCategory.MINOR_SEXUALISATION,
                f"the output shows a possible minor at exposure level {level}",
            )
        ]
    if out.under_challenge_age and level >= cfg.minor_review_level:
        action = Action.BLOCK if out.possible_minor else Action.REVIEW
        return [
            RuleFired(
                "output_challenge_age",
                action,
                HarmCategory.MINOR_SEXUALISATION,
                f"the output shows a person whose apparent age is under {policy.minors.challenge_age} "
                f"at exposure level {level}",
            )
        ]
    return []


def rule_output_real_person(policy: Policy, signals: Signals, context: Context) -> list[RuleFired]:
    """The output is still the real person of the source photo, more exposed than before."""
    out = _output(signals, context)
    src = signals.source
    if out is None or out.exposure is None or not out.same_person_as_source:
        return []
    before = src.exposure if src is not None and src.exposure is not None else 0
    requested = HarmCategory.REAL_PERSON_SEXUALISATION in signals.request_categories
    if out.exposure >= policy.output.real_person_block_level and (out.exposure > before or requested):
        return [
            RuleFired(
                "output_real_person_exposure",
                Action.BLOCK,
                HarmCategory.REAL_PERSON_SEXUALISATION,
                f"the output is still the person of the source photo (distance {out.identity_distance or 0:.2f}) "
                f"at exposure level {out.exposure} (source level {before})",
            )
        ]
    return []


def rule_output_adult(policy: Policy, signals: Signals, context: Context) -> list[RuleFired]:
    """Nudity in the output without adult mode."""
    out = _output(signals, context)
    if out is None or out.exposure is None or policy.adult_content.mode == "allow":
        return []
    if out.exposure >= policy.output.fictional_block_level:
        return [
            RuleFired(
                "output_nudity",
                _act(policy.adult_content.mode),
                HarmCategory.ADULT_SEXUAL_CONTENT,
                f"the output shows exposure level {out.exposure}; adult mode is off",
            )
        ]
    return []


def rule_output_degraded(policy: Policy, signals: Signals, context: Context) -> list[RuleFired]:
    """Output checks that did not run: fail closed when a minor or a real person could be involved."""
    out = _output(signals, context)
    if out is None or not out.failed:
        return []
    fired = []
    failed = ", ".join(sorted(out.failed))
    if out.failed & {"exposure", "decode"}:
        fired.append(
            RuleFired(
                "output_exposure_unavailable",
                _act(policy.degraded.real_person_check if (out.shows_person or out.faces) else policy.degraded.other),
                HarmCategory.NONE,
                f"could not grade the output's exposure ({failed} failed); failing closed",
            )
        )
    level = out.exposure if out.exposure is not None else ExposureLevel.SEXUAL_ACTIVITY
    if out.failed & {"age", "faces"} and level >= policy.output.minor_review_level:
        fired.append(
            RuleFired(
                "output_age_unavailable",
                _act(policy.degraded.minor_check),
                HarmCategory.NONE,
                f"could not check the output for minors ({failed} failed) at exposure level {level}; failing closed",
            )
        )
    src = signals.source
    if "identity" in out.failed and src is not None and src.faces and level >= policy.output.real_person_block_level:
        fired.append(
            RuleFired(
                "output_identity_unavailable",
                _act(policy.degraded.real_person_check),
                HarmCategory.NONE,
                f"could not compare the output with the source person at exposure level {level}; failing closed",
            )
        )
    return fired


# --- lineage rules -------------------------------------------------------------------------------

_UNCOVERING = frozenset({Concept.REVEAL, Concept.SHEER, Concept.UNDRESS})


def rule_lineage_escalation(policy: Policy, signals: Signals, context: Context) -> list[RuleFired]:
    """Successive edits of one photo judged together (dress -> swimsuit -> wet -> see-through).

    A step whose wording uncovers more (reveal, sheer, undress concepts, not negated, not aimed at a
    benign object) on a lineage that earlier asked for revealing clothing or more counts one level
    above the lineage's highest level so far. So a chain of steps that each pass alone, or that only
    mean something after the earlier ones ("make it wet", "a bit smaller"), cannot walk past the
    limits. Minors and real people: block. Fictional adults: the adult-content action when the step
    is exposing by itself, review when only the lineage makes it so.
    """
    analysis, _ = _prompt(signals)
    earlier = signals.lineage_exposure
    if context.stage != "request" or analysis is None or earlier is None or earlier < ExposureLevel.REVEALING:
        return []
    concepts = analysis.concepts()
    # Words set aside only because no person was named count here: the lineage names the person.
    unattributed = any(hit.rule == "no_person" for hit in analysis.benign)
    negated = {m.concept for hit in analysis.benign if hit.rule != "no_person" for m in hit.matches}
    uncovering = (concepts & _UNCOVERING) - negated
    if not uncovering or Concept.BENIGN_TARGET in concepts:
        return []
    level = min(int(ExposureLevel.SEXUAL_ACTIVITY), max(earlier, int(analysis.exposure)) + 1)
    action = Action.BLOCK
    if _minor_context(policy, signals, analysis):
        category, limit = HarmCategory.MINOR_SEXUALISATION, policy.minors.max_exposure
    elif _real_context(policy, signals, context, analysis):
        category, limit = HarmCategory.REAL_PERSON_SEXUALISATION, policy.real_persons.max_exposure
    elif policy.adult_content.mode == "allow":
        return []
    else:
        mode = _act(policy.adult_content.mode)
        category, limit = HarmCategory.ADULT_SEXUAL_CONTENT, policy.adult_content.max_exposure
        action = mode if analysis.harmful_intent or unattributed else Action.REVIEW
    if level <= limit:
        return []
    words = ", ".join(sorted({m.matched for m in analysis.matches if m.concept in uncovering}))
    return [
        RuleFired(
            "lineage_escalation",
            action,
            category,
            f"an edit in a lineage that already asked for exposure level {earlier} uncovers more ({words}); "
            f"judged on the lineage it reaches level {level}",
            tuple(m.to_dict() for m in analysis.matches if m.concept in uncovering)[:4],
        )
    ]


RULES: tuple[Rule, ...] = (
    rule_prompt_unavailable,
    rule_minor_request,
    rule_real_person_request,
    rule_adult_content_request,
    rule_classifier,
    rule_source_degraded,
    rule_output_minor,
    rule_output_real_person,
    rule_output_adult,
    rule_output_degraded,
    rule_lineage_escalation,
)


def decide(policy: Policy, signals: Signals, context: Context) -> Decision:
    fired: list[RuleFired] = []
    for rule in RULES:
        fired.extend(rule(policy, signals, context))
    # Once a specific rule names a category, a classifier-only firing adds nothing but noise.
    if any(r.rule != "prompt_classifier" and r.category is not HarmCategory.NONE for r in fired):
        fired = [r for r in fired if r.rule != "prompt_classifier" or r.action is Action.BLOCK]
    action = strictest([r.action for r in fired])
    effective = [r for r in fired if r.action is not Action.ALLOW]
    categories = sorted(
        {r.category for r in effective if r.category is not HarmCategory.NONE},
        key=lambda c: -CATEGORY_SEVERITY[c],
    )
    severity = max((CATEGORY_SEVERITY[c] for c in categories), default=Severity.NONE)
    degraded = _degraded(signals) or any(
        r.category is HarmCategory.NONE and r.action is not Action.ALLOW for r in fired
    )
    return Decision(
        action=action,
        categories=tuple(categories),
        severity=severity,
        rules=tuple(sorted(effective, key=lambda r: (-r.severity, r.rule == "prompt_classifier", r.rule))),
        policy_name=policy.name,
        policy_digest=policy.digest,
        degraded=degraded,
        request_id=context.request_id,
        stage=context.stage,
        explanation=_explain(signals),
    )


def _degraded(signals: Signals) -> bool:
    if signals.prompt is not None and signals.prompt.status is not Status.OK:
        return True
    return any(img is not None and bool(img.failed) for img in (signals.source, signals.output))


def _explain(signals: Signals) -> dict[str, object]:
    out: dict[str, object] = {}
    analysis, probability = _prompt(signals)
    if analysis is not None:
        out["prompt"] = {
            **analysis.to_dict(),
            "probability": None if probability is None else round(probability, 4),
            "concepts": [m.to_dict() for m in analysis.matches if m.concept.value not in ("CLAUSE_BREAK",)],
        }
    for img in (signals.source, signals.output):
        if img is not None:
            out[img.role] = {
                "persons": img.persons,
                "faces": len(img.faces),
                "possible_minor": img.possible_minor,
                "exposure": img.exposure,
                "same_person_as_source": img.same_person_as_source,
                "failed": sorted(img.failed),
            }
    return out
