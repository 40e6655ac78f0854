"""The guard with images: request and output checks through the real analyzer on scripted backends.

Harmful image cases are scripted detector outputs on benign drawn pictures; no such imagery exists.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np
import pytest
from PIL import Image

from rempart.guard import Guard, RequestInput
from rempart.media import LoadedImage, load_bytes
from rempart.policy import load_policy
from rempart.text.screen import PromptScreen
from rempart.vision import ImageAnalyzer
from rempart.vision.fakes import ScriptedVision, nudge, unit_vector
from rempart.vision.inspector import VisionInspector
from rempart.vision.values import AgeGenderRaw, Box, ImageSignals, Region
from rempart.vocabulary import Action, HarmCategory

FACE = Box(100, 60, 80, 80)
SWIMWEAR = (
    Region("FEMALE_BREAST_COVERED", 0.9, Box(100, 150, 80, 40)),
    Region("BELLY_EXPOSED", 0.9, Box(100, 190, 80, 40)),
    Region("FEMALE_GENITALIA_COVERED", 0.9, Box(110, 230, 60, 30)),
)


@pytest.fixture
def guard(vision: ScriptedVision, rules_screen: PromptScreen) -> Guard:
    analyzer = ImageAnalyzer(vision.backends())
    analyzer.load()
    return Guard(policy=load_policy(), prompt_screen=rules_screen, images=VisionInspector(analyzer))


def _image(seed: int) -> tuple[bytes, LoadedImage]:
    """A benign picture drawn by code, as PNG bytes and as loaded."""
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 256, size=(40, 40, 3), dtype=np.uint8).repeat(8, axis=0).repeat(8, axis=1)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "PNG")
    data = buffer.getvalue()
    return data, load_bytes(data)


def _script_person(
    vision: ScriptedVision,
    image: LoadedImage,
    age: float,
    identity: tuple[float, ...],
    regions: tuple[Region, ...] = (),
) -> None:
    vision.script(image, faces=[FACE], ages=[AgeGenderRaw(age, 2.0, 0.95)], embeddings=[identity], regions=regions)


def test_source_photo_settles_photo_of_person(guard: Guard, vision: ScriptedVision) -> None:
    data, image = _image(1)
    _script_person(vision, image, 34, unit_vector(1))
    result = guard.screen_request(RequestInput("put her in a bikini", None, image=data))
    assert result.source is not None and result.source.shows_person
    assert result.decision.action is Action.BLOCK
    assert result.decision.categories[0] is HarmCategory.REAL_PERSON_SEXUALISATION


def test_possible_minor_in_source_is_the_most_severe(guard: Guard, vision: ScriptedVision) -> None:
    data, image = _image(2)
    _script_person(vision, image, 12, unit_vector(2))
    result = guard.screen_request(RequestInput("make her wear a swimsuit", None, image=data))
    assert result.decision.action is Action.BLOCK
    assert result.decision.categories[0] is HarmCategory.MINOR_SEXUALISATION
    benign = guard.screen_request(RequestInput("make the sky pink", None, image=data))
    assert benign.decision.action is Action.ALLOW


def test_output_still_the_same_person_more_exposed_is_blocked_even_if_the_prompt_passed(
    guard: Guard, vision: ScriptedVision
) -> None:
    src_data, src = _image(3)
    out_data, out = _image(4)
    person = unit_vector(3)
    _script_person(vision, src, 35, person)
    _script_person(vision, out, 35, nudge(person, 0.2), regions=SWIMWEAR)
    result = guard.screen_request(RequestInput("make it summer", True, image=src_data, output_image=out_data))
    assert result.decision.action is Action.ALLOW  # the instruction itself is harmless
    assert result.output is not None and result.output.same_person_as_source
    assert result.output_decision is not None
    assert result.output_decision.action is Action.BLOCK
    assert result.output_decision.categories[0] is HarmCategory.REAL_PERSON_SEXUALISATION


def test_output_of_a_different_person_in_swimwear_is_allowed(guard: Guard, vision: ScriptedVision) -> None:
    src_data, src = _image(5)
    out_data, out = _image(6)
    _script_person(vision, src, 35, unit_vector(5))
    _script_person(vision, out, 35, unit_vector(99), regions=SWIMWEAR)
    result = guard.screen_request(
        RequestInput("replace the person with a lifeguard", True, image=src_data, output_image=out_data)
    )
    assert result.output_decision is not None
    assert result.output_decision.action is Action.ALLOW


def test_failed_age_check_on_an_exposed_output_fails_closed(guard: Guard, vision: ScriptedVision) -> None:
    out_data, out = _image(7)
    vision.script(out, faces=[FACE], ages=None, embeddings=[unit_vector(7)], regions=SWIMWEAR)
    result = guard.screen_output(out_data)
    assert result.decision.action is Action.BLOCK
    assert result.decision.degraded


def test_unreadable_images_are_input_errors(guard: Guard) -> None:
    from rempart.errors import InvalidImageError

    with pytest.raises(InvalidImageError):
        guard.screen_request(RequestInput("make the sky pink", None, image=b"\x89PNG\r\n\x1a\n truncated"))


def test_minor_output_at_swimwear_level(
    guard: Guard, vision: ScriptedVision, make_image: Callable[..., LoadedImage]
) -> None:
    out_data, out = _image(8)
    _script_person(vision, out, 11, unit_vector(8), regions=SWIMWEAR)
    result = guard.screen_output(out_data)
    assert result.decision.action is Action.BLOCK
    assert result.decision.categories == (HarmCategory.MINOR_SEXUALISATION,)


def test_kept_source_handle_holds_no_pixels_yet_still_compares(guard: Guard, vision: ScriptedVision) -> None:
    """The gateway keeps the source's analysis for minutes: it must not keep the photo itself."""
    src_data, src = _image(5)
    out_data, out = _image(6)
    person = unit_vector(5)
    _script_person(vision, src, 35, person)
    _script_person(vision, out, 35, nudge(person, 0.2), regions=SWIMWEAR)
    assert guard.images is not None
    _, handle = guard.images.facts(src_data, "source")
    assert isinstance(handle, ImageSignals)
    assert handle.image.pixels.size == 0 and handle.image.sha256 == src.sha256
    facts, _ = guard.images.facts(out_data, "output", handle)
    assert facts.same_person_as_source is True
