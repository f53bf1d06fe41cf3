from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from . import areas, definitions
from .compute import DIMENSION_LABELS, DIMENSIONS

FORMATS = [("csv", _("CSV")), ("xlsx", _("Excel (XLSX)")), ("hxl", _("HXL-tagged CSV"))]
CASE_FORMATS = FORMATS[:2]

CASE_COLUMNS = [
    ("reference", _("reference")),
    ("cell", _("cell")),
    ("status", _("status")),
    ("opened_at", _("opened on")),
    ("closed_at", _("closed on")),
    ("outcome", _("outcome")),
    ("needs", _("needs")),
    ("sex", _("sex")),
    ("age_group", _("age group")),
    ("population", _("population")),
    ("legal_status", _("legal status")),
    ("nationality", _("nationality")),
    ("name_lat", _("name (Latin script)")),
    ("name_ar", _("name (Arabic script)")),
]
DEFAULT_CASE_COLUMNS = ["reference", "cell", "status", "opened_at", "sex", "age_group", "needs"]


class FilterForm(forms.Form):
    """The period and territory of every indicators page; the URL reproduces the view."""

    period = forms.CharField(
        label=_("Period"),
        required=False,
        max_length=20,
        help_text=_(
            "A month (2026-11), a quarter (2026-Q3) or a year (2026). Or leave empty and give dates below."
        ),
        widget=forms.TextInput(attrs={"placeholder": "2026-Q3", "dir": "ltr"}),
    )
    territory = forms.ChoiceField(
        label=_("Territory"),
        required=False,
        help_text=_("The region, a prefecture or province, or one cell of your scope."),
    )

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["territory"]).choices = areas.choices_for(user)
        # Named as in the API's query string; not valid Python names, hence added here.
        self.fields["from"] = forms.DateField(
            label=_("From"),
            required=False,
            help_text=_("First day of a custom period."),
            widget=forms.DateInput(attrs={"type": "date"}),
        )
        self.fields["to"] = forms.DateField(
            label=_("To"),
            required=False,
            help_text=_("Last day of a custom period."),
            widget=forms.DateInput(attrs={"type": "date"}),
        )
        self.order_fields(["period", "from", "to", "territory"])


def indicator_choices() -> list[tuple[str, str]]:
    return [(indicator.code, indicator.label) for indicator in definitions.all_indicators()]


class ExportForm(forms.Form):
    indicator = forms.ChoiceField(label=_("Indicator"), help_text=_("The figure to export."))
    by = forms.MultipleChoiceField(
        label=_("Split by"),
        required=False,
        choices=[(d, DIMENSION_LABELS[d]) for d in DIMENSIONS],
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "One line per combination of the splits you tick. Counts under 5 are shown as <5."
        ),
    )
    format = forms.ChoiceField(label=_("Format"), choices=FORMATS, initial="csv")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["indicator"]).choices = indicator_choices()


class CaseExportForm(forms.Form):
    columns = forms.MultipleChoiceField(
        label=_("Columns"),
        choices=CASE_COLUMNS,
        initial=DEFAULT_CASE_COLUMNS,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Export only what you need: names are personal data, leave them out unless the file requires them."
        ),
    )
    format = forms.ChoiceField(label=_("Format"), choices=CASE_FORMATS, initial="csv")
