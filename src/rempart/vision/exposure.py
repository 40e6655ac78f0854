"""Exposure grading on the 0-5 scale of ``ExposureLevel``, per person and for the whole image.

Inputs: NudeNet body regions (``vision.regions``), the open_nsfw whole-image score (``vision.nsfw``)
and the faces. Regions are attributed to the face whose body zone (two face widths either side,
half a face height above to eight below) holds their centre, nearest face first; regions no face
claims form faceless persons (grouped by overlap). Each person's level is the highest level any of
its regions reaches by ``REGION_RULES`` (label -> score thresholds per level), plus two combinations:
an exposed belly with covered breasts or genitals is swimwear/underwear (2), and two or more persons
at explicit nudity (4) whose boxes touch (grown by half a face width) is graded *possible sexual
activity* (5), the only level-5 cue the models allow. The whole image takes the highest person
level, raised to a floor set by the open_nsfw score (>= 0.85: 3, >= 0.60: 2, >= 0.40: 1), which
catches what regions miss (implied nudity, crops). Thresholds and their calibration are in
docs/exposure.md; the policy, not this module, decides what a level means.

Labels: ``exposure_level`` (score = the evidence's confidence; evidence: level, person, regions),
``region:<NUDENET_CLASS>`` (score = NudeNet's score), ``nsfw`` (score = open_nsfw probability).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from rempart.media.image import LoadedImage
from rempart.signals import DetectorResult, Evidence, Finding, ModelInfo, run_detector
from rempart.vision.backends import NsfwBackend, RegionBackend
from rempart.vision.faces import FACE_REGION_LABELS
from rempart.vision.values import Box, ExposureSignal, PersonSignal, RawFace, Region
from rempart.vocabulary import ExposureLevel

E = ExposureLevel

REGION_RULES: Final[Mapping[str, tuple[tuple[float, ExposureLevel], ...]]] = {
    # label: ((min score, level), ...), highest level first; a region reaches the first level it clears.
    # Thresholds sit above the highest score each label reached on 168 benign images (docs/exposure.md).
    "FEMALE_GENITALIA_EXPOSED": ((0.40, E.EXPLICIT_NUDITY), (0.30, E.PARTIAL_NUDITY)),
    "MALE_GENITALIA_EXPOSED": ((0.40, E.EXPLICIT_NUDITY), (0.30, E.PARTIAL_NUDITY)),
    "ANUS_EXPOSED": ((0.40, E.EXPLICIT_NUDITY), (0.30, E.PARTIAL_NUDITY)),
    "FEMALE_BREAST_EXPOSED": ((0.45, E.EXPLICIT_NUDITY), (0.30, E.PARTIAL_NUDITY)),
    "BUTTOCKS_EXPOSED": ((0.45, E.EXPLICIT_NUDITY), (0.30, E.PARTIAL_NUDITY)),  # benign max 0.26
    "FEMALE_GENITALIA_COVERED": ((0.50, E.SWIMWEAR_UNDERWEAR), (0.40, E.REVEALING)),
    "ANUS_COVERED": ((0.50, E.SWIMWEAR_UNDERWEAR), (0.40, E.REVEALING)),
    "BUTTOCKS_COVERED": ((0.70, E.SWIMWEAR_UNDERWEAR), (0.60, E.REVEALING)),  # benign max 0.51 (a suit)
    "FEMALE_BREAST_COVERED": ((0.60, E.SWIMWEAR_UNDERWEAR), (0.45, E.REVEALING)),  # benign max 0.35 (a slip dress)
    "MALE_BREAST_EXPOSED": ((0.50, E.SWIMWEAR_UNDERWEAR), (0.35, E.REVEALING)),
    "BELLY_EXPOSED": ((0.40, E.REVEALING),),
    # Recorded but never raising the level: everyday clothing shows these.
    "ARMPITS_EXPOSED": (),
    "ARMPITS_COVERED": (),
    "BELLY_COVERED": (),
    "FEET_EXPOSED": (),
    "FEET_COVERED": (),
}

SWIMWEAR_PAIR_MIN: Final = 0.40
"""An exposed belly (>= 0.40) with a covered breast or genital region at this score is level 2."""

NSFW_FLOORS: Final[tuple[tuple[float, ExposureLevel], ...]] = (
    (0.85, E.PARTIAL_NUDITY),
    (0.60, E.SWIMWEAR_UNDERWEAR),
    (0.40, E.REVEALING),  # benign max 0.30 (a blurred group photo)
)

MIN_FACELESS_SCORE: Final = 0.30
"""A region no face claims makes a faceless person only from this score on."""


@dataclass(frozen=True, slots=True)
class RegionGrade:
    region: Region
    level: ExposureLevel


def grade_region(region: Region) -> ExposureLevel:
    for threshold, level in REGION_RULES.get(region.label, ()):
        if region.score >= threshold:
            return level
    return E.EVERYDAY


def grade_regions(regions: Sequence[Region]) -> tuple[ExposureLevel, tuple[str, ...]]:
    """The level of one person's regions, with the reasons that set it."""
    level = E.EVERYDAY
    reasons: list[str] = []
    for region in regions:
        graded = grade_region(region)
        if graded > E.EVERYDAY:
            reasons.append(f"{region.label} {region.score:.2f} -> {int(graded)}")
        level = max(level, graded)
    belly = any(r.label == "BELLY_EXPOSED" and r.score >= 0.40 for r in regions)
    covered = any(
        r.label in ("FEMALE_BREAST_COVERED", "FEMALE_GENITALIA_COVERED", "BUTTOCKS_COVERED")
        and r.score >= SWIMWEAR_PAIR_MIN
        for r in regions
    )
    if belly and covered and level < E.SWIMWEAR_UNDERWEAR:
        level = E.SWIMWEAR_UNDERWEAR
        reasons.append("exposed belly with covered breasts/genitals -> 2")
    return level, tuple(reasons)


