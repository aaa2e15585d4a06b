"""The dashboard screen: one column per world, and below them the log and the charts."""

from __future__ import annotations

from typing import Protocol

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, TabbedContent, TabPane

from vmsim.engine.drift import Deployment
from vmsim.engine.events import WorldEvent
from vmsim.engine.snapshot import ImageUsage, SimulationSnapshot
from vmsim.engine.world import FitResult
from vmsim.i18n import tr
from vmsim.tui.widgets.bars import LedgerBar
from vmsim.tui.widgets.charts import BootTimeline
from vmsim.tui.widgets.event_log import EventLog
from vmsim.tui.widgets.instance_list import InstanceList
from vmsim.tui.widgets.lesson_views import DriftView, ImageExplorer, Narration, NarrationView
from vmsim.tui.widgets.real_host import RealHostStrip
from vmsim.tui.widgets.status import Status, StatusBar
from vmsim.tui.widgets.world_panel import WorldPanel

TIMELINE_ROWS = 12


Series = tuple[tuple[float, ...], tuple[float, ...]]


class LowerExtras(Protocol):
    """Data the teaching tabs ask for only when shown (computing it every frame would be waste)."""

    def images(self) -> tuple[ImageUsage, ...]: ...

    def drift(self) -> tuple[tuple[Deployment, ...], tuple[Deployment, ...], tuple[str, ...], tuple[str, ...]]: ...


SHORT_HEIGHT = 30
TALL_HEIGHT = 44
NARROW_WIDTH = 100


