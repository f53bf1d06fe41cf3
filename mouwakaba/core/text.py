"""Text normalisation for names in Arabic and Latin script, so that the spellings a
person's name takes at different desks compare as one.

Pure functions over strings; no database. Search keys are forgiving on purpose: an agent
who types «فكيك» must find «فجيج», and "Benali" must find "Ben Ali".
"""

from __future__ import annotations

import re
import unicodedata

# Harakat, Quranic marks, superscript alef, and tatweel.
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_LETTERS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ٲ": "ا",
        "ٳ": "ا",
        "ؤ": "و",
        "ئ": "ي",
        "ى": "ي",
        "ی": "ي",  # Persian yeh, common from some keyboards
        "ې": "ي",
        "ة": "ه",
        "ۀ": "ه",
        "ک": "ك",  # keheh
        # The Maghrebi letters for /g/, and the letters that write /g/ in names and
        # place names (فجيج/فكيك, جرسيف/كرسيف, ڭ for /g/ in Moroccan spelling).
        "ڭ": "ك",
        "گ": "ك",
        "ݣ": "ك",
        "ق": "ك",
        "ج": "ك",
        "ڤ": "ف",  # /v/
        "ء": None,  # a lone hamza carries no weight in a name
    }
)
_ARABIC_RANGE = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_LATIN_PUNCTUATION = re.compile(r"[\-‐‑‒–—_.,;:/\\'’‘`´ʼ\"()]+")
_SPACES = re.compile(r"\s+")

# Particles that people write joined or apart ("Ben Ali", "Benali"; "El Idrissi",
# "Elidrissi"; "Abd El Kader", "Abdelkader"): joined to the next word, in one spelling.
_LATIN_PARTICLES = {
    "ben": "ben",
    "bin": "ben",
    "ibn": "ben",
    "bent": "bent",
    "bint": "bent",
    "el": "el",
    "al": "el",
    "ed": "el",
    "es": "el",
    "et": "el",
    "ez": "el",
    "ould": "ould",
    "ait": "ait",
    "abd": "abd",
    "abdel": "abdel",
    "bou": "bou",
    "abou": "abou",
    "abu": "abou",
}
_ARABIC_PARTICLES = {"بن", "ابن", "بنت", "ولد", "ايت", "عبد", "ابو", "بو"}


def has_arabic(text: str) -> bool:
    return bool(_ARABIC_RANGE.search(text))


def normalize_arabic(text: str, *, join: bool = True) -> str:
    """Arabic text in one canonical spelling (see the table above); spaces collapsed.

    Particles (بن، عبد، أبو ...) are joined to the following word, and the article ال is
    kept, since «عبد الله» and «عبدالله» are the same name.
    """
    text = unicodedata.normalize("NFKC", text)
    text = _ARABIC_MARKS.sub("", text)
    text = text.translate(_ARABIC_LETTERS)
    text = re.sub(r"[^\w\s]", " ", text)
    tokens = _SPACES.split(text.strip())
    return " ".join(_join_particles(tokens, _ARABIC_PARTICLES) if join else tokens)


def normalize_latin(text: str, *, join: bool = True) -> str:
    """Latin text lower-cased, without accents or punctuation, particles joined."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower()
    text = _LATIN_PUNCTUATION.sub(" ", text)
    text = re.sub(r"[^a-z0-9\s]", "", text)
    tokens = [_LATIN_PARTICLES.get(token, token) for token in _SPACES.split(text.strip())]
    if not join:
        return " ".join(tokens)
    return " ".join(_join_particles(tokens, set(_LATIN_PARTICLES.values())))


def _join_particles(tokens: list[str], particles: set[str]) -> list[str]:
    joined: list[str] = []
    carry = ""
    for token in tokens:
        if not token:
            continue
        if token in particles:
            carry += token
            continue
        joined.append(carry + token)
        carry = ""
    if carry:
        joined.append(carry)
    return joined


def normalize_name(text: str) -> str:
    """A name in either script, normalised for its script."""
    if not text:
        return ""
    return normalize_arabic(text) if has_arabic(text) else normalize_latin(text)


def search_tokens(text: str) -> list[str]:
    """The normalised words of a query, particles joined to the next word."""
    return [token for token in normalize_name(text).split(" ") if token]


def index_tokens(text: str) -> list[str]:
    """The words under which a name is found: with particles joined ("elalaoui") and
    apart ("el", "alaoui"), so that a search for "Alaoui" finds "El Alaoui" too."""
    if not text:
        return []
    apart = (
        normalize_arabic(text, join=False)
        if has_arabic(text)
        else normalize_latin(text, join=False)
    )
    tokens = search_tokens(text)
    for token in apart.split(" "):
        if token and token not in tokens:
            tokens.append(token)
    return tokens


def normalize_phone(text: str) -> str:
    """Digits only, with Morocco's +212/00212 and a leading 0 folded to one form."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", text))
    if digits.startswith("00"):
        digits = digits[2:]
    if digits.startswith("212") and len(digits) >= 11:
        digits = "0" + digits[3:]
    return digits


def normalize_document_number(text: str) -> str:
    """Upper-case letters and digits only: "ab 123-456" → "AB123456"."""
    return re.sub(r"[^0-9A-Z]", "", unicodedata.normalize("NFKC", text).upper())
