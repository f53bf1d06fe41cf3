from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from mouwakaba.core.domains import NeedDomain
from mouwakaba.territories.models import Level, Territory


class DirectoryFilterForm(forms.Form):
    """What a visitor filters the directory by: words, a need, a place."""

    q = forms.CharField(
        label=_("Name of a service or a place"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    need = forms.ChoiceField(label=_("Need"), required=False)
    province = forms.ChoiceField(label=_("Prefecture or province"), required=False)
    commune = forms.ChoiceField(label=_("Commune"), required=False)

    def __init__(self, *args: Any, territories: list[Territory], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        provinces = sorted(
            (t for t in territories if t.level == Level.PROVINCE), key=lambda t: t.name
        )
        communes: dict[int, list[Territory]] = {}
        for territory in territories:
            if territory.level == Level.COMMUNE and territory.parent_id is not None:
                communes.setdefault(territory.parent_id, []).append(territory)
        self.places = {t.code: t for t in territories}
        self._choose(
            "need",
            [
                ("", _("All needs")),
                *((domain.value, capfirst(domain.label)) for domain in NeedDomain),
            ],
        )
        self._choose(
            "province",
            [
                ("", _("The whole region")),
                *((p.code, p.name) for p in provinces),
            ],
        )
        self._choose(
            "commune",
            [
                ("", _("All communes")),
                *(
                    (
                        p.name,
                        [
                            (c.code, c.name)
                            for c in sorted(communes.get(p.pk, []), key=lambda c: c.name)
                        ],
                    )
                    for p in provinces
                ),
            ],
        )

    def _choose(self, name: str, choices: list[Any]) -> None:
        field = self.fields[name]
        if isinstance(field, forms.ChoiceField):
            field.choices = choices

    def place(self) -> Territory | None:
        """The commune if one is chosen (it says more than its province), else the
        province, else nothing."""
        code = self.cleaned_data.get("commune") or self.cleaned_data.get("province")
        return self.places.get(code) if code else None
