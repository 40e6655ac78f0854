"""Pure rules of the vision stack: age bands and flags, exposure grading, persons, face merging, identity."""

from __future__ import annotations

import pytest

from rempart.vision.age import AgeRule, apparent_age, assess, fraction_below, presentation_of
from rempart.vision.exposure import (
    REGION_RULES,
    body_zone,
    grade_image,
    grade_region,
    grade_regions,
    group_persons,
    level_confidence,
)
from rempart.vision.faces import merge_faces, reframe_region_face
from rempart.vision.fakes import nudge, unit_vector
from rempart.vision.identity import DEFAULT_THRESHOLD, distance, match_embeddings
from rempart.vision.onnx_backends import NUDENET_LABELS
from rempart.vision.values import AgeGenderRaw, Box, Presentation, RawFace, Region
from rempart.vocabulary import ExposureLevel as E

RULE = AgeRule()
FACE = Box(100, 100, 80, 80)


def face(box: Box = FACE) -> RawFace:
    return RawFace(box=box, score=0.9, source="hog")


def below_face(label: str, score: float, face_box: Box = FACE, dy: float = 2.0) -> Region:
    """A region centred under ``face_box`` (in its body zone)."""
    return Region(label, score, Box(face_box.x, round(face_box.y + dy * face_box.h), face_box.w, face_box.h))


# --- apparent age -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expected", "spread", "minor", "challenge"),
    [
        (10.0, 2.0, True, True),
        (16.0, 1.0, True, True),
        (23.5, 1.0, True, True),  # 23.5 - 6 = 17.5 < 18
        (24.5, 1.0, False, True),  # band low 18.5, estimate under 25: challenge only
        (26.0, 1.0, False, False),
        (30.0, 13.0, True, True),  # the model's own spread widens the band
        (45.0, 3.0, False, False),
    ],
)
def test_possible_minor_and_challenge_25(expected: float, spread: float, minor: bool, challenge: bool) -> None:
    a = assess(AgeGenderRaw(expected, spread, 0.5), FACE, RULE)
    assert a.possible_minor is minor
    assert a.possible_minor_challenge25 is challenge
    assert a.apparent_age.low <= a.apparent_age.estimate <= a.apparent_age.high


def test_band_is_wider_for_small_faces() -> None:
    big = apparent_age(AgeGenderRaw(30, 2, 0.5), Box(0, 0, 120, 120), RULE)
    small = apparent_age(AgeGenderRaw(30, 2, 0.5), Box(0, 0, 30, 30), RULE)
    assert small.high - small.low > big.high - big.low
    assert assess(AgeGenderRaw(26, 1, 0.5), Box(0, 0, 30, 30), RULE).possible_minor  # 26 - 9 < 18


def test_band_is_clipped_to_model_range() -> None:
    age = apparent_age(AgeGenderRaw(2.0, 1.0, 0.5), FACE, RULE)
    assert age.low == 0.0
    assert apparent_age(AgeGenderRaw(79.0, 1.0, 0.5), FACE, RULE).high == 80.0


def test_fraction_below_ranks_younger_faces_higher() -> None:
    scores = [fraction_below(apparent_age(AgeGenderRaw(e, 2, 0.5), FACE, RULE), 18) for e in (12, 16, 20, 23)]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)


def test_presentation_thresholds() -> None:
    assert presentation_of(0.95, RULE) is Presentation.FEMALE
    assert presentation_of(0.05, RULE) is Presentation.MALE
    assert presentation_of(0.5, RULE) is Presentation.UNKNOWN


def test_age_rule_validation() -> None:
    with pytest.raises(ValueError):
        AgeRule(minor_age=30, challenge_age=25)
    with pytest.raises(ValueError):
        AgeRule(female_above=0.2, male_below=0.8)


def test_custom_challenge_age() -> None:
    rule = AgeRule(challenge_age=30)
    assert assess(AgeGenderRaw(28, 1, 0.5), FACE, rule).possible_minor_challenge25


# --- exposure ---------------------------------------------------------------------------------------


def test_every_nudenet_label_has_a_rule() -> None:
    assert set(REGION_RULES) >= set(NUDENET_LABELS) - {"FACE_FEMALE", "FACE_MALE"}


