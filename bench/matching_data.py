"""A synthetic registry of persons, with known duplicates, to measure the matcher.

Deterministic for a seed. The population mixes Moroccans (MRE and returnees), other
Maghrebi, Mashreq and West and Central African migrants. A share of persons is
registered twice (rarely three times), at another desk, as it happens:

- in another script: a record in Arabic only against one in Latin only, or both scripts;
- in another spelling (the desk's habit), respelt by ear, or with a typo;
- given and family name swapped; a compound name shortened or joined ("Fatima Zahra",
  "Fatimazahra", "Fatima");
- a full date against a year only, an approximate year, a year one off, day and month
  swapped; sex or nationality missing or wrong; a new phone; documents shown or not.

And the hard negatives a registry is full of: namesakes (the commonest names are very
common, so many "Mohamed Alaoui" share a decade), siblings sharing a family name and a
phone, fathers and sons with the same name, twins, an association's phone given by many.

Two things the generator used to do that no desk does, fixed (they labelled as different
persons records that nothing could tell apart, or wrote names no one writes): a sibling or
a twin drawn with the person's own given name (twins "Mohamed" and "Mohamed", same
birth date, same phone), and a compound name shortened to its particle ("Ben Salah"
written "Ben", «ايت الطيب» written «ايت», "Abd El Kader" written "Abd"). Each record
carries tags saying what the desk did (``Registry.tags``), from which
``difficulties`` tells what makes a true pair hard.

Run it to see a sample: ``.venv/bin/python bench/matching_data.py [records] [seed]``.
"""

from __future__ import annotations

import bisect
import itertools
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from matching_lexicon import (
    MAGHREB_FAMILY,
    MAGHREB_FAMILY_TAIL,
    MAGHREB_FEMALE,
    MAGHREB_MALE,
    MAGHREB_MALE_COMPOUNDS,
    MASHREQ_FAMILY,
    MASHREQ_FEMALE,
    MASHREQ_MALE,
    WEST_AFRICA_FAMILY,
    WEST_AFRICA_FAMILY_TAIL,
    WEST_AFRICA_FEMALE,
    WEST_AFRICA_MALE,
    Name,
)

from mouwakaba.people.matching import PersonRecord

# Nationality → origin of names, and the share of the registry.
NATIONALITIES = [
    ("MA", "maghreb", 34),
    ("DZ", "maghreb", 5),
    ("TN", "maghreb", 2),
    ("SD", "mashreq", 4),
    ("SY", "mashreq", 3),
    ("YE", "mashreq", 2),
    ("SN", "west_africa", 9),
    ("GN", "west_africa", 11),
    ("ML", "west_africa", 8),
    ("CI", "west_africa", 8),
    ("BF", "west_africa", 3),
    ("GM", "west_africa", 2),
    ("CM", "west_africa", 5),
    ("NG", "west_africa", 2),
    ("CD", "west_africa", 2),
]
LEXICON = {
    "maghreb": (
        MAGHREB_MALE + MAGHREB_MALE_COMPOUNDS,
        MAGHREB_FEMALE,
        MAGHREB_FAMILY + MAGHREB_FAMILY_TAIL,
    ),
    # Mashreq registries name by the father: a family name is often a given name.
    "mashreq": (MASHREQ_MALE, MASHREQ_FEMALE, MASHREQ_FAMILY + MAGHREB_FAMILY_TAIL[:40]),
    "west_africa": (
        WEST_AFRICA_MALE,
        WEST_AFRICA_FEMALE,
        WEST_AFRICA_FAMILY + WEST_AFRICA_FAMILY_TAIL,
    ),
}

# How often a second record exists for a person, and a third.
DUPLICATE_RATE = 0.15
THIRD_RATE = 0.1  # of those with a second
# How often a new person is a relative of someone already registered, and of which kind:
# a namesake (the same given and family names, sex and nationality, born within four
# years: a cousin named after the same grandfather), a sibling (same family name, often
# the same phone), a parent (often the same given name too), a twin (same birth date).
# Namesakes also arise, far more often, from common names drawn twice.
RELATIVE_RATE = 0.1
RELATIVES = {"namesake": 3.0, "sibling": 5.0, "parent": 1.5, "twin": 0.3}

