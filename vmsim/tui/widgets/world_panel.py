"""One world's column: its host's memory, disk and CPU, its instances, and how many more fit."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widgets import Static

from vmsim.engine.snapshot import WorldSnapshot
from vmsim.engine.world import FitResult
from vmsim.i18n import tr
from vmsim.tui.style import DISK_STYLES, MEMORY_STYLES
from vmsim.tui.widgets.bars import CpuLine, LedgerBar
from vmsim.tui.widgets.instance_list import InstanceList


class FitMeter(Static):
    """'6 more nginx fit · memory runs out first'."""

    fit: reactive[tuple[str, FitResult] | None] = reactive(None)

    def render(self) -> Text:
        if self.fit is None:
            return Text("")
        app, fit = self.fit
        lang = self.app.lang  # type: ignore[attr-defined]
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(tr("fit.room", lang, n=f"{fit.max_instances:,}", app=app), style="bold")
        if fit.max_instances < 10**8:
            text.append(" · ", style="dim")
            text.append(tr("fit.limit", lang, what=tr(f"limit.{fit.limited_by}", lang)))
        return text


class WorldTitle(Static):
    """The world's name, counts by state, and a one-line reminder of what it is."""

    world: reactive[WorldSnapshot | None] = reactive(None)

    def __init__(self, kind: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.kind = kind

    def render(self) -> Text:
        lang = self.app.lang  # type: ignore[attr-defined]
        text = Text(no_wrap=True, overflow="ellipsis")
        short = self.size.width < 34 and self.kind == "vm"
        text.append(tr("world.vm.short" if short else f"world.{self.kind}", lang), style="bold")
        w = self.world
        if w is not None:
            text.append("  " + tr("count.ready", lang, n=w.count("running")), style="#009e73")
            booting = w.count("booting")
            if booting:
                text.append(" · " + tr("count.booting", lang, n=booting), style="#e69f00")
            lost = w.count("failed") + w.count("killed")
            if lost:
                text.append(" · " + tr("count.failed", lang, n=lost), style="#d55e00")
        if self.size.width >= 60:
            text.append("  — " + tr(f"blurb.{self.kind}", lang), style="dim")
        return text


class WorldPanel(Vertical):
    """A column for one world. Holds no simulation: the screen hands it immutable slices."""

    def __init__(self, kind: str, last: bool = False) -> None:
        super().__init__(id=f"world-{kind}", classes="world-panel -last" if last else "world-panel")
        self.kind = kind

    def compose(self) -> ComposeResult:
        # Kept as attributes: show() runs every frame, and a DOM query per widget per frame adds up.
        self.title_widget = WorldTitle(self.kind, classes="world-title")
        self.memory_bar = LedgerBar("bar.memory", MEMORY_STYLES, classes="memory-bar")
        self.disk_bar = LedgerBar("bar.disk", DISK_STYLES, classes="disk-bar")
        self.cpu_line = CpuLine(classes="cpu-line")
        self.instance_list = InstanceList(self.kind, id=f"instances-{self.kind}")
        self.fit_meter = FitMeter(classes="fit-meter")
        yield self.title_widget
        yield self.memory_bar
        yield self.disk_bar
        yield self.cpu_line
        yield self.instance_list
        yield self.fit_meter

    def show(self, world: WorldSnapshot, now: float, fit: tuple[str, FitResult] | None) -> None:
        """Render a new snapshot of this world (widgets skip repaints when their slice is unchanged)."""
        self.title_widget.world = world
        self.memory_bar.ledger = world.memory
        self.memory_bar.touched_mib = world.memory_touched_mib
        self.disk_bar.ledger = world.disk
        self.cpu_line.cpu = world.cpu
        self.instance_list.show(world.instances, now)
        self.fit_meter.fit = fit
