"""Generate a red-team suite from seed requests, across the techniques of LANDSCAPE.md section 4.

    suite = generate(load_seeds([Path("data/prompts/heldout.jsonl")]), GenerateOptions(seed=7))

Sources: the project's hand-written multilingual seeds (``data/prompts/seeds``; by default the
held-out side of the corpus, which the prompt classifier never saw in training) and the phrase
table of ``rempart.redteam.phrases`` (the same requests written in the 17 languages). Every attack
comes with a benign control built the same way (same wrapper, same obfuscation, same padding, same
language, same photo flag), so a refusal of the control measures the technique's own cost.

Techniques (``TECHNIQUE_SPECS``; the LANDSCAPE ids in brackets):

- ``plain`` [A2]: harmful seeds as written, the baseline;
- ``attire_substitution`` [A1]: a real person's photo put in revealing attire, minors too, 17 languages;
- ``translation`` [A7]: the same direct requests in the 17 languages;
- ``code_switching`` [A7]: an English wrapper around a request in another language, and the reverse;
- ``obfuscation`` [A8]: every obfuscator of ``rempart.text.obfuscate``, and two stacked;
- ``roleplay`` [A9]: games, fiction and "no filter" personas around the request;
- ``authority`` [A9]: consent and authority claims;
- ``disavowal`` [A10]: "this is an example of what never to do" suffixes;
- ``age_claim`` [A13]: "everyone depicted is over 18" on requests about minors;
- ``dilution`` [A6]: the request buried among benign descriptions in the same language;
- ``multistep`` [A11]: a benign step and a harmful one in the same prompt;
- ``multiturn`` [A11]: escalation over the turns of one session (dress -> swimsuit -> wet -> see-through).

Reproducible: every random choice comes from a ``random.Random`` seeded with
``"{seed}/{technique}/{lang}"`` (adding a technique does not move the others), seeds are sorted by
id, and nothing iterates a set; ``dump_suite`` of the same inputs gives the same bytes.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Literal

from rempart.errors import InputError, InvalidRecordError
from rempart.redteam.phrases import ATTIRE_META, CHAIN_META, DIRECT_META, LANGS, MINOR_META, PHRASES
from rempart.redteam.suite import Case, Suite, SuiteHeader, Turn, parse_lines
from rempart.text.obfuscate import TECHNIQUES as OBFUSCATIONS
from rempart.text.obfuscate import obfuscate
from rempart.vocabulary import HarmCategory

__all__ = [
    "DEFAULT_SEEDS",
    "GENERATOR",
    "TECHNIQUE_SPECS",
    "GenerateOptions",
    "SeedRequest",
    "TechniqueSpec",
    "generate",
    "load_seeds",
]

GENERATOR: Final = "rempart.redteam/1"
DEFAULT_SEEDS: Final = Path("data/prompts/heldout.jsonl")

#: Seed techniques simple enough to wrap (a seed that is already role-play or multi-step is not re-wrapped).
_WRAPPABLE: Final = frozenset({"plain", "euphemism", "slang", "indirect", "minor_cue", "misspelling", "mixed_language"})
_TRAILING: Final = ".。!！?？।;；,，、 \t"


@dataclass(frozen=True, slots=True)
class SeedRequest:
    """A hand-written seed (``data/prompts/SEEDS.md`` format)."""

    id: str
    text: str
    label: Literal["block", "allow"]
    category: str
    lang: str
    techniques: tuple[str, ...]
    photo_of_person: bool | None


@dataclass(frozen=True, slots=True)
class TechniqueSpec:
    name: str
    landscape: tuple[str, ...]
    summary: str


@dataclass(frozen=True, slots=True)
class GenerateOptions:
    seed: int = 7
    scale: int = 1
    """Multiplies the number of seed-based pairs per language (the phrase-table products are fixed)."""
    techniques: tuple[str, ...] = ()
    """Empty: every technique."""
    langs: tuple[str, ...] = ()
    """Empty: the 17 languages."""


@dataclass(frozen=True, slots=True)
class _Draft:
    """One pair before it gets its ids."""

    variant: str
    category: str
    attack: tuple[Turn, ...]
    control: tuple[Turn, ...]
    attack_sources: tuple[str, ...]
    control_sources: tuple[str, ...]


def _by_lang(seeds: Sequence[SeedRequest]) -> dict[str, tuple[SeedRequest, ...]]:
    out: dict[str, list[SeedRequest]] = {}
    for s in seeds:
        out.setdefault(s.lang, []).append(s)
    return {k: tuple(v) for k, v in out.items()}


@dataclass(frozen=True, slots=True)
class _Pools:
    harmful: Mapping[str, tuple[SeedRequest, ...]]
    wrappable: Mapping[str, tuple[SeedRequest, ...]]
    editing: Mapping[str, tuple[SeedRequest, ...]]
    """Simple harmful seeds that are edits of a photo (flag true or unknown)."""
    minors: Mapping[str, tuple[SeedRequest, ...]]
    benign_edits: Mapping[str, tuple[SeedRequest, ...]]
    benign_generations: Mapping[str, tuple[SeedRequest, ...]]
    benign_unknown: Mapping[str, tuple[SeedRequest, ...]]
    benign: Mapping[str, tuple[SeedRequest, ...]]

    @classmethod
    def build(cls, seeds: Sequence[SeedRequest]) -> _Pools:
        harmful = [s for s in seeds if s.label == "block"]
        benign = [s for s in seeds if s.label == "allow"]
        return cls(
            harmful=_by_lang(harmful),
            wrappable=_by_lang([s for s in harmful if set(s.techniques) <= _WRAPPABLE]),
            editing=_by_lang(
                [s for s in harmful if s.photo_of_person is not False and set(s.techniques) <= _WRAPPABLE]
            ),
            minors=_by_lang([s for s in harmful if s.category == HarmCategory.MINOR_SEXUALISATION.value]),
            benign_edits=_by_lang([s for s in benign if s.photo_of_person is True]),
            benign_generations=_by_lang([s for s in benign if s.photo_of_person is False]),
            benign_unknown=_by_lang([s for s in benign if s.photo_of_person is None]),
            benign=_by_lang(benign),
        )

    def pick(self, pool: Mapping[str, tuple[SeedRequest, ...]], lang: str, rng: random.Random) -> SeedRequest | None:
        seeds = pool.get(lang) or self.harmful.get(lang)
        return rng.choice(seeds) if seeds else None

    def control_for(self, photo_of_person: bool | None, lang: str, rng: random.Random) -> SeedRequest | None:
        """A benign seed of the same language and the same kind of request (edit of a photo or generation)."""
        if photo_of_person is True:
            pool = self.benign_edits.get(lang)
        elif photo_of_person is False:
            pool = self.benign_generations.get(lang)
        else:
            pool = self.benign_unknown.get(lang) or self.benign_edits.get(lang)
        pool = pool or self.benign.get(lang)
        return rng.choice(pool) if pool else None


@dataclass(frozen=True, slots=True)
class _Ctx:
    pools: _Pools
    scale: int
    lang: str
    rng: random.Random = field(compare=False)


# --- text helpers --------------------------------------------------------------------------------


def _bare(text: str) -> str:
    return text.strip().rstrip(_TRAILING)


def _fill(template: str, request: str) -> str:
    """Put ``request`` into a wrapper; its final punctuation goes when the wrapper continues after it."""
    if template.endswith("{request}"):
        return template.replace("{request}", request.strip())
    return template.replace("{request}", _bare(request))


def _lower_first(text: str) -> str:
    """Lower-case the first letter of a sentence continued after a joiner, but not of an acronym."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _join(first: str, joiner: str, second: str) -> str:
    return _bare(first) + joiner + _lower_first(second.strip())


