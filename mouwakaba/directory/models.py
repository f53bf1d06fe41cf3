"""The service directory, shaped like Open Referral HSDS 3.0: organisations, the services
they provide, the locations where they provide them, and around a service what a visitor
needs before going (documents, hours, languages, cost, the area served).

Identifiers are UUIDs, as in HSDS, so that a record keeps its id across an export and an
import, and so that other apps (eligibility rules, referrals) can point at a service by a
stable id. Texts a visitor reads exist in Arabic, French and English (``<field>_ar``,
``_fr``, ``_en``); :class:`Localized` picks the one of the active language.

Services answer needs through the taxonomy of need domains (:data:`NEED_TAXONOMY_ID`), whose
terms are exactly :class:`mouwakaba.core.domains.NeedDomain`. The link is a plain
many-to-many (``Service.taxonomy_terms``); the HSDS export writes it as ``attribute`` rows
whose ids are derived from the service and the term (:func:`attribute_id`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import time
from typing import TYPE_CHECKING, Any, overload

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext_lazy as _

from mouwakaba.accounts.models import Membership, Role, User
from mouwakaba.core.domains import NeedDomain
from mouwakaba.core.models import NamedInThreeLanguages, TimeStamped
from mouwakaba.territories.models import Level, Territory

from . import search

if TYPE_CHECKING:
    from django.db.models.expressions import Combinable

# Ids derived from other ids (need-domain terms, attribute rows, nested rows of the
# reference file) are UUID version 5 in this namespace, so that they are the same on every
# installation and in every export.
DIRECTORY_NAMESPACE = uuid.UUID("5f0d2c1e-8f3b-4c6a-9e2d-7b1a4c3e9f60")
NEED_TAXONOMY_ID = uuid.uuid5(DIRECTORY_NAMESPACE, "taxonomy/need-domains")


def need_term_id(domain: str) -> uuid.UUID:
    """The id of the need-domain term of ``domain`` (the same everywhere)."""
    return uuid.uuid5(DIRECTORY_NAMESPACE, f"taxonomy/need-domains/{domain}")


def attribute_id(service_id: uuid.UUID, term_id: uuid.UUID) -> uuid.UUID:
    """The id of the HSDS ``attribute`` row linking a service to a taxonomy term."""
    return uuid.uuid5(DIRECTORY_NAMESPACE, f"attribute/{service_id}/{term_id}")


# --- Texts in three languages ------------------------------------------------------------------


def _language_order() -> list[str]:
    # The same fallback as NamedInThreeLanguages: the active language, then French (the
    # language most reference texts of the region are written in, and the one a Spanish
    # reader gets), then Arabic, then English.
    active = (get_language() or settings.LANGUAGE_CODE)[:2]
    order = [active, "fr", "ar", "en"]
    return list(dict.fromkeys(order))


def text_in_language(obj: object, field: str) -> str:
    """``obj.<field>_<language>`` for the active language, with the fallback above."""
    for language in _language_order():
        value = getattr(obj, f"{field}_{language}", None)
        if value:
            return str(value)
    return ""


class Localized:
    """A read-only attribute giving the text of the active language: ``description =
    Localized()`` reads ``description_ar``, ``description_fr`` or ``description_en``."""

    field = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.field = name

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> Localized: ...
    @overload
    def __get__(self, obj: object, owner: type | None = None) -> str: ...
    def __get__(self, obj: object | None, owner: type | None = None) -> Localized | str:
        if obj is None:
            return self
        return text_in_language(obj, self.field)


def name_ordering() -> Combinable | str:
    """Order by the name in the active language (French when it is empty)."""
    language = (get_language() or settings.LANGUAGE_CODE)[:2]
    if language in ("ar", "en"):
        return Coalesce(NullIf(f"name_{language}", models.Value("")), "name_fr")
    return "name_fr"


# --- Shared fields ---------------------------------------------------------------------------------


def _uuid_pk() -> models.UUIDField[Any, Any]:
    return models.UUIDField(_("id"), primary_key=True, default=uuid.uuid4, editable=False)


class Verifiable(models.Model):
    """A record whose details may be examples rather than verified facts."""

    is_sample_data = models.BooleanField(
        _("sample data"),
        default=False,
        help_text=_(
            "Ticked while the details of this record (address, hours, phone...) are "
            "examples, not verified facts; the public pages then warn visitors. Untick it "
            "once the provider has confirmed them."
        ),
    )

    class Meta:
        abstract = True


class DescribedInThreeLanguages(models.Model):
    description_ar = models.TextField(_("description in Arabic"), blank=True)
    description_fr = models.TextField(_("description in French"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)

    description = Localized()

    class Meta:
        abstract = True


# --- Organisations -----------------------------------------------------------------------------------


class OrganizationKind(models.TextChoices):
    COMMUNE = "commune", _("commune")
    STATE_ADMINISTRATION = "administration", _("state administration")
    POLICE = "police", _("national police")
    HEALTH = "health", _("public health establishment")
    SOCIAL_PROTECTION = "social_protection", _("social protection body")
    EDUCATION = "education", _("education and training body")
    EMPLOYMENT = "employment", _("employment agency")
    JUSTICE = "justice", _("court")
    ECONOMIC = "economic", _("economic development body")
    ASSOCIATION = "association", _("association")
    INTERNATIONAL = "international", _("international organisation")
    OTHER = "other", _("other")


class Organization(NamedInThreeLanguages, DescribedInThreeLanguages, Verifiable, TimeStamped):
    """A provider of services: a public body, a commune, an association..."""

    id = _uuid_pk()
    alternate_name = models.CharField(
        _("short name"), max_length=200, blank=True, help_text=_("An acronym, e.g. ANAPEC.")
    )
    kind = models.CharField(
        _("kind of provider"),
        max_length=32,
        choices=OrganizationKind.choices,
        default=OrganizationKind.OTHER,
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
    )
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name_fr"]

    def __str__(self) -> str:
        return self.name

    def focal_points(self) -> models.QuerySet[User]:
        """The users who answer referrals for this organisation today: a current
        membership with the focal point role bound to this organisation's id."""
        memberships = Membership.objects.current().filter(
            role=Role.FOCAL_POINT, organization=self.pk
        )
        return User.objects.filter(is_active=True, pk__in=memberships.values("user_id")).order_by(
            "last_name", "first_name", "username"
        )


