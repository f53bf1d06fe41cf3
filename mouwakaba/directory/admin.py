"""Editing the directory in the administration: an organisation with its locations, a
service with where it is delivered and what a visitor needs to know. Every save writes an
audit event and refreshes what depends on names (the search key) and on details (the
``updated_at`` that HSDS ``modified_after`` reads)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Case, Prefetch, QuerySet, When
from django.forms import ModelForm
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from mouwakaba.core import audit
from mouwakaba.core.domains import NeedDomain
from mouwakaba.core.models import AuditAction

from .models import (
    DAY_CHOICES,
    DAY_CODES,
    NEED_TAXONOMY_ID,
    Contact,
    CostOption,
    Language,
    Location,
    Organization,
    Phone,
    RequiredDocument,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
    need_term_id,
)

THREE_NAMES = ("name_ar", "name_fr", "name_en")
THREE_DESCRIPTIONS = ("description_ar", "description_fr", "description_en")


class ArabicRightToLeft:
    """Fields holding Arabic text are typed right to left, whatever the admin's language."""

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")  # a web address typed bare is https
        field = super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]
        if field is not None and db_field.name.endswith("_ar"):
            field.widget.attrs["dir"] = "rtl"
        return field


class AuditedAdmin(ArabicRightToLeft, admin.ModelAdmin[Any]):
    """Writes an audit event for each save (with the fields and details that changed)
    and each deletion."""

    def save_related(
        self, request: HttpRequest, form: ModelForm[Any], formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        details = [fs.model._meta.model_name for fs in formsets if fs.has_changed()]
        audit.record(
            action=AuditAction.UPDATE if change else AuditAction.CREATE,
            actor=request.user,
            target=form.instance,
            request=request,
            details={"fields": sorted(form.changed_data), "details": sorted(details)},
        )
        self.after_save(form.instance)

    def after_save(self, obj: Any) -> None:
        """What depends on this record, refreshed once it and its details are saved."""

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit.record(action=AuditAction.DELETE, actor=request.user, target=obj, request=request)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            audit.record(action=AuditAction.DELETE, actor=request.user, target=obj, request=request)
        super().delete_queryset(request, queryset)


# --- Inlines ------------------------------------------------------------------------------------------


class PhoneInline(ArabicRightToLeft, admin.TabularInline[Phone, Any]):
    model = Phone
    extra = 0
    fields = [
        "number",
        "extension",
        "type",
        "description_fr",
        "description_ar",
        "description_en",
        "is_sample_data",
    ]


class ContactInline(ArabicRightToLeft, admin.TabularInline[Contact, Any]):
    model = Contact
    extra = 0
    fields = ["name", "title", "department", "email", "is_sample_data"]


class ScheduleForm(forms.ModelForm[Schedule]):
    byday = forms.MultipleChoiceField(
        label=_("days"),
        choices=DAY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Schedule
        fields = [
            "byday",
            "opens_at",
            "closes_at",
            "valid_from",
            "valid_to",
            "notes_fr",
            "notes_ar",
            "notes_en",
            "is_sample_data",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.byday:
            self.initial["byday"] = self.instance.days

    def clean_byday(self) -> str:
        chosen = set(self.cleaned_data.get("byday") or [])
        return ",".join(day for day in DAY_CODES if day in chosen)


class ScheduleInline(ArabicRightToLeft, admin.TabularInline[Schedule, Any]):
    model = Schedule
    form = ScheduleForm
    extra = 0


class LanguageInline(ArabicRightToLeft, admin.TabularInline[Language, Any]):
    model = Language
    extra = 0
    fields = ["code", "name", "note"]


class LocationInline(ArabicRightToLeft, admin.TabularInline[Location, Organization]):
    model = Location
    extra = 0
    fields = ["name_fr", "name_ar", "location_type", "commune", "is_sample_data"]
    autocomplete_fields = ["commune"]
    show_change_link = True


class ServiceAtLocationInline(ArabicRightToLeft, admin.TabularInline[ServiceAtLocation, Service]):
    model = ServiceAtLocation
    extra = 0
    fields = ["location", "description_fr", "description_ar", "description_en"]
    autocomplete_fields = ["location"]
    show_change_link = True
    verbose_name = _("place where it is delivered")
    verbose_name_plural = _(
        "places where it is delivered (follow “change” to set the hours of one place)"
    )


class RequiredDocumentInline(ArabicRightToLeft, admin.TabularInline[RequiredDocument, Service]):
    model = RequiredDocument
    extra = 0
    fields = ["position", "document_fr", "document_ar", "document_en", "uri"]


class CostOptionInline(ArabicRightToLeft, admin.TabularInline[CostOption, Service]):
    model = CostOption
    extra = 0
    fields = [
        "position",
        "option_fr",
        "option_ar",
        "option_en",
        "amount",
        "currency",
        "valid_from",
        "valid_to",
    ]


class ServiceAreaInline(ArabicRightToLeft, admin.TabularInline[ServiceArea, Service]):
    model = ServiceArea
    extra = 0
    autocomplete_fields = ["territory"]


class TaxonomyTermInline(ArabicRightToLeft, admin.TabularInline[TaxonomyTerm, Taxonomy]):
    model = TaxonomyTerm
    extra = 0
    fields = ["code", *THREE_NAMES, "parent"]


# --- Organisations ---------------------------------------------------------------------------------


@admin.register(Organization)
class OrganizationAdmin(AuditedAdmin):
    list_display = ["name_fr", "name_ar", "alternate_name", "kind", "is_sample_data", "updated_at"]
    list_filter = ["kind", "is_sample_data"]
    search_fields = ["name_fr", "name_ar", "name_en", "alternate_name", "id"]
    readonly_fields = ["id", "focal_points_list", "services_list"]
    autocomplete_fields = ["parent"]
    inlines = [LocationInline, PhoneInline, ContactInline]
    fieldsets = (
        (None, {"fields": ("id", *THREE_NAMES, "alternate_name", "kind", "parent")}),
        (_("Description"), {"fields": THREE_DESCRIPTIONS}),
        (_("Contact"), {"fields": ("email", "website", "is_sample_data")}),
        (
            _("Services and focal points"),
            {
                "fields": ("services_list", "focal_points_list"),
                "description": _(
                    "Focal points are users whose current membership has the role “service "
                    "focal point” and this organisation's id: edit them under Users."
                ),
            },
        ),
    )

    @admin.display(description=_("focal points"))
    def focal_points_list(self, obj: Organization) -> SafeString | str:
        if obj._state.adding:
            return "—"
        users = obj.focal_points()
        if not users:
            return str(_("None yet."))
        items = format_html_join(
            "",
            '<li><a href="{}">{}</a> ({})</li>',
            (
                (
                    reverse("admin:accounts_user_change", args=[u.pk]),
                    u.get_full_name() or u.username,
                    u.username,
                )
                for u in users
            ),
        )
        return format_html("<ul>{}</ul>", items)

    @admin.display(description=_("services"))
    def services_list(self, obj: Organization) -> SafeString | str:
        if obj._state.adding:
            return "—"
        services = obj.services.order_by("name_fr")
        if not services:
            return str(_("None yet."))
        items = format_html_join(
            "",
            '<li><a href="{}">{}</a></li>',
            ((reverse("admin:directory_service_change", args=[s.pk]), s.name_fr) for s in services),
        )
        return format_html("<ul>{}</ul>", items)

    def after_save(self, obj: Organization) -> None:
        obj.services.all().mark_changed()


@admin.register(Location)
class LocationAdmin(AuditedAdmin):
    list_display = ["name_fr", "organization", "location_type", "commune", "is_sample_data"]
    list_filter = ["location_type", "is_sample_data", "commune__parent"]
    list_select_related = ["organization", "commune"]
    search_fields = [
        "name_fr",
        "name_ar",
        "name_en",
        "address_fr",
        "address_ar",
        "commune__name_fr",
        "organization__name_fr",
    ]
    autocomplete_fields = ["organization", "commune"]
    readonly_fields = ["id"]
    inlines = [ScheduleInline, PhoneInline, LanguageInline, ContactInline]
    fieldsets = (
        (None, {"fields": ("id", "organization", "location_type", *THREE_NAMES)}),
        (
            _("Where"),
            {
                "fields": (
                    "address_fr",
                    "address_ar",
                    "postal_code",
                    "commune",
                    "latitude",
                    "longitude",
                    "url",
                )
            },
        ),
        (_("Access notes"), {"fields": THREE_DESCRIPTIONS}),
        (None, {"fields": ("is_sample_data",)}),
    )

    def after_save(self, obj: Location) -> None:
        Service.objects.filter(service_at_locations__location=obj).mark_changed()


# --- Services ------------------------------------------------------------------------------------------


class ServiceForm(forms.ModelForm[Service]):
    url = forms.URLField(label=_("web page"), required=False, assume_scheme="https")

    class Meta:
        model = Service
        fields = [
            "organization",
            *THREE_NAMES,
            "alternate_name",
            "status",
            "taxonomy_terms",
            *THREE_DESCRIPTIONS,
            "eligibility_description_fr",
            "eligibility_description_ar",
            "eligibility_description_en",
            "minimum_age",
            "maximum_age",
            "application_process_fr",
            "application_process_ar",
            "application_process_en",
            "fees_description_fr",
            "fees_description_ar",
            "fees_description_en",
            "url",
            "email",
            "answer_delay_days",
            "is_sample_data",
            "assured_date",
        ]
        widgets = {"taxonomy_terms": forms.CheckboxSelectMultiple}

    taxonomy_terms = forms.ModelMultipleChoiceField(
        label=capfirst(_("needs answered")),
        # The need domains in the order of the code, then the terms of other taxonomies.
        queryset=TaxonomyTerm.objects.select_related("taxonomy").order_by(
            Case(
                *(When(pk=need_term_id(d), then=index) for index, d in enumerate(NeedDomain)),
                default=len(NeedDomain),
            ),
            "taxonomy__name",
            "code",
        ),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("The domains of need this service answers: a case's needs find it by them."),
    )


@admin.register(Service)
class ServiceAdmin(AuditedAdmin):
    form = ServiceForm
    list_display = ["name_fr", "organization", "status", "needs", "is_sample_data", "updated_at"]
    list_filter = ["status", "taxonomy_terms", "organization__kind", "is_sample_data"]
    list_select_related = ["organization"]
    search_fields = [
        "name_fr",
        "name_ar",
        "name_en",
        "alternate_name",
        "organization__name_fr",
        "organization__name_ar",
        "organization__alternate_name",
        "id",
    ]
    autocomplete_fields = ["organization"]
    readonly_fields = ["id", "updated_at"]
    inlines = [
        ServiceAtLocationInline,
        RequiredDocumentInline,
        CostOptionInline,
        LanguageInline,
        ServiceAreaInline,
        ScheduleInline,
        PhoneInline,
        ContactInline,
    ]
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "id",
                    "organization",
                    *THREE_NAMES,
                    "alternate_name",
                    "status",
                    "taxonomy_terms",
                )
            },
        ),
        (_("Description"), {"fields": THREE_DESCRIPTIONS}),
        (
            _("Who can use it"),
            {
                "fields": (
                    "eligibility_description_fr",
                    "eligibility_description_ar",
                    "eligibility_description_en",
                    "minimum_age",
                    "maximum_age",
                )
            },
        ),
        (
            _("How to apply and what it costs"),
            {
                "fields": (
                    "application_process_fr",
                    "application_process_ar",
                    "application_process_en",
                    "fees_description_fr",
                    "fees_description_ar",
                    "fees_description_en",
                    "url",
                    "email",
                )
            },
        ),
        (_("Referrals"), {"fields": ("answer_delay_days",)}),
        (_("Verification"), {"fields": ("is_sample_data", "assured_date", "updated_at")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Service]:
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("taxonomy_terms", TaxonomyTerm.objects.order_by("code")))
        )

    @admin.display(description=_("needs answered"))
    def needs(self, obj: Service) -> str:
        return ", ".join(str(term.label) for term in obj.taxonomy_terms.all())

    def after_save(self, obj: Service) -> None:
        Service.objects.filter(pk=obj.pk).refresh_search_keys()


