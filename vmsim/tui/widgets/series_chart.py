"""Line charts over simulated time (plotext). Imported when a chart tab is first shown: plotext costs start-up."""

from __future__ import annotations

import math

from rich.cells import cell_len
from rich.text import Text
from textual.app import RenderResult
from textual_plotext import PlotextPlot

from vmsim.output import palette
from vmsim.text import tr

# One colour per world, the same as the HTML report's (vmsim.output.palette); lines also differ in marker.
WORLD_COLOURS = {world: palette.rgb(colour) for world, colour in palette.WORLD_COLOURS.items()}
WORLD_MARKERS = {"vm": "hd", "container": "dot", "microvm": "braille"}

# Rows of the widget that are not plot area: the title, the x ticks, the x label and the frame.
PLOT_FRAME_ROWS = 5

MAX_HEADROOM = 1.5  # the axis's top at most this far above the highest value

Series = tuple[tuple[float, ...], tuple[float, ...]]


def steps(ts: tuple[float, ...], vs: list[float], now: float) -> tuple[list[float], list[float]]:
    """A recorded series as the step function it is: each value holds until the next point's time (a count of
    ready instances goes 0 → 1 at the moment one is ready, not in a ramp from the point before), and the last
    holds until ``now``."""
    xs: list[float] = []
    ys: list[float] = []
    for i, (t, v) in enumerate(zip(ts, vs, strict=True)):
        if i:
            xs.append(t)
            ys.append(vs[i - 1])
        xs.append(t)
        ys.append(v)
    xs.append(max(now, ts[-1]))
    ys.append(vs[-1])
    return xs, ys


class SeriesChart(PlotextPlot):
    """One line per world over simulated time. Replots only when the data changed."""

    def __init__(self, title_key: str, y_label: str, scale: float = 1.0, whole: bool = False, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.whole = whole  # the values are counts
        self.title_key = title_key
        self.y_label = y_label
        self.scale = scale
        self._data: dict[str, Series] = {}
        self._now = 0.0
        self._lang = ""
        self._height = 0

    def show(self, data: dict[str, Series], now: float) -> None:
        """New series (world → (times, values)); repaints only if they differ from the last ones."""
        lang = self.app.lang  # type: ignore[attr-defined]
        height = self.size.height
        if data == self._data and abs(now - self._now) < 1.0 and lang == self._lang and height == self._height:
            return
        self._data = data
        self._now = now
        self._lang = lang
        self._height = height
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        plt.title(tr(self.title_key, lang))
        plt.xlabel(tr("chart.seconds", lang))
        plt.ylabel(self.y_label)
        for world, (ts, vs) in data.items():
            if not ts:
                continue
            xs, ys = steps(ts, [v / self.scale for v in vs], now)
            plt.plot(xs, ys, label=tr(f"world.{world}", lang), color=WORLD_COLOURS[world], marker=WORLD_MARKERS[world])
        plt.xlim(0, max(now, 1.0))
        top = self._top(data, height)
        plt.ylim(0, top)
        if self.whole:  # a count: whole-number ticks, never "0.17 instances"
            step = max(1, math.ceil(top / max(2, min(6, (height - PLOT_FRAME_ROWS) // 2))))
            plt.yticks(list(range(0, int(top) + 1, step)))
        self.refresh()

    def on_resize(self) -> None:
        """Drawn again at the new size (the axis's room for the legend depends on the height), paused or not."""
        if self._data:
            data, self._data = self._data, {}
            self.show(data, self._now)

    def render(self) -> RenderResult:
        """plotext's drawing, each row fitted to the widget's width (see :func:`fit_row`)."""
        drawn = super().render()
        width = self.size.width
        if not isinstance(drawn, Text) or width <= 0:
            return drawn
        rows = drawn.split("\n", allow_blank=True)
        return Text("\n").join(fit_row(row, width) for row in rows)

    def _top(self, data: dict[str, Series], height: int) -> float:
        """The y axis's top: above the highest value by as many rows as plotext's legend takes in the plot's
        top-left corner (one per world, and one to spare), so the legend never hides a line."""
        highest = max((v / self.scale for _ts, vs in data.values() for v in vs), default=0.0)
        if highest <= 0:
            return 1.0
        rows = max(height - PLOT_FRAME_ROWS, 1)
        legend = sum(1 for ts, _vs in data.values() if ts) + 1
        # At most MAX_HEADROOM: on a short chart, room for the whole legend would squash the lines to its foot.
        return highest * min(rows / max(rows - legend, 1), MAX_HEADROOM)


def fit_row(row: Text, width: int) -> Text:
    """``row`` in ``width`` cells. plotext counts a character as one cell, so a legend or title in Korean (two
    cells a character) pushes the rest of its row right and the frame's edge onto the next line: the extra
    cells are taken back from the first run of spaces after the wide text that is long enough (the empty
    plot area next to a legend), so what follows is where plotext meant it; failing that the row is cut."""
    excess = row.cell_len - width
    if excess <= 0:
        return row
    plain = row.plain
    run = " " * excess
    last_wide = max((i for i, ch in enumerate(plain) if cell_len(ch) > 1), default=-1)
    at = plain.find(run, last_wide + 1)
    if at >= 0:
        return row[:at] + row[at + excess :]
    row = row.copy()
    row.truncate(width)
    return row
