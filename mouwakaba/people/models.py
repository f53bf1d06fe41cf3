"""The registry of persons: who came to a cell, with what papers, and what they agreed to.

Every query for persons goes through ``Person.objects.visible_to(user)`` (core's one door).
A person is in the scope of the cell that registered them and of every cell that holds or
held one of their cases: the :class:`PersonAccess` rows record those cells, written by
the actions that register a person, open a case or accept a transfer.
"""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from mouwakaba.core.scope import ScopedQuerySet
from mouwakaba.core.text import (
    normalize_arabic,
    normalize_document_number,
    normalize_latin,
    normalize_phone,
)
from mouwakaba.territories.models import Cell, Territory

EARLIEST_BIRTH_YEAR = 1900
_DIGIT = re.compile(r"\d")


class Sex(models.TextChoices):
    FEMALE = "F", _("female")
    MALE = "M", _("male")


class Population(models.TextChoices):
    MRE = "mre", _("Moroccan residing abroad")
    RETURNEE = "returnee", _("returnee")
    FOREIGN = "foreign", _("migrant from another country")


class LegalStatus(models.TextChoices):
    REGULAR = "regular", _("regular")
    IN_REGULARISATION = "in_regularisation", _("in regularisation")
    ASYLUM_SEEKER = "asylum_seeker", _("asylum seeker")
    REFUGEE = "refugee", _("refugee")
    IRREGULAR = "irregular", _("irregular")
    UNKNOWN = "unknown", _("unknown")


class Language(models.TextChoices):
    """Languages people speak at the desk (ISO 639)."""

    ARABIC = "ar", _("Arabic")
    DARIJA = "ary", _("Moroccan Arabic (Darija)")
    TARIFIT = "rif", _("Tarifit")
    TAMAZIGHT = "zgh", _("Standard Moroccan Tamazight")
    FRENCH = "fr", _("French")
    SPANISH = "es", _("Spanish")
    ENGLISH = "en", _("English")
    WOLOF = "wo", _("Wolof")
    FULA = "ff", _("Fula")
    BAMBARA = "bm", _("Bambara")
    LINGALA = "ln", _("Lingala")
    HAUSA = "ha", _("Hausa")
    PORTUGUESE = "pt", _("Portuguese")
    OTHER = "other", _("other language")


VULNERABILITIES: tuple[tuple[str, Any], ...] = (
    ("unaccompanied_minor", _("unaccompanied minor")),
    ("disability", _("disability")),
    ("pregnancy", _("pregnancy")),
    ("survivor_of_violence", _("survivor of violence")),
    ("victim_of_trafficking", _("victim of trafficking")),
    ("elderly_alone", _("elderly person alone")),
)


def validate_name(value: str) -> None:
    if _DIGIT.search(value):
        raise ValidationError(_("A name cannot contain digits."), code="digits")


def validate_phone(value: str) -> None:
    digits = normalize_phone(value)
    allowed = re.fullmatch(r"\+?[\d\s().\-/]+", value.strip())
    if not allowed or not 8 <= len(digits) <= 15:
        raise ValidationError(
            _("This is not a phone number: give 8 to 15 digits, for example 0661 23 45 67."),
            code="phone",
        )


def validate_birth_date(value: date) -> None:
    if value > timezone.localdate():
        raise ValidationError(_("A date of birth cannot be in the future."), code="future")
    if value.year < EARLIEST_BIRTH_YEAR:
        raise ValidationError(_("A date of birth cannot be before 1900."), code="too_old")


def validate_past_date(value: date) -> None:
    if value > timezone.localdate():
        raise ValidationError(_("This date cannot be in the future."), code="future")
    if value.year < EARLIEST_BIRTH_YEAR:
        raise ValidationError(_("This date cannot be before 1900."), code="too_old")


class PersonQuerySet(ScopedQuerySet["Person"]):
    # Registration gives every person an access row for their cell (and merges keep them).
    scope_every_row_has_a_cell = True
    scope_cell_lookups = ("access__cell_id",)
    # Referrals (a later app) add the organisation's path here.
    scope_organization_lookups = ()


