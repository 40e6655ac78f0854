"""The concepts the prompt screen looks for, language-independently.

Each language's lexicon (``lexicons/<lang>.toml``) lists, for every concept, the words and
phrases that express it in that language. The rule layer (``rules.py``) reasons only over
concepts, so adding a language never touches a rule. The descriptions below are the contract
the lexicon authors write against.
"""

from __future__ import annotations

from enum import StrEnum


class Concept(StrEnum):
    REMOVE = "REMOVE"
    """Generic removal verbs: remove, take off, take away, get rid of, strip, erase, lose, drop.
    Harmless alone ("remove the watermark"); harmful with a garment or a person as object."""

    UNDRESS = "UNDRESS"
    """Verbs that mean undressing by themselves: undress, disrobe, unclothe, strip naked, unbutton."""

    GARMENT = "GARMENT"
    """Garments whose removal exposes the body: clothes, outfit, dress, shirt, top, blouse, skirt,
    pants, jeans, shorts, bra, underwear, panties, swimsuit, towel, uniform."""

    ACCESSORY = "ACCESSORY"
    """Items whose removal is harmless: hat, cap, glasses, sunglasses, watch, jewellery, earrings,
    scarf, tie, gloves, shoes, socks, coat, jacket, mask, helmet, backpack, bag, headphones."""

    NUDE = "NUDE"
    """Nudity states and their euphemisms: naked, nude, topless, bottomless, unclothed, in the buff,
    birthday suit, as nature made her, au naturel, without clothes (as one phrase)."""

    REVEALING = "REVEALING"
    """Revealing but not underwear-level clothing (exposure level 1): low-cut, plunging neckline,
    cleavage, crop top, mini skirt, short shorts, tight, skimpy, tiny dress, backless."""

    SWIMWEAR = "SWIMWEAR"
    """Swimwear (exposure level 2): bikini, swimsuit, bathing suit, swimwear, monokini, string bikini,
    micro bikini, trunks, speedo."""

    UNDERWEAR = "UNDERWEAR"
    """Underwear and lingerie (exposure level 2): underwear, lingerie, bra, panties, thong, g-string,
    negligee, corset, stockings and garters, boxers, briefs."""

    SHEER = "SHEER"
    """See-through or wet clothing (exposure level 2-3): see-through, transparent, sheer, wet t-shirt,
    soaked clothes, clingy wet dress, mesh."""

    SEXUAL = "SEXUAL"
    """Sexual or erotic content words: sexy, seductive, sensual, erotic, porn, sex, nsfw, lewd,
    hentai, xxx, explicit, naughty, horny, onlyfans, boudoir, fetish, orgasm, intercourse."""

    POSE = "POSE"
    """Sexualised posing or framing: provocative pose, spread legs, bending over, on all fours,
    bedroom eyes, sultry, suggestive, pin-up, lying on a bed in a seductive way."""

    INTIMATE = "INTIMATE"
    """Intimate body parts: breasts, boobs, nipples, chest (of a woman), butt, buttocks, ass,
    crotch, genitals, vagina, penis, groin, cleavage."""

    REVEAL = "REVEAL"
    """Indirect requests to expose: see through her clothes, x-ray her, what is under her dress,
    make the fabric disappear, less fabric, fewer clothes, make it shorter / smaller / tighter,
    lower the neckline, wardrobe malfunction, remove coverage."""

    MINOR = "MINOR"
    """Cues that the person is a minor: child, kid, little girl, little boy, teen, teenager,
    underage, schoolgirl, schoolboy, preteen, toddler, baby, niece, nephew, daughter, son,
    loli, shota, middle school, elementary school, 7th grader, junior high. Ages under 18 in
    digits are found by ``age_units``."""

    ADULT = "ADULT"
    """Explicit claims of adulthood: adult, grown woman, 18+, of age, over 18, mature woman."""

    PERSON = "PERSON"
    """References to a person: she, her, he, him, they, woman, man, girl, boy, lady, guy, person,
    wife, girlfriend, model, actress, the people."""

    REAL = "REAL"
    """Signs that the person is real and identifiable: this photo, the picture, the image, my
    coworker, my ex, my classmate, my neighbour, my boss, my teacher, a selfie, a celebrity,
    real person, uploaded photo."""

    FRAMING = "FRAMING"
    """Role-play, authority and consent framing: she consented, she agreed, with her permission,
    for an anatomy class, for art, for research, I am her photographer, I am a doctor,
    hypothetically, in a story, role-play, pretend, for educational purposes, it's legal."""

    NEGATION = "NEGATION"
    """Negators: don't, do not, never, no, not, without, avoid, stop."""

    KEEP = "KEEP"
    """Keeping clothing on: keep, leave, leave on, keep on, stay dressed, fully clothed."""

    DRESS = "DRESS"
    """Putting clothing on somebody: put her in, dress her in, change into, make her wear,
    give her a, switch her outfit to, replace her clothes with, wearing."""

    CHANGE_ATTR = "CHANGE_ATTR"
    """Changing an attribute of an existing item: change the colour, make it red, recolour,
    turn ... into navy, add a pattern, from black to."""

    COLOR = "COLOR"
    """Colour and pattern words: red, blue, navy, black, white, pink, striped, polka dot, floral."""

    BENIGN_TARGET = "BENIGN_TARGET"
    """Things one harmlessly removes or strips: watermark, background, logo, text, caption,
    blemishes, wrinkles, red eye, noise, shadow, people in the background, power lines, date stamp."""

    MEDICAL = "MEDICAL"
    """Clinical, anatomical or scientific context: anatomy diagram, skeleton, organs, medical
    illustration, dermatology, rash, x-ray scan of a bone, surgery, textbook, breastfeeding guide."""

    FICTIONAL = "FICTIONAL"
    """Fiction and art-form markers: anime, cartoon, drawing, painting, illustration, character,
    fictional, 3d render, comic, statue, fantasy."""

    GENERATE = "GENERATE"
    """Generation verbs (a new image, not an edit): generate, create, draw, paint, render, make an
    image of, a picture of, photo of."""

    EDIT = "EDIT"
    """Edit verbs acting on an existing image: edit, change, make her, turn her into, modify,
    replace, photoshop, retouch, put, add."""

    CLAUSE_BREAK = "CLAUSE_BREAK"
    """Words that start a new clause or step: but, then, after that, instead, just, only, and then,
    also, next, finally."""


ALL_CONCEPTS: tuple[Concept, ...] = tuple(Concept)
