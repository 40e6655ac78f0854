"""Multilingual concept lexicons: loading, validation, compilation and matching.

A ``Lexicon`` is one language's TOML file (format in ``lexicons/FORMAT.md``). ``ConceptMatcher``
compiles all of them into indexes once and then finds every concept mention in a normalised text:

- segmented languages match token by token (exact, prefix ``w*``, suffix ``*w``, infix ``*w*``,
  gaps ``~``), with one typo allowed on plain tokens of six letters or more;
- unsegmented languages (ja, zh) match as substrings of the text with spaces and punctuation
  removed (``~`` allows a gap of up to four characters);
- "de-spaced" words ("n a k e d", "na ked") are found in the same compact view when the match
  spans several short fragments;
- idioms listed as ``exceptions`` ("naked mole rat", "bare trees") suppress the harmful concepts
  they contain.

All languages are matched at once, so prompts that mix two languages need nothing special.
Matching is pure and allocation-light; a 200-character prompt takes well under a millisecond.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import os
import pickle
import re
import tomllib
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from rapidfuzz.distance import OSA

from rempart.errors import ConfigError
from rempart.text import normalize as normalize_module
from rempart.text.concepts import Concept
from rempart.text.normalize import NormalizedText, fold

LEXICON_PACKAGE = "rempart.text.lexicons"

#: Concepts that an exception idiom suppresses (person and clause words are kept). Negators too:
#: "can't wait to see her naked" negates nothing, nor does Dutch "pas de foto aan" (adjust the photo).
SUPPRESSIBLE: frozenset[Concept] = frozenset(
    {
        Concept.NEGATION,
        Concept.REMOVE,
        Concept.UNDRESS,
        Concept.GARMENT,
        Concept.NUDE,
        Concept.REVEALING,
        Concept.SWIMWEAR,
        Concept.UNDERWEAR,
        Concept.SHEER,
        Concept.SEXUAL,
        Concept.POSE,
        Concept.INTIMATE,
        Concept.REVEAL,
        Concept.MINOR,
    }
)

#: Concepts searched in the de-spaced view ("n a k e d"): those that are harmful by themselves.
DESPACED: frozenset[Concept] = frozenset(
    {
        Concept.UNDRESS,
        Concept.NUDE,
        Concept.SWIMWEAR,
        Concept.UNDERWEAR,
        Concept.SEXUAL,
        Concept.INTIMATE,
        Concept.MINOR,
        Concept.SHEER,
    }
)

_FUZZY_MIN = 6
_FUZZY_LONG = 8
#: Concepts whose words are worth a typo: what people misspell to get past a filter.
_FUZZY_CONCEPTS: frozenset[Concept] = frozenset(
    {
        Concept.UNDRESS,
        Concept.NUDE,
        Concept.SWIMWEAR,
        Concept.UNDERWEAR,
        Concept.SHEER,
        Concept.SEXUAL,
        Concept.INTIMATE,
        Concept.MINOR,
        Concept.GARMENT,
    }
)
_DESPACE_MIN = 5
_GAP_TOKENS = 3
_GAP_CHARS = 4


@dataclass(frozen=True, slots=True)
class Lexicon:
    language: str
    name: str
    segmented: bool
    concepts: dict[Concept, tuple[str, ...]]
    exceptions: tuple[str, ...]
    age_units: tuple[str, ...]
    age_prefixes: tuple[str, ...]

    @property
    def size(self) -> int:
        return sum(len(v) for v in self.concepts.values()) + len(self.exceptions)


def parse_lexicon(data: dict[str, object], origin: str) -> Lexicon:
    """Validate one lexicon's parsed TOML strictly; every concept must be present."""
    try:
        language = str(data["language"])
        name = str(data.get("name", language))
        segmented = bool(data.get("segmented", True))
        raw_concepts = data["concepts"]
    except KeyError as exc:
        raise ConfigError(f"lexicon {origin}: missing key {exc}") from exc
    if not isinstance(raw_concepts, dict):
        raise ConfigError(f"lexicon {origin}: [concepts] must be a table")
    raw_concepts = dict(raw_concepts)
    if "exceptions" in raw_concepts:  # written after [concepts], TOML puts it inside that table
        if "exceptions" in data:
            raise ConfigError(f"lexicon {origin}: exceptions given twice")
        data = {**data, "exceptions": raw_concepts.pop("exceptions")}
    unknown = set(raw_concepts) - {c.value for c in Concept}
    if unknown:
        raise ConfigError(f"lexicon {origin}: unknown concepts {sorted(unknown)}")
    missing = {c.value for c in Concept} - set(raw_concepts)
    if missing:
        raise ConfigError(f"lexicon {origin}: missing concepts {sorted(missing)}")
    concepts: dict[Concept, tuple[str, ...]] = {}
    for key, terms in raw_concepts.items():
        if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
            raise ConfigError(f"lexicon {origin}: {key} must be a list of strings")
        concepts[Concept(key)] = tuple(t for t in terms if t.strip())
    extras = set(data) - {"language", "name", "segmented", "concepts", "exceptions", "age_units", "age_prefixes"}
    if extras:
        raise ConfigError(f"lexicon {origin}: unknown keys {sorted(extras)}")

    def strings(key: str) -> tuple[str, ...]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
            raise ConfigError(f"lexicon {origin}: {key} must be a list of strings")
        return tuple(value)

    return Lexicon(
        language=language,
        name=name,
        segmented=segmented,
        concepts=concepts,
        exceptions=strings("exceptions"),
        age_units=strings("age_units"),
        age_prefixes=strings("age_prefixes"),
    )