AZERTY_NEIGHBOURS = {
    "a": "zqs",
    "z": "aes",
    "e": "zrd",
    "r": "etf",
    "t": "ryg",
    "y": "tuh",
    "u": "yij",
    "i": "uok",
    "o": "ipl",
    "p": "om",
    "q": "asw",
    "s": "qdz",
    "d": "sfe",
    "f": "dgr",
    "g": "fht",
    "h": "gjy",
    "j": "hku",
    "k": "jli",
    "l": "kmo",
    "m": "lp",
    "w": "xq",
    "x": "wc",
    "c": "xv",
    "v": "cb",
    "b": "vn",
    "n": "bm",
}
ARABIC_CONFUSIONS = {
    "ه": "ة",
    "ة": "ه",
    "ح": "ه",
    "ص": "س",
    "س": "ص",
    "ض": "د",
    "ط": "ت",
    "ت": "ط",
    "ذ": "د",
    "ظ": "ض",
    "ق": "ك",
    "ك": "ق",
    "ي": "ى",
    "ى": "ي",
    "ا": "أ",
    "أ": "ا",
    "ز": "ر",
    "ر": "ز",
}
# Respellings by ear (the desk writes what it hears): (from, to) on lower-case Latin.
RESPELLINGS = [
    ("ou", "u"),
    ("u", "ou"),
    ("e", "a"),
    ("a", "e"),
    ("ch", "sh"),
    ("k", "q"),
    ("q", "k"),
    ("dj", "j"),
    ("j", "dj"),
    ("y", "i"),
    ("i", "y"),
    ("ss", "s"),
    ("s", "ss"),
    ("mm", "m"),
    ("m", "mm"),
    ("ll", "l"),
    ("l", "ll"),
    ("tt", "t"),
    ("kh", "k"),
    ("ai", "ei"),
    ("c", "k"),
]


@dataclass(frozen=True, slots=True)
class Person:
    ident: int
    origin: str
    given: Name
    family: Name
    given_latin: str  # the spelling on the person's own papers
    family_latin: str
    sex: str
    birth: date
    nationality: str
    phone: str
    documents: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Registry:
    records: list[PersonRecord]
    person_of: list[int]  # the person behind each record
    # What the desk did to each record (see ``Generator.record``): "swapped", "typo"
    # (a typo or a respelling in a name), "shortened" (a compound name cut or joined).
    tags: list[frozenset[str]]

    def true_pairs(self) -> set[tuple[int, int]]:
        by_person: dict[int, list[int]] = {}
        for index, person in enumerate(self.person_of):
            by_person.setdefault(person, []).append(index)
        return {
            (i, j) for members in by_person.values() for i, j in itertools.combinations(members, 2)
        }


def names_script(record: PersonRecord) -> str:
    """ "ar", "lat" or "both": the scripts a record's names are in."""
    arabic = bool(record.given_name_ar or record.family_name_ar)
    latin = bool(record.given_name_lat or record.family_name_lat)
    return "both" if arabic and latin else ("ar" if arabic else "lat")


def is_cross_script(a: PersonRecord, b: PersonRecord) -> bool:
    """One record in Arabic script only, the other in Latin only."""
    return {names_script(a), names_script(b)} == {"ar", "lat"}


DIFFICULTIES = ("cross-script", "swapped", "typo", "DOB differs", "DOB missing")


def difficulties(registry: Registry, i: int, j: int) -> set[str]:
    """What makes the pair (i, j) hard, among ``DIFFICULTIES``: one record in Arabic
    script only and the other in Latin only; given and family names swapped on one of
    them only; a typo or respelling in a name of either; both birth dates known (a date or
    a year) but different (another year, another day, an approximate year); a birth date
    missing on either side."""
    a, b = registry.records[i], registry.records[j]
    found = set()
    if is_cross_script(a, b):
        found.add("cross-script")
    if ("swapped" in registry.tags[i]) != ("swapped" in registry.tags[j]):
        found.add("swapped")
    if "typo" in registry.tags[i] | registry.tags[j]:
        found.add("typo")
    if a.year_of_birth is None or b.year_of_birth is None:
        found.add("DOB missing")
    elif (
        a.year_of_birth != b.year_of_birth
        or a.birth_date_approximate
        or b.birth_date_approximate
        or (a.birth_date is not None and b.birth_date is not None and a.birth_date != b.birth_date)
    ):
        found.add("DOB differs")
    return found


class _Picker:
    """Weighted choice by bisection (random.choices re-sums the weights every call)."""

    def __init__(self, items: Sequence[Name]) -> None:
        self.items = list(items)
        self.cumulative = list(itertools.accumulate(item.weight for item in items))

    def pick(self, rng: random.Random) -> Name:
        x = rng.random() * self.cumulative[-1]
        return self.items[bisect.bisect_right(self.cumulative, x)]


