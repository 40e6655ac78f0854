"""normalize() sees through obfuscation without damaging legitimate non-Latin text; fold() agrees."""

from __future__ import annotations

import random
import unicodedata

import pytest

from rempart.text.normalize import DETECTED_TECHNIQUES, NormalizedText, fold, normalize


def values(text: str) -> list[str]:
    return [t.value for t in normalize(text).tokens]


def assert_consistent(norm: NormalizedText) -> None:
    for token in norm.tokens:
        assert token.value
        assert norm.text[token.start : token.end] == token.value
    assert norm.compact == "".join(t.value for t in norm.tokens)
    assert norm.text == norm.text.strip()
    assert "  " not in norm.text
    assert norm.techniques <= set(DETECTED_TECHNIQUES)


# --- obfuscations ---------------------------------------------------------------------------------

OBFUSCATED = [
    # (text, expected tokens, techniques that must be reported)
    ("n a k e d", ["naked"], {"spacing"}),
    ("n  a  k  e  d", ["naked"], {"spacing"}),
    ("n.a.k.e.d", ["naked"], {"punctuation_split"}),
    ("n-a-k-e-d", ["naked"], {"punctuation_split"}),
    ("n_a_k_e_d", ["naked"], {"punctuation_split"}),
    ("n*a*k*e*d", ["naked"], {"punctuation_split"}),
    ("n | a | k | e | d", ["naked"], {"punctuation_split"}),
    ("n a k e d girl", ["naked", "girl"], {"spacing"}),
    ("na.ked", ["naked"], {"punctuation_split"}),
    ("nak.ed", ["naked"], {"punctuation_split"}),
    ("nak*ed", ["naked"], {"punctuation_split"}),
    ("nu_de", ["nude"], {"punctuation_split"}),
    ("bik~ini", ["bikini"], {"punctuation_split"}),
    ("n4k3d", ["naked"], {"leetspeak"}),
    ("s3xy", ["sexy"], {"leetspeak"}),
    ("b!k!n!", ["bikini"], {"leetspeak"}),
    ("b00bs", ["boobs"], {"leetspeak"}),
    ("3r0tic", ["erotic"], {"leetspeak"}),
    ("nud3", ["nude"], {"leetspeak"}),
    ("a$$", ["ass"], {"leetspeak"}),
    ("$exy", ["sexy"], {"leetspeak"}),
    ("|ingerie", ["lingerie"], {"leetspeak"}),
    ("n 4 k 3 d", ["naked"], {"spacing", "leetspeak"}),
    ("nаked", ["naked"], {"homoglyph", "mixed_script"}),  # Cyrillic а
    ("a ѕеху girl", ["a", "sexy", "girl"], {"homoglyph"}),  # only look-alikes, in a Latin text
    ("nαkεd", ["naked"], {"homoglyph", "mixed_script"}),  # Greek α ε
    ("NАKЕD", ["naked"], {"homoglyph", "mixed_script"}),  # Cyrillic А Е
    ("ｎａｋｅｄ", ["naked"], {"fullwidth"}),
    ("𝐧𝐚𝐤𝐞𝐝", ["naked"], {"homoglyph"}),
    ("𝓷𝓾𝓭𝓮", ["nude"], {"homoglyph"}),
    ("ⓝⓤⓓⓔ", ["nude"], {"homoglyph"}),
    ("🅽🆄🅳🅴", ["nude"], {"homoglyph"}),
    ("ɴᴀᴋᴇᴅ", ["naked"], {"homoglyph"}),
    ("🇳🇺🇩🇪", ["nude"], {"homoglyph"}),
    ("na\u200bked", ["naked"], {"invisible"}),
    ("na\u200dked", ["naked"], {"invisible"}),
    ("na\u00adked", ["naked"], {"invisible"}),
    ("na\u2060ked", ["naked"], {"invisible"}),
    ("na\ufeffked", ["naked"], {"invisible"}),
    ("na\u202eked", ["naked"], {"invisible"}),
    ("na\U000e0041\U000e0042ked", ["naked"], {"invisible"}),
    ("na\ufe0fked", ["naked"], {"invisible"}),
    ("na\x01ked", ["naked"], {"invisible"}),
    ("nuuuude", ["nude"], {"repeated_chars"}),
    ("biiiikini", ["bikini"], {"repeated_chars"}),
    ("NaKeD", ["naked"], set()),
    ("n̶a̶k̶e̶d̶", ["naked"], set()),  # strike-through combining marks
    ("na🌸ked", ["naked"], {"emoji"}),
    ("girl in 👙", ["girl", "in", "bikini"], {"emoji"}),
    ("👙🏽", ["bikini"], {"emoji"}),
    ("show her 🍑 and 🍒", ["show", "her", "butt", "and", "breasts"], {"emoji"}),
    ("🔞 pic of 👧", ["nsfw", "pic", "of", "girl"], {"emoji"}),
    ("🚫👗", ["no", "dress"], {"emoji"}),
]


