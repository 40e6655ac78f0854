"""Apparent age with an uncertainty band, and apparent gender presentation, per face.

The backend reports the mean and spread of the age network's distribution over 0-80 years. That
network is over-confident (spreads of 1-10 years on adults whose true ages it misses by more), so
the band is ``estimate +/- max(base_margin, spread_factor x spread)``, widened by
``small_face_factor`` when the face is narrower than ``small_face_px`` (the 64 px age chip is then
upsampled and the estimate is less reliable). A face is a *possible minor* when the band's low end is
under ``minor_age`` (18); under the *challenge 25* rule it is one when the estimate is under
``challenge_age`` (25), or it is a possible minor already, and the policy applies that flag to any
request above everyday clothing. With the default 6-year margin, possible_minor starts at an
estimate of 24, so both flags matter. Recall on real minors is untested (no such images were used);
see docs/exposure.md.

Labels: ``possible_minor`` and ``possible_minor_challenge25`` (score = fraction of the band under the
cut-off), ``presentation_female`` / ``presentation_male`` / ``presentation_unknown`` (score = the
probability of the presented side).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rempart.media.image import LoadedImage
from rempart.signals import DetectorResult, Evidence, Finding, ModelInfo, run_detector
from rempart.vision.backends import AgeGenderBackend
from rempart.vision.values import AgeGenderRaw, ApparentAge, Box, FaceGeometry, Presentation


@dataclass(frozen=True, slots=True)
class AgeRule:
    """How an age distribution becomes a band and flags. Defaults are documented in docs/exposure.md."""

    minor_age: float = 18.0
    challenge_age: float = 25.0
    base_margin: float = 6.0
    spread_factor: float = 1.0
    small_face_px: int = 48
    small_face_factor: float = 1.5
    female_above: float = 0.7
    male_below: float = 0.3
    max_age: float = 80.0

    def __post_init__(self) -> None:
        if not 0 < self.minor_age <= self.challenge_age:
            raise ValueError("need 0 < minor_age <= challenge_age")
        if self.base_margin < 0 or self.spread_factor < 0 or self.small_face_factor < 1:
            raise ValueError("margins must be non-negative and small_face_factor >= 1")
        if not 0 <= self.male_below <= self.female_above <= 1:
            raise ValueError("need 0 <= male_below <= female_above <= 1")


def apparent_age(raw: AgeGenderRaw, box: Box, rule: AgeRule) -> ApparentAge:
    margin = max(rule.base_margin, rule.spread_factor * raw.spread)
    if min(box.w, box.h) < rule.small_face_px:
        margin *= rule.small_face_factor
    estimate = min(max(raw.expected_age, 0.0), rule.max_age)
    return ApparentAge(estimate=estimate, low=max(0.0, estimate - margin), high=min(rule.max_age, estimate + margin))


def fraction_below(age: ApparentAge, cut: float) -> float:
    """Share of the band [low, high] that lies under ``cut`` (1.0 when the whole band is under it)."""
    if age.high <= age.low:
        return 1.0 if age.estimate < cut else 0.0
    return min(1.0, max(0.0, (cut - age.low) / (age.high - age.low)))


def presentation_of(p_female: float, rule: AgeRule) -> Presentation:
    if p_female >= rule.female_above:
        return Presentation.FEMALE
    if p_female <= rule.male_below:
        return Presentation.MALE
    return Presentation.UNKNOWN


@dataclass(frozen=True, slots=True)
class AgeAssessment:
    """One face's age band, flags and presentation, as the analyzer puts them on ``FaceSignal``."""

    apparent_age: ApparentAge
    possible_minor: bool
    possible_minor_challenge25: bool
    presentation: Presentation
    p_female: float


def assess(raw: AgeGenderRaw, box: Box, rule: AgeRule) -> AgeAssessment:
    age = apparent_age(raw, box, rule)
    minor = age.low < rule.minor_age
    return AgeAssessment(
        apparent_age=age,
        possible_minor=minor,
        possible_minor_challenge25=minor or age.estimate < rule.challenge_age,
        presentation=presentation_of(raw.p_female, rule),
        p_female=raw.p_female,
    )


class AgeDetector:
    """``vision.age``: apparent age band, possible-minor flags and presentation for each aligned face."""

    name = "vision.age"
    version = "1.0"

    def __init__(self, backend: AgeGenderBackend, rule: AgeRule | None = None) -> None:
        self.backend = backend
        self.rule = rule or AgeRule()
        self._models: tuple[ModelInfo, ...] = ()

    def load(self) -> None:
        self.backend.load()
        self._models = self.backend.model_info()

    def detect(self, image: LoadedImage, faces: Sequence[FaceGeometry]) -> DetectorResult:
        def run() -> tuple[tuple[Finding, ...], Mapping[str, Any]]:
            raws = self.backend.estimate(image.pixels, faces) if faces else ()
            if len(raws) != len(faces):
                raise RuntimeError(f"age backend returned {len(raws)} estimates for {len(faces)} faces")
            assessments = tuple(assess(raw, face.box, self.rule) for raw, face in zip(raws, faces, strict=True))
            findings: list[Finding] = []
            for index, (face, a) in enumerate(zip(faces, assessments, strict=True)):
                evidence = (
                    Evidence(
                        "face",
                        str(index),
                        detail={
                            "box": face.box.to_list(),
                            **a.apparent_age.to_dict(),
                            "p_female": round(a.p_female, 4),
                        },
                    ),
                )
                if a.possible_minor:
                    findings.append(
                        Finding("possible_minor", fraction_below(a.apparent_age, self.rule.minor_age), evidence)
                    )
                if a.possible_minor_challenge25:
                    findings.append(
                        Finding(
                            "possible_minor_challenge25",
                            fraction_below(a.apparent_age, self.rule.challenge_age),
                            evidence,
                        )
                    )
                side = a.p_female if a.presentation is not Presentation.MALE else 1.0 - a.p_female
                findings.append(Finding(f"presentation_{a.presentation.value}", side, evidence))
            return tuple(findings), {"assessments": assessments}

        return run_detector(self.name, self.version, run, models=self._models)