def body_zone(face: Box, width: int, height: int) -> Box:
    """Where a face's body is expected: 2 face widths either side, 0.5 heights above to 8 below."""
    x0 = round(face.x - 2.0 * face.w)
    y0 = round(face.y - 0.5 * face.h)
    return Box(x0, y0, round(5.0 * face.w), round(8.5 * face.h)).clip(width, height)


def group_persons(
    faces: Sequence[RawFace], regions: Sequence[Region], width: int, height: int
) -> tuple[tuple[Box, int | None, tuple[Region, ...]], ...]:
    """(box, face index or None, regions) per person: one per face, plus faceless groups."""
    body = [r for r in regions if r.label not in FACE_REGION_LABELS]
    zones = [body_zone(f.box, width, height) for f in faces]
    claimed: list[list[Region]] = [[] for _ in faces]
    loose: list[Region] = []
    for region in body:
        cx, cy = region.box.center
        candidates = [i for i, zone in enumerate(zones) if zone.contains_point(cx, cy)]
        if not candidates:
            loose.append(region)
            continue

        def distance(i: int, cx: float = cx, cy: float = cy) -> float:
            fx, fy = faces[i].box.center
            return (abs(cx - fx) / max(faces[i].box.w, 1)) + 0.25 * (abs(cy - fy) / max(faces[i].box.h, 1))

        claimed[min(candidates, key=distance)].append(region)
    persons: list[tuple[Box, int | None, tuple[Region, ...]]] = []
    for i, face in enumerate(faces):
        box = face.box
        for region in claimed[i]:
            box = box.union(region.box)
        persons.append((box, i, tuple(claimed[i])))
    for group in _overlap_groups([r for r in loose if r.score >= MIN_FACELESS_SCORE]):
        box = group[0].box
        for region in group[1:]:
            box = box.union(region.box)
        persons.append((box, None, tuple(group)))
    return tuple(persons)


def grow(box: Box, factor: float) -> Box:
    """``box`` extended by ``factor`` times its width and height on every side."""
    dx, dy = round(factor * box.w), round(factor * box.h)
    return Box(box.x - dx, box.y - dy, box.w + 2 * dx, box.h + 2 * dy)


def in_contact(a: PersonSignal, b: PersonSignal, faces: Sequence[RawFace]) -> bool:
    """Persons touch when their boxes, grown by half a face width (or 10 %), overlap."""

    def margin(p: PersonSignal) -> int:
        if p.face_index is not None:
            return round(0.5 * faces[p.face_index].box.w)
        return round(0.1 * max(p.box.w, p.box.h))

    ga = Box(a.box.x - margin(a), a.box.y - margin(a), a.box.w + 2 * margin(a), a.box.h + 2 * margin(a))
    gb = Box(b.box.x - margin(b), b.box.y - margin(b), b.box.w + 2 * margin(b), b.box.h + 2 * margin(b))
    return ga.iou(gb) > 0.0