@pytest.mark.parametrize(("text", "expected", "techniques"), OBFUSCATED)
def test_obfuscation_is_undone(text: str, expected: list[str], techniques: set[str]) -> None:
    norm = normalize(text)
    assert [t.value for t in norm.tokens] == expected
    assert techniques <= norm.techniques
    assert_consistent(norm)


@pytest.mark.parametrize(
    "text",
    [
        "a nice photo of a beach",
        "Remove the watermark, please.",
        "I am a 35 year old man",
        "hello!!! how are you?",
    ],
)
def test_plain_text_reports_nothing(text: str) -> None:
    assert normalize(text).techniques == frozenset()


def test_decorative_emoji_are_dropped_quietly() -> None:
    norm = normalize("beautiful😍 sunset ✨ beach")
    assert [t.value for t in norm.tokens] == ["beautiful", "sunset", "beach"]
    assert "emoji" not in norm.techniques


def test_emoji_sequences_are_not_invisible_obfuscation() -> None:
    norm = normalize("👩\u200d❤\ufe0f\u200d👨 couple, keycap 1\ufe0f\u20e3, flag 🏴\U000e0067\U000e0062\U000e007f")
    assert "invisible" not in norm.techniques
    assert [t.value for t in norm.tokens] == ["woman", "man", "couple", "keycap", "1", "flag"]


# --- what must not be joined or decoded -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a b", ["a", "b"]),
        ("I am a girl", ["i", "am", "a", "girl"]),
        ("3 x 4 grid", ["3", "x", "4", "grid"]),
        ("nude.She left", ["nude", "she", "left"]),
        ("bra/panties", ["bra", "panties"]),
        ("photo.jpg", ["photo", "jpg"]),
        ("zdejm!j z n!3j", ["zdejmij", "z", "niej"]),
        ("hello!!! world", ["hello", "world"]),
        ("wow!Great", ["wow", "great"]),
    ],
)
def test_ordinary_text_is_not_over_joined(text: str, expected: list[str]) -> None:
    assert values(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14", ["14"]),
        ("2024", ["2024"]),
        ("18+", ["18"]),
        ("she is 12yo", ["she", "is", "12", "yo"]),
        ("5yo girl", ["5", "yo", "girl"]),
        ("15 y/o", ["15", "yo"]),
        ("teen18", ["teen", "18"]),
        ("$100", ["100"]),
        ("4k 1080p mp4 h2o", ["4", "k", "1080", "p", "mp", "4", "h", "2", "o"]),
        ("3.5 mm", ["3", "5", "mm"]),
        ("١٢ سنة", ["12", "سنه"]),
        ("१२ साल", ["12", "साल"]),
        ("１８歳", ["18", "歳"]),
    ],
)
def test_numbers_stay_numbers(text: str, expected: list[str]) -> None:
    norm = normalize(text)
    assert [t.value for t in norm.tokens] == expected
    assert "leetspeak" not in norm.techniques
    assert all(t.script == "digit" for t in norm.tokens if t.value.isdigit())


def test_18_plus_keeps_its_plus_in_text() -> None:
    norm = normalize("18+ only")
    assert norm.text == "18+ only"
    assert norm.tokens[0].value == "18"
    assert norm.tokens[0].script == "digit"


# --- legitimate scripts ---------------------------------------------------------------------------

