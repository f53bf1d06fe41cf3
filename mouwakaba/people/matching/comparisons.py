"""Each piece of evidence compared on its own, into a level (a small vocabulary per field).

The levels are what the weights (``model.py``) attach to, and what the explanation shows.
A comparison returns None when one side does not know the value: missing is no evidence.
"""

from __future__ import annotations

from rapidfuzz.distance import Indel, JaroWinkler, Levenshtein

from .features import Birth, NameForm

# -- names --------------------------------------------------------------------------------

# Name levels, from the strongest agreement to disagreement.
EXACT = "exact"  # the same canonical spelling in the same script
VARIANT = "variant"  # known spellings of one name («محمد» / "M'hamed" / "Mohammed")
SKELETON = "skeleton"  # the same consonant skeleton, three letters or more
SKELETON_SHORT = "skeleton_short"  # the same skeleton of one or two letters ("Ali", "Sow")
COARSE = "coarse"  # the same skeleton once g/j/k/q are one letter («فجيج» / "Figuig")
SIMILAR = "similar"  # close skeletons or, in Latin, close spellings (typos)
PARTIAL = "partial"  # one word of a multi-word name agrees ("Fatima Zahra" / "Fatima")
DIFFERENT = "disagree"

NAME_LEVELS = (EXACT, VARIANT, SKELETON, SKELETON_SHORT, COARSE, SIMILAR, PARTIAL, DIFFERENT)
NAME_RANK = {level: rank for rank, level in enumerate(NAME_LEVELS)}

# Similarity of coarse skeletons (Indel, 0..1) from which two names are "similar": one
# letter off in a four-letter skeleton scores 0.86, in a three-letter one 0.8.
SKELETON_SIMILARITY = 0.8
# Jaro-Winkler on Latin spellings: catches typos the skeleton hides or exaggerates
# ("Alaoui" / "Alaouit"). 0.9 keeps "Karim" / "Karima" (0.97) similar, which the sex
# comparison then separates, and "Hamid" / "Rachid" (0.69) apart.
SPELLING_SIMILARITY = 0.9
# Two Latin spellings whose short skeletons (one or two letters) meet but whose letters
# hardly do are different names: "Cissé" / "Sow" (both s, 0.0), "Sow" / "Sy" (0.61);
# variants of one name score above 0.8 ("Wafae" / "Ouafae" 0.82). Longer skeletons that
# meet are trusted: "Camara" / "Kemara" (kmr, 0.61) is one name, respelt.
LATIN_SKELETON_MIN_SPELLING = 0.75


def compare_forms(a: NameForm, b: NameForm) -> str:
    if a.script == b.script and a.text == b.text:
        return EXACT
    if not a.groups.isdisjoint(b.groups) or (
        len(a.tokens) == len(b.tokens) > 1 and _tokens_are_variants(a, b)
    ):
        return VARIANT
    # Both spellings are known names, but of different names: "Mahmoud" is not «محمد»
    # although both read mhmd. The variant table overrides the skeleton then.
    known_different = bool(a.groups) and bool(b.groups)
    if not known_different:
        shared = a.skeleton_set & b.skeleton_set
        if shared and max(map(len, shared)) >= 3:
            # Three consonants in order are a name, whatever the vowels and the first
            # letter's spelling ("Camara" / "Kemara", "Ousmane" / "Usman").
            return SKELETON
        both_latin = a.script == b.script == "lat"
        if both_latin and JaroWinkler.similarity(a.text, b.text) < LATIN_SKELETON_MIN_SPELLING:
            known_different = True
        elif shared:
            return SKELETON_SHORT
        if not a.coarse_set.isdisjoint(b.coarse_set):
            return COARSE
        if _similar(a, b):
            return SIMILAR
    if (len(a.tokens) > 1 or len(b.tokens) > 1) and _some_token_agrees(a, b):
        return PARTIAL
    return DIFFERENT


def _tokens_are_variants(a: NameForm, b: NameForm) -> bool:
    """Word by word, each pair the same word or known variants (at least one variant)."""
    if len(a.tokens) != len(b.tokens) or len(a.tokens) < 2:
        return False
    for ta, tb, ga, gb in zip(a.tokens, b.tokens, a.token_groups, b.token_groups, strict=True):
        if not (ga & gb) and not (a.script == b.script and ta.text == tb.text):
            return False
    return True


