from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mouwakaba.territories.models import Territory

from .actions import PERSON_FIELDS
from .models import MAX_AGE, Document, HouseholdLink, Language, Person

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonForm(forms.ModelForm[Person]):
    """Registration and edition of a person. Either script for names; the date of birth
    exact, or a year, or an age the system turns into an approximate year."""

    estimated_age = forms.IntegerField(
        label=_("or estimated age"),
        required=False,
        min_value=0,
        max_value=MAX_AGE,
        help_text=_("When neither the date nor the year is known."),
    )
    languages = forms.MultipleChoiceField(
        label=_("languages spoken"),
        choices=Language.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Person
        # Every field a person's file has, but the flag the system sets itself.
        fields = [name for name in PERSON_FIELDS if name != "birth_date_approximate"]
        widgets = {
            "given_name_ar": forms.TextInput(
                attrs={"dir": "rtl", "lang": "ar", "autocomplete": "off"}
            ),
            "family_name_ar": forms.TextInput(
                attrs={"dir": "rtl", "lang": "ar", "autocomplete": "off"}
            ),
            "given_name_lat": forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
            "family_name_lat": forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
            "birth_date": DATE,
            "legal_status_until": DATE,
            "in_morocco_since": DATE,
            "phone": forms.TextInput(
                attrs={"dir": "ltr", "inputmode": "tel", "autocomplete": "off"}
            ),
            "sex": forms.RadioSelect,
            "population": forms.RadioSelect,
        }
        help_texts = {
            "given_name_ar": _("At least one script; both when known."),
            "phone": _(
                "With the country code if the number is not Moroccan, e.g. +34 612 345 678."
            ),
        }

    def __init__(self, *args: Any, show_vulnerabilities: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Territory.objects.filter(level="commune").order_by(  # type: ignore[attr-defined]
            "name_fr"
        )
        self.fields["birth_year"].widget.attrs.update({"inputmode": "numeric", "min": 1900})
        # Radio buttons offer the real choices only, no blank "---------".
        for name in ("sex", "population"):
            field = self.fields[name]
            field.choices = [c for c in field.choices if c[0] != ""]  # type: ignore[attr-defined]
        if not self.instance._state.adding:  # a new person already has its UUID
            self.fields["version"].initial = self.instance.version
            del self.fields["estimated_age"]
        if not show_vulnerabilities:
            for name in self.vulnerability_fields():
                del self.fields[name]

    @staticmethod
    def vulnerability_fields() -> list[str]:
        return [
            "unaccompanied_minor",
            "disability",
            "pregnancy",
            "survivor_of_violence",
            "victim_of_trafficking",
            "elderly_alone",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("estimated_age") is not None and (
            data.get("birth_date") or data.get("birth_year")
        ):
            self.add_error(
                "estimated_age", _("Give the date, the year or an age, not several of them.")
            )
        return data

    def _post_clean(self) -> None:
        # Model validation happens in the action, once the estimated age is applied.
        pass


class RegistrationForm(PersonForm):
    consent_processing = forms.BooleanField(
        label=_("The person agrees that their data is recorded to accompany them."),
        required=True,
        error_messages={"required": _("Without this consent the person cannot be registered.")},
    )
    consent_sharing = forms.BooleanField(
        label=_(
            "The person agrees that their data is shared with the services they are referred to."
        ),
        required=False,
        help_text=_(
            "Needed later to refer them to a service; can be given or withdrawn at any time."
        ),
    )


class DocumentForm(forms.ModelForm[Document]):
    class Meta:
        model = Document
        fields = ["doc_type", "number", "issuing_country", "issued_on", "expires_on"]
        widgets = {
            "issued_on": DATE,
            "expires_on": DATE,
            "number": forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
        }

    def _post_clean(self) -> None:
        pass


class HouseholdForm(forms.Form):
    relative = forms.UUIDField(
        label=_("Household member"),
        error_messages={"required": _("Choose the person to link.")},
    )
    relation = forms.ChoiceField(
        label=_("The person found is this person's"), choices=HouseholdLink.Relation.choices
    )


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, document number or phone"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "autofocus": True, "dir": "auto"}
        ),
    )


class DuplicateFilterForm(forms.Form):
    """The review queue's filter: how likely the pairs shown are to be one person."""

    level = forms.ChoiceField(
        label=_("Likelihood"),
        required=False,
        choices=[
            ("", _("All pairs")),
            ("match", _("Very likely the same person")),
            ("possible", _("Possibly the same person")),
        ],
    )