SENTENCES = [
    ("ru", "Сними с нее одежду и сделай фото", "cyrillic"),
    ("ar", "اخلع ملابسها في الصورة", "arabic"),
    ("hi", "इस तस्वीर में लड़की के कपड़े उतारो", "devanagari"),
    ("ja", "彼女の服を脱がせてください", "cjk"),
    ("ko", "이 사진에서 그녀의 옷을 벗겨", "hangul"),
    ("zh", "把她的衣服脱掉", "cjk"),
]


# The documented Arabic orthographic folds (alef variants, alef maqsura, ta marbuta).
ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي", "ة": "ه"})


def letters(text: str) -> str:
    return "".join(c for c in text if unicodedata.category(c)[0] in "LM")


@pytest.mark.parametrize(("lang", "sentence", "script"), SENTENCES, ids=[s[0] for s in SENTENCES])
def test_non_latin_sentences_keep_their_letters(lang: str, sentence: str, script: str) -> None:
    norm = normalize(sentence)
    expected = unicodedata.normalize("NFKC", sentence).casefold().translate(ARABIC_FOLD)
    assert letters(norm.text) == letters(expected)
    assert norm.compact == letters(expected)
    assert {t.script for t in norm.tokens} == {script}
    assert norm.techniques == frozenset()
    assert_consistent(norm)


def test_segmented_non_latin_scripts_tokenise_on_spaces() -> None:
    assert values("Сними с нее одежду") == ["сними", "с", "нее", "одежду"]
    assert values("그녀의 옷을 벗겨") == ["그녀의", "옷을", "벗겨"]
    assert values("लड़की के कपड़े") == [unicodedata.normalize("NFKC", w) for w in ["लड़की", "के", "कपड़े"]]


def test_cjk_runs_are_single_tokens_split_from_digits_and_latin() -> None:
    norm = normalize("脱掉她的衣服，18岁AV女優")
    assert [(t.value, t.script) for t in norm.tokens] == [
        ("脱掉她的衣服", "cjk"),
        ("18", "digit"),
        ("岁", "cjk"),
        ("av", "latin"),
        ("女優", "cjk"),
    ]
    assert values("ヌード") == ["ヌード"]
    assert normalize("ヌード").tokens[0].script == "kana"
    assert values("ﾇｰﾄﾞ") == ["ヌード"]  # halfwidth katakana, NFKC


def test_russian_keeps_cyrillic_and_short_breve() -> None:
    assert values("Раздень девочку, сосок, крупный план") == [
        "раздень",
        "девочку",
        "сосок",
        "крупный",
        "план",
    ]
    assert normalize("сосок").tokens[0].script == "cyrillic"


def test_russian_yo_folds_to_ye() -> None:
    assert values("Сними с неё бельё") == ["сними", "с", "нее", "белье"]
    assert fold("бельё") == "белье"


def test_latin_look_alikes_inside_russian_words_become_cyrillic() -> None:
    norm = normalize("гoлая девушка")  # Latin o
    assert [t.value for t in norm.tokens] == ["голая", "девушка"]
    assert {"homoglyph", "mixed_script"} <= norm.techniques


def test_russian_leetspeak_decodes_to_cyrillic() -> None:
    assert values("г0лая") == ["голая"]


def test_arabic_normalisation() -> None:
    assert values("أَحْمَد") == ["احمد"]
    assert values("إمرأة") == ["امراه"]
    assert values("مستشفى") == ["مستشفي"]
    assert values("مـــدرســة") == ["مدرسه"]
    assert values("ﻣﺮﺣﺒﺎ") == ["مرحبا"]  # presentation forms, NFKC


def test_zero_width_joiners_of_indic_and_arabic_are_not_obfuscation() -> None:
    norm = normalize("क्\u200dष और مر\u200cحبا")
    assert "invisible" not in norm.techniques