# --- Taxonomy of needs -------------------------------------------------------------------------


class Taxonomy(TimeStamped):
    """A classification of services. The directory's own is the taxonomy of need domains;
    an HSDS import may bring others."""

    id = _uuid_pk()
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    uri = models.URLField(_("URI"), blank=True)
    version = models.CharField(_("version"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("taxonomy")
        verbose_name_plural = _("taxonomies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TaxonomyTermQuerySet(models.QuerySet["TaxonomyTerm"]):
    def need_domains(self) -> TaxonomyTermQuerySet:
        return self.filter(taxonomy_id=NEED_TAXONOMY_ID)


class TaxonomyTerm(NamedInThreeLanguages, TimeStamped):
    id = _uuid_pk()
    taxonomy = models.ForeignKey(
        Taxonomy, verbose_name=_("taxonomy"), on_delete=models.PROTECT, related_name="terms"
    )
    code = models.CharField(
        _("code"), max_length=100, blank=True, help_text=_("The term's code in its taxonomy.")
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent term"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    description = models.TextField(_("description"), blank=True)
    term_uri = models.URLField(_("URI"), blank=True)

    objects = TaxonomyTermQuerySet.as_manager()

    class Meta:
        verbose_name = _("taxonomy term")
        verbose_name_plural = _("taxonomy terms")
        ordering = ["taxonomy__name", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["taxonomy", "code"],
                condition=~Q(code=""),
                name="directory_term_code_unique",
            )
        ]

    def __str__(self) -> str:
        return str(self.label)

    @property
    def domain(self) -> NeedDomain | None:
        if self.taxonomy_id == NEED_TAXONOMY_ID and self.code in NeedDomain.values:
            return NeedDomain(self.code)
        return None

    @property
    def label(self) -> str:
        """The name to show: a need domain's translated label (every language of the
        public pages, Spanish included), otherwise the stored name."""
        domain = self.domain
        return str(domain.label) if domain is not None else self.name


# --- Services ------------------------------------------------------------------------------------------


class ServiceStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    INACTIVE = "inactive", _("inactive")
    DEFUNCT = "defunct", _("defunct")
    TEMPORARILY_CLOSED = "temporarily closed", _("temporarily closed")


LISTED_STATUSES = (ServiceStatus.ACTIVE, ServiceStatus.TEMPORARILY_CLOSED)


class ServiceQuerySet(models.QuerySet["Service"]):
    def listed(self) -> ServiceQuerySet:
        """What the public directory lists: active services and those closed for a while."""
        return self.filter(status__in=LISTED_STATUSES)

    def for_domain(self, domain: str) -> ServiceQuerySet:
        """Services that answer a need of ``domain``."""
        links = Service.taxonomy_terms.through.objects.filter(
            taxonomyterm_id=need_term_id(domain)
        ).values("service_id")
        return self.filter(pk__in=links)

    def serving(self, territory: Territory) -> ServiceQuerySet:
        """Services delivered at a location in ``territory`` (or below it), or whose
        service area covers it: the area is ``territory``, lies below it, or lies above it
        (a service for the whole region serves each of its provinces)."""
        codes = [code for code in territory.path.split("/") if code]
        at_location = ServiceAtLocation.objects.filter(
            location__commune__path__startswith=territory.path
        ).values("service_id")
        by_area = ServiceArea.objects.filter(
            Q(territory__path__startswith=territory.path) | Q(territory__code__in=codes)
        ).values("service_id")
        return self.filter(Q(pk__in=at_location) | Q(pk__in=by_area))

    def search(self, query: str) -> ServiceQuerySet:
        """Services whose names (or their organisation's, or their communes') match
        ``query``, forgiving spelling; unordered (see :func:`search.rank`)."""
        return self.filter(pk__in=search.rank(self.values_list("pk", "search_key"), query))

    def order_by_name(self) -> ServiceQuerySet:
        return self.order_by(name_ordering(), "pk")

    def for_cards(self) -> ServiceQuerySet:
        """What a list of services shows: organisation, needs, communes."""
        return self.select_related("organization").prefetch_related(
            models.Prefetch("taxonomy_terms", TaxonomyTerm.objects.order_by("code")),
            models.Prefetch(
                "service_at_locations",
                ServiceAtLocation.objects.select_related("location__commune"),
            ),
        )

    def mark_changed(self) -> None:
        """Something these services show changed elsewhere (their organisation, one of
        their locations): move their ``updated_at``, which HSDS ``modified_after`` reads,
        and recompute their search keys."""
        self.update(updated_at=timezone.now())
        self.refresh_search_keys()

    def refresh_search_keys(self) -> int:
        """Recompute the search key of these services; returns how many changed. Called
        explicitly wherever names change (admin, import, reference data)."""
        services = list(
            self.select_related("organization").prefetch_related(
                models.Prefetch(
                    "service_at_locations",
                    ServiceAtLocation.objects.select_related("location__commune"),
                )
            )
        )
        changed = []
        for service in services:
            key = service.compute_search_key()
            if key != service.search_key:
                service.search_key = key
                changed.append(service)
        Service.objects.bulk_update(changed, ["search_key"])
        return len(changed)


class Service(NamedInThreeLanguages, DescribedInThreeLanguages, Verifiable, TimeStamped):
    """A service an organisation provides: what a need is answered by and what a referral
    is addressed to. Eligibility rules (another app) attach to it by its id."""

    id = _uuid_pk()
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="services",
    )
    alternate_name = models.CharField(_("other name"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=32, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE
    )
    taxonomy_terms = models.ManyToManyField(
        TaxonomyTerm,
        verbose_name=_("needs answered"),
        related_name="services",
        blank=True,
        help_text=_("The domains of need this service answers: a case's needs find it by them."),
    )
    url = models.URLField(_("web page"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    eligibility_description_ar = models.TextField(_("who can use it, in Arabic"), blank=True)
    eligibility_description_fr = models.TextField(_("who can use it, in French"), blank=True)
    eligibility_description_en = models.TextField(_("who can use it, in English"), blank=True)
    minimum_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)

    application_process_ar = models.TextField(_("how to apply, in Arabic"), blank=True)
    application_process_fr = models.TextField(_("how to apply, in French"), blank=True)
    application_process_en = models.TextField(_("how to apply, in English"), blank=True)
    fees_description_ar = models.TextField(_("cost, in Arabic"), blank=True)
    fees_description_fr = models.TextField(_("cost, in French"), blank=True)
    fees_description_en = models.TextField(_("cost, in English"), blank=True)

    answer_delay_days = models.PositiveSmallIntegerField(
        _("days to answer a referral"),
        default=5,
        validators=[MinValueValidator(1)],
        help_text=_("A referral to this service not answered within these days is overdue."),
    )
    assured_date = models.DateField(
        _("last verified on"),
        null=True,
        blank=True,
        help_text=_("When these details were last checked with the provider."),
    )
    # Normalised names of the service, its organisation and its communes, for the search
    # that forgives spelling; recomputed by refresh_search_keys(), never typed.
    search_key = models.TextField(editable=False, blank=True)

    objects = ServiceQuerySet.as_manager()

    eligibility_description = Localized()
    application_process = Localized()
    fees_description = Localized()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name_fr"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minimum_age__isnull=True)
                | Q(maximum_age__isnull=True)
                | Q(minimum_age__lte=models.F("maximum_age")),
                name="directory_service_age_range",
                violation_error_message=_("The minimum age cannot exceed the maximum age."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_listed(self) -> bool:
        return self.status in LISTED_STATUSES

    def communes(self) -> list[Territory]:
        """The communes where it is delivered (uses prefetched locations), once each."""
        found: dict[int, Territory] = {}
        for link in self.service_at_locations.all():
            commune = link.location.commune
            if commune is not None:
                found.setdefault(commune.pk, commune)
        return list(found.values())

    def need_domains(self) -> list[NeedDomain]:
        """The need domains this service answers (uses prefetched terms when present)."""
        domains = [term.domain for term in self.taxonomy_terms.all()]
        return sorted((d for d in domains if d is not None), key=NeedDomain.values.index)

    def compute_search_key(self) -> str:
        organization = self.organization
        texts = [
            self.name_ar,
            self.name_fr,
            self.name_en,
            self.alternate_name,
            organization.name_ar,
            organization.name_fr,
            organization.name_en,
            organization.alternate_name,
        ]
        for link in self.service_at_locations.all():
            commune = link.location.commune
            if commune is not None:
                texts += [commune.name_ar, commune.name_fr, commune.name_en]
        return search.key_for(texts)


# --- Locations -------------------------------------------------------------------------------------------


class LocationType(models.TextChoices):
    PHYSICAL = "physical", _("physical (a place to go to)")
    POSTAL = "postal", _("postal")
    VIRTUAL = "virtual", _("virtual (a website or a phone line)")


class Location(NamedInThreeLanguages, DescribedInThreeLanguages, Verifiable, TimeStamped):
    """Where services are delivered: a building, a desk in it, or a website."""

    id = _uuid_pk()
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="locations",
    )
    location_type = models.CharField(
        _("type"), max_length=16, choices=LocationType.choices, default=LocationType.PHYSICAL
    )
    address_ar = models.CharField(_("address in Arabic"), max_length=255, blank=True)
    address_fr = models.CharField(_("address in French"), max_length=255, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=16, blank=True)
    commune = models.ForeignKey(
        Territory,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="directory_locations",
        limit_choices_to={"level": Level.COMMUNE},
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    url = models.URLField(_("web address"), blank=True, help_text=_("For a virtual location."))

    address = Localized()

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["commune__path", "name_fr"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.commune is not None and self.commune.level != Level.COMMUNE:
            raise ValidationError({"commune": _("Choose a commune.")})
        if self.location_type == LocationType.VIRTUAL and not self.url:
            raise ValidationError({"url": _("A virtual location needs its web address.")})
        if self.location_type == LocationType.PHYSICAL and self.commune is None:
            raise ValidationError({"commune": _("A place to go to needs its commune.")})

    @property
    def province(self) -> Territory | None:
        return self.commune.province if self.commune is not None else None

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class ServiceAtLocation(TimeStamped):
    """A service delivered at a location: what a referral points a person to."""

    id = _uuid_pk()
    service = models.ForeignKey(
        Service,
        verbose_name=_("service"),
        on_delete=models.CASCADE,
        related_name="service_at_locations",
    )
    location = models.ForeignKey(
        Location,
        verbose_name=_("location"),
        on_delete=models.CASCADE,
        related_name="service_at_locations",
    )
    description_ar = models.TextField(_("notes for this location, in Arabic"), blank=True)
    description_fr = models.TextField(_("notes for this location, in French"), blank=True)
    description_en = models.TextField(_("notes for this location, in English"), blank=True)

    description = Localized()

    class Meta:
        verbose_name = _("service at a location")
        verbose_name_plural = _("services at locations")
        ordering = ["location__commune__path", "location__name_fr"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "location"], name="directory_service_at_location_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service} — {self.location}"


# --- Details: phones, contacts, hours, languages, documents, costs, areas ---------------------------


def _owner(model: type[models.Model], related_name: str, verbose: Any) -> models.ForeignKey[Any]:
    return models.ForeignKey(
        model,
        verbose_name=verbose,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name=related_name,
    )


def _has_an_owner(name: str, owners: Iterable[str]) -> models.CheckConstraint:
    condition = Q()
    for owner in owners:
        condition |= Q(**{f"{owner}__isnull": False})
    return models.CheckConstraint(
        condition=condition,
        name=name,
        violation_error_message=_("Attach it to an organisation, a service or a location."),
    )


class PhoneType(models.TextChoices):
    VOICE = "voice", _("voice")
    CELL = "cell", _("mobile")
    TEXT = "text", _("text messages")
    FAX = "fax", _("fax")
    VIDEO = "video", _("video")
    TEXTPHONE = "textphone", _("textphone")


class Phone(Verifiable, TimeStamped):
    id = _uuid_pk()
    organization = _owner(Organization, "phones", _("organisation"))
    service = _owner(Service, "phones", _("service"))
    location = _owner(Location, "phones", _("location"))
    service_at_location = _owner(ServiceAtLocation, "phones", _("service at a location"))
    number = models.CharField(_("number"), max_length=32)
    extension = models.PositiveIntegerField(_("extension"), null=True, blank=True)
    type = models.CharField(_("type"), max_length=16, choices=PhoneType.choices, default="voice")
    description_ar = models.CharField(_("what it is for, in Arabic"), max_length=255, blank=True)
    description_fr = models.CharField(_("what it is for, in French"), max_length=255, blank=True)
    description_en = models.CharField(_("what it is for, in English"), max_length=255, blank=True)

    description = Localized()

    class Meta:
        verbose_name = _("phone")
        verbose_name_plural = _("phones")
        ordering = ["number"]
        constraints = [
            _has_an_owner(
                "directory_phone_has_owner",
                ["organization", "service", "location", "service_at_location"],
            )
        ]

    def __str__(self) -> str:
        return self.number


class Contact(Verifiable, TimeStamped):
    """A desk or a function to contact. The directory is public: never a person's name."""

    id = _uuid_pk()
    organization = _owner(Organization, "contacts", _("organisation"))
    service = _owner(Service, "contacts", _("service"))
    location = _owner(Location, "contacts", _("location"))
    service_at_location = _owner(ServiceAtLocation, "contacts", _("service at a location"))
    name = models.CharField(
        _("desk or function"),
        max_length=200,
        help_text=_(
            "For example “Reception desk”. Never a person's name: the directory is public."
        ),
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    department = models.CharField(_("department"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["name"]
        constraints = [
            _has_an_owner(
                "directory_contact_has_owner",
                ["organization", "service", "location", "service_at_location"],
            )
        ]

    def __str__(self) -> str:
        return self.name


# RFC 5545 day codes, Monday first, and their index in django.utils.dates.WEEKDAYS.
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_CHOICES = [(code, WEEKDAYS[index]) for index, code in enumerate(DAY_CODES)]
MIDNIGHT = time(0, 0)


class Schedule(Verifiable, TimeStamped):
    """Opening hours: on these days, from ``opens_at`` to ``closes_at`` (local time), as
    an HSDS weekly schedule (RFC 5545 ``byday``)."""

    id = _uuid_pk()
    service = _owner(Service, "schedules", _("service"))
    location = _owner(Location, "schedules", _("location"))
    service_at_location = _owner(ServiceAtLocation, "schedules", _("service at a location"))
    byday = models.CharField(
        _("days"), max_length=32, blank=True, help_text=_("Days as MO,TU,WE,TH,FR,SA,SU.")
    )
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    notes_ar = models.CharField(_("notes in Arabic"), max_length=255, blank=True)
    notes_fr = models.CharField(_("notes in French"), max_length=255, blank=True)
    notes_en = models.CharField(_("notes in English"), max_length=255, blank=True)

    notes = Localized()

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["valid_from", "opens_at", "byday"]
        constraints = [
            _has_an_owner(
                "directory_schedule_has_owner", ["service", "location", "service_at_location"]
            )
        ]

    def __str__(self) -> str:
        return f"{self.byday} {self.opens_at or ''}-{self.closes_at or ''}"

    def clean(self) -> None:
        unknown = [day for day in self.days if day not in DAY_CODES]
        if unknown or (not self.days and (self.opens_at or self.closes_at)):
            raise ValidationError({"byday": _("Give days as MO,TU,WE,TH,FR,SA,SU.")})
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError(
                {"closes_at": _("The closing time must come after the opening time.")}
            )

    @property
    def days(self) -> list[str]:
        return [day.strip().upper() for day in self.byday.split(",") if day.strip()]

    def days_text(self) -> str:
        """The days in words, consecutive days as a range: "Monday to Friday, Sunday"."""
        indexes = sorted({DAY_CODES.index(day) for day in self.days if day in DAY_CODES})
        if len(indexes) == len(DAY_CODES):
            return str(_("every day"))
        runs: list[list[int]] = []
        for index in indexes:
            if runs and index == runs[-1][-1] + 1:
                runs[-1].append(index)
            else:
                runs.append([index])
        parts = []
        for run in runs:
            if len(run) >= 3:
                parts.append(
                    _("%(first)s to %(last)s")
                    % {"first": WEEKDAYS[run[0]], "last": WEEKDAYS[run[-1]]}
                )
            else:
                parts.extend(str(WEEKDAYS[index]) for index in run)
        return str(pgettext("list separator", ", ")).join(str(part) for part in parts)

    def summary(self) -> str:
        """The opening hours in one line of the active language."""
        days = self.days_text()
        if self.is_all_day:
            return _("%(days)s, 24 hours a day") % {"days": days}
        if self.opens_at and self.closes_at:
            return _("%(days)s, %(opens)s–%(closes)s") % {
                "days": days,
                "opens": self.opens_at.strftime("%H:%M"),
                "closes": self.closes_at.strftime("%H:%M"),
            }
        return days

    @property
    def is_all_day(self) -> bool:
        return (
            self.opens_at == MIDNIGHT
            and self.closes_at is not None
            and self.closes_at >= time(23, 59)
        )


class LanguageCode(models.TextChoices):
    """ISO 639 codes of the languages spoken at the region's services."""

    ARABIC = "ar", _("Arabic")
    DARIJA = "ary", _("Moroccan Arabic (Darija)")
    TAMAZIGHT = "zgh", _("Standard Moroccan Tamazight")
    TARIFIT = "rif", _("Tarifit (Riffian)")
    FRENCH = "fr", _("French")
    SPANISH = "es", _("Spanish")
    ENGLISH = "en", _("English")
    WOLOF = "wo", _("Wolof")
    BAMBARA = "bm", _("Bambara")
    FULA = "ff", _("Fula")


class Language(TimeStamped):
    """A language spoken, without an interpreter, by a service or at a location."""

    id = _uuid_pk()
    service = _owner(Service, "languages", _("service"))
    location = _owner(Location, "languages", _("location"))
    code = models.CharField(_("language"), max_length=8, choices=LanguageCode.choices)
    name = models.CharField(
        _("name"), max_length=100, blank=True, help_text=_("Only for a language not in the list.")
    )
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("language spoken")
        verbose_name_plural = _("languages spoken")
        ordering = ["code"]
        constraints = [_has_an_owner("directory_language_has_owner", ["service", "location"])]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.code in LanguageCode.values:
            return str(LanguageCode(self.code).label)
        return self.name or self.code


class RequiredDocument(TimeStamped):
    """A document to bring to receive the service."""

    id = _uuid_pk()
    service = models.ForeignKey(
        Service,
        verbose_name=_("service"),
        on_delete=models.CASCADE,
        related_name="required_documents",
    )
    document_ar = models.CharField(_("document, in Arabic"), max_length=500, blank=True)
    document_fr = models.CharField(_("document, in French"), max_length=500)
    document_en = models.CharField(_("document, in English"), max_length=500, blank=True)
    uri = models.URLField(_("web address of a form"), blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    document = Localized()

    class Meta:
        verbose_name = _("document to bring")
        verbose_name_plural = _("documents to bring")
        ordering = ["position", "document_fr"]

    def __str__(self) -> str:
        return self.document


class CostOption(TimeStamped):
    """What the service costs, and for whom (an amount of 0 means free of charge)."""

    id = _uuid_pk()
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.CASCADE, related_name="cost_options"
    )
    option_ar = models.CharField(_("for whom or what, in Arabic"), max_length=255, blank=True)
    option_fr = models.CharField(_("for whom or what, in French"), max_length=255, blank=True)
    option_en = models.CharField(_("for whom or what, in English"), max_length=255, blank=True)
    amount = models.DecimalField(
        _("amount"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, default="MAD")
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    option = Localized()

    class Meta:
        verbose_name = _("cost")
        verbose_name_plural = _("costs")
        ordering = ["position", "amount"]

    def __str__(self) -> str:
        return f"{self.option} {self.amount if self.amount is not None else ''} {self.currency}"

    @property
    def is_free(self) -> bool:
        return self.amount is not None and self.amount == 0


class ServiceArea(TimeStamped):
    """A territory a service is for, whatever the place it is delivered at."""

    id = _uuid_pk()
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.CASCADE, related_name="service_areas"
    )
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("territory served"),
        on_delete=models.PROTECT,
        related_name="directory_service_areas",
    )

    class Meta:
        verbose_name = _("area served")
        verbose_name_plural = _("areas served")
        ordering = ["territory__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "territory"], name="directory_service_area_unique"
            )
        ]

    def __str__(self) -> str:
        return str(self.territory)