class Person(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    given_name_ar = models.CharField(
        _("given name (Arabic script)"), max_length=100, blank=True, validators=[validate_name]
    )
    family_name_ar = models.CharField(
        _("family name (Arabic script)"), max_length=100, blank=True, validators=[validate_name]
    )
    given_name_lat = models.CharField(
        _("given name (Latin script)"), max_length=100, blank=True, validators=[validate_name]
    )
    family_name_lat = models.CharField(
        _("family name (Latin script)"), max_length=100, blank=True, validators=[validate_name]
    )
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(
        _("date of birth"), null=True, blank=True, validators=[validate_birth_date]
    )
    birth_year = models.PositiveSmallIntegerField(
        _("year of birth"),
        null=True,
        blank=True,
        validators=[MinValueValidator(EARLIEST_BIRTH_YEAR)],
        help_text=_("When only the year is known, or estimated from the person's age."),
    )
    birth_date_approximate = models.BooleanField(
        _("approximate"), default=False, help_text=_("The year was estimated from an age.")
    )
    nationality = CountryField(_("nationality"), blank=True)
    population = models.CharField(_("population"), max_length=16, choices=Population.choices)
    legal_status = models.CharField(
        _("legal status"),
        max_length=24,
        choices=LegalStatus.choices,
        blank=True,
        help_text=_("For migrants from other countries."),
    )
    legal_status_until = models.DateField(
        _("legal status valid until"),
        null=True,
        blank=True,
        help_text=_("The expiry of the residence title, receipt or card, when there is one."),
    )
    in_morocco_since = models.DateField(
        _("in Morocco since"),
        null=True,
        blank=True,
        validators=[validate_past_date],
        help_text=_("Date of arrival or of return; an approximate date is fine."),
    )
    country_of_residence = CountryField(
        _("country of residence"), blank=True, help_text=_("For Moroccans residing abroad.")
    )
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True, validators=[validate_phone])
    phone_normalized = models.CharField(max_length=20, blank=True, db_index=True, editable=False)
    commune = models.ForeignKey(
        Territory,
        verbose_name=_("commune of residence"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"level": "commune"},
    )
    # Sensitive: shown only to the cell that holds the person's case and to their
    # coordinators (see can_see_vulnerabilities).
    unaccompanied_minor = models.BooleanField(_("unaccompanied minor"), default=False)
    disability = models.BooleanField(_("disability"), default=False)
    pregnancy = models.BooleanField(_("pregnancy"), default=False)
    survivor_of_violence = models.BooleanField(_("survivor of violence"), default=False)
    victim_of_trafficking = models.BooleanField(_("victim of trafficking"), default=False)
    elderly_alone = models.BooleanField(_("elderly person alone"), default=False)

    registered_by_cell = models.ForeignKey(
        Cell, verbose_name=_("registered by cell"), on_delete=models.PROTECT, related_name="+"
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Set when a coordinator merged this file into another; the row stays (for undo and
    # for the history), hidden from searches, and its page leads to the kept file.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registered at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["family_name_lat", "given_name_lat", "family_name_ar"]
        indexes = [
            models.Index(fields=["registered_by_cell", "created_at"], name="person_cell_created"),
            # Lists of persons in name order (eligible persons, search results) read the
            # first page from the index instead of sorting everyone in scope.
            models.Index(fields=["family_name_lat", "given_name_lat", "id"], name="person_name"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def clean(self) -> None:
        errors: dict[str, list[Any]] = {}
        has_arabic = bool(self.given_name_ar.strip() or self.family_name_ar.strip())
        has_latin = bool(self.given_name_lat.strip() or self.family_name_lat.strip())
        if not (has_arabic or has_latin):
            errors.setdefault("given_name_ar", []).append(
                _("Give the name in Arabic script, in Latin script, or both.")
            )
        if self.birth_date is not None:
            if self.birth_year and self.birth_year != self.birth_date.year:
                errors.setdefault("birth_year", []).append(
                    _("The year of birth does not match the date of birth.")
                )
            self.birth_year = self.birth_date.year
            self.birth_date_approximate = False
        if self.birth_year is not None and self.birth_year > timezone.localdate().year:
            errors.setdefault("birth_year", []).append(
                _("A date of birth cannot be in the future.")
            )
        if self.population != Population.FOREIGN and self.legal_status:
            errors.setdefault("legal_status", []).append(
                _("A legal status is recorded for migrants from other countries only.")
            )
        unknown = [code for code in self.languages or [] if code not in Language.values]
        if unknown:
            errors.setdefault("languages", []).append(_("Unknown language."))
        if errors:
            raise ValidationError(errors)
        self.phone_normalized = normalize_phone(self.phone) if self.phone else ""

    @property
    def display_name(self) -> str:
        """Both scripts when both are known: «محمد بن علي · Mohamed Benali»."""
        arabic = " ".join(p for p in (self.given_name_ar, self.family_name_ar) if p)
        latin = " ".join(p for p in (self.given_name_lat, self.family_name_lat) if p)
        return " · ".join(p for p in (arabic, latin) if p)

    def copies_for_cases(self) -> dict[str, Any]:
        """What each of the person's cases copies from this file, for counting and sorting
        caseloads without joining persons (see cases.models.Case)."""
        latin = normalize_latin(f"{self.family_name_lat} {self.given_name_lat}")
        arabic = normalize_arabic(f"{self.family_name_ar} {self.given_name_ar}")
        return {
            "person_sex": self.sex,
            "person_population": self.population,
            "person_birth_year": self.birth_year,
            "person_name_key": (latin or arabic)[:100],
            "person_legal_status": self.legal_status,
            "person_nationality": str(self.nationality or ""),
        }

    @property
    def age(self) -> int | None:
        today = timezone.localdate()
        if self.birth_date is not None:
            born = self.birth_date
            return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        if self.birth_year is not None:
            return today.year - self.birth_year
        return None

    @property
    def language_names(self) -> list[str]:
        labels = dict(Language.choices)
        return [str(labels.get(code, code)) for code in self.languages or []]

    @property
    def vulnerabilities(self) -> list[Any]:
        return [label for field, label in VULNERABILITIES if getattr(self, field)]

    def consent(self, kind: str) -> Consent | None:
        """The consent in force of this kind (given and not withdrawn), if any."""
        consents = getattr(self, "_prefetched_objects_cache", {}).get("consents")
        rows = consents if consents is not None else self.consents.all()
        for consent in sorted(rows, key=lambda c: c.recorded_at, reverse=True):
            if consent.kind == kind:
                return consent if consent.withdrawn_at is None else None
        return None

    @property
    def consent_processing(self) -> bool:
        return self.consent(ConsentKind.PROCESSING) is not None

    @property
    def consent_sharing(self) -> bool:
        return self.consent(ConsentKind.SHARING) is not None


class PersonAccess(models.Model):
    """A cell that may see a person: the one that registered them, and every cell that
    holds or held one of their cases. The person side of the one door."""

    class Reason(models.TextChoices):
        REGISTERED = "registered", _("registered the person")
        CASE = "case", _("holds or held a case")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="access")
    cell = models.ForeignKey(Cell, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=16, choices=Reason.choices)
    # True while this cell holds one of the person's cases (open or closed): it decides
    # who sees the sensitive vulnerability flags.
    holds_case = models.BooleanField(default=False)
    since = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "cell"], name="one_access_per_cell"),
        ]
        indexes = [models.Index(fields=["cell", "person"], name="access_cell_person")]

    def __str__(self) -> str:
        return f"{self.cell_id} → {self.person_id}"