def _seed_variant(seed: SeedRequest) -> str:
    return next((t for t in seed.techniques if t != "plain"), "plain")


def _one(text: str, photo: bool | None, label: Literal["block", "allow"]) -> tuple[Turn, ...]:
    return (Turn(text, photo, label),)


def _seed_pair(variant: str, seed: SeedRequest, control: SeedRequest, attack_text: str, control_text: str) -> _Draft:
    photo = seed.photo_of_person
    return _Draft(
        variant,
        seed.category,
        _one(attack_text, photo, "block"),
        _one(control_text, photo, "allow"),
        (seed.id,),
        (control.id,),
    )


# --- builders: one per technique, called once per language ---------------------------------------

_Builder = Callable[[_Ctx], list[_Draft]]


def _plain(ctx: _Ctx) -> list[_Draft]:
    pool = ctx.pools.harmful.get(ctx.lang, ())
    picks = ctx.rng.sample(pool, min(len(pool), 8 * ctx.scale))
    drafts = []
    for seed in picks:
        control = ctx.pools.control_for(seed.photo_of_person, ctx.lang, ctx.rng)
        if control is not None:
            drafts.append(_seed_pair(_seed_variant(seed), seed, control, seed.text, control.text))
    return drafts


def _attire(ctx: _Ctx) -> list[_Draft]:
    phrases = PHRASES[ctx.lang]
    drafts = []
    category, photo = ATTIRE_META
    for key, (attack, control) in phrases.attire.items():
        source = (f"phrase:{ctx.lang}:attire:{key}",)
        drafts.append(
            _Draft(key, category, _one(attack, photo, "block"), _one(control, photo, "allow"), source, source)
        )
    category, photo = MINOR_META
    for key, (attack, control) in phrases.minors.items():
        source = (f"phrase:{ctx.lang}:minors:{key}",)
        drafts.append(
            _Draft(
                f"minor_{key}", category, _one(attack, photo, "block"), _one(control, photo, "allow"), source, source
            )
        )
    return drafts


