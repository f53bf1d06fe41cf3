"""Small-count suppression for whatever leaves the platform (exports, printed reports,
anything public): a count from 1 to 4 is shown as "<5", and a rate or a median that
stands on fewer than 5 rows is not shown, so that nobody can be recognised from a table.
A zero says nothing about anyone and stays 0. The authenticated API and the dashboards,
read within the user's scope, show exact figures."""

from __future__ import annotations

THRESHOLD = 5
SUPPRESSED = "<5"


def is_small(count: int | None) -> bool:
    return count is not None and 0 < count < THRESHOLD


def count(value: int | None) -> int | str | None:
    return SUPPRESSED if is_small(value) else value


def figure(value: float | int | None, base: int, *, is_count: bool) -> float | int | str | None:
    """A row's figure as it may leave the platform."""
    if is_count:
        return count(int(value) if value is not None else None)
    if base < THRESHOLD:
        return SUPPRESSED if base else None
    return value


# --- Secondary suppression ------------------------------------------------------------------
#
# A count hidden as "<5" can still be worked out from the figures around it: women 5, men
# "<5", everyone 7 gives men = 2. Tables of women, men and everyone therefore hide one
# more figure in any line (women + men = everyone) or column (the lines add up to the
# total printed above the table) where exactly one figure is hidden: the line's figure
# for everyone if it can, else the smallest other figure that is not zero, shown as "x". The rule is applied until no such line or column
# is left. Figures of different tables are not crossed with one another.

HIDDEN = "x"

Cell = tuple[int, int]


def protect(
    lines: list[list[int]], total: list[int] | None = None
) -> tuple[list[list[int | str]], list[int | str]]:
    """``lines``: [women, men, everyone] counts; ``total``: the same for the whole table
    when it is printed too (it is never hidden here beyond its own small counts, so that
    it reads the same wherever it is printed). Returns both as they may be shown (the
    total empty when none was given)."""
    cells: dict[Cell, int] = {
        (i, j): value for i, line in enumerate(lines) for j, value in enumerate(line)
    }
    margin = -1
    if total is not None:
        cells.update({(margin, j): value for j, value in enumerate(total)})
    small = {cell for cell, value in cells.items() if is_small(value)}
    hidden = set(small)
    if total is not None:
        _close_lines([[(margin, j) for j in range(3)]], cells, hidden, frozenset())
    body_lines = [[(i, j) for j in range(3)] for i in range(len(lines))]
    columns = (
        [[*((i, j) for i in range(len(lines))), (margin, j)] for j in range(3)]
        if total is not None
        else []
    )
    changed = True
    while changed:
        changed = _close_lines(body_lines + columns, cells, hidden, frozenset({margin}))

    def shown(cell: Cell) -> int | str:
        if cell in small:
            return SUPPRESSED
        return HIDDEN if cell in hidden else cells[cell]

    protected = [[shown((i, j)) for j in range(3)] for i in range(len(lines))]
    return protected, [shown((margin, j)) for j in range(3)] if total is not None else []


def _close_lines(
    groups: list[list[Cell]],
    cells: dict[Cell, int],
    hidden: set[Cell],
    keep: frozenset[int],
) -> bool:
    """Hide one more cell in each group where exactly one is hidden (never one of the
    lines in ``keep``); True if any was."""
    changed = False
    for group in groups:
        if sum(cell in hidden for cell in group) != 1:
            continue
        candidates = [
            cell for cell in group if cell not in hidden and cells[cell] > 0 and cell[0] not in keep
        ]
        if candidates:
            # The "everyone" figure first: women's and men's figures are the point.
            hidden.add(min(candidates, key=lambda cell: (cell[1] != 2, cells[cell], cell)))
            changed = True
    return changed