class PersonToken(models.Model):
    """Normalised words of a person's names, document numbers and phone, for search as
    agents type: a prefix of a token is a range scan on one index, in any database."""

    class Kind(models.TextChoices):
        NAME = "name", _("name")
        DOCUMENT = "document", _("document number")
        PHONE = "phone", _("phone")

    # Indexed by (person, token) below, which also serves the foreign key.
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="tokens", db_index=False
    )
    token = models.CharField(max_length=64)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.NAME)

    class Meta:
        indexes = [
            # The first word of a query: a range of tokens, then their persons.
            models.Index(fields=["token", "person"], name="token_person"),
            # Each next word narrows those persons: for one person, a range of tokens —
            # without it, every probe would scan the whole range of a common prefix.
            models.Index(fields=["person", "token"], name="person_token"),
        ]

    def __str__(self) -> str:
        return self.token


class DocumentType(models.TextChoices):
    NATIONAL_ID = "national_id", _("national identity card (CNIE)")
    PASSPORT = "passport", _("passport")
    RESIDENCE_CARD = "residence_card", _("residence card")
    CONSULAR_CARD = "consular_card", _("consular card")
    BIRTH_CERTIFICATE = "birth_certificate", _("birth certificate")
    REFUGEE_CARD = "refugee_card", _("refugee card")
    ASYLUM_CERTIFICATE = "asylum_certificate", _("asylum seeker certificate")
    OTHER = "other", _("other document")