@pytest.mark.parametrize(
    ("label", "score", "level"),
    [
        ("FEMALE_BREAST_EXPOSED", 0.8, E.EXPLICIT_NUDITY),
        ("FEMALE_BREAST_EXPOSED", 0.3, E.PARTIAL_NUDITY),
        ("MALE_GENITALIA_EXPOSED", 0.6, E.EXPLICIT_NUDITY),
        ("BUTTOCKS_EXPOSED", 0.35, E.PARTIAL_NUDITY),
        ("FEMALE_GENITALIA_COVERED", 0.7, E.SWIMWEAR_UNDERWEAR),
        ("FEMALE_BREAST_COVERED", 0.45, E.REVEALING),
        ("FEMALE_BREAST_COVERED", 0.35, E.EVERYDAY),  # a slip dress in the benign set scored 0.35
        ("BUTTOCKS_COVERED", 0.51, E.EVERYDAY),  # a man's suit in the benign set scored 0.51
        ("MALE_BREAST_EXPOSED", 0.6, E.SWIMWEAR_UNDERWEAR),
        ("BELLY_EXPOSED", 0.5, E.REVEALING),
        ("ARMPITS_EXPOSED", 0.9, E.EVERYDAY),
        ("FEET_EXPOSED", 0.9, E.EVERYDAY),
        ("UNKNOWN_LABEL", 0.9, E.EVERYDAY),
    ],
)
def test_region_levels(label: str, score: float, level: E) -> None:
    assert grade_region(Region(label, score, Box(0, 0, 10, 10))) == level


def test_levels_rank_with_score() -> None:
    levels = [grade_region(Region("FEMALE_BREAST_EXPOSED", s, Box(0, 0, 5, 5))) for s in (0.1, 0.3, 0.5, 0.9)]
    assert levels == sorted(levels)


def test_belly_with_covered_breasts_is_swimwear() -> None:
    level, reasons = grade_regions(
        [Region("BELLY_EXPOSED", 0.6, Box(0, 0, 9, 9)), Region("FEMALE_BREAST_COVERED", 0.42, Box(0, 0, 9, 9))]
    )
    assert level == E.SWIMWEAR_UNDERWEAR
    assert any("belly" in r for r in reasons)


def test_regions_are_attributed_to_the_nearest_face() -> None:
    left, right = Box(50, 50, 60, 60), Box(400, 50, 60, 60)
    regions = [below_face("FEMALE_BREAST_EXPOSED", 0.9, right), below_face("BELLY_EXPOSED", 0.5, left)]
    persons = group_persons([face(left), face(right)], regions, 600, 800)
    assert len(persons) == 2
    assert [r.label for r in persons[1][2]] == ["FEMALE_BREAST_EXPOSED"]
    signal = grade_image([face(left), face(right)], regions, 0.1, 600, 800)
    assert [p.level for p in signal.persons] == [E.REVEALING, E.EXPLICIT_NUDITY]
    assert signal.level == E.EXPLICIT_NUDITY


def test_faceless_regions_make_a_person() -> None:
    regions = [
        Region("BUTTOCKS_EXPOSED", 0.8, Box(500, 500, 50, 50)),
        Region("FEET_EXPOSED", 0.5, Box(510, 600, 20, 20)),
    ]
    signal = grade_image([face()], regions, None, 1000, 1000)
    faceless = [p for p in signal.persons if p.face_index is None]
    assert len(faceless) == 1 and faceless[0].level == E.EXPLICIT_NUDITY
    assert signal.level == E.EXPLICIT_NUDITY
    assert "open_nsfw score unavailable" in " ".join(signal.reasons)


def test_weak_faceless_regions_are_ignored() -> None:
    signal = grade_image([], [Region("FEET_COVERED", 0.22, Box(0, 0, 10, 10))], 0.01, 100, 100)
    assert signal.persons == ()
    assert signal.level == E.EVERYDAY


def test_two_explicit_persons_in_contact_is_level_5() -> None:
    a, b = Box(100, 100, 60, 60), Box(170, 100, 60, 60)
    regions = [below_face("FEMALE_GENITALIA_EXPOSED", 0.8, a, 3.0), below_face("MALE_GENITALIA_EXPOSED", 0.8, b, 3.0)]
    signal = grade_image([face(a), face(b)], regions, 0.95, 800, 800)
    assert signal.level == E.SEXUAL_ACTIVITY