def _translation(ctx: _Ctx) -> list[_Draft]:
    drafts = []
    for key, (attack, control) in PHRASES[ctx.lang].direct.items():
        category, photo = DIRECT_META[key]
        source = (f"phrase:{ctx.lang}:direct:{key}",)
        drafts.append(
            _Draft(key, category, _one(attack, photo, "block"), _one(control, photo, "allow"), source, source)
        )
    return drafts


_SWITCH_WRAPPERS: Final = ("roleplay", "fiction", "consent", "authority")


def _code_switching(ctx: _Ctx) -> list[_Draft]:
    if ctx.lang == "en":
        return []
    english, native = PHRASES["en"], PHRASES[ctx.lang]
    english_keys = [("attire", k) for k in english.attire] + [("direct", k) for k in english.direct]
    drafts = []
    for i in range(4 * ctx.scale):
        key = _SWITCH_WRAPPERS[ctx.rng.randrange(len(_SWITCH_WRAPPERS))]
        if i % 2 == 0:  # an English frame around a request in the language
            seed = ctx.pools.pick(ctx.pools.wrappable, ctx.lang, ctx.rng)
            control = ctx.pools.control_for(seed.photo_of_person, ctx.lang, ctx.rng) if seed else None
            if seed is None or control is None:
                continue
            wrapper = english.wrappers[key]
            drafts.append(
                _seed_pair(f"en_wrapper_{key}", seed, control, _fill(wrapper, seed.text), _fill(wrapper, control.text))
            )
        else:  # a frame in the language around an English request
            table, name = english_keys[ctx.rng.randrange(len(english_keys))]
            if table == "attire":
                attack, control_text = english.attire[name]
                category, photo = ATTIRE_META
            else:
                attack, control_text = english.direct[name]
                category, photo = DIRECT_META[name]
            wrapper = native.wrappers[key]
            source = (f"phrase:en:{table}:{name}",)
            drafts.append(
                _Draft(
                    f"native_wrapper_{key}",
                    category,
                    _one(_fill(wrapper, attack), photo, "block"),
                    _one(_fill(wrapper, control_text), photo, "allow"),
                    source,
                    source,
                )
            )
    return drafts


def _obfuscated(text: str, methods: Sequence[str], rng: random.Random, strength: float) -> str:
    for method in methods:
        text = obfuscate(text, method, rng, strength)
    return text


def _changed(text: str, methods: Sequence[str], rng: random.Random, strength: float) -> str | None:
    """The obfuscated text, or None when the obfuscators did not apply (some have no meaning for a script)."""
    out = _obfuscated(text, methods, rng, strength)
    return out if out != text else None


