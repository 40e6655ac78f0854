"""Reasoning over concept matches: what the instruction asks for, independent of language.

``analyse`` turns the concept mentions of one prompt into a ``PromptAnalysis``: the exposure the
request would produce (on the shared 0-5 scale of ``vocabulary.ExposureLevel``), whether it
sexualises, whether a minor or a real person is involved, and the evidence for each, clause by
clause. It handles:

- clauses and steps ("change the background, then take off her top"): each clause is judged and
  the most harmful wins, so a harmless first step does not hide a harmful second one;
- negation scope: a negator in the same clause near a verb cancels it ("don't remove her clothes,
  just swap the background"), while a negated *keep* undresses ("don't keep her clothes on");
- objects: a removal verb undresses only when its nearest object is a garment, not an accessory or
  a benign target ("take off his hat", "remove the watermark from her shirt");
- recolouring: attire that is only recoloured ("change her swimsuit from black to navy") does not
  raise exposure.

The analysis is pure data; the policy (``rempart.policy``) decides what it means.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from rempart.text.concepts import Concept
from rempart.text.lexicon import ConceptMatch
from rempart.text.normalize import NormalizedText
from rempart.vocabulary import ExposureLevel

_CLAUSE_PUNCT = frozenset(".;!?\n,:、。，；！？…|،؛؟")
_NEG_BEFORE = 32
_NEG_AFTER = 12
#: Languages whose negators may follow what they negate ("服を脱がせないで", "kapde utaro mat",
#: "das Kleid nicht ausziehen", "衣服不要脱"). Elsewhere a negator after a word is some other word:
#: Portuguese "no"/"na" (in the), Italian "ne" (of it) would cancel "pelada no sofá".
_NEG_FOLLOWS = frozenset({"ja", "ko", "hi", "tr", "de", "nl", "zh"})

_ATTIRE_LEVEL: dict[Concept, ExposureLevel] = {
    Concept.REVEALING: ExposureLevel.REVEALING,
    Concept.SWIMWEAR: ExposureLevel.SWIMWEAR_UNDERWEAR,
    Concept.UNDERWEAR: ExposureLevel.SWIMWEAR_UNDERWEAR,
    Concept.SHEER: ExposureLevel.PARTIAL_NUDITY,
}
_GENUINE_NEGATION = frozenset(
    {
        Concept.REMOVE,
        Concept.UNDRESS,
        Concept.NUDE,
        Concept.REVEAL,
        Concept.SHEER,
        Concept.SWIMWEAR,
        Concept.UNDERWEAR,
        Concept.REVEALING,
        Concept.SEXUAL,
        Concept.POSE,
    }
)
_VERBS = frozenset({Concept.REMOVE, Concept.UNDRESS, Concept.DRESS, Concept.KEEP})
_SUSPICIOUS = frozenset(
    {
        Concept.UNDRESS,
        Concept.NUDE,
        Concept.REVEALING,
        Concept.SWIMWEAR,
        Concept.UNDERWEAR,
        Concept.SHEER,
        Concept.SEXUAL,
        Concept.POSE,
        Concept.INTIMATE,
        Concept.REVEAL,
    }
)
#: Concepts that put a human being in the request (a photo of a person counts too).
_HUMAN = frozenset(
    {Concept.PERSON, Concept.MINOR, Concept.FICTIONAL, Concept.INTIMATE, Concept.POSE, Concept.SEXUAL, Concept.NUDE}
)
_OBJECT_ATTIRE = frozenset({Concept.SHEER, Concept.REVEALING})
#: What a dressing verb can name to put on (or a thing it acts on instead of a person).
_NAMED_ITEMS = (
    Concept.GARMENT, Concept.SWIMWEAR, Concept.UNDERWEAR, Concept.SHEER, Concept.REVEALING, Concept.ACCESSORY,
    Concept.BENIGN_TARGET, Concept.COLOR, Concept.CHANGE_ATTR, Concept.MEDICAL, Concept.FICTIONAL,
)  # fmt: skip
#: Who or what can wear see-through or revealing attire, when named in the words of the request.
_WEARER = (Concept.PERSON, Concept.GARMENT, Concept.INTIMATE, Concept.MINOR, Concept.REAL)
_REMOVABLE = frozenset({Concept.GARMENT, Concept.SWIMWEAR, Concept.UNDERWEAR})
_NEGATABLE = frozenset(
    {
        Concept.REMOVE,
        Concept.UNDRESS,
        Concept.NUDE,
        Concept.REVEAL,
        Concept.KEEP,
        Concept.DRESS,
        Concept.SHEER,
        Concept.SWIMWEAR,
        Concept.UNDERWEAR,
        Concept.REVEALING,
        Concept.SEXUAL,
        Concept.POSE,
    }
)


@dataclass(frozen=True, slots=True)
class RuleHit:
    """One reason found in the text: a named textual rule, its clause and the matches behind it."""

    rule: str
    reason: str
    clause: int
    matches: tuple[ConceptMatch, ...]
    level: ExposureLevel = ExposureLevel.EVERYDAY
    sexualised: bool = False

    def to_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "reason": self.reason,
            "clause": self.clause,
            "level": int(self.level),
            "sexualised": self.sexualised,
            "evidence": [m.to_dict() for m in self.matches],
        }


@dataclass(frozen=True, slots=True)
class PromptAnalysis:
    """What the instruction asks for, with the evidence. Scores are not here: see the classifier."""

    exposure: ExposureLevel
    sexualised: bool
    minor_cue: bool
    real_cue: bool
    implied_edit: bool
    person: bool
    framing: bool
    fictional: bool
    hits: tuple[RuleHit, ...]
    benign: tuple[RuleHit, ...]
    minor_evidence: tuple[ConceptMatch, ...]
    real_evidence: tuple[ConceptMatch, ...]
    matches: tuple[ConceptMatch, ...]
    clauses: tuple[tuple[int, int], ...]
    techniques: frozenset[str] = field(default_factory=frozenset)

    @property
    def negated_clauses(self) -> tuple[int, ...]:
        """Clauses whose only harmful words are genuinely negated ("don't remove her clothes").

        A negated keep or dress ("don't keep her clothes on") is not genuine: it undresses."""
        harmful = {h.clause for h in self.hits}
        out = set()
        for b in self.benign:
            if b.rule == "negated" and b.clause not in harmful and b.matches[-1].concept in _GENUINE_NEGATION:
                out.add(b.clause)
        return tuple(sorted(out))

    def without_negated_clauses(self, text: str) -> str:
        """``text`` (the normalised text) with its genuinely negated clauses removed."""
        drop = set(self.negated_clauses)
        if not drop:
            return text
        return " ".join(text[a:b].strip(" ,.;") for i, (a, b) in enumerate(self.clauses) if i not in drop).strip()

    @property
    def suspicious(self) -> bool:
        """Words of the harmful families are present, even if no rule fired on them."""
        return bool(self.concepts() & _SUSPICIOUS)

    @property
    def harmful_intent(self) -> bool:
        """The text asks for something above everyday clothing, or sexualises."""
        return self.exposure > ExposureLevel.EVERYDAY or self.sexualised

    def concepts(self) -> set[Concept]:
        return {m.concept for m in self.matches}

    def to_dict(self) -> dict[str, object]:
        return {
            "exposure": int(self.exposure),
            "sexualised": self.sexualised,
            "minor_cue": self.minor_cue,
            "real_cue": self.real_cue,
            "implied_edit": self.implied_edit,
            "framing": self.framing,
            "fictional": self.fictional,
            "hits": [h.to_dict() for h in self.hits],
            "benign": [h.to_dict() for h in self.benign],
            "techniques": sorted(self.techniques),
        }


def clause_bounds(text: str, matches: Sequence[ConceptMatch]) -> list[tuple[int, int]]:
    """Split ``text`` into clauses at punctuation and at clause-break words."""
    cuts = {0, len(text)}
    cuts.update(i + 1 for i, ch in enumerate(text) if ch in _CLAUSE_PUNCT)
    cuts.update(m.start for m in matches if m.concept is Concept.CLAUSE_BREAK)
    ordered = sorted(cuts)
    return [(a, b) for a, b in itertools.pairwise(ordered) if b > a]


def _clause_of(pos: int, clauses: Sequence[tuple[int, int]]) -> int:
    for i, (a, b) in enumerate(clauses):
        if a <= pos < b:
            return i
    return max(len(clauses) - 1, 0)


def _negated(target: ConceptMatch, negations: Iterable[ConceptMatch]) -> ConceptMatch | None:
    """The negator that cancels ``target`` (same clause, close by), if any."""
    for neg in negations:
        covers = neg.start <= target.start and neg.end >= target.end
        same = neg.start == target.start and neg.end == target.end and neg.term == target.term
        if covers and not same:
            return neg  # a negated verb form listed as one term ("çıkarma", "脱がさないで")
        if target.start < neg.start and neg.end == target.end and target.concept in _VERBS:
            return neg  # a negated verb form closing a phrase ("kıyafetlerini çıkarma"), not "oben ohne"
        if neg.end <= target.start and target.start - neg.end <= _NEG_BEFORE:
            return neg
        if neg.start >= target.end and neg.start - target.end <= _NEG_AFTER and neg.language in _NEG_FOLLOWS:
            return neg
    return None


#: Words that can praise a thing ("a sexy car", "mobil seksi", "سيارة مثيرة"), unlike "porn" or "sex".
_ATTRACTIVE = (
    "sexy", "sexier", "sexiest", "seksi", "sexi", "seksy", "sensual", "sensuel", "seduct", "seduis", "sedut",
    "seducen", "hot", "caliente", "chaud", "heiss", "seksown", "сексуальн", "cekici", "مثير", "セクシー",
    "섹시", "性感", "सेक्सी", "sexxy", "sexey",
)  # fmt: skip


def _attractive(m: ConceptMatch) -> bool:
    word = m.matched.casefold()
    return word.startswith(_ATTRACTIVE)


def _strong(m: ConceptMatch) -> bool:
    """Multi-word terms and substring matches are specific; single generic words are weak."""
    return len(m.term.split()) > 1 or m.how in ("substring", "despaced")


def analyse(norm: NormalizedText, matches: Sequence[ConceptMatch], photo_of_person: bool | None) -> PromptAnalysis:
    clauses = clause_bounds(norm.text, matches)
    by_clause: dict[int, list[ConceptMatch]] = {}
    for m in matches:
        if m.concept is Concept.CLAUSE_BREAK:
            continue
        by_clause.setdefault(_clause_of(m.start, clauses), []).append(m)

    hits: list[RuleHit] = []
    benign: list[RuleHit] = []
    concepts = {m.concept for m in matches}

    def human(concept: Concept) -> bool:
        """Is there a human in the request, other than through ``concept`` itself?"""
        return photo_of_person is True or bool((concepts - {concept}) & _HUMAN)

    short = len(norm.tokens) <= 4
    worded_human = bool(concepts & set(_WEARER))  # not only the photo flag
    for idx, items in sorted(by_clause.items()):
        _judge_clause(idx, items, hits, benign, human, short, worded_human)
    hits = _unique(hits)

    minor_evidence = tuple(m for m in matches if m.concept is Concept.MINOR)
    real_evidence = tuple(m for m in matches if m.concept is Concept.REAL)
    person = bool(concepts & {Concept.PERSON, Concept.REAL}) or photo_of_person is True
    persons = [m for m in matches if m.concept is Concept.PERSON]
    edit_verb = bool(concepts & {Concept.EDIT, Concept.REMOVE, Concept.UNDRESS}) or any(
        m.concept is Concept.DRESS and any(m.start <= p.start and p.end <= m.end for p in persons) for m in matches
    )  # "put her in" is an edit; "a woman in a swimsuit" describes a picture
    implied_edit = edit_verb and bool(persons)
    real_cue = photo_of_person is True or bool(real_evidence) or (photo_of_person is None and implied_edit)
    exposure = max((h.level for h in hits), default=ExposureLevel.EVERYDAY)
    sexualised = any(h.sexualised for h in hits)
    return PromptAnalysis(
        exposure=exposure,
        sexualised=sexualised,
        minor_cue=bool(minor_evidence),
        real_cue=real_cue,
        implied_edit=implied_edit,
        person=person,
        framing=Concept.FRAMING in concepts,
        fictional=Concept.FICTIONAL in concepts,
        hits=tuple(hits),
        benign=tuple(benign),
        minor_evidence=minor_evidence,
        real_evidence=real_evidence,
        matches=tuple(matches),
        clauses=tuple(clauses),
        techniques=norm.techniques,
    )


def _judge_clause(
    idx: int,
    items: list[ConceptMatch],
    hits: list[RuleHit],
    benign: list[RuleHit],
    human: Callable[[Concept], bool],
    short: bool,
    worded_human: bool,
) -> None:
    of: dict[Concept, list[ConceptMatch]] = {}
    for m in items:
        of.setdefault(m.concept, []).append(m)
    negations = of.get(Concept.NEGATION, [])

    def live(concept: Concept) -> list[ConceptMatch]:
        found = of.get(concept, [])
        if concept not in _NEGATABLE or not negations:
            return found
        kept = []
        for m in found:
            neg = _negated(m, negations)
            if neg is None:
                kept.append(m)
            else:
                benign.append(RuleHit("negated", f"'{m.matched}' is negated by '{neg.matched}'", idx, (neg, m)))
        return kept

    def hit(
        rule: str, reason: str, evidence: Sequence[ConceptMatch], level: ExposureLevel, sexual: bool = False
    ) -> None:
        hits.append(RuleHit(rule, reason, idx, tuple(evidence), level, sexual))

    # Nudity named outright, and undressing verbs that need no object. These words describe people
    # even when no person word is found (a celebrity's name, a pronoun the lexicon lacks); their
    # uses for things ("naked mole rat", "обнажённый меч") are listed as exceptions.
    outright = ((Concept.NUDE, "nudity", "nudity requested"), (Concept.UNDRESS, "undress", "undressing verb"))
    for concept, rule, what in outright:
        for m in live(concept):
            hit(rule, f"{what}: '{m.matched}'", [m], ExposureLevel.EXPLICIT_NUDITY)

    # A removal verb with a garment as object (a benign target in between takes the verb).
    benign_targets = of.get(Concept.BENIGN_TARGET, [])
    accessories = of.get(Concept.ACCESSORY, [])
    for verb in live(Concept.REMOVE):
        target = _garment_object(verb, [m for m in items if m.concept in _REMOVABLE], benign_targets)
        if target is not None:
            hit(
                "remove_garment",
                f"removal of a garment: '{verb.matched}' + '{target.matched}'",
                [verb, target],
                ExposureLevel.EXPLICIT_NUDITY,
            )
        elif benign_targets or accessories:
            other = (benign_targets or accessories)[0]
            benign.append(
                RuleHit("remove_benign", f"removal of '{other.matched}', not of clothing", idx, (verb, other))
            )

    # "Don't keep her clothes on": a negated keep is an undressing request.
    for keep in of.get(Concept.KEEP, []):
        if any(keep.start <= n.start and n.end <= keep.end for n in negations):
            continue  # a keep phrase that is negative in form ("не трогай", "don't change"): still a keep
        neg = _negated(keep, negations) if negations else None
        if neg is not None and (of.get(Concept.GARMENT) or len(keep.term.split()) > 1):
            evidence = [neg, keep, *of.get(Concept.GARMENT, [])[:1]]
            hit(
                "negated_keep",
                f"negation trick: '{neg.matched}' + '{keep.matched}'",
                evidence,
                ExposureLevel.EXPLICIT_NUDITY,
            )

    # "Don't put anything on her", "no le pongas nada encima": dressing negated, with nothing named
    # to wear (a named item is a genuine negation: "don't put her in a bikini", "no hat on her").
    named = any(of.get(c) for c in _NAMED_ITEMS)
    if negations and not named and (of.get(Concept.PERSON) or of.get(Concept.MINOR)):
        for dress in of.get(Concept.DRESS, []):
            neg = _negated(dress, negations)
            if neg is not None:
                hit(
                    "negated_dress",
                    f"negation trick: '{neg.matched}' + '{dress.matched}' with nothing to wear",
                    [neg, dress],
                    ExposureLevel.EXPLICIT_NUDITY,
                )
                break

    # Revealing attire, unless it is only recoloured.
    colours = of.get(Concept.COLOR, [])
    attire = [m for c in _ATTIRE_LEVEL for m in of.get(c, [])]

    changes = of.get(Concept.CHANGE_ATTR, [])

    def restyles(d: ConceptMatch) -> bool:
        """A dress phrase that names what is already worn dresses nobody: after every attire word,
        leading to a colour ("the black bikini ... into a red one", "the swimsuit she's already
        wearing a darker shade of blue") or in a clause that changes an attribute ("change the
        colour of the swimsuit she is wearing"); or, where relative clauses come first, right
        before the attire in such a clause ("이미 입고 있는 수영복 색을 ... 바꿔 줘")."""
        if not any(a.start >= d.start for a in attire):
            return any(c.start >= d.end for c in colours) or bool(changes)
        if not (changes and colours):
            return False
        nxt = min((a for a in attire if a.start >= d.start), key=lambda a: a.start)
        return 0 <= nxt.start - d.end <= 6 and not any(d.end <= c.start < nxt.start for c in colours)

    dressing = [
        d
        for d in live(Concept.DRESS)
        if not any(d.start <= c.start and c.end <= d.end for c in colours) and not restyles(d)
    ]
    recolour = bool(of.get(Concept.CHANGE_ATTR) or colours) and not dressing
    wearer = any(of.get(c) for c in _WEARER)
    for concept, level in _ATTIRE_LEVEL.items():
        for m in live(concept):
            if recolour and concept is not Concept.SHEER and not of.get(Concept.REVEAL):
                benign.append(RuleHit("recolour", f"'{m.matched}' is only recoloured", idx, (m,)))
                continue
            if concept in _OBJECT_ATTIRE and not (wearer or (human(concept) and (short or worded_human))):
                # "see-through glass", "a tight deadline", "make the street wet" (even with a photo of
                # a person): these words describe things too, unless a person or a garment is in the clause
                benign.append(RuleHit("no_person", f"'{m.matched}' with no person or garment by it", idx, (m,)))
                continue
            hit(f"attire_{concept.value.lower()}", f"{concept.value.lower()} attire: '{m.matched}'", [m], level)

    # Indirect exposure: "make the fabric disappear", "make her skirt shorter".
    garments = [m for m in items if m.concept in _REMOVABLE]
    intimate = of.get(Concept.INTIMATE, [])
    for m in live(Concept.REVEAL):
        if _strong(m) or garments or intimate:
            evidence = [m, *(garments[:1] or intimate[:1])]
            hit("reveal", f"indirect exposure: '{m.matched}'", evidence, ExposureLevel.PARTIAL_NUDITY)

    # Sexual content and sexualised posing. A lone sexual adjective right before a thing, with no human
    # in the prompt, describes the thing ("a sexy sports car"); otherwise sexual words stand alone.
    things = of.get(Concept.BENIGN_TARGET, []) + of.get(Concept.ACCESSORY, [])
    for m in live(Concept.SEXUAL):
        # "a sexy sports car", and in noun-first languages "mobil sport seksi", "سيارة رياضية مثيرة"
        describes_thing = _attractive(m) and any(
            0 <= t.start - m.end <= 24 or 0 <= m.start - t.end <= 24 for t in things
        )
        if _strong(m) or human(Concept.SEXUAL) or short or not describes_thing:
            hit("sexual", f"sexual content: '{m.matched}'", [m], ExposureLevel.EVERYDAY, sexual=True)
    # A pose needs somebody to strike it: in its clause, or anywhere in a prompt written as tags
    # ("a woman in lingerie, spread legs") or sent with a photo of a person.
    if of.get(Concept.PERSON) or of.get(Concept.REAL) or of.get(Concept.MINOR) or human(Concept.POSE):
        for m in live(Concept.POSE):
            hit("pose", f"sexualised pose: '{m.matched}'", [m], ExposureLevel.EVERYDAY, sexual=True)

    # Intimate body parts together with exposure or sexual words.
    if intimate and (
        of.get(Concept.REMOVE) or of.get(Concept.REVEAL) or of.get(Concept.NUDE) or of.get(Concept.SEXUAL)
    ):
        hit(
            "intimate",
            f"intimate body part with exposure: '{intimate[0].matched}'",
            intimate[:1],
            ExposureLevel.EXPLICIT_NUDITY,
            sexual=True,
        )
    elif intimate and _strong(intimate[0]) and of.get(Concept.PERSON):
        hit(
            "intimate_focus",
            f"focus on an intimate body part: '{intimate[0].matched}'",
            intimate[:1],
            ExposureLevel.EVERYDAY,
            sexual=True,
        )


def _garment_object(
    verb: ConceptMatch, garments: Sequence[ConceptMatch], benign_targets: Sequence[ConceptMatch]
) -> ConceptMatch | None:
    """The garment a removal verb acts on, unless a benign target ("the watermark") stands between."""
    for obj in sorted(garments, key=lambda g: abs(g.start - verb.start)):
        inside = verb.start <= obj.start < verb.end
        if inside:
            # a garment inside the verb's own span ("take her shirt off", "buang ~ baju") is still
            # behind whatever the phrase names first ("buang kotoran pada baju")
            lo, hi = verb.start, obj.start
        else:
            lo, hi = (verb.end, obj.start) if obj.start >= verb.end else (obj.end, verb.start)
            if hi - lo > 48:
                continue
        if any(lo <= b.start and b.end <= hi for b in benign_targets):
            continue
        return obj
    return None


def _unique(hits: list[RuleHit]) -> list[RuleHit]:
    """One hit per rule and clause (a term listed under two spellings fires once)."""
    seen: set[tuple[str, int]] = set()
    out = []
    for h in hits:
        if (h.rule, h.clause) not in seen:
            seen.add((h.rule, h.clause))
            out.append(h)
    return out
