"""The territory a figure is computed for: a region, a province, a commune or one cell,
reduced to the set of cells whose work it counts — and checked against the caller's
scope, so that nobody reads the aggregates of cells they do not coordinate."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from mouwakaba.core.scope import scope_of
from mouwakaba.territories.models import Cell, Level, Territory


@dataclass(frozen=True)
class Area:
    """``code`` is the territory's code, or the cell's code for one cell."""

    code: str
    cell_ids: frozenset[int]
    territory: Territory | None = None
    cell: Cell | None = None

    @property
    def name(self) -> str:
        place = self.cell or self.territory
        return str(place.name) if place is not None else self.code

    @property
    def level(self) -> str:
        return (
            "cell" if self.cell is not None else str(self.territory.level if self.territory else "")
        )

    @property
    def child_dimension(self) -> str:
        """The split that shows the parts of this area: provinces of a region, cells
        of a province or a commune."""
        if self.territory is not None and self.territory.level == Level.REGION:
            return "province"
        return "cell"


def default_code(user: Any) -> str:
    """Where a user's dashboard opens: their cell, province or region."""
    membership = getattr(user, "membership", None)
    if membership is None:
        return ""
    if membership.cell is not None:
        return str(membership.cell.code)
    if membership.territory is not None:
        return str(membership.territory.code)
    return ""


def resolve(user: Any, code: str) -> Area:
    """The area ``code`` names (a territory code, a cell code or a cell id), if the
    user's scope covers all of it. Unknown: ValidationError; outside the scope:
    PermissionDenied."""
    code = (code or "").strip() or default_code(user)
    scope = scope_of(user)
    if scope.is_empty or not scope.cell_ids:
        raise PermissionDenied(_("Your role gives access to no cell's figures."))
    territory = Territory.objects.filter(code__iexact=code).first() if code else None
    cell: Cell | None = None
    if territory is not None:
        cell_ids = frozenset(Cell.objects.within(territory).values_list("pk", flat=True))
        area = Area(code=territory.code, cell_ids=cell_ids, territory=territory)
    else:
        lookup = {"pk": int(code)} if code.isdigit() else {"code": code}
        cell = Cell.objects.select_related("territory").filter(**lookup).first()
        if cell is None:
            raise ValidationError(
                _(
                    "Unknown territory or cell: give a region, province or commune code (MA-02, MA-NAD) or a cell."
                ),
                code="territory",
            )
        area = Area(
            code=cell.code, cell_ids=frozenset({cell.pk}), territory=cell.territory, cell=cell
        )
    if not area.cell_ids <= scope.cell_ids:
        raise PermissionDenied(_("This territory is outside what your role lets you see."))
    return area


def choices_for(user: Any) -> list[tuple[str, str]]:
    """The territories and cells a user may pick in the filters (two queries)."""
    scope = scope_of(user)
    if not scope.cell_ids:
        return []
    cells = list(Cell.objects.select_related("territory").order_by("territory__path", "code"))
    options: list[tuple[str, str]] = []
    for territory in Territory.objects.exclude(level=Level.COMMUNE).order_by("path"):
        within = {cell.pk for cell in cells if cell.territory.path.startswith(territory.path)}
        if within and within <= scope.cell_ids:
            options.append((territory.code, str(territory.name)))
    options.extend((cell.code, str(cell.name)) for cell in cells if cell.pk in scope.cell_ids)
    return options


def every_area() -> list[Area]:
    """The areas the filters offer, whoever asks: each region and province that has
    cells, and each cell (what ``refresh_indicators`` computes ahead)."""
    cells = list(Cell.objects.select_related("territory").order_by("territory__path", "code"))
    found: list[Area] = []
    for territory in Territory.objects.exclude(level=Level.COMMUNE).order_by("path"):
        within = frozenset(
            cell.pk for cell in cells if cell.territory.path.startswith(territory.path)
        )
        if within:
            found.append(Area(code=territory.code, cell_ids=within, territory=territory))
    found.extend(
        Area(code=cell.code, cell_ids=frozenset({cell.pk}), territory=cell.territory, cell=cell)
        for cell in cells
    )
    return found