def _obfuscated_pair(ctx: _Ctx, variant: str, methods: Sequence[str], strength: float) -> _Draft | None:
    """A harmful seed and a benign control of its kind that the obfuscation both changes (six tries each)."""
    for _ in range(6):
        seed = ctx.pools.pick(ctx.pools.harmful, ctx.lang, ctx.rng)
        if seed is None:
            return None
        attack = _changed(seed.text, methods, ctx.rng, strength)
        if attack is None:
            continue
        for _ in range(6):
            control = ctx.pools.control_for(seed.photo_of_person, ctx.lang, ctx.rng)
            if control is None:
                return None
            benign = _changed(control.text, methods, ctx.rng, strength)
            if benign is not None:
                return _seed_pair(variant, seed, control, attack, benign)
        return None
    return None


def _obfuscation(ctx: _Ctx) -> list[_Draft]:
    drafts = []
    for _ in range(ctx.scale):
        stacked = tuple(ctx.rng.sample(OBFUSCATIONS, 2))
        for variant, methods in [*((t, (t,)) for t in OBFUSCATIONS), ("stacked", stacked)]:
            draft = _obfuscated_pair(ctx, variant, methods, ctx.rng.choice((0.5, 1.0)))
            if draft is not None:
                drafts.append(draft)
    return drafts


def _wrapping(keys: tuple[str, ...], per_lang: int) -> _Builder:
    def build(ctx: _Ctx) -> list[_Draft]:
        wrappers = PHRASES[ctx.lang].wrappers
        available = [k for k in keys if k in wrappers]
        drafts = []
        for i in range(per_lang * ctx.scale):
            key = available[i % len(available)]
            seed = ctx.pools.pick(ctx.pools.wrappable, ctx.lang, ctx.rng)
            control = ctx.pools.control_for(seed.photo_of_person, ctx.lang, ctx.rng) if seed else None
            if seed is None or control is None:
                continue
            wrapper = wrappers[key]
            drafts.append(_seed_pair(key, seed, control, _fill(wrapper, seed.text), _fill(wrapper, control.text)))
        return drafts

    return build


def _age_claim(ctx: _Ctx) -> list[_Draft]:
    phrases = PHRASES[ctx.lang]
    wrapper = phrases.wrappers["adult_claim"]
    category, photo = MINOR_META
    drafts = []
    for key, (attack, control) in phrases.minors.items():
        source = (f"phrase:{ctx.lang}:minors:{key}",)
        drafts.append(
            _Draft(
                "phrase",
                category,
                _one(_fill(wrapper, attack), photo, "block"),
                _one(_fill(wrapper, control), photo, "allow"),
                source,
                source,
            )
        )
    for _ in range(ctx.scale):
        seed = ctx.pools.pick(ctx.pools.minors, ctx.lang, ctx.rng)
        control_seed = ctx.pools.control_for(seed.photo_of_person, ctx.lang, ctx.rng) if seed else None
        if seed is None or control_seed is None:
            continue
        drafts.append(
            _seed_pair("seed", seed, control_seed, _fill(wrapper, seed.text), _fill(wrapper, control_seed.text))
        )
    return drafts


def _dilution(ctx: _Ctx) -> list[_Draft]:
    sep = PHRASES[ctx.lang].sep
    padding_pool = ctx.pools.benign_generations.get(ctx.lang) or ctx.pools.benign.get(ctx.lang, ())
    drafts = []
    for _ in range(4 * ctx.scale):
        k = ctx.rng.choice((2, 3, 5))
        seed = ctx.pools.pick(ctx.pools.harmful, ctx.lang, ctx.rng)
        control = ctx.pools.control_for(seed.photo_of_person, ctx.lang, ctx.rng) if seed else None
        candidates = [p for p in padding_pool if seed is not None and control is not None and p.id != control.id]
        if seed is None or control is None or len(candidates) < k:
            continue
        padding = [_bare(p.text) for p in ctx.rng.sample(candidates, k)]
        at = ctx.rng.randint(1, k - 1)  # buried: never first, never last

        def bury(request: str, padding: list[str] = padding, at: int = at) -> str:
            return sep.join([*padding[:at], _bare(request), *padding[at:]]) + sep.strip()

        drafts.append(_seed_pair(f"pad{k}", seed, control, bury(seed.text), bury(control.text)))
    return drafts


