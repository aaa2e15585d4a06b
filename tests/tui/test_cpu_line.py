"""The CPU line's figure agrees with its bar: a sliver of load draws a cell, and the figure does not say 0.0."""

from __future__ import annotations

import pytest

from vmsim.session import CpuSnapshot
from vmsim.tui.widgets.bars import cpu_line


@pytest.mark.parametrize(("steady", "said"), [(0.001, "<0.1/8"), (0.0, "0.0/8"), (0.06, "0.1/8"), (2.0, "2.0/8")])
def test_the_figure_of_a_sliver_says_less_than_a_tenth_where_the_bar_draws_a_cell(steady, said):
    line = cpu_line(CpuSnapshot(8, 0.0, steady), 30, "en").plain
    assert line.endswith(" " + said), line
    bar = line[line.index("▕") + 1 : line.index("▏")]
    assert (bar.strip("·") != "") == (steady > 0), bar
