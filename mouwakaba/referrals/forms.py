from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mouwakaba.cases.models import Case, Need, NeedStatus
from mouwakaba.directory.models import Service, ServiceAtLocation, need_term_id

from .models import ReferralStatus


class StartReferralForm(forms.Form):
    """On the case page: which need, to which service (the next page shows eligibility)."""

    need = forms.ModelChoiceField(
        label=_("Need"),
        queryset=Need.objects.none(),
        help_text=_("The need of the case this referral answers."),
    )
    service = forms.ModelChoiceField(
        label=_("Service"),
        queryset=Service.objects.none(),
        help_text=_(
            "Services of the directory that answer the needs of this case. The next page "
            "shows whether the person is eligible, before anything is sent."
        ),
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        needs = case.needs.filter(status__in=[NeedStatus.OPEN, NeedStatus.IN_PROGRESS])
        self.fields["need"].queryset = needs  # type: ignore[attr-defined]
        self.fields["need"].label_from_instance = lambda need: (  # type: ignore[attr-defined]
            f"{need.get_domain_display()}" + (f" — {need.description}" if need.description else "")
        )
        terms = [need_term_id(domain) for domain in {need.domain for need in needs}]
        self.fields["service"].queryset = (  # type: ignore[attr-defined]
            Service.objects.listed()
            .filter(
                pk__in=Service.taxonomy_terms.through.objects.filter(
                    taxonomyterm_id__in=terms
                ).values("service_id")
            )
            .select_related("organization")
            .order_by_name()
        )
        self.fields["service"].label_from_instance = lambda service: (  # type: ignore[attr-defined]
            f"{service.name} — {service.organization.name}"
        )


class ReferralForm(forms.Form):
    """The referral itself: the place, the justification when the rules say no, and
    whether to share the vulnerabilities."""

    need = forms.IntegerField(widget=forms.HiddenInput)
    service = forms.UUIDField(widget=forms.HiddenInput)
    service_at_location = forms.ModelChoiceField(
        label=_("Place"),
        queryset=ServiceAtLocation.objects.none(),
        empty_label=None,
        help_text=_("Where the person goes. The nearest place to where they live comes first."),
    )
    justification = forms.CharField(
        label=_("Justification"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Required when the rules say the person is not eligible: why you refer them all "
            "the same. It is kept with the referral, and the override is recorded in the audit trail."
        ),
    )
    share_vulnerabilities = forms.BooleanField(
        label=_("Share the person's vulnerabilities with the provider"),
        required=False,
        help_text=_(
            "Tick only if the provider needs them to serve the person, and the person agrees. "
            "Otherwise the provider sees only the name, sex, age, phone, need and documents."
        ),
    )

    def __init__(
        self, *args: Any, places: list[ServiceAtLocation] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        places = places or []
        field = self.fields["service_at_location"]
        field.queryset = ServiceAtLocation.objects.filter(  # type: ignore[attr-defined]
            pk__in=[place.pk for place in places]
        )
        field.label_from_instance = lambda place: (  # type: ignore[attr-defined]
            " — ".join(
                part
                for part in (
                    place.location.name,
                    place.location.address,
                    place.location.commune.name if place.location.commune else "",
                )
                if part
            )
        )
        if places:
            field.initial = places[0].pk


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The cell reads it: say it plainly."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: the person found another service, or moved away."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CompleteForm(forms.Form):
    delivered_on = forms.DateField(
        label=_("Delivered on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The day the person received the service."),
    )
    outcome = forms.CharField(
        label=_("Outcome"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What was done for the person, in a few words (no medical details)."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["delivered_on"].initial = timezone.localdate()


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Referral code"),
        max_length=20,
        help_text=_("The code printed on the slip the person brings, for example K7M4-PQ2X."),
    )


class ListFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *ReferralStatus.choices],
    )
    past_delay = forms.BooleanField(label=_("Past their delay only"), required=False)
    q = forms.CharField(
        label=_("Code"), required=False, max_length=20, help_text=_("A referral code.")
    )
