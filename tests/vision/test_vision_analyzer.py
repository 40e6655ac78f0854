"""The analyzer on scripted fakes: signals assembled right, failures kept as data, fakes fail loudly.

Harmful cases (explicit regions, apparent minors) exist here only as scripted backend outputs on
benign drawn pictures; no such imagery is created.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from rempart.errors import ModelError
from rempart.media import LoadedImage
from rempart.signals import ScriptedBackendError, Status
from rempart.vision import ImageAnalyzer, compare
from rempart.vision.fakes import ScriptedVision, nudge, pixel_key, unit_vector
from rempart.vision.values import AgeGenderRaw, Box, Presentation, Region
from rempart.vocabulary import ExposureLevel as E

MakeImage = Callable[..., LoadedImage]
FACE = Box(100, 60, 80, 80)
DETECTORS = (
    "vision.regions",
    "vision.nsfw",
    "vision.faces",
    "vision.age",
    "vision.identity",
    "vision.exposure",
    "vision.hashes",
    "vision.provenance",
)


def test_benign_portrait(analyzer: ImageAnalyzer, vision: ScriptedVision, make_image: MakeImage) -> None:
    image = make_image(1)
    vision.script(
        image,
        faces=[FACE],
        regions=[Region("FACE_FEMALE", 0.7, Box(98, 62, 84, 86))],
        ages=[AgeGenderRaw(34.0, 4.0, 0.93)],
        embeddings=[unit_vector(1)],
        nsfw=0.02,
    )
    s = analyzer.analyze(image)
    assert [r.detector for r in s.results] == list(DETECTORS)
    assert not s.degraded and s.failed == frozenset()
    (f,) = s.faces
    assert f.box == FACE and f.source == "hog+nudenet"
    assert f.apparent_age is not None and f.apparent_age.low < 34 < f.apparent_age.high
    assert not f.possible_minor and not f.possible_minor_challenge25
    assert f.presentation is Presentation.FEMALE
    assert f.embedding is not None and len(f.embedding) == 128
    assert s.exposure is not None and s.exposure.level == E.EVERYDAY
    assert len(s.persons) == 1
    assert s.hashes is not None and len(s.hashes.pdq) == 64
    assert s.provenance is not None and not s.provenance.c2pa_present


def test_scripted_minor_and_explicit_regions(
    analyzer: ImageAnalyzer, vision: ScriptedVision, make_image: MakeImage
) -> None:
    image = make_image(2, 400, 600)
    vision.script(
        image,
        faces=[FACE],
        ages=[AgeGenderRaw(14.0, 2.0, 0.8)],
        embeddings=[unit_vector(2)],
        regions=[Region("FEMALE_BREAST_EXPOSED", 0.82, Box(100, 200, 80, 60))],
        nsfw=0.91,
    )
    s = analyzer.analyze(image)
    (f,) = s.faces
    assert f.possible_minor and f.possible_minor_challenge25
    assert s.exposure is not None and s.exposure.level == E.EXPLICIT_NUDITY
    assert s.persons[0].face_index == 0 and s.persons[0].level == E.EXPLICIT_NUDITY
    age = s.result("vision.age")
    assert age is not None and age.has("possible_minor")
    assert (age.score("possible_minor") or 0) > 0.5


def test_challenge_25_only(analyzer: ImageAnalyzer, vision: ScriptedVision, make_image: MakeImage) -> None:
    image = make_image(3)
    vision.script(image, faces=[FACE], ages=[AgeGenderRaw(24.6, 1.0, 0.1)], embeddings=[unit_vector(3)])
    (f,) = analyzer.analyze(image).faces
    assert not f.possible_minor and f.possible_minor_challenge25
    assert f.presentation is Presentation.MALE


def test_no_faces(analyzer: ImageAnalyzer, vision: ScriptedVision, make_image: MakeImage) -> None:
    image = make_image(4)
    vision.script(image)
    s = analyzer.analyze(image)
    assert s.faces == () and s.persons == () and not s.degraded
    ident = s.result("vision.identity")
    assert ident is not None and ident.ok and ident.findings == ()


def test_identity_can_be_skipped(analyzer: ImageAnalyzer, vision: ScriptedVision, make_image: MakeImage) -> None:
    image = make_image(5)
    vision.script(image, faces=[FACE], ages=[AgeGenderRaw(40, 2, 0.5)], embeddings=None)
    s = analyzer.analyze(image, identity=False)
    ident = s.result("vision.identity")
    assert ident is not None and ident.status is Status.SKIPPED
    assert not s.degraded and s.faces[0].embedding is None
    assert compare(s, s).reason == "identity was not computed for image A"


@pytest.mark.parametrize("broken", ["regions", "nsfw", "faces", "ages", "embeddings", "manifest"])
def test_a_failing_backend_is_data_not_an_exception(
    broken: str, analyzer: ImageAnalyzer, vision: ScriptedVision, make_image: MakeImage
) -> None:
    image = make_image(6)
    script = {
        "faces": [FACE],
        "ages": [AgeGenderRaw(30, 2, 0.5)],
        "embeddings": [unit_vector(6)],
        "regions": [],
        "nsfw": 0.01,
        "manifest_error": False,
    }
    if broken == "manifest":
        script["manifest_error"] = True
    else:
        script[broken] = None
    vision.script(image, **script)  # type: ignore[arg-type]
    s = analyzer.analyze(image)
    assert s.degraded
    expected = {
        "regions": {"vision.regions", "vision.exposure"},
        "nsfw": {"vision.nsfw"},
        "faces": {"vision.faces", "vision.age", "vision.identity", "vision.exposure"},
        "ages": {"vision.age"},
        "embeddings": {"vision.identity"},
        "manifest": {"vision.provenance"},
    }[broken]
    assert s.failed == expected
    for name in expected:
        result = s.result(name)
        assert result is not None and result.error
    if broken == "ages":
        assert s.faces[0].possible_minor and s.faces[0].possible_minor_challenge25  # fail closed
        assert s.faces[0].apparent_age is None
    if broken == "nsfw":
        assert s.exposure is not None and "unavailable" in " ".join(s.exposure.reasons)


def test_unscripted_image_fails_loudly(analyzer: ImageAnalyzer, vision: ScriptedVision, make_image: MakeImage) -> None:
    s = analyzer.analyze(make_image(7))
    assert s.degraded
    assert vision.violations and "unscripted" in vision.violations[0]
    regions = s.result("vision.regions")
    assert regions is not None and regions.error is not None and "ScriptedBackendError" in regions.error
    vision.violations.clear()


def test_fake_raises_scripted_backend_error_directly(vision: ScriptedVision, make_image: MakeImage) -> None:
    backends = vision.backends()
    backends.nsfw.load()
    image = make_image(8)
    with pytest.raises(ScriptedBackendError):
        backends.nsfw.score(image.pixels)
    vision.violations.clear()
    vision.script(image, nsfw=0.4)
    assert backends.nsfw.score(image.pixels) == 0.4
    assert pixel_key(image.pixels) in vision.calls[-1]


def test_analyze_before_load_is_a_programming_error(vision: ScriptedVision, make_image: MakeImage) -> None:
    with pytest.raises(ModelError, match="load"):
        ImageAnalyzer(vision.backends()).analyze(make_image(9))


def test_constructing_loads_nothing(vision: ScriptedVision) -> None:
    backends = vision.backends()
    analyzer = ImageAnalyzer(backends)
    assert not analyzer.loaded and not backends.faces.loaded
    assert ImageAnalyzer().model_info() == ()  # real backends are not even built before load()


def test_compare_same_and_different_person(
    analyzer: ImageAnalyzer, vision: ScriptedVision, make_image: MakeImage
) -> None:
    source, output, other = make_image(10), make_image(11), make_image(12)
    alice = unit_vector(10)
    for image, vector in ((source, alice), (output, nudge(alice, 0.35, 1)), (other, unit_vector(99))):
        vision.script(image, faces=[FACE], ages=[AgeGenderRaw(30, 2, 0.5)], embeddings=[vector])
    a, b, c = analyzer.analyze(source), analyzer.analyze(output), analyzer.analyze(other)
    same = analyzer.compare(a, b)
    assert same.same_person and same.distance == pytest.approx(0.35, abs=1e-6)
    assert same.to_dict().keys() >= {"same_person", "distance", "threshold"}
    diff = compare(a, c)
    assert not diff.same_person and diff.reason is None


def test_compare_reasons(analyzer: ImageAnalyzer, vision: ScriptedVision, make_image: MakeImage) -> None:
    with_face, without, broken = make_image(13), make_image(14), make_image(15)
    vision.script(with_face, faces=[FACE], ages=[AgeGenderRaw(30, 2, 0.5)], embeddings=[unit_vector(1)])
    vision.script(without)
    vision.script(broken, faces=[FACE], ages=[AgeGenderRaw(30, 2, 0.5)], embeddings=None)
    a, b, c = (analyzer.analyze(i) for i in (with_face, without, broken))
    assert compare(a, b).to_dict() == {
        "same_person": False,
        "distance": None,
        "threshold": 0.6,
        "reason": "no face in image B",
    }
    assert compare(b, a).reason == "no face in image A"
    assert compare(a, c).reason == "identity embedding failed on image B"


def test_only_the_largest_faces_are_embedded(vision: ScriptedVision, make_image: MakeImage) -> None:
    from rempart.vision import AnalyzerConfig

    analyzer = ImageAnalyzer(vision.backends(), AnalyzerConfig(max_identity_faces=2))
    analyzer.load()
    image = make_image(16, 600, 400)
    boxes = [Box(10, 10, 30, 30), Box(100, 10, 90, 90), Box(300, 10, 60, 60)]
    vision.script(image, faces=boxes, ages=[AgeGenderRaw(30, 2, 0.5)] * 3, embeddings=[unit_vector(1), unit_vector(2)])
    s = analyzer.analyze(image)
    assert [f.box.w for f in s.faces] == [90, 60, 30]  # largest first
    assert [f.embedding is not None for f in s.faces] == [True, True, False]


def test_json_contract_shape(analyzer: ImageAnalyzer, vision: ScriptedVision, make_image: MakeImage) -> None:
    image = make_image(17)
    vision.script(
        image,
        faces=[FACE],
        ages=[AgeGenderRaw(16.0, 2.0, 0.2)],
        embeddings=[unit_vector(1)],
        regions=[Region("BELLY_EXPOSED", 0.6, Box(100, 160, 80, 60))],
    )
    d = analyzer.analyze(image).to_dict()
    (face,) = d["faces"]
    assert face["box"] == [100, 60, 80, 80]
    assert set(face["apparent_age"]) == {"estimate", "low", "high"}
    assert face["possible_minor"] is True and face["presentation"] in ("female", "male", "unknown")
    assert d["exposure"]["level"] == 1 and isinstance(d["exposure"]["persons"], list)
    assert len(d["hashes"]["pdq"]) == 64 and isinstance(d["hashes"]["pdq_quality"], int)
    assert d["degraded"] is False and "detectors" in d
    assert "embedding" not in face


def test_provenance_from_a_scripted_manifest(
    analyzer: ImageAnalyzer, vision: ScriptedVision, make_image: MakeImage
) -> None:
    image = make_image(18)
    manifest = {
        "active_manifest": "urn:m1",
        "manifests": {
            "urn:m1": {
                "claim_generator_info": [{"name": "Example Image Generator", "version": "2.0"}],
                "assertions": [
                    {
                        "label": "c2pa.actions.v2",
                        "data": {
                            "actions": [
                                {
                                    "action": "c2pa.created",
                                    "digitalSourceType": "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia",
                                }
                            ]
                        },
                    }
                ],
            }
        },
        "validation_state": "Valid",
    }
    vision.script(image, manifest=manifest)
    s = analyzer.analyze(image)
    assert s.provenance is not None
    assert s.provenance.c2pa_present and s.provenance.c2pa_validation == "Valid"
    assert s.provenance.ai_generated_marker
    result = s.result("vision.provenance")
    assert result is not None and result.has("c2pa_manifest") and result.has("ai_generated_marker")


def test_models_named_in_every_result(analyzer: ImageAnalyzer, vision: ScriptedVision, make_image: MakeImage) -> None:
    image = make_image(19)
    vision.script(image, faces=[FACE], ages=[AgeGenderRaw(30, 2, 0.5)], embeddings=[unit_vector(1)])
    s = analyzer.analyze(image)
    names = {m.name for m in s.models}
    assert {"scripted-faces", "scripted-regions", "scripted-nsfw", "scripted-age", "scripted-embeddings"} <= names
    assert {m.name for m in analyzer.model_info()} >= {"scripted-faces", "scripted-manifests"}


def test_auto_identity_only_when_it_can_matter(
    analyzer: ImageAnalyzer, vision: ScriptedVision, make_image: MakeImage
) -> None:
    benign, swimwear, unknown = make_image(20), make_image(21), make_image(22)
    vision.script(benign, faces=[FACE], ages=[AgeGenderRaw(30, 2, 0.5)], embeddings=[unit_vector(1)], nsfw=0.01)
    vision.script(
        swimwear,
        faces=[FACE],
        ages=[AgeGenderRaw(30, 2, 0.5)],
        embeddings=[unit_vector(1)],
        regions=[Region("FEMALE_GENITALIA_COVERED", 0.7, Box(100, 250, 80, 60))],
    )
    vision.script(unknown, faces=[FACE], ages=[AgeGenderRaw(30, 2, 0.5)], embeddings=[unit_vector(1)], regions=None)
    skipped = analyzer.analyze(benign, identity=None)
    ident = skipped.result("vision.identity")
    assert ident is not None and ident.status is Status.SKIPPED and "level 0" in (ident.error or "")
    assert not skipped.degraded
    done = analyzer.analyze(swimwear, identity=None)
    assert done.exposure is not None and done.exposure.level == E.SWIMWEAR_UNDERWEAR
    assert done.faces[0].embedding is not None
    failed_closed = analyzer.analyze(unknown, identity=None)
    assert failed_closed.degraded and failed_closed.faces[0].embedding is not None


def test_overlap_and_sequential_give_the_same_signals(vision: ScriptedVision, make_image: MakeImage) -> None:
    from rempart.vision import AnalyzerConfig

    image = make_image(23)
    vision.script(
        image,
        faces=[FACE],
        ages=[AgeGenderRaw(19.0, 2.0, 0.1)],
        embeddings=[unit_vector(4)],
        regions=[Region("BELLY_EXPOSED", 0.6, Box(100, 160, 80, 60))],
        nsfw=0.3,
    )
    outputs = []
    for overlap in (True, False):
        analyzer = ImageAnalyzer(vision.backends(), AnalyzerConfig(overlap=overlap))
        analyzer.load()
        d = analyzer.analyze(image).to_dict(with_results=False)
        d.pop("latency_ms")
        outputs.append(d)
        analyzer.close()
        assert analyzer.analyze(image).faces  # still usable after close()
    assert outputs[0] == outputs[1]
