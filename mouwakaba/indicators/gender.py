"""The gender-gap view: for each service type and each part of the territory, women's and
men's share of the needs expressed, of the referrals made and of the services received,
the gap between them and how it moved since the previous period — largest gaps first.

The gap is women's share minus men's share, in percentage points, of the services
received (the programme's goal is access); where no service was received yet, of the
referrals made, and failing those, of the needs expressed. Negative: women are behind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from . import compute, definitions, summaries, suppression
from .areas import Area
from .periods import Period

STAGES = ("needs", "referrals_made", "referrals_completed")
ALL = "all"


@dataclass
class Stage:
    women: int = 0
    men: int = 0

    @property
    def base(self) -> int:
        return self.women + self.men

    @property
    def women_share(self) -> float | None:
        return round(100 * self.women / self.base, 1) if self.base else None

    @property
    def men_share(self) -> float | None:
        return round(100 * self.men / self.base, 1) if self.base else None

    @property
    def has_small_count(self) -> bool:
        """Women or men counted 1 to 4 times: shares and their base would give them
        away, so a printed report does not show them."""
        return suppression.is_small(self.women) or suppression.is_small(self.men)

    @property
    def gap(self) -> float | None:
        if not self.base:
            return None
        return round(100 * (self.women - self.men) / self.base, 1)


@dataclass
class GapRow:
    service_type: str
    territory: str
    stages: dict[str, Stage] = field(default_factory=lambda: {stage: Stage() for stage in STAGES})
    previous: dict[str, Stage] = field(default_factory=lambda: {stage: Stage() for stage in STAGES})

    @staticmethod
    def _furthest(stages: dict[str, Stage]) -> Stage | None:
        """The furthest stage with data: services received, else referrals, else needs."""
        return next((stages[name] for name in reversed(STAGES) if stages[name].base), None)

    @property
    def headline(self) -> Stage | None:
        return self._furthest(self.stages)

    @property
    def gap(self) -> float | None:
        stage = self.headline
        return stage.gap if stage else None

    @property
    def previous_gap(self) -> float | None:
        stage = self._furthest(self.previous)
        return stage.gap if stage else None

    @property
    def trend(self) -> float | None:
        """Change of the gap since the previous period, in points (positive: towards
        women)."""
        if self.gap is None or self.previous_gap is None:
            return None
        return round(self.gap - self.previous_gap, 1)

    @property
    def needs(self) -> Stage:
        return self.stages["needs"]

    @property
    def referrals(self) -> Stage:
        return self.stages["referrals_made"]

    @property
    def services(self) -> Stage:
        return self.stages["referrals_completed"]


def gender_gaps(
    period: Period,
    area: Area,
    *,
    parts: bool = True,
    trend: bool = True,
    needs_by_domain: Sequence[compute.Row] | None = None,
) -> list[GapRow]:
    """Rows per service type for the whole area (territory ``all``) and, with ``parts``,
    per province of a region or per cell of a province; largest gaps first.

    ``needs_by_domain``: the period's needs by sex and domain when the caller has them
    already (a dashboard), to save reading the needs again (only without ``parts``).
    Without ``trend``, the previous period is not read (a dashboard's short list)."""
    child = area.child_dimension
    by: Sequence[str] = ("sex", "service_type", child) if parts else ("sex", "service_type")
    rows: dict[tuple[str, str], GapRow] = {}
    provinces = compute.province_of_cells(area.cell_ids) if child == "province" else None
    periods = [("stages", period)] + ([("previous", period.previous())] if trend else [])
    for which, when in periods:
        for stage in STAGES:
            indicator = definitions.require(stage)
            if which == "stages" and stage == "needs" and needs_by_domain is not None and not parts:
                # For needs, the service type is the need's domain.
                results = [
                    compute.Row(
                        {"sex": r.keys["sex"], "service_type": r.keys["need_domain"]},
                        r.value,
                        r.base,
                    )
                    for r in needs_by_domain
                ]
            else:
                results = summaries.rows(indicator, when, area, by, cell_provinces=provinces)
            for result in results:
                sex = result.keys["sex"]
                if sex not in ("F", "M"):
                    continue
                places = [ALL, result.keys[child]] if parts else [ALL]
                for place in places:
                    key = (result.keys["service_type"], place)
                    row = rows.setdefault(key, GapRow(service_type=key[0], territory=place))
                    counts = getattr(row, which)[stage]
                    if sex == "F":
                        counts.women += int(result.value or 0)
                    else:
                        counts.men += int(result.value or 0)
    return sorted(
        rows.values(),
        key=lambda row: (
            row.gap is None,
            -abs(row.gap or 0),
            row.territory != ALL,
            row.service_type,
        ),
    )