def _weighted_spelling(rng: random.Random, name: Name) -> str:
    spellings = [s for s, _ in name.latin]
    weights = [w for _, w in name.latin]
    return rng.choices(spellings, weights)[0]


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.pickers = {
            origin: tuple(_Picker(names) for names in lexicon)
            for origin, lexicon in LEXICON.items()
        }
        self.nationalities = [(code, origin) for code, origin, _ in NATIONALITIES]
        self.nationality_weights = [weight for _, _, weight in NATIONALITIES]
        # Phones that many give: an association's, a cell's, a shelter's.
        self.hub_phones = [self._new_phone() for _ in range(40)]
        self.next_ident = 0
        self.tags: set[str] = set()  # what the last call of record() did

    # -- persons --------------------------------------------------------------------------

    def _new_phone(self) -> str:
        rng = self.rng
        return "06" + "".join(rng.choice("0123456789") for _ in range(8))

    def _documents(self, nationality: str) -> tuple[str, ...]:
        rng = self.rng
        documents = []
        if rng.random() < 0.45:
            letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(2))
            documents.append(letters + "".join(rng.choice("0123456789") for _ in range(7)))
        if nationality == "MA" and rng.random() < 0.6:
            prefix = rng.choice(["F", "FA", "FB", "S", "SH", "D", "J", "K", "A", "BK"])
            documents.append(prefix + str(rng.randint(10000, 999999)))
        return tuple(documents)

    def _birth(self, low: int = 1965, high: int = 2008) -> date:
        rng = self.rng
        # Most registered migrants are young adults.
        year = int(min(high, max(low, rng.gauss(1995, 8))))
        return date(year, rng.randint(1, 12), rng.randint(1, 28))

    def new_person(self) -> Person:
        rng = self.rng
        code, origin = rng.choices(self.nationalities, self.nationality_weights)[0]
        sex = "M" if rng.random() < 0.62 else "F"
        male, female, family = self.pickers[origin]
        given = (male if sex == "M" else female).pick(rng)
        family_name = family.pick(rng)
        phone = ""
        if rng.random() < 0.75:
            phone = rng.choice(self.hub_phones) if rng.random() < 0.02 else self._new_phone()
        person = Person(
            ident=self.next_ident,
            origin=origin,
            given=given,
            family=family_name,
            given_latin=_weighted_spelling(rng, given),
            family_latin=_weighted_spelling(rng, family_name),
            sex=sex,
            birth=self._birth(),
            nationality=code,
            phone=phone,
            documents=self._documents(code),
        )
        self.next_ident += 1
        return person

    def relative(self, person: Person, kind: str) -> Person:
        """A different person close to ``person``: a hard negative."""
        rng = self.rng
        male, female, _ = self.pickers[person.origin]
        if kind == "namesake":  # same names, another life
            other = self.new_person()
            return replace(
                other,
                origin=person.origin,
                given=person.given,
                family=person.family,
                given_latin=person.given_latin,
                family_latin=person.family_latin,
                sex=person.sex,
                nationality=person.nationality,
                birth=self._birth(person.birth.year - 4, person.birth.year + 4),
            )
        sex = "M" if rng.random() < 0.5 else "F"
        given = (male if sex == "M" else female).pick(rng)
        # Parents do not give two of their children one name: a sibling or a twin drawn
        # with the person's own given name would be a second record of the person in all
        # but the label (same names, family, phone, and for twins the birth date).
        while kind in ("sibling", "twin") and given is person.given:
            given = (male if sex == "M" else female).pick(rng)
        birth = self._birth()
        if kind == "twin":
            birth = person.birth
        elif kind == "parent":  # a father with his son's name, or a mother
            birth = self._birth(person.birth.year - 35, person.birth.year - 22)
            if sex == person.sex:
                given = person.given
        other = self.new_person()
        return replace(
            other,
            origin=person.origin,
            given=given,
            given_latin=person.given_latin
            if given is person.given
            else _weighted_spelling(rng, given),
            family=person.family,
            family_latin=person.family_latin,
            sex=sex,
            nationality=person.nationality,
            birth=birth,
            phone=person.phone if rng.random() < 0.5 else other.phone,
        )

    # -- records --------------------------------------------------------------------------

    def record(self, person: Person, *, scripts: str, careful: bool) -> PersonRecord:
        """One registration of ``person`` at a desk. ``careful``: the first registration,
        usually made from papers; later ones are more often from what was heard."""
        rng = self.rng
        noise = 0.5 if careful else 1.0
        self.tags = set()
        given_ar = family_ar = given_lat = family_lat = ""
        if scripts in ("ar", "both"):
            given_ar = self._arabic(person.given, noise)
            family_ar = self._arabic(person.family, noise)
        if scripts in ("lat", "both"):
            given_lat = self._latin(person.given, person.given_latin, noise)
            family_lat = self._latin(person.family, person.family_latin, noise)
        if rng.random() < 0.04 * noise:  # given and family swapped
            self.tags.add("swapped")
            given_ar, family_ar = family_ar, given_ar
            given_lat, family_lat = family_lat, given_lat
        if rng.random() < 0.02 * noise:  # family name left out
            family_ar = family_lat = ""

        birth_date: date | None = person.birth
        birth_year: int | None = None
        approximate = False
        roll = rng.random()
        if roll < 0.04:
            birth_date = None
        elif roll < 0.26:
            birth_date, birth_year = None, person.birth.year
        elif roll < 0.36:
            birth_date, approximate = None, True
            birth_year = person.birth.year + rng.randint(-4, 4)
        if birth_date is not None:
            slip = rng.random()
            if slip < 0.025 * noise and birth_date.day <= 12:
                birth_date = date(birth_date.year, birth_date.day, birth_date.month)
            elif slip < 0.06 * noise:
                birth_date = birth_date.replace(year=birth_date.year + rng.choice((-1, 1)))
            elif slip < 0.08 * noise:
                birth_date = birth_date.replace(
                    day=min(28, max(1, birth_date.day + rng.choice((-1, 1, 10, -10))))
                )
        elif birth_year is not None and not approximate and rng.random() < 0.05 * noise:
            birth_year += rng.choice((-1, 1))

        sex = person.sex
        roll = rng.random()
        if roll < 0.03:
            sex = ""
        elif roll < 0.035:
            sex = "F" if sex == "M" else "M"
        nationality = person.nationality
        roll = rng.random()
        if roll < 0.08:
            nationality = ""
        elif roll < 0.1:
            nationality = rng.choice(self.nationalities)[0]
        phone = ""
        if person.phone and rng.random() < 0.8:
            phone = person.phone if careful or rng.random() < 0.75 else self._new_phone()
        elif rng.random() < 0.2:
            phone = self._new_phone()
        documents = tuple(number for number in person.documents if rng.random() < 0.55)
        if documents and rng.random() < 0.02:
            documents = (_typo(rng, documents[0].lower()).upper(), *documents[1:])
        return PersonRecord(
            given_name_ar=given_ar,
            family_name_ar=family_ar,
            given_name_lat=given_lat,
            family_name_lat=family_lat,
            sex=sex,
            birth_date=birth_date,
            birth_year=birth_year,
            birth_date_approximate=approximate,
            nationality=nationality,
            phone=_format_phone(rng, phone),
            document_numbers=documents,
        )

    def _latin(self, name: Name, own: str, noise: float) -> str:
        rng = self.rng
        text = own if rng.random() < 0.6 else _weighted_spelling(rng, name)
        if rng.random() < 0.12 * noise:
            text = _respell(rng, text)
            self.tags.add("typo")
        if rng.random() < 0.07 * noise:
            text = _typo(rng, text)
            self.tags.add("typo")
        if " " in text and rng.random() < 0.15 * noise:
            words = text.split(" ")
            # A name led by a particle ("Ben Ali", "Ait Tayeb", "Abd El Kader", "El Hadi")
            # is joined or hyphenated, never cut down to the particle.
            cut = [] if words[0].lower() in _LATIN_PARTICLES else [words[0]]
            text = rng.choice([*cut, "".join(words), "-".join(words)])
            self.tags.add("shortened")
        roll = rng.random()
        if roll < 0.3:
            text = text.upper()
        elif roll < 0.35:
            text = text.lower()
        return text

    def _arabic(self, name: Name, noise: float) -> str:
        rng = self.rng
        if not name.arabic:
            return ""
        text = rng.choice(name.arabic)
        roll = rng.random()
        if roll < 0.08 * noise:
            text = _arabic_typo(rng, text)
            self.tags.add("typo")
        elif roll < 0.16 * noise:  # hamza and ta marbuta as typed in a hurry
            text = text.replace("أ", "ا").replace("إ", "ا").replace("ة", "ه")
        if " " in text and rng.random() < 0.2 * noise:
            words = text.split(" ")
            if len(words) == 2:
                # «بن علي» and «ايت الطيب» are joined, never cut down to the particle.
                cut = [] if words[0] in _ARABIC_PARTICLES else [words[0]]
                text = rng.choice([*cut, "".join(words)])
                self.tags.add("shortened")
        return text

    # -- the registry ---------------------------------------------------------------------

    def registry(self, size: int) -> Registry:
        rng = self.rng
        records: list[PersonRecord] = []
        person_of: list[int] = []
        tags: list[frozenset[str]] = []
        recent: list[Person] = []
        while len(records) < size:
            if recent and rng.random() < RELATIVE_RATE:
                kind = rng.choices(list(RELATIVES), list(RELATIVES.values()))[0]
                person = self.relative(rng.choice(recent), kind)
            else:
                person = self.new_person()
            recent.append(person)
            if len(recent) > 2000:
                recent = recent[-1000:]
            copies = 1
            if rng.random() < DUPLICATE_RATE:
                copies = 3 if rng.random() < THIRD_RATE else 2
            arabic_names = bool(person.given.arabic and person.family.arabic)
            for copy in range(copies):
                scripts = self._scripts(person, arabic_names, copy)
                records.append(self.record(person, scripts=scripts, careful=copy == 0))
                person_of.append(person.ident)
                tags.append(frozenset(self.tags))
        return Registry(records[:size], person_of[:size], tags[:size])

    def _scripts(self, person: Person, arabic_names: bool, copy: int) -> str:
        rng = self.rng
        if not arabic_names:
            return "lat"
        if person.origin == "west_africa":
            return rng.choices(["lat", "both", "ar"], [90, 6, 4])[0]
        return rng.choices(["both", "ar", "lat"], [40, 30, 30])[0]


