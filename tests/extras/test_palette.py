"""One palette: the dashboard's charts and the HTML report draw each world in the same colour."""

from __future__ import annotations

import re

import pytest

from vmsim.cli.commands import report
from vmsim.output import palette, svg_charts

WORLDS = ("vm", "container", "microvm")


def test_the_report_draws_worlds_in_the_palettes_colours():
    assert {w: s.color for w, s in svg_charts.WORLD_STYLES.items()} == palette.WORLD_COLOURS


def test_the_dashboard_charts_draw_worlds_in_the_palettes_colours():
    pytest.importorskip("textual_plotext")
    from vmsim.tui.widgets import series_chart

    expected = {w: palette.rgb(palette.WORLD_COLOURS[w]) for w in WORLDS}
    assert series_chart.WORLD_COLOURS == expected


def test_report_and_dashboard_agree_world_by_world():
    pytest.importorskip("textual_plotext")
    from vmsim.tui.widgets import series_chart

    for world in WORLDS:
        assert palette.rgb(svg_charts.WORLD_STYLES[world].color) == series_chart.WORLD_COLOURS[world], world


def test_a_written_report_uses_the_palettes_world_colours(tmp_path, capsys):
    import argparse

    p = argparse.ArgumentParser(prog="vmsim")
    report.add_parser(p.add_subparsers(dest="command"))
    out = tmp_path / "hello.html"
    args = p.parse_args(["report", "hello", "--out", str(out)])
    assert args.func(args) == 0
    memory_chart = re.search(r'<svg[^>]*id="chart-memory".*?</svg>', out.read_text(encoding="utf-8"), re.S)
    assert memory_chart
    strokes = re.findall(r'<path d="[^"]*" fill="none" stroke="(#[0-9A-Fa-f]{6})"', memory_chart.group(0))
    assert sorted(strokes) == sorted(palette.WORLD_COLOURS[w] for w in WORLDS)


@pytest.mark.parametrize("background", ["#000000", "#FFFFFF"])
def test_world_colours_stand_out_on_black_and_on_white(background):
    """Lines need 3:1 against their background: the dashboard draws on black, the report on white."""
    for world, colour in palette.WORLD_COLOURS.items():
        assert palette.contrast(colour, background) >= 3.0, (world, colour, background)


def test_rgb_and_contrast():
    assert palette.rgb("#D55E00") == (213, 94, 0)
    assert palette.contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert palette.contrast("#777777", "#777777") == pytest.approx(1.0)
