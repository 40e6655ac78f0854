"""The bridge from the vision stack to the policy: ``ImageSignals`` in, ``ImageFacts`` out.

``VisionInspector`` implements the guard's ``ImageInspector`` protocol: it loads an image (bytes,
base64 ``data:`` URL or path; ``InvalidImageError`` on bad input), runs the ``ImageAnalyzer``, and
reduces its signals to the facts the pure policy reasons about. Detector failures become the
``failed`` set of ``ImageFacts`` (the policy fails closed on them):

    vision.faces    -> faces, age, identity   (no faces means no age and no identity either)
    vision.age      -> age
    vision.regions, vision.nsfw, vision.exposure -> exposure (when no exposure level could be set)
    vision.identity -> identity
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from rempart.media.loading import DEFAULT_LIMITS, ImageLimits, load_image
from rempart.policy.decision import FaceFacts, ImageFacts
from rempart.signals import ModelInfo, Status
from rempart.vision.age import AgeRule
from rempart.vision.analyzer import AnalyzerConfig, ImageAnalyzer
from rempart.vision.values import ImageSignals

_FAILED_MEANS: dict[str, frozenset[str]] = {
    "vision.faces": frozenset({"faces", "age", "identity"}),
    "vision.age": frozenset({"age"}),
    "vision.regions": frozenset({"exposure"}),
    "vision.nsfw": frozenset({"exposure"}),
    "vision.exposure": frozenset({"exposure"}),
    "vision.identity": frozenset({"identity"}),
}


def facts_of(signals: ImageSignals, role: str) -> ImageFacts:
    """The policy's view of one analysed image."""
    failed: set[str] = set()
    for result in signals.results:
        if result.status in (Status.ERROR, Status.TIMEOUT):
            failed |= _FAILED_MEANS.get(result.detector, frozenset())
    exposure = signals.exposure
    if exposure is not None:
        failed.discard("exposure")  # a level was still set from the detectors that did run
    faces = tuple(
        FaceFacts(
            age_estimate=f.apparent_age.estimate if f.apparent_age else None,
            age_low=f.apparent_age.low if f.apparent_age else None,
            age_high=f.apparent_age.high if f.apparent_age else None,
            possible_minor=f.possible_minor,
            under_challenge_age=f.possible_minor_challenge25,
            presentation=str(f.presentation.value),
        )
        for f in signals.faces
    )
    return ImageFacts(
        role=role,
        persons=len(signals.persons),
        faces=faces,
        exposure=int(exposure.level) if exposure is not None else None,
        nsfw_score=exposure.nsfw_score if exposure is not None else None,
        failed=frozenset(failed),
    )


class VisionInspector:
    """``ImageInspector`` over the real models (or any ``ImageAnalyzer``, e.g. one on fakes)."""

    def __init__(
        self,
        analyzer: ImageAnalyzer | None = None,
        *,
        challenge_age: int = 25,
        limits: ImageLimits = DEFAULT_LIMITS,
    ) -> None:
        if analyzer is None:
            analyzer = ImageAnalyzer(config=AnalyzerConfig(age_rule=AgeRule(challenge_age=float(challenge_age))))
        self.analyzer = analyzer
        self.limits = limits

    def load(self) -> None:
        self.analyzer.load()

    def model_info(self) -> tuple[ModelInfo, ...]:
        return self.analyzer.model_info()

    def analyse(self, image: bytes | str, role: str) -> ImageSignals:
        self.analyzer.load()
        loaded = load_image(image, limits=self.limits)
        # A source photo is embedded now for the later same-person test; an output only when needed.
        return self.analyzer.analyze(loaded, identity=True if role == "source" else None)

    def facts(self, image: bytes | str, role: str, source: object | None = None) -> tuple[ImageFacts, object]:
        """The image's facts and a handle for a later same-person test: the signals without the
        decoded pixels (callers keep handles for minutes; the pixels are megabytes of a real
        person's photo that nothing needs once the detectors have run)."""
        signals = self.analyse(image, role)
        facts = facts_of(signals, role)
        if role == "output" and isinstance(source, ImageSignals) and source.faces:
            identity = signals.result("vision.identity")
            if identity is None or identity.status is not Status.SKIPPED:  # skipped: too little exposure to matter
                match = self.analyzer.compare(source, signals)
                facts = replace(facts, same_person_as_source=match.same_person, identity_distance=match.distance)
        return facts, without_pixels(signals)


def without_pixels(signals: ImageSignals) -> ImageSignals:
    """``signals`` with its image's pixels dropped (shape, digest and format kept)."""
    return replace(signals, image=replace(signals.image, pixels=_NO_PIXELS))


_NO_PIXELS = np.zeros((0, 0, 3), dtype=np.uint8)
_NO_PIXELS.setflags(write=False)