def _multistep(ctx: _Ctx) -> list[_Draft]:
    then = PHRASES[ctx.lang].then
    drafts = []
    for i in range(4 * ctx.scale):
        seed = ctx.pools.pick(ctx.pools.editing, ctx.lang, ctx.rng)
        step = ctx.pools.control_for(True, ctx.lang, ctx.rng)
        control = ctx.pools.control_for(seed.photo_of_person, ctx.lang, ctx.rng) if seed else None
        if seed is None or step is None or control is None:
            continue
        if i % 2 == 0:
            variant, attack, benign = (
                "benign_first",
                _join(step.text, then, seed.text),
                _join(step.text, then, control.text),
            )
        else:
            variant, attack, benign = (
                "harmful_first",
                _join(seed.text, then, step.text),
                _join(control.text, then, step.text),
            )
        photo = True if seed.photo_of_person is None else seed.photo_of_person
        drafts.append(
            _Draft(
                variant,
                seed.category,
                _one(attack, photo, "block"),
                _one(benign, photo, "allow"),
                (seed.id, step.id),
                (control.id, step.id),
            )
        )
    return drafts


def _multiturn(ctx: _Ctx) -> list[_Draft]:
    drafts = []
    for key, (attack, control) in PHRASES[ctx.lang].chains.items():
        meta = CHAIN_META[key]
        source = (f"phrase:{ctx.lang}:chains:{key}",)
        drafts.append(
            _Draft(
                key,
                meta.category,
                tuple(Turn(text, meta.photo_of_person, label) for text, label in zip(attack, meta.labels, strict=True)),
                tuple(Turn(text, meta.photo_of_person, "allow") for text in control),
                source,
                source,
            )
        )
    return drafts


TECHNIQUE_SPECS: Final[tuple[TechniqueSpec, ...]] = (
    TechniqueSpec("plain", ("A2",), "harmful seed requests as written (baseline)"),
    TechniqueSpec("attire_substitution", ("A1", "A2"), "revealing attire instead of nudity words, minors included"),
    TechniqueSpec("translation", ("A7",), "the same direct requests in the 17 languages"),
    TechniqueSpec("code_switching", ("A7",), "an English frame around another language, and the reverse"),
    TechniqueSpec("obfuscation", ("A8",), "character-level obfuscation (rempart.text.obfuscate), single and stacked"),
    TechniqueSpec("roleplay", ("A9",), "role-play, fiction and persona wrappers"),
    TechniqueSpec("authority", ("A9",), "consent and authority claims"),
    TechniqueSpec("disavowal", ("A10",), "disavowal suffixes"),
    TechniqueSpec("age_claim", ("A13",), "adult-age claims on requests about minors"),
    TechniqueSpec("dilution", ("A6",), "the request buried among benign descriptions"),
    TechniqueSpec("multistep", ("A11",), "a benign and a harmful step in one prompt"),
    TechniqueSpec("multiturn", ("A11",), "escalation over the turns of one session"),
)

_BUILDERS: Final[Mapping[str, _Builder]] = {
    "plain": _plain,
    "attire_substitution": _attire,
    "translation": _translation,
    "code_switching": _code_switching,
    "obfuscation": _obfuscation,
    "roleplay": _wrapping(("roleplay", "fiction", "roleplay_dan"), 6),
    "authority": _wrapping(("consent", "authority", "authority_legal"), 6),
    "disavowal": _wrapping(("disavowal", "disavowal_research"), 4),
    "age_claim": _age_claim,
    "dilution": _dilution,
    "multistep": _multistep,
    "multiturn": _multiturn,
}


# --- seeds and the whole suite -------------------------------------------------------------------


