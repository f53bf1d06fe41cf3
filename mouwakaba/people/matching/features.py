"""A record prepared once for comparison: names tokenised and skeletonised in each script,
phone and documents normalised, the birth date split into what is actually known."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from mouwakaba.core.text import normalize_document_number, normalize_phone

from .names import NameToken, coarse, join_skeletons, script_of, tokenize
from .records import PersonRecord
from .variants import VariantTable

# A part with many words and several readings each would multiply its skeletons; the
# first few readings are enough (the likeliest comes first).
MAX_SKELETON_READINGS = 4
# Shorter numbers are too often partial ("0661", a document type code) to be evidence.
MIN_PHONE_DIGITS = 8
MIN_DOCUMENT_CHARS = 5


@dataclass(frozen=True, slots=True, eq=False)
class NameForm:
    """One part of a name (given or family) in one script, ready to compare.

    Equality and hashing go by ``key`` (the canonical words and their readings), so that
    comparisons of the same two spellings can be remembered across records.
    """

    key: str  # the canonical words, and the skeleton readings of each
    script: str
    text: str  # the canonical words joined without spaces
    tokens: tuple[NameToken, ...]
    skeletons: tuple[str, ...]  # of the whole part, the likeliest reading first
    coarse_skeletons: tuple[str, ...]
    groups: frozenset[str]  # variant groups of the whole part
    token_groups: tuple[frozenset[str], ...]
    # The coarse skeletons of the first word, the likeliest first (for blocking, which
    # files a given name under its first word: "Fatima Zahra" meets "Fatima").
    first_coarse: tuple[str, ...]
    # The same skeletons as sets: what the comparison of two forms asks first, millions
    # of times in a batch run.
    skeleton_set: frozenset[str]
    coarse_set: frozenset[str]

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NameForm) and other.key == self.key

    @property
    def skeleton(self) -> str:
        return self.skeletons[0]


def name_form(text: str, variants: VariantTable) -> NameForm | None:
    """The comparable form of one name part, or None when it holds no name."""
    tokens = tokenize(text)
    if not tokens:
        return None
    readings = itertools.islice(
        itertools.product(*(token.skeletons for token in tokens)), MAX_SKELETON_READINGS
    )
    skeletons = tuple(dict.fromkeys(join_skeletons(reading) for reading in readings))
    coarse_skeletons = tuple(dict.fromkeys(coarse(s) for s in skeletons))
    joined = "".join(token.text for token in tokens)
    return NameForm(
        # The words and their readings: «الحسن» and «حسن» are one word, but only the first
        # may also read "Lhassan", so they are two forms (and two entries in every cache).
        key=" ".join(token.text for token in tokens)
        + "/"
        + " ".join(",".join(token.skeletons) for token in tokens),
        script=script_of(joined),
        text=joined,
        tokens=tokens,
        skeletons=skeletons,
        coarse_skeletons=coarse_skeletons,
        groups=variants.groups(joined),
        token_groups=tuple(variants.groups(token.text) for token in tokens),
        first_coarse=tuple(dict.fromkeys(coarse(s) for s in tokens[0].skeletons)),
        skeleton_set=frozenset(skeletons),
        coarse_set=frozenset(coarse_skeletons),
    )


@dataclass(frozen=True, slots=True)
class Birth:
    year: int
    month: int | None  # None when only the year is known
    day: int | None
    approximate: bool


@dataclass(frozen=True, slots=True)
class PreparedRecord:
    record: PersonRecord
    given: tuple[NameForm, ...]  # one per script present
    family: tuple[NameForm, ...]
    sex: str
    nationality: str
    phone: str
    documents: frozenset[str]
    birth: Birth | None
    # The values whose frequency in the registry weighs an agreement on them.
    given_key: str
    family_key: str
    # The forms of each part in one string, to remember comparisons of parts.
    given_forms: str
    family_forms: str


def prepare_record(record: PersonRecord, forms: NameFormCache) -> PreparedRecord:
    given, given_forms, given_skeleton = forms.part(record.given_name_lat, record.given_name_ar)
    family, family_forms, family_skeleton = forms.part(
        record.family_name_lat, record.family_name_ar
    )
    return PreparedRecord(
        record=record,
        given=given,
        family=family,
        given_key=f"gn:{given_skeleton}" if given else "",
        family_key=f"fn:{family_skeleton}" if family else "",
        given_forms=given_forms,
        family_forms=family_forms,
        sex=record.sex if record.sex in ("F", "M") else "",
        nationality=record.nationality.strip().upper(),
        phone=_phone(record.phone),
        documents=frozenset(
            number
            for number in (normalize_document_number(raw) for raw in record.document_numbers)
            if len(number) >= MIN_DOCUMENT_CHARS
        ),
        birth=_birth(record),
    )


def _phone(raw: str) -> str:
    phone = normalize_phone(raw) if raw else ""
    return phone if len(phone) >= MIN_PHONE_DIGITS else ""


def _birth(record: PersonRecord) -> Birth | None:
    if record.birth_date is not None:
        day = record.birth_date
        return Birth(day.year, day.month, day.day, record.birth_date_approximate)
    if record.birth_year is not None:
        return Birth(record.birth_year, None, None, record.birth_date_approximate)
    return None


class NameFormCache:
    """Name forms by spelling: names repeat a lot in a registry, so each is built once."""

    __slots__ = ("_forms", "_max_size", "_parts", "variants")

    def __init__(self, variants: VariantTable, max_size: int = 200_000) -> None:
        self.variants = variants
        self._forms: dict[str, NameForm | None] = {}
        self._parts: dict[tuple[str, str], tuple[tuple[NameForm, ...], str, str]] = {}
        self._max_size = max_size

    def form(self, text: str) -> NameForm | None:
        try:
            return self._forms[text]
        except KeyError:
            pass
        if len(self._forms) >= self._max_size:
            self._forms.clear()  # crude, but bounded; rebuilding a form is cheap
        form = self._forms[text] = name_form(text, self.variants)
        return form

    def forms(self, latin: str, arabic: str) -> tuple[NameForm, ...]:
        # A field may hold the other script (an Arabic name typed in the Latin field):
        # the form knows its script from its letters, not from the field.
        found = (self.form(latin), self.form(arabic))
        unique = {form.key: form for form in found if form is not None}
        return tuple(unique.values())

    def part(self, latin: str, arabic: str) -> tuple[tuple[NameForm, ...], str, str]:
        """A name part's forms, their keys joined (which the comparisons of parts are
        remembered by), and the skeleton of the first: one object each, shared by every
        record with the same spellings."""
        key = (latin, arabic)
        found = self._parts.get(key)
        if found is None:
            if len(self._parts) >= self._max_size:
                self._parts.clear()  # crude, but bounded
            forms = self.forms(latin, arabic)
            joined = "|".join(form.key for form in forms)
            found = self._parts[key] = (forms, joined, forms[0].skeleton if forms else "")
        return found
