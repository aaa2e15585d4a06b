"""The status line at the top: scenario, simulated clock, speed, and whether time runs."""

from __future__ import annotations

from typing import NamedTuple

from rich.text import Text
from textual.geometry import Region
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from vmsim.output.words import fmt_mib_compact as fmt_mib
from vmsim.session import SimulationSnapshot
from vmsim.text import tr
from vmsim.tui.style import fmt_speed
from vmsim.tui.widgets.rows import StylePerPaint, text_strip


class Status(NamedTuple):
    """What the status line shows."""

    scenario: str
    time_s: float
    speed: float
    paused: bool
    host_label: str
    cores: int
    memory_mib: float
    rewound: bool = False
    hosts: int = 1  # copies of the host in each world


def _clock(time_s: float, lang: str = "en") -> str:
    """The simulated time, as wide in either language ('t =   12.30 s ', 't =   12.30초 ')."""
    return tr("status.clock", lang, t=f"{time_s:7.2f}")


def hosts_in(snap: SimulationSnapshot) -> int:
    """How many hosts each world has now (hosts can be added while the dashboard runs)."""
    return max((len(w.hosts) for w in snap.worlds), default=1)


class StatusBar(StylePerPaint, Widget):
    """One line: 'vmsim · Hello · t = 12.3 s · ▶ 1× · laptop: 8 cores, 16 GiB'."""

    DEFAULT_CSS = """
    StatusBar { height: 1; background: $primary-background; color: $foreground; }
    """

    status: reactive[Status | None] = reactive(None, repaint=False)  # repainted by watch_status

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._clock_cells: tuple[int, int] | None = None  # where the clock was drawn: (first cell, cells)

    def watch_status(self, old: Status | None, new: Status | None) -> None:
        # Most frames only the clock moves: its cells alone are repainted. Textual repaints every widget that
        # overlaps the band between a frame's changes, so a whole-width status line would make a frame where one
        # world's list animates repaint all three columns.
        cells = self._clock_cells
        if (
            cells is not None
            and old is not None
            and new is not None
            and old._replace(time_s=new.time_s) == new
            and len(_clock(old.time_s)) == len(_clock(new.time_s))
        ):
            self.refresh(Region(cells[0], 0, cells[1], 1))
        else:
            self.refresh()

    def render_line(self, y: int) -> Strip:
        # Drawn as one strip (the line API) rather than through Textual's content pipeline: the clock changes
        # every frame, and this costs a tenth of it.
        width = self.paint_width
        if y:
            return Strip.blank(width, self.base_style)
        return text_strip(self.render(), width, self.base_style, self.app.console)

    def render(self) -> Text:
        s = self.status
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(" vmsim ", style="bold reverse")
        if s is None:
            return text
        text.append(f" {s.scenario} ", style="bold")
        text.append("│ ")
        start = text.cell_len
        lang = self.app.lang  # type: ignore[attr-defined]
        text.append(_clock(s.time_s, lang), style="bold")
        self._clock_cells = (start, text.cell_len - start)
        text.append("│ ")
        if s.paused:
            text.append(f"❚❚ {tr('status.paused', lang)} ", style="bold #e69f00")
        else:
            text.append(f"▶ {tr('status.running', lang)} ", style="bold #009e73")
        text.append(f"{fmt_speed(s.speed)} ")
        if s.rewound:
            text.append(tr("status.replay", lang) + " ", style="#56b4e9")
        # The hardware, whole or not at all: the long form if it fits, else a short one (a cluster's host count),
        # else nothing — never cut in the middle (a Korean line at 80 columns ended in "호스트 10대 ×").
        room = self.size.width - text.cell_len - 2
        keys = ("status.hardware_hosts", "status.hardware_hosts_short") if s.hosts > 1 else ("status.hardware",)
        for key in keys:
            words = tr(key, lang, hosts=s.hosts, cores=s.cores, memory=fmt_mib(s.memory_mib))
            if Text(words).cell_len <= room:
                text.append("│ ")
                text.append(words, style="dim")
                break
        return text