class MainScreen(Screen):
    """Attributes down: the App hands this screen snapshots; it hands each widget its slice."""

    def __init__(self, worlds: tuple[str, ...]) -> None:
        super().__init__()
        self.worlds = worlds

    def compose(self) -> ComposeResult:
        lang = self.app.lang  # type: ignore[attr-defined]
        yield StatusBar(id="status")
        yield RealHostStrip(id="real-host")
        with Horizontal(id="worlds"):
            for kind in self.worlds:
                yield WorldPanel(kind)
        yield Narration(id="narration")
        with TabbedContent(id="lower", initial="tab-log"):
            with TabPane(tr("tab.log", lang), id="tab-log"):
                yield EventLog(id="log")
            # The two line charts are mounted when their tab is first shown (see _mount_chart).
            yield TabPane(tr("tab.memory", lang), id="tab-memory")
            yield TabPane(tr("tab.ready", lang), id="tab-ready")
            with TabPane(tr("tab.timeline", lang), id="tab-timeline"):
                yield BootTimeline(id="timeline")
            with TabPane(tr("tab.images", lang), id="tab-images"):
                yield ImageExplorer(id="images")
            with TabPane(tr("tab.drift", lang), id="tab-drift"):
                yield DriftView(id="drift")
        yield Footer()

    def relabel(self) -> None:
        """Show every fixed label again in the app's current language."""
        lang = self.app.lang  # type: ignore[attr-defined]
        tabs = self.query_one(TabbedContent)
        for name in ("log", "memory", "ready", "timeline", "images", "drift"):
            tabs.get_tab(f"tab-{name}").label = tr(f"tab.{name}", lang)
        for widget in self.query("*"):
            widget.refresh()

    def show_narration(self, view: NarrationView | None) -> None:
        """Show (or, with None, hide) the lesson narration."""
        panel = self.query_one(Narration)
        panel.view = view
        panel.display = view is not None and not self.has_class("-narration-hidden")

    def set_view(self, view: str) -> None:
        """Bring one of the lower tabs to the front (log, memory, ready, timeline, images, drift)."""
        # 'drift-manual' shows the hand-made servers alone, before the image is revealed.
        self.query_one(DriftView).show_image = view != "drift-manual"
        self.query_one(TabbedContent).active = "tab-drift" if view == "drift-manual" else f"tab-{view}"

    def set_highlight(self, target: str | None) -> None:
        """Mark one part of every world panel (memory, disk, cpu, instances, fit), or none."""
        selectors = {
            "memory": ".memory-bar",
            "disk": ".disk-bar",
            "cpu": ".cpu-line",
            "instances": "InstanceList",
            "fit": ".fit-meter",
        }
        for selector in selectors.values():
            for widget in self.query(selector):
                widget.remove_class("-highlight")
        if target in selectors:
            for widget in self.query(selectors[target]):
                widget.add_class("-highlight")

    def on_mount(self) -> None:
        self._apply_size(self.size.width, self.size.height)
        self.app.dashboard_mounted()  # type: ignore[attr-defined]

    def on_resize(self, event: events.Resize) -> None:
        self._apply_size(event.size.width, event.size.height)

    def _apply_size(self, width: int, height: int) -> None:
        # Small terminals: the log and charts give their rows to the worlds, one key ('c') away.
        self.set_class(height < SHORT_HEIGHT, "-short")
        self.set_class(width < NARROW_WIDTH, "-narrow")
        for bar in self.query(LedgerBar):
            bar.set_class(height >= TALL_HEIGHT, "-thick")

    async def set_worlds(self, worlds: tuple[str, ...]) -> None:
        """Show a different set of world columns."""
        if worlds == self.worlds:
            return
        self.worlds = worlds
        container = self.query_one("#worlds", Horizontal)
        await container.remove_children()
        await container.mount_all([WorldPanel(kind) for kind in worlds])
        self._apply_size(self.size.width, self.size.height)

    def show(
        self, snap: SimulationSnapshot, status: Status, fits: dict[str, FitResult] | None, fit_app: str | None
    ) -> None:
        """Render a snapshot everywhere on the screen."""
        self.query_one(StatusBar).status = status
        panels = {panel.kind: panel for panel in self.query_one("#worlds", Horizontal).children}  # type: ignore[attr-defined]
        for world in snap.worlds:
            panel = panels.get(world.name)
            if isinstance(panel, WorldPanel) and panel.is_mounted:
                fit = (fit_app, fits[world.name]) if fits and fit_app else None
                panel.show(world, snap.time_s, fit)

    def show_events(self, events: list[WorldEvent]) -> None:
        """Append new events to the log."""
        if events:
            self.query_one(EventLog).add_events(events)

    def clear_events(self) -> None:
        """Empty the log (after a restart or a jump back in time)."""
        self.query_one(EventLog).clear()

    def show_charts(self, snap: SimulationSnapshot, series: dict[str, Series], extras: LowerExtras) -> None:
        """Redraw the charts that are on screen (the others wait until their tab is shown)."""
        active = self.query_one(TabbedContent).active
        now = snap.time_s
        if active in ("tab-memory", "tab-ready"):
            kind = "memory_mib" if active == "tab-memory" else "ready"
            chart = self._mount_chart(active)
            chart.show({w.name: series[f"{kind}.{w.name}"] for w in snap.worlds}, now)
        elif active == "tab-timeline":
            rows = []
            ids: dict[str, None] = {}
            for w in snap.worlds:
                for inst in w.instances:
                    ids.setdefault(inst.id)
            for instance_id in list(ids)[-max(1, TIMELINE_ROWS // max(len(snap.worlds), 1)) :]:
                for w in snap.worlds:
                    rows.extend((w.name, i) for i in w.instances if i.id == instance_id)
            timeline = self.query_one(BootTimeline)
            timeline.rows = tuple(rows)
            timeline.now = now
        elif active == "tab-images":
            explorer = self.query_one(ImageExplorer)
            explorer.images = extras.images()
            world = next((w for w in snap.worlds if w.name == "container"), None)
            explorer.disk_layers_mib = world.disk.get("image_layers") if world else 0.0
            explorer.disk_writable_mib = world.disk.get("writable_layers") if world else 0.0
        elif active == "tab-drift":
            drift = self.query_one(DriftView)
            manual, image, recipe, dockerfile = extras.drift()
            drift.manual, drift.image, drift.recipe, drift.dockerfile = manual, image, recipe, dockerfile

    def _mount_chart(self, tab_id: str):  # noqa: ANN202 - a SeriesChart, imported here on purpose
        """The chart of a chart tab, mounted on first use (plotext is imported only then)."""
        from vmsim.tui.widgets.series_chart import SeriesChart

        pane = self.query_one(f"#{tab_id}", TabPane)
        charts = pane.query(SeriesChart)
        if charts:
            return charts.first()
        if tab_id == "tab-memory":
            chart = SeriesChart("chart.memory", "GiB", scale=1024, id="chart-memory")
        else:
            chart = SeriesChart("chart.ready", "#", id="chart-ready")
        pane.mount(chart)
        return chart

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        # A tab just shown gets its data now rather than at the next chart refresh.
        self.app.call_later(self.app.refresh_view, [], True)  # type: ignore[attr-defined]

    def selected_instance(self) -> tuple[str, str] | None:
        """(world, instance id) under the cursor of the focused (or last used) instance list."""
        focused = self.focused
        lists = list(self.query(InstanceList))
        ordered = ([focused] if isinstance(focused, InstanceList) else []) + lists
        for lst in ordered:
            sel = lst.selected
            if sel is not None:
                return lst.world, sel.id
        return None
