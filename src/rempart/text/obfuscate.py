"""Deterministic obfuscators for the training corpus and the red-team suites.

``obfuscate(text, technique, rng, strength)`` rewrites a random subset of the words of ``text``
(words of 4 letters or more; ``strength`` is the fraction chosen, at least one word when
``strength > 0``) the way people hide words from filters. Everything is drawn from ``rng``, so a
seeded ``random.Random`` reproduces the same output.

Every technique except "misspelling" and "emoji" is built so that ``normalize`` recovers the
word exactly: ``normalize(obfuscate(w, t, rng)).tokens`` folds back to ``fold(w)``. "misspelling"
makes realistic typos (the lexicon's one-typo tolerance is what catches those); "emoji" replaces
a word by an emoji only where the emoji depicts exactly that thing (bikini -> 👙, dress -> 👗,
girl -> 👧; ``normalize`` reads the emoji back as the English word), and otherwise decorates the
word with an emoji that ``normalize`` drops. A technique that has no meaning for a script (leetspeak
on Arabic, fullwidth on Cyrillic, spacing on Devanagari) leaves that word unchanged.

Techniques:

- "leetspeak": letters inside the word become digits or symbols (a->4/@, e->3, i->1/!, o->0,
  s->5/$, t->7, b->8, l->|; Cyrillic о->0, з->3, ч->4, б->6, а->@); the first and last letters stay.
- "spacing": every letter separated by spaces ("n a k e d"); a different separator is used when
  a neighbouring single-letter word would otherwise be glued on ("a n.a.k.e.d woman").
- "punctuation": one ``* _ ~ ^`` inside the word ("nak*ed"), one ``.`` next to its edge
  ("na.ked"), or every letter separated by one of ``. - _ *`` ("n-a-k-e-d").
- "homoglyph": some letters become Cyrillic/Greek look-alikes (Latin words) or Latin
  look-alikes (Cyrillic words); at least one letter keeps its script.
- "invisible": zero-width characters, soft hyphens, word joiners or tag characters inside the word.
- "emoji": see above.
- "misspelling": one typo: swapped neighbours, a dropped or doubled letter, or a neighbouring key.
- "repeat": one letter repeated 3 to 6 times ("nuuuude").
- "case": random upper/lower case per letter.
- "fullwidth": ASCII letters become fullwidth forms ("ｎａｋｅｄ").
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Final

from rempart.text.normalize import fold

__all__ = ["TECHNIQUES", "obfuscate"]

TECHNIQUES: tuple[str, ...] = (
    "leetspeak",
    "spacing",
    "punctuation",
    "homoglyph",
    "invisible",
    "emoji",
    "misspelling",
    "repeat",
    "case",
    "fullwidth",
)

_MIN_WORD = 4


@dataclass(frozen=True, slots=True)
class _Site:
    """Where the word sits: the already rewritten text before it and the original text after it."""

    before: str
    after: str


_Transform = Callable[[str, random.Random, _Site], str]


def obfuscate(text: str, technique: str, rng: random.Random, strength: float = 0.5) -> str:
    """Rewrite ``round(strength * n)`` (at least one) of the ``n`` words of 4+ letters of ``text``.

    Raises ``ValueError`` for an unknown technique or a strength outside [0, 1].
    """
    transform = _TRANSFORMS.get(technique)
    if transform is None:
        raise ValueError(f"unknown obfuscation technique {technique!r}; known: {', '.join(TECHNIQUES)}")
    if not 0.0 <= strength <= 1.0:
        raise ValueError(f"strength must be in [0, 1], got {strength}")
    spans = [span for span in _word_spans(text) if span[1] - span[0] >= _MIN_WORD]
    if not spans or strength == 0.0:
        return text
    count = min(len(spans), max(1, round(strength * len(spans))))
    chosen = sorted(rng.sample(range(len(spans)), count))
    out: list[str] = []
    last = 0
    for index in chosen:
        start, end = spans[index]
        out.append(text[last:start])
        out.append(transform(text[start:end], rng, _Site("".join(out), text[end:])))
        last = end
    out.append(text[last:])
    return "".join(out)


def _word_spans(text: str) -> list[tuple[int, int]]:
    """Maximal runs of letters and their combining marks."""
    spans: list[tuple[int, int]] = []
    start = -1
    for i, ch in enumerate(text):
        wordish = ch.isalpha() or (start >= 0 and unicodedata.category(ch)[0] == "M")
        if wordish and start < 0:
            start = i
        elif not wordish and start >= 0:
            spans.append((start, i))
            start = -1
    if start >= 0:
        spans.append((start, len(text)))
    return spans


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    if name.startswith("LATIN"):
        return "latin"
    if name.startswith("CYRILLIC"):
        return "cyrillic"
    return "other"


def _word_script(word: str) -> str:
    scripts = {_script(c) for c in word if c.isalpha()}
    return scripts.pop() if len(scripts) == 1 else "other"


# --- leetspeak -----------------------------------------------------------------------------------

_LEET_LATIN: Final[dict[str, tuple[str, ...]]] = {
    "a": ("4", "@"), "e": ("3",), "i": ("1", "!"), "o": ("0",), "s": ("5", "$"), "t": ("7",),
    "b": ("8",), "l": ("|",),
}  # fmt: skip
_LEET_CYRILLIC: Final[dict[str, tuple[str, ...]]] = {
    "о": ("0",),
    "з": ("3",),
    "ч": ("4",),
    "б": ("6",),
    "а": ("@",),
}
_SYMBOLS: Final = "@$!|"


def _leetspeak(word: str, rng: random.Random, site: _Site) -> str:
    script = _word_script(word)
    if script not in ("latin", "cyrillic"):
        return word
    table = _LEET_LATIN if script == "latin" else _LEET_CYRILLIC
    inner = [i for i in range(1, len(word) - 1) if word[i].lower() in table]
    if not inner:
        return word
    picked = {i for i in inner if rng.random() < 0.6} or {rng.choice(inner)}
    chars = list(word)
    for i in sorted(picked):
        options = table[word[i].lower()]
        choice = rng.choice(options)
        if choice in _SYMBOLS and sum(1 for c in chars[max(0, i - 2) : i] if c in _SYMBOLS) == 2:
            digits = [o for o in options if o not in _SYMBOLS]
            if not digits:
                continue  # a third symbol in a row would read as punctuation
            choice = digits[0]
        chars[i] = choice
    return "".join(chars)


# --- spacing and punctuation ---------------------------------------------------------------------

_SINGLE_BEFORE_RE: Final = re.compile(r"(?<![^\W_])[^\W_]([\W_]*)\Z")
_SINGLE_AFTER_RE: Final = re.compile(r"\A([\W_]*)[^\W_](?![^\W_])")


def _separator(rng: random.Random, site: _Site, preferred: tuple[str, ...]) -> str:
    """A separator that cannot glue a neighbouring one-letter word onto the spaced-out word."""
    banned = set()
    for match in (_SINGLE_BEFORE_RE.search(site.before), _SINGLE_AFTER_RE.match(site.after)):
        if match is not None:
            banned.add(match.group(1))
    options = [s for s in preferred if s not in banned]
    fallback = [s for s in (" ", ".", "-", "_", "*", "  ") if s not in banned]
    return rng.choice(options or fallback)


def _spaceable(word: str, site: _Site) -> bool:
    """Latin/Cyrillic letters only, and not right after a spaced-out run that would swallow it."""
    if _word_script(word) not in ("latin", "cyrillic") or not all(c.isalpha() for c in word):
        return False
    last = _SINGLE_BEFORE_RE.search(site.before)
    if last is None:
        return True
    previous = _SINGLE_BEFORE_RE.search(site.before[: last.start()])
    return previous is None or previous.group(1) != last.group(1)


def _spacing(word: str, rng: random.Random, site: _Site) -> str:
    if not _spaceable(word, site):
        return word
    return _separator(rng, site, (" ",)).join(word)


def _punctuation(word: str, rng: random.Random, site: _Site) -> str:
    mode = rng.random()
    if mode < 0.3 and _spaceable(word, site):
        return _separator(rng, site, (".", "-", "_", "*")).join(word)
    if mode < 0.55 and _word_script(word) in ("latin", "cyrillic") and word.isalpha():
        n = len(word)
        cuts = [i for i in (1, 2, n - 2, n - 1) if not (word[i - 1].islower() and word[i].isupper())]
        if cuts:
            i = rng.choice(cuts)
            return word[:i] + "." + word[i:]
    cuts = [i for i in range(1, len(word)) if word[i - 1].isalpha() and word[i].isalpha()]
    if not cuts:
        return word
    i = rng.choice(cuts)
    return word[:i] + rng.choice("*_~^") + word[i:]


# --- homoglyphs ----------------------------------------------------------------------------------

_LATIN_LOOKALIKES: Final[dict[str, tuple[str, ...]]] = {
    "a": ("а", "α"), "c": ("с", "ϲ"), "d": ("ԁ",), "e": ("е",), "h": ("һ",), "i": ("і", "ι"),
    "j": ("ј",), "k": ("κ",), "l": ("ӏ",), "o": ("о", "ο"), "p": ("р", "ρ"), "q": ("ԛ",),
    "s": ("ѕ",), "t": ("τ",), "u": ("υ",), "v": ("ν",), "w": ("ԝ",), "x": ("х", "χ"), "y": ("у",),
    "A": ("А", "Α"), "B": ("В", "Β"), "C": ("С",), "E": ("Е", "Ε"), "H": ("Н", "Η"),
    "I": ("І", "Ι"), "J": ("Ј",), "K": ("К", "Κ"), "M": ("М", "Μ"), "N": ("Ν",), "O": ("О", "Ο"),
    "P": ("Р", "Ρ"), "S": ("Ѕ",), "T": ("Т", "Τ"), "X": ("Х", "Χ"), "Y": ("У", "Υ"), "Z": ("Ζ",),
}  # fmt: skip
_CYRILLIC_LOOKALIKES: Final[dict[str, str]] = {
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "к": "k",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "Х": "X",
}  # fmt: skip


def _homoglyph(word: str, rng: random.Random, site: _Site) -> str:
    script = _word_script(word)
    if script == "latin":
        candidates = [i for i, c in enumerate(word) if c in _LATIN_LOOKALIKES]
    elif script == "cyrillic":
        candidates = [i for i, c in enumerate(word) if c in _CYRILLIC_LOOKALIKES]
    else:
        return word
    letters = sum(1 for c in word if c.isalpha())
    if not candidates or letters < 2:
        return word
    limit = min(len(candidates), letters - 1)  # one letter at least keeps its script
    count = rng.randint(1, max(1, (limit + 1) // 2)) if limit > 1 else 1
    chars = list(word)
    for i in rng.sample(candidates, count):
        c = word[i]
        chars[i] = rng.choice(_LATIN_LOOKALIKES[c]) if script == "latin" else _CYRILLIC_LOOKALIKES[c]
    return "".join(chars)


# --- invisible characters, repeats, case, fullwidth ----------------------------------------------

_INVISIBLES: Final = (
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\u00ad",
    "\ufeff",
    "\u200e",
    "\U000e0041",
    "\u180e",
)


def _invisible(word: str, rng: random.Random, site: _Site) -> str:
    slots = list(range(1, len(word)))
    count = rng.randint(1, max(1, len(word) // 3))
    chars = list(word)
    for i in sorted(rng.sample(slots, min(count, len(slots))), reverse=True):
        chars.insert(i, rng.choice(_INVISIBLES))
    return "".join(chars)


def _repeat(word: str, rng: random.Random, site: _Site) -> str:
    if _word_script(word) not in ("latin", "cyrillic"):
        return word
    folded = [fold(c) for c in word]
    candidates = [
        i
        for i, c in enumerate(word)
        if c.isalpha()
        and len(folded[i]) == 1
        and (i == 0 or folded[i - 1] != folded[i])
        and (i == len(word) - 1 or folded[i + 1] != folded[i])
    ]
    if not candidates:
        return word
    vowels = [i for i in candidates if folded[i] in "aeiouyаеиоуыэюя"]
    i = rng.choice(vowels or candidates)
    return word[:i] + word[i] * rng.randint(3, 6) + word[i + 1 :]


def _case(word: str, rng: random.Random, site: _Site) -> str:
    chars = [c.upper() if rng.random() < 0.5 else c.lower() for c in word]
    if "".join(chars) == word:
        cased = [i for i, c in enumerate(word) if c.lower() != c.upper()]
        if cased:
            i = rng.choice(cased)
            chars[i] = word[i].lower() if word[i].isupper() else word[i].upper()
    return "".join(chars)


def _fullwidth(word: str, rng: random.Random, site: _Site) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in word)


# --- emoji ---------------------------------------------------------------------------------------

#: Emoji that depict exactly the thing the word names, with the word in several languages.
_EMOJI_EQUIVALENTS: Final[dict[str, tuple[str, ...]]] = {
    "👙": ("bikini", "bikinis", "biquini", "biquíni", "бикини", "بكيني", "बिकिनी", "ビキニ", "비키니",
          "比基尼"),
    "👗": ("dress", "vestido", "kleid", "vestito", "jurk", "sukienka", "платье", "elbise", "فستان",
          "gaun", "ドレス", "드레스", "连衣裙"),
    "🩱": ("swimsuit", "maillot", "bañador", "badeanzug", "maiô", "badpak", "купальник"),
    "👶": ("baby", "bébé", "bebé", "bebê", "neonato", "niemowlę", "младенец", "bebek", "bayi", "赤ちゃん",
          "아기", "婴儿"),
    "🧒": ("child", "enfant", "niño", "bambino", "criança", "dziecko", "ребёнок", "ребенок", "çocuk",
          "طفل", "बच्चा", "anak", "子供", "아이", "孩子"),
    "👧": ("girl", "fille", "niña", "mädchen", "ragazza", "menina", "meisje", "dziewczynka", "девочка",
          "kız", "بنت", "लड़की", "gadis", "女の子", "소녀", "女孩"),
    "👦": ("boy", "garçon", "junge", "ragazzo", "menino", "jongen", "chłopiec", "мальчик", "oğlan", "ولد",
          "लड़का", "男の子", "소년", "男孩"),
    "👒": ("hat", "chapeau", "sombrero", "cappello", "chapéu", "kapelusz", "шляпа", "şapka",
          "قبعة", "帽子", "모자"),
    "👓": ("glasses", "lunettes", "gafas", "brille", "occhiali", "óculos", "bril", "okulary", "очки",
          "gözlük", "نظارات", "चश्मा", "kacamata", "眼鏡", "안경", "眼镜"),
    "👕": ("shirt", "tshirt", "camiseta", "hemd", "maglietta", "koszulka", "футболка", "tişört", "シャツ",
          "셔츠", "衬衫"),
    "🧥": ("coat", "manteau", "abrigo", "mantel", "cappotto", "casaco", "płaszcz", "пальто", "palto",
          "コート", "코트", "外套"),
    "👖": ("jeans", "vaqueros", "jeansy", "джинсы", "ジーンズ", "청바지", "牛仔裤"),
}  # fmt: skip
_DECORATIONS: Final = ("✨", "😍", "🌸", "💕", "😊", "🌟", "💖", "🎀", "🌈", "🦋")


@cache
def _emoji_index() -> dict[str, str]:
    return {fold(word): emoji for emoji, words in _EMOJI_EQUIVALENTS.items() for word in words}


def _emoji(word: str, rng: random.Random, site: _Site) -> str:
    emoji = _emoji_index().get(fold(word))
    if emoji is not None:
        return emoji
    decoration = rng.choice(_DECORATIONS)
    where = rng.randrange(4)
    if where == 0:
        return f"{decoration} {word}"
    if where == 1:
        return f"{word}{decoration}"
    if where == 2:
        return f"{word} {decoration}"
    cuts = [i for i in range(1, len(word)) if word[i - 1].isalpha() and word[i].isalpha()]
    if not cuts:
        return f"{word} {decoration}"
    i = rng.choice(cuts)
    return word[:i] + decoration + word[i:]


# --- misspelling ---------------------------------------------------------------------------------

_KEYBOARD_ROWS: Final = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


def _neighbours() -> dict[str, str]:
    out: dict[str, str] = {}
    for r, row in enumerate(_KEYBOARD_ROWS):
        for c, key in enumerate(row):
            near = [row[j] for j in (c - 1, c + 1) if 0 <= j < len(row)]
            for other in (r - 1, r + 1):
                if 0 <= other < len(_KEYBOARD_ROWS):
                    near.extend(
                        _KEYBOARD_ROWS[other][j] for j in (c - 1, c, c + 1) if 0 <= j < len(_KEYBOARD_ROWS[other])
                    )
            out[key] = "".join(near)
    return out


_NEIGHBOURS: Final = _neighbours()


def _misspelling(word: str, rng: random.Random, site: _Site) -> str:
    n = len(word)
    for _ in range(8):
        op = rng.choice(("swap", "drop", "double", "key"))
        if op == "swap":
            i = rng.randrange(1, n - 1)
            candidate = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        elif op == "drop":
            i = rng.randrange(1, n)
            candidate = word[:i] + word[i + 1 :]
        elif op == "double":
            i = rng.randrange(1, n)
            candidate = word[:i] + word[i] + word[i:]
        else:
            keys = [i for i in range(1, n) if word[i].lower() in _NEIGHBOURS]
            if not keys:
                continue
            i = rng.choice(keys)
            replacement = rng.choice(_NEIGHBOURS[word[i].lower()])
            candidate = word[:i] + (replacement.upper() if word[i].isupper() else replacement) + word[i + 1 :]
        if candidate != word:
            return candidate
    return word[:1] + word[2:] if n > 1 else word


_TRANSFORMS: Final[dict[str, _Transform]] = {
    "leetspeak": _leetspeak,
    "spacing": _spacing,
    "punctuation": _punctuation,
    "homoglyph": _homoglyph,
    "invisible": _invisible,
    "emoji": _emoji,
    "misspelling": _misspelling,
    "repeat": _repeat,
    "case": _case,
    "fullwidth": _fullwidth,
}
