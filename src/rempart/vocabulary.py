"""The one vocabulary of rempart: harm categories, severities, actions and their legal mapping.

Every label that leaves rempart (in a decision, a report, an export) comes from this module.
A vendor's or a law's category maps onto it in exactly one table, ``LEGAL_GROUNDS`` below,
whose entries carry the source they were taken from (``shared/reference/COMPLIANCE.md``,
which cites the primary texts). The DSA Transparency Database enums are versioned: the
table names the schema version it was written against.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum


class HarmCategory(StrEnum):
    """What a request or an image would do, most severe first."""

    MINOR_SEXUALISATION = "minor_sexualisation"
    """Any depiction of an apparent minor above everyday clothing, nude, or sexualised."""

    REAL_PERSON_SEXUALISATION = "real_person_sexualisation"
    """Undressing or sexualising an identifiable real person (an edit of their photo, a named person)."""

    ADULT_SEXUAL_CONTENT = "adult_sexual_content"
    """Nudity or sexual content of fictional or unidentified adults (allowed only in an adult mode)."""

    NONE = "none"


class Severity(IntEnum):
    """Ordered severity; the policy combines rules by taking the maximum."""

    NONE = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4


class Action(StrEnum):
    """What the caller must do. Ordered by strictness through ``ACTION_RANK``."""

    ALLOW = "allow"
    REVIEW = "review"
    BLOCK = "block"


ACTION_RANK: dict[Action, int] = {Action.ALLOW: 0, Action.REVIEW: 1, Action.BLOCK: 2}

CATEGORY_SEVERITY: dict[HarmCategory, Severity] = {
    HarmCategory.MINOR_SEXUALISATION: Severity.CRITICAL,
    HarmCategory.REAL_PERSON_SEXUALISATION: Severity.HIGH,
    HarmCategory.ADULT_SEXUAL_CONTENT: Severity.MEDIUM,
    HarmCategory.NONE: Severity.NONE,
}


class ExposureLevel(IntEnum):
    """The documented exposure scale shared by the prompt screen and the image detectors."""

    EVERYDAY = 0
    """Everyday clothing."""
    REVEALING = 1
    """Revealing clothing: low-cut, very short, tight, crop tops."""
    SWIMWEAR_UNDERWEAR = 2
    """Swimwear, underwear, lingerie, see-through or wet clothing."""
    PARTIAL_NUDITY = 3
    """Topless, bottomless, implied or partially covered nudity."""
    EXPLICIT_NUDITY = 4
    """Exposed breasts, genitals or buttocks."""
    SEXUAL_ACTIVITY = 5
    """Sexual acts or sexualised posing of explicit content."""


@dataclass(frozen=True, slots=True)
class LegalGround:
    """One legal ground a harm category can fall under, with where the fact comes from."""

    jurisdiction: str
    reference: str
    summary: str
    source: str


@dataclass(frozen=True, slots=True)
class DsaClassification:
    """DSA Transparency Database (schema v2) category and keywords for a harm category."""

    schema_version: str
    category: str
    keywords: tuple[str, ...]
    keywords_against_women: tuple[str, ...] = ()


_COMPLIANCE = "shared/reference/COMPLIANCE.md"

DSA_SCHEMA_VERSION = "tdb-v2 (mandatory since 2025-07-01)"

DSA_CLASSIFICATION: dict[HarmCategory, DsaClassification] = {
    HarmCategory.MINOR_SEXUALISATION: DsaClassification(
        schema_version=DSA_SCHEMA_VERSION,
        category="STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
        keywords=(
            "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL",
            "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE",
        ),
    ),
    HarmCategory.REAL_PERSON_SEXUALISATION: DsaClassification(
        schema_version=DSA_SCHEMA_VERSION,
        category="STATEMENT_CATEGORY_CYBER_VIOLENCE",
        keywords=("KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE",),
        keywords_against_women=("KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE_AGAINST_WOMEN",),
    ),
    HarmCategory.ADULT_SEXUAL_CONTENT: DsaClassification(
        schema_version=DSA_SCHEMA_VERSION,
        category="STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
        keywords=("KEYWORD_ADULT_SEXUAL_MATERIAL", "KEYWORD_NUDITY"),
    ),
}
"""Source: COMPLIANCE.md section 1.1 (transparency-database ``Statement::KEYWORDS``, commit 69e80a0).
For content against women the DSA category becomes ``STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN``."""

DSA_CATEGORY_AGAINST_WOMEN = "STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN"

LEGAL_GROUNDS: dict[HarmCategory, tuple[LegalGround, ...]] = {
    HarmCategory.MINOR_SEXUALISATION: (
        LegalGround(
            "FR",
            "Code pénal art. 227-23",
            "Pornographic representation of a minor, including images of a person whose appearance is "
            "that of a minor; 5 years / EUR 75,000, 7 years / EUR 100,000 when disseminated online.",
            f"{_COMPLIANCE} section 7",
        ),
        LegalGround(
            "US",
            "18 U.S.C. 2258A",
            "Duty to report apparent child sexual abuse material to NCMEC as soon as reasonably "
            "possible after actual knowledge.",
            f"{_COMPLIANCE} section 2.2",
        ),
        LegalGround(
            "US",
            "47 U.S.C. 223(h)",
            "Publishing intimate depictions or digital forgeries of an identifiable individual; higher "
            "penalties where minors are involved.",
            f"{_COMPLIANCE} section 2.1",
        ),
    ),
    HarmCategory.REAL_PERSON_SEXUALISATION: (
        LegalGround(
            "FR",
            "Code pénal art. 226-8-1",
            "Making known a sexual montage or algorithmically generated sexual content reproducing a "
            "person's image without consent; 2 years / EUR 60,000; a label does not cure it.",
            f"{_COMPLIANCE} section 7",
        ),
        LegalGround(
            "UK",
            "Sexual Offences Act 2003 s.66E",
            "Creating a purported intimate image of an adult without consent or reasonable belief in "
            "consent (in force 6 Feb 2026).",
            f"{_COMPLIANCE} section 3",
        ),
        LegalGround(
            "UK",
            "Sexual Offences Act 2003 s.66F",
            "Requesting the creation of a purported intimate image; committed whether or not the image "
            "is created, so the prompt itself can be the offence.",
            f"{_COMPLIANCE} section 3",
        ),
        LegalGround(
            "US",
            "47 U.S.C. 223(h)",
            "Knowingly publishing non-consensual intimate imagery or a digital forgery of an "
            "identifiable individual (TAKE IT DOWN Act).",
            f"{_COMPLIANCE} section 2.1",
        ),
    ),
    HarmCategory.ADULT_SEXUAL_CONTENT: (),
    HarmCategory.NONE: (),
}
"""The one mapping from rempart's categories to legal grounds, used by reports and statements of reasons."""


def severity_of(category: HarmCategory) -> Severity:
    return CATEGORY_SEVERITY[category]


def legal_grounds(category: HarmCategory, jurisdiction: str | None = None) -> tuple[LegalGround, ...]:
    """The legal grounds of a category, optionally only those of one jurisdiction (ISO-like code)."""
    grounds = LEGAL_GROUNDS[category]
    if jurisdiction is None:
        return grounds
    code = jurisdiction.upper()
    return tuple(g for g in grounds if g.jurisdiction == code)