class Document(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="documents")
    doc_type = models.CharField(_("document type"), max_length=24, choices=DocumentType.choices)
    number = models.CharField(_("number"), max_length=64, blank=True)
    number_normalized = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    issuing_country = CountryField(_("issuing country"), blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["doc_type", "-expires_on"]

    def __str__(self) -> str:
        return f"{self.get_doc_type_display()} {self.number}"

    def clean(self) -> None:
        if self.issued_on and self.expires_on and self.expires_on < self.issued_on:
            raise ValidationError(
                {"expires_on": _("A document cannot expire before it was issued.")}
            )
        if self.issued_on and self.issued_on > timezone.localdate():
            raise ValidationError({"issued_on": _("A document cannot be issued in the future.")})
        self.number_normalized = normalize_document_number(self.number)

    def is_valid_on(self, day: date) -> bool:
        return self.expires_on is None or self.expires_on >= day


class HouseholdLink(models.Model):
    """Two persons of one household, stored once and read from both ends: ``relation``
    says what ``relative`` is to ``person``; from the relative's side it reads inverted."""

    class Relation(models.TextChoices):
        SPOUSE = "spouse", pgettext_lazy("household relation", "spouse")
        PARENT = "parent", pgettext_lazy("household relation", "parent")
        CHILD = "child", pgettext_lazy("household relation", "child")
        SIBLING = "sibling", pgettext_lazy("household relation", "brother or sister")
        OTHER = "other", pgettext_lazy("household relation", "other relative")

    INVERSE = {"parent": "child", "child": "parent"}

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="household_links")
    relative = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    relation = models.CharField(_("relation"), max_length=16, choices=Relation.choices)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "relative"], name="one_link_per_pair"),
            models.CheckConstraint(
                condition=~Q(person=models.F("relative")),
                name="no_link_to_self",
                violation_error_message=_("A person cannot be linked to themselves."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.relation} {self.relative_id}"

    def inverse_label(self) -> str:
        """What ``person`` is to ``relative``."""
        inverse = self.INVERSE.get(self.relation, self.relation)
        return str(self.Relation(inverse).label)


class ConsentKind(models.TextChoices):
    PROCESSING = "processing", _("processing of personal data")
    SHARING = "sharing", _("sharing with service providers")


class Consent(models.Model):
    """A consent given, by whom it was recorded and when; withdrawn, it stays on file."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(_("consent to"), max_length=16, choices=ConsentKind.choices)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.recorded_at:%Y-%m-%d}"


class PersonMatchKey(models.Model):
    """The keys under which the duplicate check finds a person: blocking keys (name
    skeletons with a birth-year bucket, phone, document) and frequency keys (how common a
    name is). Written with the search tokens whenever the person's file changes."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="match_keys")
    key = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["key", "person"], name="match_key_person")]

    def __str__(self) -> str:
        return self.key


class CommonMatchKey(models.Model):
    """A match key that many persons shared when the keys were last counted (by the
    duplicate batch, see ``duplicates.recount_common_keys``), with their number: the
    check reads how common "Mohamed" is here instead of counting its rows at every
    registration. Rarer keys are counted live."""

    key = models.CharField(max_length=64, primary_key=True)
    persons = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.key} ({self.persons})"


class DuplicatePairQuerySet(ScopedQuerySet["DuplicatePair"]):
    # A pair is in a coordinator's queue when either person is in their scope; the other
    # person then shows with the minimal fields of a registration-time candidate.
    scope_cell_lookups = ("first__access__cell_id", "second__access__cell_id")

    def pending(self) -> DuplicatePairQuerySet:
        return self.filter(status=DuplicatePair.Status.PENDING)


class DuplicatePair(models.Model):
    """Two files that may be one person: found by the batch check (pending, for review)
    or settled by an agent at registration or a coordinator in the queue. A settled pair
    is never asked about again. ``first`` has the smaller id."""

    class Status(models.TextChoices):
        PENDING = "pending", _("to review")
        SAME = "same", _("same person")
        DIFFERENT = "different", _("different persons")

    first = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("score"))
    level = models.CharField(_("level"), max_length=16)
    evidence = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    found_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = DuplicatePairQuerySet.as_manager()

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="one_row_per_pair"),
            models.CheckConstraint(condition=Q(first__lt=models.F("second")), name="pair_in_order"),
        ]
        indexes = [
            models.Index(fields=["status", "-score"], name="duplicate_status_score"),
            # The review queue filtered by level, best first.
            models.Index(fields=["status", "level", "-score"], name="duplicate_status_level"),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} ~ {self.second_id} ({self.score:.2f})"


class DuplicateRun(models.Model):
    """One pass of the batch check: it looks again at the files changed since the last."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    checked = models.PositiveIntegerField(default=0)
    found = models.PositiveIntegerField(default=0)
    # The engine's blocking version the run's keys were filed under (see matching/).
    blocking_version = models.CharField(max_length=16, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.checked}/{self.found}"


# An estimated age turns into a birth year; ages above this are refused as typos.
MAX_AGE = 120
AGE_VALIDATORS = [MinValueValidator(0), MaxValueValidator(MAX_AGE)]


class PersonMerge(models.Model):
    """A coordinator's decision that two files are one person: everything attached to the
    merged file was re-pointed to the kept one. ``moved`` lists exactly which rows moved
    (``"app.model.field": [pk, ...]``), ``granted`` the access rows created for the kept
    file and ``filled`` the kept file's blank fields filled from the merged one, with
    their former values — so that undoing restores the registry as it was."""

    kept = models.ForeignKey(
        Person, verbose_name=_("kept file"), on_delete=models.PROTECT, related_name="merges"
    )
    merged = models.ForeignKey(
        Person, verbose_name=_("merged file"), on_delete=models.PROTECT, related_name="+"
    )
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField(default=timezone.now)
    moved = models.JSONField(default=dict)
    granted = models.JSONField(default=list)
    filled = models.JSONField(default=dict)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("merge of two files")
        verbose_name_plural = _("merges of files")
        ordering = ["-merged_at"]

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.kept_id}"
