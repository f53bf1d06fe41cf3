from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mouwakaba.accounts.models import User
from mouwakaba.core.domains import NeedDomain
from mouwakaba.people.models import Population, Sex
from mouwakaba.territories.models import Cell

from .models import AttachmentKind, CaseStatus, NeedStatus, Outcome, TaskKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

AGE_GROUPS = [
    ("0-17", _("0–17 years")),
    ("18-24", _("18–24 years")),
    ("25-59", _("25–59 years")),
    ("60+", _("60 years and over")),
]
SORTS = [
    ("-opened_at", _("newest first")),
    ("opened_at", _("oldest first")),
    ("person", _("by name")),
    ("-updated_at", _("recently changed")),
]


class VersionForm(forms.Form):
    """Just the version a change starts from."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class OpenCaseForm(forms.Form):
    domains = forms.MultipleChoiceField(
        label=_("Needs"),
        choices=NeedDomain.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick every domain where the person needs help; describe them below."),
        error_messages={"required": _("Record at least one need.")},
    )
    description = forms.CharField(
        label=_("What the person asks for"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    summary = forms.CharField(
        label=_("Summary of the situation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class NeedForm(forms.Form):
    domain = forms.ChoiceField(label=_("Domain"), choices=NeedDomain.choices)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class NeedStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=NeedStatus.choices)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))
    confidential = forms.BooleanField(
        label=_("Confidential"),
        required=False,
        help_text=_("Only the members of your cell will read it; coordinators will not."),
    )


class TaskForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=TaskKind.choices, initial=TaskKind.TASK)
    title = forms.CharField(label=_("What"), max_length=200)
    due_on = forms.DateField(label=_("Due on"), widget=DATE)
    at_time = forms.TimeField(
        label=_("At"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    place = forms.CharField(label=_("Where"), required=False, max_length=200)


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("", _("Choose the outcome")), *Outcome.choices]
    )
    reason = forms.CharField(
        label=_("Why the case closes"), widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the case reopens"), widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AssignForm(forms.Form):
    agent = forms.ModelChoiceField(label=_("Assign to"), queryset=User.objects.none())
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, cell: Cell, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(
                is_active=True, memberships__cell=cell, memberships__ends_on__isnull=True
            )
            .order_by("last_name", "first_name")
            .distinct()
        )
        self.fields["agent"].label_from_instance = lambda u: u.get_full_name() or u.username  # type: ignore[attr-defined]


class TransferForm(forms.Form):
    to_cell = forms.ModelChoiceField(label=_("To cell"), queryset=Cell.objects.none())
    reason = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, exclude: Cell, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_cell"].queryset = (  # type: ignore[attr-defined]
            Cell.objects.active()
            .filter(cell_type__receives_persons=True)
            .exclude(pk=exclude.pk)
            .select_related("territory")
            .order_by("territory__path", "code")
        )


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Answer"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AttachmentKind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("A PDF, JPEG or PNG scan, 10 MB at most."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )
    description = forms.CharField(label=_("Description"), required=False, max_length=200)


class CaseFilterForm(forms.Form):
    mine = forms.BooleanField(label=_("Only my cases"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *CaseStatus.choices]
    )
    population = forms.ChoiceField(
        label=_("Population"),
        required=False,
        choices=[("", _("Any population")), *Population.choices],
    )
    sex = forms.ChoiceField(
        label=_("Sex"), required=False, choices=[("", _("Women and men")), *Sex.choices]
    )
    age = forms.ChoiceField(
        label=_("Age"), required=False, choices=[("", _("Any age")), *AGE_GROUPS]
    )
    domain = forms.ChoiceField(
        label=_("Need"), required=False, choices=[("", _("Any need")), *NeedDomain.choices]
    )
    overdue = forms.BooleanField(label=_("With an overdue task"), required=False)
    sort = forms.ChoiceField(label=_("Order"), required=False, choices=SORTS)
