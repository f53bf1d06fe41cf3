"""Names brought to forms that compare across scripts and spellings.

Three forms of every name word ("token"), from the most to the least precise:

- the *canonical token*: the word in its own script, folded the way desks disagree
  (hamza forms, ta marbuta, accents, case), with the article set aside (see
  ``NameToken``) and the particles that people write joined or apart (بن, Ben, Ould,
  Abd El ...) joined to the next word;
- the *skeleton*: the consonants, in one Maghrebi-aware alphabet shared by both scripts,
  so that «محمد», "Mohamed", "Mohammed" and "M'hamed" all read ``mhmd``;
- the *coarse skeleton*: the skeleton with the letters that Maghrebi spelling swaps
  (ج / ق / ك / ڭ / خ / غ, j / dj / g / k / q / kh / gh) folded into one, so that «فجيج»,
  «فكيك» and "Figuig" meet.

The skeleton alphabet is lower-case Latin, plus ``x`` for ش / ch / sh, ``K`` for خ / kh and
``G`` for غ / gh. Vowels, و / ي / ا and their Latin counterparts (ou, w, y) are dropped:
Arabic does not write short vowels and Latin spellings disagree most on exactly those.
Skeletons are therefore short and collide on purpose; telling similar names apart is the
work of the variant table (see ``variants.py``) and of the weights, not of the skeleton.
Where a spelling may be read two ways (the article kept or not, a Latin "sh" as ش or as
س + ه, ث as t or s), a word keeps both skeletons, the likelier first.

Measured on the arabic-name-romanizer index (about 52,000 attested Arabic → Latin
spellings of name parts of people from Morocco, Algeria, Tunisia and Mauritania, weighted
by how often each was seen), the skeletons of the Arabic and the Latin spelling meet for
95.6 % of them, the coarse skeletons for 98.1 %.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from mouwakaba.core.text import has_arabic

# -- Arabic -------------------------------------------------------------------------------

_ARABIC_FOLD = str.maketrans(
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
        "ی": "ي",
        "ې": "ي",
        "ۀ": "ة",
        "ک": "ك",
        "گ": "ڭ",
        "ݣ": "ڭ",
        "ٮ": "ب",
        "ـ": None,  # tatweel
        "ء": None,  # a lone hamza carries no weight in a name
    }
)

# Arabic letters to skeleton symbols. ع is dropped: Latin spellings write it as a vowel
# ("Ali", "Aicha", "Said") far more often than as a consonant.
_ARABIC_SKELETON = {
    "ب": "b",
    "پ": "b",
    "ت": "t",
    "ث": "t",  # pronounced t in the Maghreb: "Othmane"
    "ط": "t",
    "ج": "j",
    "چ": "x",
    "ح": "h",
    "ه": "h",
    "خ": "K",
    "د": "d",
    "ذ": "d",
    "ض": "d",
    "ظ": "d",
    "ر": "r",
    "ز": "z",
    "ژ": "j",
    "س": "s",
    "ص": "s",
    "ش": "x",
    "غ": "G",
    "ف": "f",
    "ڤ": "f",
    "ق": "k",  # "Kacem", "Abdelkader"; "Gacem" meets it through the coarse skeleton
    "ك": "k",
    "ڭ": "g",
    "ل": "l",
    "م": "m",
    "ن": "n",
}

_ARABIC_INTERDENTALS = frozenset("ثذظ")
_ARABIC_SIBILANTS = str.maketrans({"ث": "س", "ذ": "ز", "ظ": "ز"})

# Particles joined to the next word; the article ال is set aside at the start of a word
# (see NameToken).
_ARABIC_JOINERS = {"بن", "ابن", "بنت", "ولد", "ايت", "ابو", "بو", "سيدي", "مولاي", "لالة", "لاله"}
_ARABIC_ABD = "عبد"

# -- Latin --------------------------------------------------------------------------------

# Standalone articles, dropped: "El Idrissi" is "Idrissi", "Ech-Chafii" is "Chafii".
_LATIN_ARTICLES = {
    "el",
    "al",
    "l",
    "ed",
    "ad",
    "es",
    "as",
    "et",
    "at",
    "ez",
    "az",
    "er",
    "ar",
    "en",
    "ech",
    "ach",
    "ej",
    "ul",
}
# Particles joined to the next word, in one spelling.
_LATIN_JOINERS = {
    "ben": "ben",
    "bin": "ben",
    "ibn": "ben",
    "bent": "bent",
    "bint": "bent",
    "ould": "ould",
    "ait": "ait",
    "bou": "bou",
    "abou": "abou",
    "abu": "abou",
    "sidi": "sidi",
    "sid": "sid",
    "moulay": "moulay",
    "lalla": "lalla",
}
# "Abd" compounds in every spelling: Abd El Kader, Abdelkader, Abdulkader, Abdoul Karim,
# Abderrahmane (the article assimilated), Abdallah.
_LATIN_ABD = {"abd", "abdel", "abdal", "abdul", "abdoul", "abdou", "abde", "abdu", "abdol"}
_LATIN_ABD_COMPOUND = re.compile(r"^abd(?:oul|el|al|ul|ol|il|e|a|ou|u|o)?([a-z]{3,})$")
# A joined article in front of a name: "Elidrissi", "Elhadj". Only "el": "Alaoui" and
# "Alami" begin with "al" but are not "al" + name.
_LATIN_JOINED_ARTICLE = re.compile(r"^el([a-z]{3,})$")

# In order: "x" first, since the symbol for ch/sh is x.
_LATIN_DIGRAPHS = [
    ("x", "ks"),
    ("sch", "x"),
    ("tch", "x"),
    ("ch", "x"),
    ("sh", "x"),
    ("kh", "K"),
    ("gh", "G"),
    ("ph", "f"),
    ("th", "t"),
    ("dh", "d"),
    ("dj", "j"),
    ("ck", "k"),
]
_LATIN_SOFT_C = re.compile(r"c(?=[eiy])")
_LATIN_SOFT_G = re.compile(r"g(?=[eiy])")
_LATIN_SKELETON = str.maketrans(
    {
        "a": None,
        "e": None,
        "i": None,
        "o": None,
        "u": None,
        "y": None,
        "w": None,
        "c": "k",
        "q": "k",
        "p": "b",
        "v": "f",
        "H": "h",
    }
)
_DOUBLES = re.compile(r"(.)\1+")
# Coarse: the g/j/k/q family in one letter («فجيج» "Figuig", «قاسم» "Gacem"), and z with s
# (French spelling writes z as s between vowels: "Louisa" for «لويزة»).
_COARSE = str.maketrans({"j": "k", "g": "k", "K": "k", "G": "k", "z": "s"})


def script_of(text: str) -> str:
    """``"ar"`` when the text holds Arabic letters, else ``"lat"``."""
    return "ar" if has_arabic(text) else "lat"


@dataclass(frozen=True, slots=True)
class NameToken:
    """One word of a name: its canonical text and its skeletons, the likeliest first.

    A word that carried the article has a second skeleton with the article's l, because
    Maghrebi spellings keep it as often as they drop it: «العربي» is "Arbi" and "Larbi",
    «العمراني» "Amrani", "El Amrani" and "Lamrani".
    """

    text: str
    skeletons: tuple[str, ...]

    @property
    def skeleton(self) -> str:
        return self.skeletons[0]


@dataclass(frozen=True, slots=True)
class _Word:
    prefixes: tuple[str, ...]  # joined particles: ("ben",), ("abd",), ("ould",)
    body: str
    article: bool  # the body carried the article (dropped from body)


@lru_cache(maxsize=65536)
def tokenize(text: str) -> tuple[NameToken, ...]:
    """The words of a name in either script; particles joined, articles set aside."""
    if not text or not text.strip():
        return ()
    arabic = has_arabic(text)
    words = _arabic_words(text) if arabic else _latin_words(text)
    return tuple(_token(word, arabic) for word in words if word.body or word.prefixes)


def skeleton(text: str) -> str:
    """The skeleton of a whole name, words joined: "Abd El Kader" and «عبد القادر» → bdkdr."""
    return join_skeletons(token.skeleton for token in tokenize(text))


def join_skeletons(parts: Iterable[str]) -> str:
    return _DOUBLES.sub(r"\1", "".join(parts))


def coarse(skeleton: str) -> str:
    """A skeleton with the g/j/k/q family folded into one letter."""
    return _DOUBLES.sub(r"\1", skeleton.translate(_COARSE))


def _token(word: _Word, arabic: bool) -> NameToken:
    body = token_skeleton(word.body, arabic)
    head = "".join(token_skeleton(prefix, arabic) for prefix in word.prefixes)
    skeletons = [join_skeletons((head, body))]
    if word.article:
        skeletons.append(join_skeletons((head, "l", body)))
    elif (
        not arabic
        and not word.prefixes
        and len(word.body) >= 5
        and word.body[0] == "l"
        and word.body[1] in "aeiou"
    ):
        # "Larbi", "Lamrani", "Lahcen": possibly the article fused; the other reading.
        skeletons.append(token_skeleton(word.body[1:], arabic))
    if arabic and _ARABIC_INTERDENTALS.intersection(word.body):
        # ث ذ ظ are t, d, d in Maghrebi mouths ("Othmane") but s, z, z in the Mashreq's
        # and in West African and Turkish spellings ("Ousmane", "Osman", "Nazim").
        soft = token_skeleton(word.body.translate(_ARABIC_SIBILANTS), arabic)
        skeletons.append(join_skeletons((head, soft)))
    if not arabic and "sh" in word.body:
        # Maghrebi spellings follow French, where ش is "ch": a Latin "sh" is as often
        # س + ه/ح ("Ishak" «إسحاق», "Boushaki" «بوسحاقي») as ش.
        skeletons.append(
            join_skeletons((head, token_skeleton(word.body.replace("sh", "sH"), arabic)))
        )
    text = "".join(word.prefixes) + word.body
    return NameToken(text=text, skeletons=tuple(dict.fromkeys(skeletons)))


def _arabic_words(text: str) -> list[_Word]:
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = text.translate(_ARABIC_FOLD)
    words: list[_Word] = []
    prefixes: list[str] = []
    for raw in re.split(r"[\W\d_]+", text):
        if not raw:
            continue
        if raw in _ARABIC_JOINERS or raw == _ARABIC_ABD:
            prefixes.append("بن" if raw == "ابن" else raw)
            continue
        if raw.startswith(_ARABIC_ABD + "ال") and len(raw) > 6:
            # «عبدالقادر» is «عبد القادر»
            prefixes.append(_ARABIC_ABD)
            raw = raw[3:]
        if raw == "ال":
            continue
        article = raw.startswith("ال") and len(raw) > 3
        body = raw[2:] if article else raw
        # Within an "abd" compound the article is never written in Latin either
        # ("Abdelkader", "Abderrahmane"): no second reading.
        in_abd = bool(prefixes) and prefixes[-1] == _ARABIC_ABD
        words.append(_Word(tuple(prefixes), body, article and not in_abd))
        prefixes = []
    if prefixes:
        words.append(_Word(tuple(prefixes[:-1]), prefixes[-1], article=False))
    return words


def _latin_words(text: str) -> list[_Word]:
    text = unicodedata.normalize("NFKC", text).replace("ç", "s").replace("Ç", "S")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    # An apostrophe inside a word joins it ("M'hamed", "N'Diaye"); any other mark splits.
    text = re.sub(r"(?<=[a-z])['’‘`´ʼ](?=[a-z])", "", text)
    words: list[_Word] = []
    prefixes: list[str] = []
    article = False
    for raw in re.split(r"[^a-z]+", text):
        if not raw:
            continue
        if raw in _LATIN_JOINERS:
            prefixes.append(_LATIN_JOINERS[raw])
            continue
        if raw in _LATIN_ABD:
            prefixes.append("abd")
            continue
        if raw in _LATIN_ARTICLES:
            article = True
            continue
        body = raw
        in_abd = bool(prefixes) and prefixes[-1] == "abd"
        compound = _LATIN_ABD_COMPOUND.match(raw)
        if compound and not prefixes:
            prefixes.append("abd")
            body = compound.group(1)
            in_abd = True
        elif not in_abd and not article:
            fused = _LATIN_JOINED_ARTICLE.match(raw)
            if fused:
                body, article = fused.group(1), True
        words.append(_Word(tuple(prefixes), body, article and not in_abd))
        prefixes = []
        article = False
    if prefixes:
        words.append(_Word(tuple(prefixes[:-1]), prefixes[-1], article=False))
    return words


@lru_cache(maxsize=65536)
def token_skeleton(word: str, arabic: bool) -> str:
    """The consonant skeleton of one word, particles and article already set aside."""
    if arabic:
        # ة after a long a is heard as t: «نجاة» is "Najat", «حياة» (often typed «حياه»)
        # "Hayat".
        word = re.sub("ا[ةه]$", "ت", word)
        letters = "".join(_ARABIC_SKELETON.get(ch, "") for ch in word)
    else:
        for digraph, symbol in _LATIN_DIGRAPHS:
            word = word.replace(digraph, symbol)
        word = _LATIN_SOFT_C.sub("s", word)
        word = _LATIN_SOFT_G.sub("j", word)
        letters = word.translate(_LATIN_SKELETON)
    letters = _DOUBLES.sub(r"\1", letters)
    # A final h is the written ة/ه of "Fatimah", "Abdellah", or a final ح that Latin keeps
    # or drops at will ("Salah", "Sala"): it is dropped in both scripts.
    return letters[:-1] if letters.endswith("h") else letters
