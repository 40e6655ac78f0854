"""The vocabulary: every category has a severity, and the legal mapping names its sources."""

from __future__ import annotations

from rempart.vocabulary import (
    CATEGORY_SEVERITY,
    DSA_CLASSIFICATION,
    LEGAL_GROUNDS,
    HarmCategory,
    Severity,
    legal_grounds,
)


def test_every_category_has_a_severity_and_minors_are_most_severe() -> None:
    assert set(CATEGORY_SEVERITY) == set(HarmCategory)
    assert max(CATEGORY_SEVERITY, key=CATEGORY_SEVERITY.__getitem__) is HarmCategory.MINOR_SEXUALISATION
    assert CATEGORY_SEVERITY[HarmCategory.NONE] is Severity.NONE


def test_legal_grounds_cover_the_required_laws_with_sources() -> None:
    references = {g.reference for grounds in LEGAL_GROUNDS.values() for g in grounds}
    for required in ("Code pénal art. 226-8-1", "Code pénal art. 227-23", "47 U.S.C. 223(h)"):
        assert required in references
    assert any("66E" in r for r in references) and any("66F" in r for r in references)
    assert all(g.source for grounds in LEGAL_GROUNDS.values() for g in grounds)


def test_jurisdiction_filter() -> None:
    fr = legal_grounds(HarmCategory.REAL_PERSON_SEXUALISATION, "fr")
    assert [g.reference for g in fr] == ["Code pénal art. 226-8-1"]
    assert legal_grounds(HarmCategory.NONE) == ()


def test_dsa_keywords_follow_schema_v2() -> None:
    minor = DSA_CLASSIFICATION[HarmCategory.MINOR_SEXUALISATION]
    assert "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE" in minor.keywords
    real = DSA_CLASSIFICATION[HarmCategory.REAL_PERSON_SEXUALISATION]
    assert real.keywords == ("KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE",)
    assert all(c.schema_version.startswith("tdb-v2") for c in DSA_CLASSIFICATION.values())
