"""What the engine knows of a person: plain values, no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """One registered person as the matcher sees it.

    Any name field may be empty; a record without any name compares on the other fields
    only. ``birth_year`` is used when ``birth_date`` is unknown (a year of birth only);
    when both are given, the date wins. ``birth_date_approximate`` flags a year that was
    estimated ("about 25 years old"), which the comparison treats with a wider tolerance.
    """

    given_name_ar: str = ""
    family_name_ar: str = ""
    given_name_lat: str = ""
    family_name_lat: str = ""
    sex: str = ""  # "F", "M" or "" (unknown)
    birth_date: date | None = None
    birth_year: int | None = None
    birth_date_approximate: bool = False
    nationality: str = ""  # ISO 3166-1 alpha-2, or ""
    phone: str = ""
    document_numbers: tuple[str, ...] = ()

    @property
    def year_of_birth(self) -> int | None:
        return self.birth_date.year if self.birth_date is not None else self.birth_year