@admin.register(ServiceAtLocation)
class ServiceAtLocationAdmin(AuditedAdmin):
    list_display = ["service", "location"]
    list_select_related = ["service", "location"]
    search_fields = [
        "service__name_fr",
        "service__name_ar",
        "location__name_fr",
        "location__name_ar",
    ]
    autocomplete_fields = ["service", "location"]
    readonly_fields = ["id"]
    inlines = [ScheduleInline, PhoneInline, ContactInline]

    def after_save(self, obj: ServiceAtLocation) -> None:
        Service.objects.filter(pk=obj.service_id).mark_changed()


# --- Taxonomy --------------------------------------------------------------------------------------------


@admin.register(Taxonomy)
class TaxonomyAdmin(AuditedAdmin):
    list_display = ["name", "version", "uri"]
    search_fields = ["name"]
    readonly_fields = ["id"]
    inlines = [TaxonomyTermInline]

    def has_delete_permission(self, request: HttpRequest, obj: Taxonomy | None = None) -> bool:
        if obj is not None and obj.pk == NEED_TAXONOMY_ID:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(TaxonomyTerm)
class TaxonomyTermAdmin(AuditedAdmin):
    list_display = ["code", "name_fr", "name_ar", "name_en", "taxonomy"]
    list_filter = ["taxonomy"]
    list_select_related = ["taxonomy"]
    search_fields = ["code", "name_fr", "name_ar", "name_en"]
    readonly_fields = ["id"]

    def get_readonly_fields(self, request: HttpRequest, obj: TaxonomyTerm | None = None) -> Any:
        # A need domain's code is the code of mouwakaba.core.domains: it cannot change here.
        if obj is not None and obj.taxonomy_id == NEED_TAXONOMY_ID:
            return ["id", "taxonomy", "code"]
        return self.readonly_fields

    def has_delete_permission(self, request: HttpRequest, obj: TaxonomyTerm | None = None) -> bool:
        if obj is not None and obj.taxonomy_id == NEED_TAXONOMY_ID:
            return False
        return super().has_delete_permission(request, obj)
