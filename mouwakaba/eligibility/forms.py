from __future__ import annotations

import json
from datetime import date
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mouwakaba.core.domains import NeedDomain
from mouwakaba.directory.models import Service
from mouwakaba.people.models import VULNERABILITIES, DocumentType, LegalStatus, Population, Sex
from mouwakaba.territories.models import Territory

from . import engine
from .actions import ExampleData

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
UNKNOWN_CHOICE = [("", pgettext_lazy("fact", "not known"))]


def communes() -> list[tuple[str, str]]:
    rows = Territory.objects.filter(level="commune").order_by("path")
    return [(row.path, row.name) for row in rows]


class RuleVersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    valid_from = forms.DateField(
        label=_("In force from"),
        widget=DATE,
        help_text=_("The first day on which this rule applies."),
    )
    valid_to = forms.DateField(
        label=_("In force until"),
        widget=DATE,
        required=False,
        help_text=_("The last day on which it applies; leave empty while it has no end."),
    )
    reference = forms.CharField(
        label=_("Reference"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("The legal text or programme decision, e.g. “Law 02-03, art. 16”."),
    )
    rule = forms.CharField(
        label=_("Conditions (advanced: as JSON)"),
        widget=forms.Textarea(attrs={"rows": 6, "class": "mono", "data-rule-json": ""}),
        required=False,
        help_text=_(
            "Filled in by the conditions editor above. Edit it by hand only if the editor "
            "cannot show what you need; leave it empty for a service open to everyone."
        ),
    )

    def clean_rule(self) -> dict[str, Any]:
        text = (self.cleaned_data.get("rule") or "").strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            raise forms.ValidationError(_("The conditions are not valid JSON.")) from error
        if not isinstance(value, dict):
            raise forms.ValidationError(_("The conditions must be a group or a condition."))
        try:
            engine.validate(value)
        except engine.RuleError as error:
            raise forms.ValidationError(str(error)) from error
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("A rule cannot end before it starts."))
        return data


class NewVersionForm(RuleVersionForm):
    service = forms.ModelChoiceField(
        label=_("Service"),
        queryset=Service.objects.order_by("name_fr"),
        help_text=_("The service of the directory these conditions are for."),
    )
    field_order = ["service", "valid_from", "valid_to", "reference", "rule"]


def _criteria_choices() -> list[tuple[str, Any]]:
    return [(code, label) for code, (label, _check) in engine.CATALOGUE.items()]