def _similar(a: NameForm, b: NameForm) -> bool:
    for sa in a.coarse_skeletons:
        for sb in b.coarse_skeletons:
            if Indel.normalized_similarity(sa, sb) >= SKELETON_SIMILARITY:
                return True
    return (
        a.script == "lat"
        and b.script == "lat"
        and JaroWinkler.similarity(a.text, b.text) >= SPELLING_SIMILARITY
    )


def _some_token_agrees(a: NameForm, b: NameForm) -> bool:
    for ta, ga in zip(a.tokens, a.token_groups, strict=True):
        for tb, gb in zip(b.tokens, b.token_groups, strict=True):
            if ga & gb or (a.script == b.script and ta.text == tb.text):
                return True
            if ga and gb:
                continue  # known, different words
            if any(len(s) >= 2 for s in set(ta.skeletons).intersection(tb.skeletons)):
                return True
    return False


# -- birth --------------------------------------------------------------------------------

DATE_EXACT = "date_exact"  # two full dates, equal
DATE_SWAPPED = "date_swapped"  # day and month swapped (03/04 written 04/03)
DATE_TYPO = "date_typo"  # two full dates one slip apart (a day digit, or the year ±1)
YEAR = "year"  # the same year, one side or both knowing only the year
YEAR_DATES_DIFFER = "year_dates_differ"  # two full dates in the same year, apart
YEAR_NEAR = "year_near"  # one year apart, neither approximate
APPROXIMATE = "approximate"  # within the tolerance of an approximate year
BIRTH_DIFFERENT = "disagree"

BIRTH_LEVELS = (
    DATE_EXACT,
    DATE_SWAPPED,
    DATE_TYPO,
    YEAR,
    YEAR_DATES_DIFFER,
    YEAR_NEAR,
    APPROXIMATE,
    BIRTH_DIFFERENT,
)
# An age estimated at the desk ("about 25") is often five years off either way.
APPROXIMATE_TOLERANCE_YEARS = 5


def compare_birth(a: Birth | None, b: Birth | None) -> str | None:
    if a is None or b is None:
        return None
    gap = abs(a.year - b.year)
    full = a.month is not None and b.month is not None
    if full:
        if (a.month, a.day) == (b.month, b.day):
            if gap == 0:
                return DATE_EXACT
            if gap == 1:
                return DATE_TYPO
        elif gap == 0:
            if (a.month, a.day) == (b.day, b.month):
                return DATE_SWAPPED
            if a.month == b.month and _one_slip(a.day, b.day):
                return DATE_TYPO
            return YEAR if a.approximate or b.approximate else YEAR_DATES_DIFFER
    if gap == 0:
        return YEAR
    if a.approximate or b.approximate:
        # An estimated age one year off is as good as any within the tolerance: the
        # estimate, not the desk, is off.
        return APPROXIMATE if gap <= APPROXIMATE_TOLERANCE_YEARS else BIRTH_DIFFERENT
    if gap == 1:
        return YEAR_NEAR
    return BIRTH_DIFFERENT


def _one_slip(x: int | None, y: int | None) -> bool:
    """Two day numbers one slip apart: 12/13, 3/13, 12/21 (digits swapped), 19/20."""
    if x is None or y is None:
        return False
    one, other = f"{x:02d}", f"{y:02d}"
    return Levenshtein.distance(one, other) == 1 or one == other[::-1] or abs(x - y) == 1


# -- the rest -----------------------------------------------------------------------------

AGREE = "agree"
DISAGREE = "disagree"
CLOSE = "close"  # a document number one character off: a typo, most likely


def compare_values(a: str, b: str) -> str | None:
    if not a or not b:
        return None
    return AGREE if a == b else DISAGREE


def compare_documents(a: frozenset[str], b: frozenset[str]) -> str | None:
    if not a or not b:
        return None
    if a & b:
        return AGREE
    for x in a:
        for y in b:
            if len(x) == len(y) and Levenshtein.distance(x, y, score_cutoff=1) <= 1:
                return CLOSE
    return DISAGREE