def load_lexicons(directory: Path | None = None) -> tuple[Lexicon, ...]:
    """Load every ``*.toml`` lexicon, from ``directory`` or from the installed package."""
    items: list[tuple[str, bytes]] = []
    if directory is not None:
        items = [(p.name, p.read_bytes()) for p in sorted(directory.glob("*.toml"))]
    else:
        root = resources.files(LEXICON_PACKAGE)
        items = [
            (entry.name, entry.read_bytes())
            for entry in sorted(root.iterdir(), key=lambda e: e.name)
            if entry.name.endswith(".toml")
        ]
    if not items:
        raise ConfigError("no lexicon files found")
    lexicons = []
    for name, raw in items:
        try:
            data = tomllib.loads(raw.decode("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"lexicon {name}: {exc}") from exc
        lexicons.append(parse_lexicon(data, name))
    return tuple(lexicons)


@dataclass(frozen=True, slots=True)
class ConceptMatch:
    """One concept mention. ``start``/``end`` are offsets into ``NormalizedText.text``."""

    concept: Concept
    language: str
    term: str
    start: int
    end: int
    matched: str
    how: str  # "token" | "fuzzy" | "substring" | "despaced" | "age"

    def to_dict(self) -> dict[str, object]:
        return {
            "concept": self.concept.value,
            "lang": self.language,
            "term": self.term,
            "matched": self.matched,
            "span": [self.start, self.end],
            "how": self.how,
        }


# --- compiled patterns -------------------------------------------------------------------------

_EXACT, _PREFIX, _SUFFIX, _INFIX, _GAP = range(5)


@dataclass(frozen=True, slots=True)
class _Piece:
    kind: int
    value: str

    def __reduce__(self) -> tuple[type[_Piece], tuple[int, str]]:  # fast unpickling (the index cache)
        return (_Piece, (self.kind, self.value))

    def test(self, token: str) -> bool:
        if self.kind == _EXACT:
            return token == self.value
        if self.kind == _PREFIX:
            return token.startswith(self.value)
        if self.kind == _SUFFIX:
            return token.endswith(self.value)
        return self.value in token


@dataclass(frozen=True, slots=True)
class _Term:
    concept: Concept | None  # None for an exception
    language: str
    source: str
    pieces: tuple[_Piece, ...]

    def __reduce__(self) -> tuple[type[_Term], tuple[Concept | None, str, str, tuple[_Piece, ...]]]:
        return (_Term, (self.concept, self.language, self.source, self.pieces))


def _compile_piece(raw: str) -> _Piece | None:
    if raw == "~":
        return _Piece(_GAP, "")
    star_start, star_end = raw.startswith("*"), raw.endswith("*")
    core = _fold_piece(raw.strip("*")).replace(" ", "")
    if not core:
        return None
    if (
        not star_end
        and len(core) >= 2
        and _HANGUL_FIRST <= core[0] <= _HANGUL_LAST
        and all(_HANGUL_FIRST <= ch <= _HANGUL_LAST for ch in core)
    ):
        star_end = True  # Korean particles attach to words ("수영복을", "검정에서"): match as a prefix
    if star_start and star_end:
        return _Piece(_INFIX, core)
    if star_end:
        return _Piece(_PREFIX, core)
    if star_start:
        return _Piece(_SUFFIX, core)
    return _Piece(_EXACT, core)


_HANGUL_FIRST, _HANGUL_LAST = "\uac00", "\ud7a3"
_PLAIN = re.compile(r"[a-z]+")


@functools.lru_cache(maxsize=65536)
def _fold_piece(raw: str) -> str:
    """``fold`` for one lexicon token; plain lower-case ASCII needs no normalisation (most terms)."""
    return raw if _PLAIN.fullmatch(raw) else fold(raw)


def _split_term(term: str) -> list[str]:
    """Split a lexicon term into folded pieces, keeping ``*`` markers attached to their token."""
    pieces: list[str] = []
    for raw in term.split():
        if raw == "~":
            pieces.append("~")
            continue
        lead = "*" if raw.startswith("*") else ""
        trail = "*" if raw.endswith("*") else ""
        folded = _fold_piece(raw.strip("*"))
        parts = folded.split()
        if not parts:
            continue
        if len(parts) == 1:
            pieces.append(f"{lead}{parts[0]}{trail}")
        else:  # "soutien-gorge" folds to two tokens: the markers go to the outer ones
            pieces.append(f"{lead}{parts[0]}")
            pieces.extend(parts[1:-1])
            pieces.append(f"{parts[-1]}{trail}")
    return pieces


def _compile_term(concept: Concept | None, language: str, source: str) -> _Term | None:
    pieces = [p for p in (_compile_piece(raw) for raw in _split_term(source)) if p is not None]
    while pieces and pieces[0].kind == _GAP:
        pieces.pop(0)
    while pieces and pieces[-1].kind == _GAP:
        pieces.pop()
    if not pieces:
        return None
    return _Term(concept, language, source, tuple(pieces))


def _typo_ok(token: str, value: str) -> bool:
    """Which typos count. Words of eight letters or more: any one edit ("lingeire"). Shorter words:
    an inserted letter after the first two ("nakeed"); in words of seven letters a dropped letter
    ("topess"); from five letters two neighbours swapped after the first letter ("nakde"). Never a
    changed letter: "named" is not "naked", "cooler" is not "coomer", "tangan" is not "tangas"."""
    if not (value.isascii() or "\u0400" <= value[0] <= "\u04ff"):
        return False  # Latin and Cyrillic only: in Arabic or Turkish one letter turns a word into another
    if len(value) >= _FUZZY_LONG:
        return True
    if len(token) == len(value) + 1:
        return token[:2] == value[:2]
    if token[0] != value[0]:
        return False
    if len(token) == len(value) - 1:
        # "lingrie", "topess": words of seven letters, not at their end, where inflections live and
        # where a dropped letter makes another language's word ("colinya" -> "colina", "bralet" -> "balet")
        cut = next((i for i, (a, b) in enumerate(zip(token, value, strict=False)) if a != b), len(token))
        return len(value) >= _FUZZY_LONG - 1 and cut < len(value) - 2
    if len(token) == len(value):  # a swap, not a substitution
        diff = [i for i in range(len(value)) if token[i] != value[i]]
        return len(diff) == 2 and diff[1] == diff[0] + 1 and token[diff[0]] == value[diff[1]]
    return False


def _latin_term(term: _Term) -> bool:
    """A romanised term in an unsegmented lexicon ("sm", "ero") matches by tokens, never inside
    English words ("smaller")."""
    return any("a" <= ch <= "z" for p in term.pieces for ch in p.value)


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _is_word_char(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return cat[0] in "LNM"


@dataclass
class _SubstringIndex:
    """Substring terms (unsegmented languages and the de-spaced view) keyed by their first three
    characters (fewer for shorter terms), so each text position looks at a handful of candidates."""

    by_key: dict[str, list[tuple[_Term, tuple[str, ...]]]] = field(default_factory=lambda: defaultdict(list))

    def add(self, term: _Term, parts: tuple[str, ...]) -> None:
        if parts and parts[0]:
            self.by_key[parts[0][:3]].append((term, parts))

    def __len__(self) -> int:
        return sum(len(v) for v in self.by_key.values())

    def find(self, compact: str) -> Iterable[tuple[_Term, int, int]]:
        keys = self.by_key
        for i in range(len(compact)):
            three = compact[i : i + 3]
            for key in (three, three[:2], three[:1])[3 - len(three) :]:
                candidates = keys.get(key)
                if not candidates:
                    continue
                for term, parts in candidates:
                    end = _match_parts(compact, i, parts)
                    if end is not None:
                        yield term, i, end


def _match_parts(compact: str, start: int, parts: tuple[str, ...]) -> int | None:
    if not compact.startswith(parts[0], start):
        return None
    pos = start + len(parts[0])
    for part in parts[1:]:
        found = compact.find(part, pos, pos + _GAP_CHARS + len(part))
        if found < 0:
            return None
        pos = found + len(part)
    return pos


_AGE_RE_CACHE: dict[tuple[str, ...], re.Pattern[str]] = {}


def _cache_dir() -> Path | None:
    configured = os.environ.get("REMPART_CACHE_DIR")
    if configured == "":
        return None  # caching switched off
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "rempart"


#: The matcher's indexes, built from the terms alone (the known words are used at match time).
_INDEXES = (
    "_exact", "_prefix", "_suffix", "_infix", "_fuzzy", "_fuzzy_terms",
    "_prefix_lengths", "_suffix_lengths", "_substring", "_despaced",
)  # fmt: skip


def _cache_path(entries: list[tuple[Concept | None, Lexicon, str]]) -> Path | None:
    """Building the indexes of the 48k terms takes about 2 s, so they are cached on disk under a
    digest of the terms and of the code that compiles them (this module and the normaliser). The
    cache is this user's own file (``REMPART_CACHE_DIR``, default ``~/.cache/rempart``; set it
    empty to switch caching off); any problem with it just means building again."""
    directory = _cache_dir()
    if directory is None:
        return None
    digest = hashlib.sha256()
    for module in (__file__, normalize_module.__file__):
        digest.update(Path(module).read_bytes())
    for concept, lex, source in entries:
        digest.update(f"{concept}\x1f{lex.language}\x1f{int(lex.segmented)}\x1f{source}\x1e".encode())
    return directory / f"lexicon-index-{digest.hexdigest()[:32]}.pickle"


def _read_cache(path: Path | None) -> dict[str, object] | None:
    if path is None:
        return None
    try:
        state = pickle.loads(path.read_bytes())
    except Exception:  # absent, unreadable, or written by an incompatible version: build again
        return None
    if not isinstance(state, dict) or set(state) != set(_INDEXES):
        return None
    return state


def _write_cache(path: Path | None, state: dict[str, object]) -> None:
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, path)
    except (OSError, pickle.PicklingError):
        pass  # a read-only home: build every time


class ConceptMatcher:
    """All lexicons compiled into lookup indexes. Build once (about 0.1 s), share, match fast."""

    def __init__(self, lexicons: Sequence[Lexicon], known_words: frozenset[str] = frozenset()):
        self.lexicons = tuple(lexicons)
        self._known_words = known_words
        self.languages = tuple(lex.language for lex in self.lexicons)
        self._exact: dict[str, list[_Term]] = defaultdict(list)
        self._prefix: dict[str, list[_Term]] = defaultdict(list)
        self._suffix: dict[str, list[_Term]] = defaultdict(list)
        self._infix: list[_Term] = []
        self._fuzzy: dict[str, set[str]] = defaultdict(set)
        self._fuzzy_terms: dict[str, list[_Term]] = defaultdict(list)
        self._prefix_lengths: set[int] = set()
        self._suffix_lengths: set[int] = set()
        self._substring = _SubstringIndex()
        self._despaced = _SubstringIndex()
        units: set[str] = set()
        prefixes: set[str] = set()
        entries = [
            (concept, lex, source)
            for lex in self.lexicons
            for concept, terms in [*lex.concepts.items(), (None, lex.exceptions)]
            for source in terms
        ]
        path = _cache_path(entries)
        state = _read_cache(path)
        if state is not None:
            for name in _INDEXES:
                setattr(self, name, state[name])
        else:
            for concept, lex, source in entries:
                self._add(concept, lex, _compile_term(concept, lex.language, source))
            _write_cache(path, {name: getattr(self, name) for name in _INDEXES})
        for lex in self.lexicons:
            units.update(u for u in lex.age_units if u.strip())
            prefixes.update(p for p in lex.age_prefixes if p.strip())
        self._age_re = _age_pattern(tuple(sorted(units)), tuple(sorted(prefixes)))
        self.term_count = sum(lex.size for lex in self.lexicons)

    # -- building -----------------------------------------------------------------------------

    def _add(self, concept: Concept | None, lex: Lexicon, term: _Term | None) -> None:
        if term is None:
            return
        if not lex.segmented and not _latin_term(term):
            parts = tuple(p.value for p in term.pieces if p.kind != _GAP)
            self._substring.add(term, parts)
            return
        first = term.pieces[0]
        if first.kind == _EXACT:
            self._exact[first.value].append(term)
        elif first.kind == _PREFIX:
            self._prefix[first.value].append(term)
            self._prefix_lengths.add(len(first.value))
        elif first.kind == _SUFFIX:
            self._suffix[first.value].append(term)
            self._suffix_lengths.add(len(first.value))
        else:
            self._infix.append(term)
        if (
            concept in _FUZZY_CONCEPTS
            and first.kind in (_EXACT, _PREFIX)
            and len(first.value) >= _FUZZY_MIN - 1
            and first.value.isalpha()
        ):
            # one typo in a long word: "lingeire", "bikiny", "doughter" (prefix cores as whole words)
            self._fuzzy_terms[first.value].append(term)
            for key in _deletions(first.value) | {first.value}:
                self._fuzzy[key].add(first.value)
        if (
            concept in DESPACED
            and len(term.pieces) == 1
            and first.kind in (_EXACT, _PREFIX)
            and len(first.value) >= _DESPACE_MIN
            and first.value.isalpha()
        ):
            self._despaced.add(term, (first.value,))

    # -- matching -----------------------------------------------------------------------------

    def match(self, norm: NormalizedText) -> list[ConceptMatch]:
        """Every concept mention in ``norm``, exceptions applied, sorted by position."""
        tokens = [t.value for t in norm.tokens]
        found: list[ConceptMatch] = []
        exceptions: list[tuple[int, int]] = []
        for i, token in enumerate(tokens):
            for term, fuzzy in self._candidates(token):
                end = self._match_rest(tokens, i, term)
                if end is None:
                    continue
                start_off, end_off = norm.tokens[i].start, norm.tokens[end - 1].end
                if term.concept is None:
                    exceptions.append((start_off, end_off))
                    continue
                found.append(
                    ConceptMatch(
                        term.concept,
                        term.language,
                        term.source,
                        start_off,
                        end_off,
                        norm.text[start_off:end_off],
                        "fuzzy" if fuzzy else "token",
                    )
                )
        compact, offsets = _compact(norm.text)
        if compact:
            for term, s, e in self._substring.find(compact):
                a, b = offsets[s], offsets[e - 1] + 1
                if term.concept is None:
                    exceptions.append((a, b))
                else:
                    found.append(
                        ConceptMatch(term.concept, term.language, term.source, a, b, norm.text[a:b], "substring")
                    )
            found.extend(self._despaced_matches(norm, compact, offsets))
        found.extend(self._age_matches(norm))
        if exceptions:
            found = [
                m
                for m in found
                if not (m.concept in SUPPRESSIBLE and any(a <= m.start and m.end <= b for a, b in exceptions))
            ]
        found.sort(key=lambda m: (m.start, -m.end, m.concept.value))
        return _dedupe(found)

    def _candidates(self, token: str) -> Iterable[tuple[_Term, bool]]:
        for term in self._exact.get(token, ()):
            yield term, False
        n = len(token)
        for length in self._prefix_lengths:
            if length <= n:
                for term in self._prefix.get(token[:length], ()):
                    yield term, False
        for length in self._suffix_lengths:
            if length <= n:
                for term in self._suffix.get(token[n - length :], ()):
                    yield term, False
        for term in self._infix:
            if term.pieces[0].value in token:
                yield term, False
        if n >= _FUZZY_MIN - 1 and token not in self._exact and token.isalpha() and token not in self._known_words:
            values: set[str] = set()
            for key in _deletions(token) | {token}:
                values.update(self._fuzzy.get(key, ()))
            for value in sorted(values):  # sorted: the same explanation whatever the hash seed
                if value != token and _typo_ok(token, value) and OSA.distance(token, value) <= 1:
                    for term in self._fuzzy_terms[value]:
                        yield term, True

    def _match_rest(self, tokens: list[str], i: int, term: _Term) -> int | None:
        """Index one past the last token of ``term`` matched from token ``i``, or None."""
        return _match_from(tokens, i + 1, term.pieces[1:], 0)

    def _despaced_matches(self, norm: NormalizedText, compact: str, offsets: list[int]) -> list[ConceptMatch]:
        """Words split by spaces or punctuation ("n a k e d", "na.ked") found in the compact view."""
        out: list[ConceptMatch] = []
        bounds = [(t.start, t.end) for t in norm.tokens]
        for term, s, e in self._despaced.find(compact):
            a, b = offsets[s], offsets[e - 1] + 1
            covered = [(ts, te) for ts, te in bounds if te > a and ts < b]
            if len(covered) < 2:
                continue  # inside one token: the token matcher already decided
            if covered[0][0] != a or covered[-1][1] != b:
                continue  # must be made of whole fragments: "pas ses" is not "asses"
            joined_by_space = all(norm.text[e:s].isspace() for (_, e), (s, _) in itertools.pairwise(covered))
            if len(covered) == 2 and joined_by_space:
                continue  # "pen is" is two words; "pe.nis" or "p en is" is an obfuscation
            if all((te - ts) <= 4 for ts, te in covered):
                assert term.concept is not None
                out.append(ConceptMatch(term.concept, term.language, term.source, a, b, norm.text[a:b], "despaced"))
        return out

    def _age_matches(self, norm: NormalizedText) -> list[ConceptMatch]:
        """Ages written with digits ("14 yo", "12歳", "age: 15"), in the normalised text and in the
        merely case-folded original (leetspeak decoding may have turned "13yo" into letters)."""
        out: list[ConceptMatch] = []
        seen: set[str] = set()
        raw = unicodedata.normalize("NFKC", norm.original).casefold()
        for source in (norm.text, raw):
            for m in self._age_re.finditer(source):
                digits = m.group("n1") or m.group("n2")
                if digits is None or m.group(0) in seen:
                    continue
                seen.add(m.group(0))
                age = int(digits)
                concept = Concept.MINOR if age < 18 else Concept.ADULT
                start = norm.text.find(m.group(0)) if source is raw else m.start()
                span = (start, start + len(m.group(0))) if start >= 0 else (0, 0)
                out.append(ConceptMatch(concept, "*", f"age {age}", span[0], span[1], m.group(0), "age"))
        return out


def _match_from(tokens: list[str], j: int, pieces: tuple[_Piece, ...], k: int) -> int | None:
    if k == len(pieces):
        return j
    piece = pieces[k]
    if piece.kind == _GAP:
        for skip in range(_GAP_TOKENS + 1):
            end = _match_from(tokens, j + skip, pieces, k + 1)
            if end is not None:
                return end
        return None
    if j >= len(tokens):
        return None
    token = tokens[j]
    ok = piece.test(token) or (
        piece.kind == _EXACT
        and len(piece.value) >= _FUZZY_MIN
        and token.isalpha()
        and len(token) >= _FUZZY_MIN
        and OSA.distance(token, piece.value) <= 1
    )
    return _match_from(tokens, j + 1, pieces, k + 1) if ok else None


def _compact(text: str) -> tuple[str, list[int]]:
    chars: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        if _is_word_char(ch):
            chars.append(ch)
            offsets.append(i)
    return "".join(chars), offsets


#: After "she's 5" a height, weight, time or size is not an age ("she's 5'4", "he is 6 ft", "is 12 pm").
_NOT_A_MEASURE = (
    r"(?!\s*(?:['\u2032\"]|ft\b|feet|foot|cm\b|mm\b|m\b|kg\b|lbs?\b|inch|in\b|%|x\b|:\d|h\b|am\b|pm\b"
    r"|o\s*clock|k\b|th\b|st\b|nd\b|rd\b))"
)


def _age_pattern(units: tuple[str, ...], prefixes: tuple[str, ...]) -> re.Pattern[str]:
    key = (*units, "|", *prefixes)
    cached = _AGE_RE_CACHE.get(key)
    if cached is not None:
        return cached

    def alternation(words: tuple[str, ...]) -> str:
        folded = sorted({fold(w) for w in words if fold(w)}, key=len, reverse=True)
        return "|".join(re.escape(w).replace(r"\ ", r"[\s\-_/]*") for w in folded) or "(?!x)x"

    unit_alt, prefix_alt = alternation(units), alternation(prefixes)
    pattern = re.compile(
        rf"(?<![\d.,])(?P<n1>\d{{1,2}})(?![\d.,]\d)[\s\-_]*(?:{unit_alt})(?![a-z])"
        rf"|(?:(?<![a-z])(?:{prefix_alt})[\s:\-]*)(?P<n2>\d{{1,2}})(?![\d.,]?\d){_NOT_A_MEASURE}",
        re.IGNORECASE,
    )
    _AGE_RE_CACHE[key] = pattern
    return pattern


def _dedupe(matches: list[ConceptMatch]) -> list[ConceptMatch]:
    seen: set[tuple[Concept, int, int]] = set()
    out = []
    for m in matches:
        key = (m.concept, m.start, m.end)
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out