def _overlap_groups(regions: Sequence[Region]) -> list[list[Region]]:
    """Connected groups of regions whose boxes, grown by their own size on every side, intersect."""
    parent = list(range(len(regions)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    grown = [grow(r.box, 1.0) for r in regions]
    for i in range(len(regions)):
        for j in range(i + 1, len(regions)):
            if grown[i].iou(grown[j]) > 0.0:
                parent[find(i)] = find(j)
    groups: dict[int, list[Region]] = {}
    for i, region in enumerate(regions):
        groups.setdefault(find(i), []).append(region)
    return list(groups.values())


def grade_image(
    faces: Sequence[RawFace], regions: Sequence[Region], nsfw_score: float | None, width: int, height: int
) -> ExposureSignal:
    """Persons with their levels, and the whole-image level with the reasons behind it."""
    persons: list[PersonSignal] = []
    reasons: list[str] = []
    for index, (box, face_index, owned) in enumerate(group_persons(faces, regions, width, height)):
        level, why = grade_regions(owned)
        who = f"person {index}" + (f" (face {face_index})" if face_index is not None else " (no face)")
        reasons.extend(f"{who}: {w}" for w in why)
        persons.append(PersonSignal(index=index, box=box, face_index=face_index, level=level, regions=owned))
    level = max((p.level for p in persons), default=E.EVERYDAY)
    explicit = [p for p in persons if p.level >= E.EXPLICIT_NUDITY]
    if any(in_contact(a, b, faces) for i, a in enumerate(explicit) for b in explicit[i + 1 :]):
        level = E.SEXUAL_ACTIVITY
        reasons.append("two or more persons at explicit nudity in contact -> 5 (possible sexual activity)")
    if nsfw_score is not None:
        for threshold, floor in NSFW_FLOORS:
            if nsfw_score >= threshold:
                if floor > level:
                    reasons.append(f"open_nsfw {nsfw_score:.2f} >= {threshold} -> at least {int(floor)}")
                    level = floor
                break
    else:
        reasons.append("open_nsfw score unavailable: regions only")
    return ExposureSignal(level=level, persons=tuple(persons), nsfw_score=nsfw_score, reasons=tuple(reasons))


def level_confidence(signal: ExposureSignal) -> float:
    """How sure the level is: the best score behind it, or 1 - nsfw for an everyday image."""
    if signal.level == E.EVERYDAY:
        return 1.0 - (signal.nsfw_score or 0.0)
    scores = [r.score for p in signal.persons for r in p.regions if grade_region(r) >= signal.level]
    if signal.nsfw_score is not None:
        scores.append(signal.nsfw_score)
    return min(1.0, max(scores, default=0.5))


class RegionDetector:
    """``vision.regions``: NudeNet body regions (also the source of extra face boxes)."""

    name = "vision.regions"
    version = "1.0"

    def __init__(self, backend: RegionBackend) -> None:
        self.backend = backend
        self._models: tuple[ModelInfo, ...] = ()

    def load(self) -> None:
        self.backend.load()
        self._models = self.backend.model_info()

    def detect(self, image: LoadedImage) -> DetectorResult:
        def run() -> tuple[tuple[Finding, ...], Mapping[str, Any]]:
            regions = self.backend.detect(image.pixels)
            findings = tuple(
                Finding(
                    f"region:{r.label}",
                    r.score,
                    (Evidence("box", "x,y,w,h", detail={"box": r.box.to_list()}),),
                )
                for r in regions
            )
            return findings, {"regions": regions}

        return run_detector(self.name, self.version, run, models=self._models)


class NsfwDetector:
    """``vision.nsfw``: the open_nsfw whole-image probability."""

    name = "vision.nsfw"
    version = "1.0"

    def __init__(self, backend: NsfwBackend) -> None:
        self.backend = backend
        self._models: tuple[ModelInfo, ...] = ()

    def load(self) -> None:
        self.backend.load()
        self._models = self.backend.model_info()

    def detect(self, image: LoadedImage) -> DetectorResult:
        def run() -> tuple[tuple[Finding, ...], Mapping[str, Any]]:
            score = self.backend.score(image.pixels)
            if not 0.0 <= score <= 1.0:
                raise ValueError(f"nsfw backend returned {score!r}, outside [0, 1]")
            return (Finding("nsfw", score, (Evidence("model", "open_nsfw"),)),), {"score": score}

        return run_detector(self.name, self.version, run, models=self._models)


class ExposureGrader:
    """``vision.exposure``: the pure grading step; errors when the regions are unavailable."""

    name = "vision.exposure"
    version = "1.0"

    def load(self) -> None:
        """Nothing to load: the models run in ``RegionDetector`` and ``NsfwDetector``."""

    def detect(
        self,
        image: LoadedImage,
        faces: Sequence[RawFace],
        regions: Sequence[Region] | None,
        nsfw_score: float | None,
    ) -> DetectorResult:
        def run() -> tuple[tuple[Finding, ...], Mapping[str, Any]]:
            if regions is None:
                raise RuntimeError("body regions unavailable (vision.regions failed): exposure not graded")
            signal = grade_image(faces, regions, nsfw_score, image.width, image.height)
            confidence = level_confidence(signal)
            findings = [
                Finding(
                    "exposure_level",
                    confidence,
                    (
                        Evidence(
                            "level",
                            str(int(signal.level)),
                            detail={"label": signal.level.name.lower(), "reasons": list(signal.reasons)},
                        ),
                    ),
                )
            ]
            for person in signal.persons:
                findings.append(
                    Finding(
                        "exposure_level",
                        min(1.0, max([r.score for r in person.regions] + [0.0])),
                        (
                            Evidence(
                                "person",
                                str(person.index),
                                detail={
                                    "level": int(person.level),
                                    "face": person.face_index,
                                    "box": person.box.to_list(),
                                },
                            ),
                        ),
                    )
                )
            return tuple(findings), {"exposure": signal}

        return run_detector(self.name, self.version, run)