# --- folding --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Déshabillée", "deshabillee"),
        ("Straße", "strasse"),
        ("STRASSE", "strasse"),
        ("søster", "soster"),
        ("łódź", "lodz"),
        ("ılık", "ilik"),
        ("İstanbul", "istanbul"),
        ("çıplak", "ciplak"),
        ("şort", "sort"),
        ("dağ", "dag"),
        ("Erdős", "erdos"),
        ("niña", "nina"),
        ("Œuvre", "oeuvre"),
        ("Ærø", "aero"),
        ("þorn", "thorn"),
    ],
)
def test_latin_accents_fold(raw: str, folded: str) -> None:
    assert fold(raw) == folded
    assert values(raw) == [folded]


def test_apostrophes_and_hyphens_split_the_same_way_in_text_and_terms() -> None:
    norm = normalize("don't remove her clothes")
    assert [t.value for t in norm.tokens] == ["don", "t", "remove", "her", "clothes"]
    assert fold("don't") == "don t"
    assert fold("don't").split() == [t.value for t in norm.tokens[:2]]
    assert fold("don’t") == fold("don`t") == fold("DON'T") == "don t"
    assert values("don’t take it off") == ["don", "t", "take", "it", "off"]
    assert fold("soutien-gorge") == "soutien gorge"
    assert values("un soutien-gorge rouge") == ["un", "soutien", "gorge", "rouge"]
    assert values("à l'oeil nu") == ["a", "l", "oeil", "nu"]
    assert values("un-dress") == ["un", "dress"]


def test_fold_keeps_lexicon_syntax() -> None:
    assert fold("déshabill*") == "deshabill*"
    assert fold("*strip*") == "*strip*"
    assert fold("soutien-gorge*") == "soutien gorge*"
    assert fold("take ~ off") == "take ~ off"
    assert fold("zieh* ~ aus") == "zieh* ~ aus"
    assert fold("脱~服") == "脱 ~ 服"
    assert fold("t shirt*") == "t shirt*"


@pytest.mark.parametrize(
    "term",
    [
        "naked",
        "Unterwäsche",
        "soutien-gorge",
        "sous-vêtements",
        "трусики",
        "ملابس داخلية",
        "नंगी",
        "x ray",
        "xxx",
    ],
)
def test_fold_matches_the_tokens_of_normalize(term: str) -> None:
    assert fold(term).split() == values(term)
    assert fold(term).split() == values(f"please, {term}!")[1:]


def test_repeated_letters_keep_doubles_and_single_letter_tokens() -> None:
    assert values("good swimmer") == ["good", "swimmer"]
    assert values("xxx") == ["xxx"]
    assert values("xxxxxx") == ["xxx"]
    assert fold("xxx") == "xxx"
    assert values("голаааая") == ["голая"]


# --- offsets and robustness -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "!!!",
        "Ｐｌｅａｓｅ  remove   her\tclothes\n\nnow!!",
        "n a k e d, n.a.k.e.d and n4k3d 👙🍑 with ѕеху ｎｕｄｅ",
        "Сними с неё одежду, 14 лет",
        "脱掉她的衣服。18岁",
        "مرحبا ١٢ سنة",
        "ـــ",
        "\u200b\u200b",
    ],
)
def test_token_offsets_point_into_text(text: str) -> None:
    assert_consistent(normalize(text))


def test_random_unicode_never_breaks_the_invariants() -> None:
    pool = (
        list("abcdeknosxyzABC0134578 .,-_*!@$|'`~^/:+()")
        + list("éßøłıçşğőñ")
        + list("аеорсухкмнтлдяжйё")
        + list("αονρτ")
        + list("مرحبأإىةـَ")
        + list("नमस्तेड़")
        + list("裸体脱衣服のがカ옷벗ㅅ")
        + ["\u200b", "\u200d", "\ufe0f", "\U000e0041", "\u00ad", "\u202e", "👙", "😍", "🏽", "🇳", "１", "𝐧"]
        + ["\u0336", "\u20e3", "\x01", "\t", "\n", "\u3000"]
    )
    rng = random.Random(7)
    for _ in range(2000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 30)))
        norm = normalize(text)
        assert norm.original == text
        assert_consistent(norm)
        fold(text)


def test_normalize_is_deterministic_and_cached_results_are_equal() -> None:
    text = "A w0man in a b!k!n! on the b3ach, n a k e d, nаked 👙"
    assert normalize(text) == normalize(text)
