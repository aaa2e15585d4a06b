"""Charts in Korean keep their frame: plotext counts a Hangul character as one cell, the terminal shows two."""

from __future__ import annotations

from rich.text import Text

from vmsim.scenarios import load_scenario
from vmsim.tui.app import VmsimApp
from vmsim.tui.widgets.lower_pane import LowerPane
from vmsim.tui.widgets.series_chart import fit_row


def test_a_wide_label_gives_its_extra_cells_back_from_the_spaces_after_it():
    row = Text(" 9.5┤ ▞▞ 가상 머신 (VM)" + " " * 12 + "•│")
    row.stylize("red", 6, 8)  # the marker keeps its colour
    fitted = fit_row(row, row.cell_len - 4)  # four Hangul characters: four cells too many
    assert fitted.cell_len == row.cell_len - 4
    assert fitted.plain == " 9.5┤ ▞▞ 가상 머신 (VM)" + " " * 8 + "•│"
    assert any(span.style == "red" and (span.start, span.end) == (6, 8) for span in fitted.spans)


def test_a_row_that_fits_is_left_alone_and_one_without_room_is_cut():
    row = Text("┤ ab   │")
    assert fit_row(row, 8) is row
    crowded = Text("┤ 가나다라마바│")
    fitted = fit_row(crowded, 10)
    assert fitted.cell_len <= 10 and crowded.plain == "┤ 가나다라마바│"


async def test_the_memory_chart_in_korean_fits_its_width_at_80_by_24(tmp_path):
    app = VmsimApp(load_scenario("web-stack"), paused=True, animate=False, export_dir=tmp_path / "exports", lang="ko")
    async with app.run_test(size=(80, 24)) as pilot:
        app.advance(6.0)
        await pilot.press("c")  # at 80x24 the charts take the panels' place
        chart = app.screen.query_one(LowerPane).show_view("memory")
        for _ in range(50):
            await pilot.pause()
            if chart.size.width and chart._data:  # type: ignore[attr-defined]
                break
        width = chart.size.width
        rows = chart.render().split("\n", allow_blank=True)  # type: ignore[union-attr]
        legend = [row.plain for row in rows if "가상 머신" in row.plain or "컨테이너" in row.plain]
        assert len(legend) == 2, [row.plain for row in rows]
        assert all(row.cell_len <= width for row in rows)
        assert all(line.rstrip().endswith("│") for line in legend), legend


def test_a_series_is_drawn_as_the_steps_it_is_and_counts_get_whole_ticks():
    from vmsim.tui.widgets.series_chart import steps

    xs, ys = steps((0.0, 25.5, 30.0), [0.0, 1.0, 2.0], now=40.0)
    # 0 until 25.5 s, then 1 until 30 s, then 2 until now: no ramp from (0, 0) to (25.5, 1)
    assert list(zip(xs, ys, strict=True)) == [
        (0.0, 0.0),
        (25.5, 0.0),
        (25.5, 1.0),
        (30.0, 1.0),
        (30.0, 2.0),
        (40.0, 2.0),
    ]


async def test_the_ready_chart_has_whole_number_ticks(tmp_path):
    app = VmsimApp(load_scenario("hello"), paused=True, animate=False, export_dir=tmp_path / "exports")
    async with app.run_test(size=(120, 40)) as pilot:
        app.advance(30.0)
        await pilot.pause()
        chart = app.screen.query_one(LowerPane).show_view("ready")
        for _ in range(50):
            await pilot.pause()
            if chart.size.width and chart._data:  # type: ignore[attr-defined]
                break
        labels = [row.plain.split("┤")[0].strip() for row in chart.render().split("\n") if "┤" in row.plain]  # type: ignore[union-attr]
        assert labels and all(label.isdigit() for label in labels), labels


def test_a_boot_shorter_than_a_cell_is_drawn_as_a_sliver_not_left_out():
    # Beside a VM's 25 s boot at 160x48 (the timeline a third of the width), a container's 0.35 s had no bar at
    # all, as if it had not started.
    from vmsim.scenarios import load_scenario
    from vmsim.session import Session
    from vmsim.tui.widgets.charts import BootTimeline

    session = Session(load_scenario("hello"))
    session.advance(40.0)
    snap = session.snapshot()
    rows = tuple((w.name, w.instances[0]) for w in snap.worlds)
    assert {w for w, _ in rows} >= {"vm", "container"}

    class Sized(BootTimeline):
        width = 60

        @property
        def size(self):  # noqa: ANN201
            from textual.geometry import Size

            return Size(self.width, 10)

        @property
        def app(self):  # noqa: ANN201
            return type("A", (), {"lang": "en"})()

    view = Sized()
    view.set_reactive(BootTimeline.rows, rows)
    view.set_reactive(BootTimeline.now, snap.time_s)
    lines = view.render().plain.splitlines()
    container = next(line for line in lines if line.startswith("container nginx-1"))
    vm = next(line for line in lines if line.startswith("VM nginx-1"))
    bar = container[len("container nginx-1") :].split(" s")[0]
    assert "▏" in bar or any(ch in bar for ch in "█▓▒░▄▀▌▐▚▞▗▝▙"), container
    assert sum(ch not in " .0123456789s" for ch in vm[len("VM nginx-1") :]) > 10, vm