class ExampleForm(forms.Form):
    """One example person, with the result the rule must give for them."""

    label = forms.CharField(
        label=_("Example person"),
        max_length=200,
        help_text=_("A short description, e.g. “refugee, 30”."),
    )
    as_of = forms.DateField(label=_("As of"), widget=DATE, initial=timezone.localdate)
    population = forms.ChoiceField(
        label=_("Population"), choices=UNKNOWN_CHOICE + list(Population.choices), required=False
    )
    legal_status = forms.ChoiceField(
        label=_("Legal status"),
        choices=UNKNOWN_CHOICE + [c for c in LegalStatus.choices if c[0] != "unknown"],
        required=False,
    )
    legal_status_until = forms.DateField(
        label=_("Legal status valid until"), widget=DATE, required=False
    )
    sex = forms.ChoiceField(
        label=_("Sex"), choices=UNKNOWN_CHOICE + list(Sex.choices), required=False
    )
    birth_date = forms.DateField(label=_("Date of birth"), widget=DATE, required=False)
    birth_year = forms.IntegerField(
        label=_("Year of birth"),
        required=False,
        min_value=1900,
        max_value=2100,
        help_text=_("Only when the exact date is not known."),
    )
    birth_date_approximate = forms.BooleanField(label=_("Year estimated"), required=False)
    nationality = forms.CharField(
        label=_("Nationality"),
        max_length=2,
        required=False,
        help_text=_("Two-letter country code, e.g. SN, MA."),
    )
    commune_path = forms.ChoiceField(label=_("Commune"), required=False)
    in_morocco_since = forms.DateField(label=_("In Morocco since"), widget=DATE, required=False)
    documents = forms.CharField(
        label=_("Documents held"),
        required=False,
        help_text=_(
            "One per line: type and expiry date, e.g. “residence_card 2027-06-30”; "
            "the type alone when the expiry is not known."
        ),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    situations_known = forms.BooleanField(
        label=_("Situations of vulnerability asked"),
        required=False,
        help_text=_("Untick when they are not known: conditions on them are then unknown."),
    )
    situations = forms.MultipleChoiceField(
        label=_("Situations present"),
        choices=VULNERABILITIES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # A blank first choice, so that the empty example at the end of the table is left out
    # when nothing was typed in it.
    expected_status = forms.ChoiceField(
        label=_("Expected result"),
        choices=[("", "—"), *engine.STATUS_LABELS.items()],
        error_messages={"required": _("Choose the expected result.")},
    )
    expected_failing = forms.MultipleChoiceField(
        label=_("Expected conditions not met or unknown"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args: Any, commune_choices: list[tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune_path"].choices = UNKNOWN_CHOICE + (commune_choices or [])  # type: ignore[attr-defined]
        self.fields["expected_failing"].choices = _criteria_choices()  # type: ignore[attr-defined]

    def clean_nationality(self) -> str:
        return str(self.cleaned_data.get("nationality") or "").strip().upper()

    def clean_documents(self) -> list[list[Any]]:
        rows = []
        for line in str(self.cleaned_data.get("documents") or "").splitlines():
            parts = line.replace(":", " ").split()
            if not parts:
                continue
            kind = parts[0]
            if kind not in DocumentType.values:
                raise forms.ValidationError(
                    _("Unknown document type: %(type)s. Use one of: %(types)s.")
                    % {"type": kind, "types": ", ".join(DocumentType.values)}
                )
            expiry = None
            if len(parts) > 1:
                try:
                    expiry = date.fromisoformat(parts[1]).isoformat()
                except ValueError as error:
                    raise forms.ValidationError(_("Give the expiry date as YYYY-MM-DD.")) from error
            rows.append([kind, expiry])
        return rows

    def example(self) -> ExampleData:
        data = self.cleaned_data

        def day(value: date | None) -> str | None:
            return value.isoformat() if value else None

        facts: dict[str, Any] = {
            "population": data.get("population") or None,
            "legal_status": data.get("legal_status") or None,
            "legal_status_until": day(data.get("legal_status_until")),
            "sex": data.get("sex") or None,
            "birth_date": day(data.get("birth_date")),
            "birth_year": data.get("birth_year"),
            "birth_date_approximate": bool(data.get("birth_date_approximate")),
            "nationality": data.get("nationality") or None,
            "commune_path": data.get("commune_path") or None,
            "in_morocco_since": day(data.get("in_morocco_since")),
            "documents": data.get("documents") or [],
        }
        if data.get("situations_known"):
            present = set(data.get("situations") or [])
            facts["vulnerabilities"] = {
                flag: flag in present for flag in engine.VULNERABILITY_FLAGS
            }
        facts = {key: value for key, value in facts.items() if value not in (None, [], False)}
        return ExampleData(
            label=data["label"],
            facts=facts,
            as_of=data["as_of"],
            expected_status=data["expected_status"],
            expected_failing=list(data.get("expected_failing") or []),
        )

    @staticmethod
    def initial_from(example: Any) -> dict[str, Any]:
        facts = example.facts or {}
        flags = facts.get("vulnerabilities")
        return {
            "label": example.label,
            "as_of": example.as_of,
            "population": facts.get("population") or "",
            "legal_status": facts.get("legal_status") or "",
            "legal_status_until": facts.get("legal_status_until"),
            "sex": facts.get("sex") or "",
            "birth_date": facts.get("birth_date"),
            "birth_year": facts.get("birth_year"),
            "birth_date_approximate": facts.get("birth_date_approximate", False),
            "nationality": facts.get("nationality") or "",
            "commune_path": facts.get("commune_path") or "",
            "in_morocco_since": facts.get("in_morocco_since"),
            "documents": "\n".join(
                f"{kind} {expiry}" if expiry else str(kind)
                for kind, expiry in (facts.get("documents") or [])
            ),
            "situations_known": flags is not None,
            "situations": [flag for flag, value in (flags or {}).items() if value],
            "expected_status": example.expected_status,
            "expected_failing": list(example.expected_failing or []),
        }


class BaseExampleFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.commune_choices = communes()
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {"commune_choices": self.commune_choices}

    def examples(self) -> list[ExampleData]:
        return [
            form.example()
            for form in self.forms
            if form.has_changed() and form.is_valid() and not form.cleaned_data.get("DELETE")
        ]


ExampleFormSet = forms.formset_factory(
    ExampleForm, formset=BaseExampleFormSet, extra=1, can_delete=True
)


class EndForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    valid_to = forms.DateField(
        label=_("Last day in force"),
        widget=DATE,
        help_text=_("After this day the version no longer applies; a new one can follow it."),
    )


class ParameterValueForm(forms.Form):
    valid_from = forms.DateField(
        label=_("In force from"), widget=DATE, help_text=_("The first day of the new value.")
    )
    value = forms.IntegerField(label=_("Value"), min_value=0)
    reference = forms.CharField(
        label=_("Reference"),
        max_length=255,
        required=False,
        help_text=_("The text that sets this value."),
    )


class CopyForm(forms.Form):
    valid_from = forms.DateField(
        label=_("New version in force from"),
        widget=DATE,
        help_text=_("A new draft starts with these conditions and examples."),
    )


# --- The caseload list ----------------------------------------------------------------------


class CaseloadForm(forms.Form):
    service = forms.ModelChoiceField(
        label=_("Service"),
        queryset=Service.objects.none(),
        help_text=_("Only services with conditions in force are listed."),
    )
    status = forms.ChoiceField(
        label=_("Result"),
        choices=list(engine.STATUS_LABELS.items()),
        initial=engine.ELIGIBLE,
        required=False,
    )
    not_referred = forms.BooleanField(
        label=_("Not yet referred to this service"), required=False, initial=True
    )

    def __init__(self, *args: Any, services: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["service"])  # type: ignore[type-arg]
        field.queryset = services if services is not None else Service.objects.none()


# --- The public questionnaire -----------------------------------------------------------------


class QuestionnaireForm(forms.Form):
    """What a visitor may tell about themselves; nothing of it is stored or logged."""

    population = forms.ChoiceField(
        label=_("You are"),
        choices=UNKNOWN_CHOICE + list(Population.choices),
        required=False,
    )
    legal_status = forms.ChoiceField(
        label=_("Your legal status in Morocco (for migrants from other countries)"),
        choices=UNKNOWN_CHOICE + [c for c in LegalStatus.choices if c[0] != "unknown"],
        required=False,
    )
    status_valid = forms.ChoiceField(
        label=_("Is your residence title, receipt or card still valid?"),
        choices=[("", _("I don't know")), ("yes", _("yes")), ("no", _("no"))],
        required=False,
    )
    age = forms.IntegerField(label=_("Your age"), min_value=0, max_value=120, required=False)
    sex = forms.ChoiceField(
        label=_("Sex"), choices=UNKNOWN_CHOICE + list(Sex.choices), required=False
    )
    documents = forms.MultipleChoiceField(
        label=_("Valid documents you hold"),
        choices=DocumentType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    commune = forms.ChoiceField(label=_("Where you live"), required=False)
    need = forms.ChoiceField(
        label=_("What you need"),
        choices=[("", _("anything"))] + list(NeedDomain.choices),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = UNKNOWN_CHOICE + communes()  # type: ignore[attr-defined]

    def facts(self, on: date) -> engine.Facts:
        data = self.cleaned_data
        status = data.get("legal_status") or None
        # No dates are asked: "still valid" reads as valid on the day of the question,
        # "no" as expired the day before, "I don't know" as unknown.
        valid = data.get("status_valid")
        until = None
        if status and valid == "yes":
            until = on
        elif status and valid == "no":
            until = date.fromordinal(on.toordinal() - 1)
        age = data.get("age")
        documents = tuple((kind, on) for kind in data.get("documents") or [])
        return engine.Facts(
            population=data.get("population") or None,
            legal_status=status,
            legal_status_until=until,
            sex=data.get("sex") or None,
            # An age in whole years, as on the day of the question.
            birth_date=engine.minus_years(on, age) if age is not None else None,
            commune_path=data.get("commune") or None,
            documents=documents,
        )
