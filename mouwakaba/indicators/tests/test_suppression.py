"""Small counts leave the platform hidden, and so does whatever would let them be worked
out from the totals printed beside them."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mouwakaba.indicators.suppression import HIDDEN, SUPPRESSED, protect


def test_a_line_whose_small_figure_the_total_would_give_away_hides_the_total():
    lines, total = protect([[5, 2, 7]])
    assert lines == [[5, SUPPRESSED, HIDDEN]]
    assert total == []


def test_two_small_figures_in_a_line_protect_each_other():
    assert protect([[3, 4, 7]])[0] == [[SUPPRESSED, SUPPRESSED, 7]]


def test_nothing_small_nothing_hidden():
    assert protect([[12, 9, 21], [0, 6, 6]], [12, 15, 27]) == (
        [[12, 9, 21], [0, 6, 6]],
        [12, 15, 27],
    )


def test_a_column_adding_up_to_the_printed_total_hides_a_second_figure():
    """Men of the MRE line are 3: hiding the line's total is not enough, since the men's
    column adds up to 9 — another man's figure goes, then its line's total."""
    lines, total = protect([[10, 3, 13], [8, 6, 14]], [18, 9, 27])
    assert lines == [[10, SUPPRESSED, HIDDEN], [8, HIDDEN, HIDDEN]]
    assert total == [18, 9, 27]


def test_the_total_of_the_table_is_only_hidden_for_its_own_small_counts():
    lines, total = protect([[2, 0, 2]], [2, 10, 12])
    assert total == [SUPPRESSED, 10, HIDDEN]
    assert lines == [[SUPPRESSED, 0, SUPPRESSED]]


def _open_groups(lines, total):
    """Lines and columns with exactly one hidden figure (a figure that could be worked
    out), where the others are not all zero."""
    hidden = {SUPPRESSED, HIDDEN}
    groups = [list(line) for line in lines]
    if total:
        groups.append(list(total))
        groups += [[line[j] for line in lines] + [total[j]] for j in range(3)]
    return [g for g in groups if sum(v in hidden for v in g) == 1]


counts = st.integers(min_value=0, max_value=12)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(counts, counts), min_size=1, max_size=6))
def test_no_line_or_column_is_left_with_a_single_hidden_figure(pairs):
    lines = [[w, m, w + m] for w, m in pairs]
    total = [sum(w for w, _ in pairs), sum(m for _, m in pairs)]
    total.append(total[0] + total[1])
    shown, shown_total = protect(lines, total)
    for line, original in zip(shown, lines, strict=True):
        for value, count in zip(line, original, strict=True):
            assert value in (SUPPRESSED, HIDDEN) or value == count
            assert not (0 < count < 5) or value == SUPPRESSED
    # The total is printed elsewhere as it is: a group may keep a single hidden figure
    # only when every other figure of it is zero (then nothing is left to hide).
    for group in _open_groups(shown, shown_total):
        assert all(v in (0, SUPPRESSED, HIDDEN) for v in group) or (group == list(shown_total)), (
            lines,
            shown,
            shown_total,
        )


def test_the_printed_reports_tables_hide_what_would_give_a_small_count_away(db):
    from mouwakaba.indicators import dashboards, definitions
    from mouwakaba.indicators.compute import Breakdown, Row
    from mouwakaba.indicators.labels import Labels

    def row(keys, n):
        return Row(keys, n, n)

    cells = [("mre", "F", 10), ("mre", "M", 3), ("returnee", "F", 8), ("returnee", "M", 6)]
    result = Breakdown(
        total=row({}, 27),
        by_sex=[row({"sex": "F"}, 18), row({"sex": "M"}, 9)],
        splits={"population": [row({"population": p, "sex": s}, n) for p, s, n in cells]},
    )
    indicator = definitions.require("cases_opened")
    table = dashboards.split_table(
        indicator, result, "population", Labels(), suppress=True, rtl=False
    )
    assert [line[1:] for line in table.rows] == [[10, SUPPRESSED, HIDDEN], [8, HIDDEN, HIDDEN]]
    tile = dashboards.tile(indicator, result, suppress=True)
    assert (tile.women, tile.men, tile.total) == (18, 9, 27)
    # On screen, for the user's own scope, figures are exact.
    exact = dashboards.split_table(
        indicator, result, "population", Labels(), suppress=False, rtl=False
    )
    assert [line[1:] for line in exact.rows] == [[10, 3, 13], [8, 6, 14]]