def test_two_explicit_persons_apart_stay_level_4() -> None:
    a, b = Box(10, 10, 40, 40), Box(700, 10, 40, 40)
    regions = [below_face("FEMALE_BREAST_EXPOSED", 0.8, a), below_face("FEMALE_BREAST_EXPOSED", 0.8, b)]
    assert grade_image([face(a), face(b)], regions, 0.9, 800, 800).level == E.EXPLICIT_NUDITY


@pytest.mark.parametrize(
    ("nsfw", "level"),
    [
        (0.05, E.EVERYDAY),
        (0.30, E.EVERYDAY),
        (0.45, E.REVEALING),
        (0.65, E.SWIMWEAR_UNDERWEAR),
        (0.9, E.PARTIAL_NUDITY),
    ],
)
def test_nsfw_score_sets_a_floor(nsfw: float, level: E) -> None:
    signal = grade_image([face()], [], nsfw, 500, 500)
    assert signal.level == level
    assert 0.0 <= level_confidence(signal) <= 1.0


def test_nsfw_floor_never_lowers_a_region_level() -> None:
    assert grade_image([face()], [below_face("FEMALE_BREAST_EXPOSED", 0.9)], 0.01, 500, 500).level == E.EXPLICIT_NUDITY


def test_body_zone_is_below_and_around_the_face() -> None:
    zone = body_zone(Box(100, 100, 50, 50), 2000, 2000)
    assert zone.contains_point(125, 400) and not zone.contains_point(125, 20)


# --- faces ------------------------------------------------------------------------------------------


def test_region_faces_fill_in_what_hog_missed() -> None:
    hog = [RawFace(Box(100, 100, 80, 80), 0.9, "hog")]
    regions = [
        Region("FACE_FEMALE", 0.7, Box(95, 100, 90, 90)),  # same face: merged
        Region("FACE_MALE", 0.6, Box(400, 300, 40, 44)),  # missed by HOG: added
        Region("FACE_MALE", 0.2, Box(600, 300, 40, 44)),  # too weak: ignored
        Region("BELLY_EXPOSED", 0.9, Box(400, 400, 40, 40)),
    ]  # not a face
    faces = merge_faces(hog, regions, 800, 600, min_region_score=0.35)
    assert [f.source for f in faces] == ["hog+nudenet", "nudenet"]
    added = faces[1].box
    assert added.w == added.h and added.contains_point(420, 318)


def test_reframed_box_stays_inside_the_image() -> None:
    box = reframe_region_face(Box(0, 0, 30, 30), 20, 20)
    assert box.x >= 0 and box.y >= 0 and box.right <= 20 and box.bottom <= 20


# --- identity ---------------------------------------------------------------------------------------


def test_match_uses_the_closest_pair() -> None:
    alice, bob = unit_vector(1), unit_vector(2)
    result = match_embeddings([bob, alice], [nudge(alice, 0.3)])
    assert result.same_person and result.face_a == 1 and result.face_b == 0
    assert result.distance == pytest.approx(0.3)


def test_far_faces_are_different_people() -> None:
    result = match_embeddings([unit_vector(1)], [unit_vector(2)])
    assert not result.same_person and result.distance is not None and result.distance > DEFAULT_THRESHOLD


def test_threshold_is_inclusive_and_configurable() -> None:
    a = unit_vector(3)
    assert match_embeddings([a], [nudge(a, 0.5)], threshold=0.5).same_person
    assert not match_embeddings([a], [nudge(a, 0.5)], threshold=0.4).same_person


def test_missing_faces_give_a_reason() -> None:
    assert match_embeddings([], [unit_vector(1)]).reason == "no face in image A"
    assert match_embeddings([unit_vector(1)], []).reason == "no face in image B"
    assert match_embeddings([None], [unit_vector(1)]).reason is not None


def test_distance_rejects_mismatched_sizes() -> None:
    with pytest.raises(ValueError):
        distance([0.0, 1.0], [0.0])


def test_weak_unconfirmed_hog_faces_are_dropped() -> None:
    hog = [
        RawFace(Box(0, 0, 80, 80), 0.53, "hog", raw_score=0.07),
        RawFace(Box(200, 0, 80, 80), 0.6, "hog", 0.1),
        RawFace(Box(400, 0, 80, 80), 0.8, "hog", raw_score=0.9),
    ]
    regions = [Region("FACE_MALE", 0.5, Box(205, 5, 70, 75))]
    faces = merge_faces(hog, regions, 600, 200, min_region_score=0.35)
    assert sorted(f.box.x for f in faces) == [200, 400]  # the weak one survives only when NudeNet confirms it