_LATIN_PARTICLES = frozenset(
    [
        "ben",
        "bin",
        "ibn",
        "bent",
        "bint",
        "ait",
        "aït",
        "ould",
        "abd",
        "abdel",
        "abdou",
        "abdoul",
        "abou",
        "abu",
        "bou",
        "el",
        "al",
        "sidi",
        "moulay",
        "lalla",
    ]
)
_ARABIC_PARTICLES = frozenset(
    ["بن", "ابن", "بنت", "ايت", "آيت", "ولد", "عبد", "ابو", "بو", "سيدي", "مولاي", "لالة"]
)


def _respell(rng: random.Random, text: str) -> str:
    lower = text.lower()
    options = [(a, b) for a, b in RESPELLINGS if a in lower]
    if not options:
        return text
    old, new = rng.choice(options)
    positions = [i for i in range(len(lower)) if lower.startswith(old, i)]
    i = rng.choice(positions)
    result = lower[:i] + new + lower[i + len(old) :]
    return result.title() if text[:1].isupper() else result


def _typo(rng: random.Random, text: str) -> str:
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    if len(letters) < 3:
        return text
    i = rng.choice(letters[1:])  # the first letter is the one least often wrong
    ch = text[i]
    kind = rng.random()
    if kind < 0.35 and ch.lower() in AZERTY_NEIGHBOURS:
        new = rng.choice(AZERTY_NEIGHBOURS[ch.lower()])
        return text[:i] + (new.upper() if ch.isupper() else new) + text[i + 1 :]
    if kind < 0.6:
        return text[:i] + text[i + 1 :]
    if kind < 0.8:
        return text[:i] + ch + text[i:]
    if i + 1 < len(text):
        return text[:i] + text[i + 1] + ch + text[i + 2 :]
    return text


def _arabic_typo(rng: random.Random, text: str) -> str:
    positions = [i for i, ch in enumerate(text) if ch != " "]
    if len(positions) < 3:
        return text
    i = rng.choice(positions[1:])
    ch = text[i]
    kind = rng.random()
    if kind < 0.5 and ch in ARABIC_CONFUSIONS:
        return text[:i] + ARABIC_CONFUSIONS[ch] + text[i + 1 :]
    if kind < 0.8:
        return text[:i] + text[i + 1 :]
    return text[:i] + rng.choice("اوي") + text[i:]


def _format_phone(rng: random.Random, phone: str) -> str:
    if not phone:
        return ""
    style = rng.random()
    if style < 0.3:
        return "+212 " + phone[1:]
    if style < 0.5:
        return " ".join(phone[i : i + 2] for i in range(0, 10, 2))
    return phone


def generate(size: int, seed: int) -> Registry:
    """A registry of ``size`` records, the same for the same seed."""
    return Generator(seed).registry(size)


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    registry = generate(size, seed)
    for record, person in zip(registry.records, registry.person_of, strict=True):
        print(person, record)
    print(f"{len(registry.records)} records, {len(registry.true_pairs())} true pairs")