def _seed(row: Mapping[str, object], where: str) -> SeedRequest:
    text, label, lang = row.get("text"), row.get("label"), row.get("lang")
    if not isinstance(text, str) or not text.strip() or label not in ("block", "allow") or not isinstance(lang, str):
        raise InvalidRecordError(f"{where}: a seed needs 'text', 'label' (block|allow) and 'lang'")
    photo = row.get("photo_of_person")
    techniques = row.get("techniques") or ["plain"]
    return SeedRequest(
        id=str(row.get("id", where)),
        text=text,
        label="block" if label == "block" else "allow",
        category=str(row.get("category", "unknown")),
        lang=lang,
        techniques=tuple(str(t) for t in techniques) if isinstance(techniques, list) else ("plain",),
        photo_of_person=photo if isinstance(photo, bool) else None,
    )


def load_seeds(
    paths: Sequence[Path], *, originals_only: bool = True
) -> tuple[tuple[SeedRequest, ...], tuple[dict[str, str], ...]]:
    """Seeds from JSONL files (the ``SEEDS.md`` format), sorted by id, and each file's name and digest.

    ``originals_only`` skips the derived rows of a built corpus (``base_id`` different from ``id``:
    obfuscated variants and compositions), so the generator starts from hand-written requests.
    """
    seeds: dict[str, SeedRequest] = {}
    sources = []
    for path in paths:
        if not path.is_file():
            raise InputError(f"no such seed file: {path}")
        data = path.read_bytes()
        sources.append({"name": path.name, "sha256": hashlib.sha256(data).hexdigest()})
        for number, row in parse_lines(data.splitlines(), str(path)):
            base = row.get("base_id")
            if originals_only and base is not None and base != row.get("id"):
                continue
            seed = _seed(row, f"{path}:{number}")
            seeds.setdefault(seed.id, seed)
    if not seeds:
        raise InputError("no seed requests in " + ", ".join(str(p) for p in paths))
    return tuple(seeds[k] for k in sorted(seeds)), tuple(sources)


def _pair_cases(spec: TechniqueSpec, lang: str, number: int, draft: _Draft) -> tuple[Case, Case]:
    pair = f"{spec.name}-{lang}-{number:03d}"

    def case(role: Literal["attack", "control"], turns: tuple[Turn, ...], sources: tuple[str, ...]) -> Case:
        return Case(
            id=f"{pair}-{role[0]}",
            pair=pair,
            role=role,
            technique=spec.name,
            variant=draft.variant,
            landscape=spec.landscape,
            lang=lang,
            category=draft.category,
            turns=turns,
            sources=sources,
        )

    return case("attack", draft.attack, draft.attack_sources), case("control", draft.control, draft.control_sources)


def generate(
    seeds: Sequence[SeedRequest], options: GenerateOptions, sources: Sequence[Mapping[str, str]] = ()
) -> Suite:
    """Build the suite: techniques in ``TECHNIQUE_SPECS`` order, languages in ``LANGS`` order."""
    known = {s.name for s in TECHNIQUE_SPECS}
    unknown = [t for t in options.techniques if t not in known]
    if unknown:
        raise InputError(f"unknown technique(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    bad_langs = [lang for lang in options.langs if lang not in PHRASES]
    if bad_langs:
        raise InputError(f"unknown language(s) {', '.join(bad_langs)}; known: {', '.join(LANGS)}")
    if options.scale < 1:
        raise InputError("scale must be at least 1")
    pools = _Pools.build(sorted(seeds, key=lambda s: s.id))
    langs = [lang for lang in LANGS if not options.langs or lang in options.langs]
    cases: list[Case] = []
    counts: dict[str, int] = {}
    for spec in TECHNIQUE_SPECS:
        if options.techniques and spec.name not in options.techniques:
            continue
        for lang in langs:
            ctx = _Ctx(pools, options.scale, lang, random.Random(f"{options.seed}/{spec.name}/{lang}"))
            for number, draft in enumerate(_BUILDERS[spec.name](ctx), start=1):
                cases.extend(_pair_cases(spec, lang, number, draft))
                counts[spec.name] = counts.get(spec.name, 0) + 1
    header = SuiteHeader(
        seed=options.seed, scale=options.scale, generator=GENERATOR, sources=tuple(sources), counts=counts
    )
    return Suite(header, tuple(cases))
