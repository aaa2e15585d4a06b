"""The dashboard screen: one column per world, and below them the log and the charts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, cast

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen

from vmsim.session import FitResult, ImageUsage, Series, SimulationSnapshot, WorldEvent, hosts_summary
from vmsim.session.hosts import LIVE
from vmsim.text import tr
from vmsim.tui.widgets.charts import BootTimeline
from vmsim.tui.widgets.drift_view import DriftView
from vmsim.tui.widgets.instance_list import InstanceList
from vmsim.tui.widgets.key_bar import KeyBar
from vmsim.tui.widgets.lesson_views import READY_LISTED, ImageExplorer, Narration, NarrationView, SummaryView
from vmsim.tui.widgets.lower_pane import LowerPane
from vmsim.tui.widgets.real_host import RealHostStrip
from vmsim.tui.widgets.status import Status, StatusBar
from vmsim.tui.widgets.world_panel import HOST_PARTS, WorldPanel, aligned_starts

if TYPE_CHECKING:
    from vmsim.imagebuild.story import BuildReplay, BuildStory
    from vmsim.session import DriftStory, InstanceSnapshot, LessonRunner, ScenarioSpec

TIMELINE_ROWS = 12


class LowerExtras(Protocol):
    """Data the teaching tabs ask for only when shown (computing it every frame would be waste)."""

    def images(self) -> tuple[ImageUsage, ...]: ...

    def last_deploy(self, world: str) -> WorldEvent | None: ...

    def question_open(self) -> bool: ...

    def drift(self) -> DriftStory: ...

    def drift_typed(self) -> int | None: ...

    def drift_apart(self) -> bool: ...

    def summary_table(self) -> tuple[tuple[str, ...], ...]: ...

    def build_story(self) -> tuple[BuildStory | None, str]: ...

    def build_edit(self) -> tuple[str, BuildReplay | None]: ...


SHORT_HEIGHT = 30
HOSTS_EDGE = 2  # the lower pane's rows around the hosts view (its tab strip and the edge above it)
TALL_HEIGHT = 44
NARROW_WIDTH = 100
WIDE_WIDTH = 160  # a projector's size: the charts stand beside the chosen view


class WorldColumns(Horizontal):
    """The world columns side by side. Draws nothing of its own (the columns cover it)."""

    BLANK = True  # Textual then skips styling each of its lines: a saving on every full frame


class MainScreen(Screen):
    """Attributes down: the App hands this screen snapshots; it hands each widget its slice."""

    BLANK = True  # no border, no content of its own: its children cover it

    def __init__(self, worlds: tuple[str, ...]) -> None:
        super().__init__()
        self.worlds = worlds
        # Kept, not queried: show() runs every frame, from the first one (before every child is mounted).
        self.status_bar = StatusBar(id="status")
        self.lower = LowerPane(id="lower")
        self.panels: dict[str, WorldPanel] = {}
        self._highlight: str | None = None
        self.narration: Narration | None = None
        self._lesson_view: str | None = None  # the view the lesson's step shows (None: no lesson, or none chosen)
        self._lesson_max = False  # whether the lesson gave the lower pane the whole middle (-lower-max)
        self.real_host: RealHostStrip | None = None
        self._hosts_opened = False
        # What the lesson's step is about (a fault's instance, or a host it deploys to), selected in place of the
        # lists' cursors until one of them moves; and the step it was taken from (each step sets it once).
        self._subject: tuple[str | None, str | None] | None = None
        self._subject_step: int | None = None

    def compose(self) -> ComposeResult:
        # The real-host strip and the lesson narration are mounted when first needed (most sessions need
        # neither, and every widget costs start-up time).
        yield self.status_bar
        self.panels = self._make_panels(self.worlds)
        with WorldColumns(id="worlds"):
            yield from self.panels.values()
        yield self.lower
        yield KeyBar(id="keys")

    @staticmethod
    def _make_panels(worlds: tuple[str, ...]) -> dict[str, WorldPanel]:
        return {kind: WorldPanel(kind, last=i == len(worlds) - 1) for i, kind in enumerate(worlds)}

    def relabel(self) -> None:
        """Show every fixed label again in the app's current language."""
        for widget in self.query("*"):
            widget.refresh()
        self.lower.event_log.rewrap()  # its events take other rows in other words

    def show_narration(self, view: NarrationView | None) -> None:
        """Show (or, with None, hide) the lesson narration."""
        panel = self.narration
        if panel is None:
            if view is None:
                return
            panel = self.narration = Narration(id="narration")
            self.mount(panel, before=self.lower)
        panel.view = view
        panel.display = view is not None and not self.has_class("-narration-hidden")

    def show_lesson(self, lesson: LessonRunner | None, spec: ScenarioSpec, lang: str, now: float = 0.0) -> None:
        """Show the lesson's current step in the narration panel (or hide the panel without a lesson), as it
        stands at simulated time ``now`` (a step being watched keeps its question up)."""
        if lesson is None:
            self._subject = self._subject_step = None
            self.show_narration(None)
            self.set_highlight(None)
            self._lesson_view = None
            self._lesson_room()  # a lesson's room goes with it; the user's own (c) stays
            return
        step = lesson.step
        index, total = lesson.state.index, lesson.total
        if index != self._subject_step:
            self._subject_step, self._subject = index, lesson.subject
        if step is None:  # the summary that ends every lesson
            summary = tr("summary.text", lang)
            self.show_narration(NarrationView(index, total, tr("summary.title", lang), summary, None, True))
            self.set_highlight(None)
            self.set_view("summary")
            self._lesson_view = "summary"
            self._lesson_room()
            return
        question = step.say("ask", lang) if lesson.question_shown(now) else None
        text, until = step.say("text", lang), lesson.watch_end(now)
        self.show_narration(NarrationView(index, total, step.say("title", lang), text, question, False, until))
        self.set_highlight(step.highlight)
        # A step's view comes with its reveal: while its question waits, the view the steps before chose stays.
        shown = lesson.steps[: index + (0 if lesson.asking else 1)]
        view = next((s.view for s in reversed(shown) if s.view), None)
        if view:
            self.set_view(view)
        self._lesson_view = view
        self._lesson_room()

    def _lesson_room(self) -> None:
        """Give the lower pane the whole middle when a lesson's view needs it: always for the drift story and
        the summary (about servers and the run, not these worlds), and on a short screen for any view but the
        log, which would otherwise not be on screen at all."""
        view = self._lesson_view
        short = self.has_class("-short")
        big = view is not None and (
            view.startswith(("drift", "build-")) or view == "summary" or (short and view != "log")
        )
        if big or self._lesson_max:  # the lesson takes back only the room it gave, never the user's own (c)
            self.set_class(big, "-lower-max")
            self._lesson_max = big
        self.fit_hosts_pane()
        if big and isinstance(self.focused, InstanceList):
            self.set_focus(None)  # a hidden list keeps no cursor the keys would move unseen

    async def real_host_strip(self) -> RealHostStrip:
        """The strip about this machine, mounted under the status line on first use."""
        if self.real_host is None:
            self.real_host = RealHostStrip(id="real-host")
            await self.mount(self.real_host, after=self.status_bar)
        return self.real_host

    def set_view(self, view: str) -> None:
        """Bring one of the lower tabs to the front (log, memory, ready, timeline, images, drift)."""
        # The drift story's parts are one view: 'drift-setup', 'drift-manual', 'drift-build', 'drift' (the image);
        # the build story's too: 'build-first', 'build-change', 'build-compare'.
        name = "drift" if view.startswith("drift") else "build" if view.startswith("build-") else view
        widget = self.lower.show_view(name)
        if isinstance(widget, DriftView):
            widget.mode = view.removeprefix("drift-") if view != "drift" else "image"
        elif name == "build":
            widget.mode = view.removeprefix("build-")  # type: ignore[attr-defined]

    def set_highlight(self, target: str | None) -> None:
        """Mark one part of every world panel (memory, disk, cpu, instances, fit), or none."""
        if target == self._highlight:
            return  # every frame of a lesson asks; only a change touches the widgets
        self._highlight = target
        for panel in self.panels.values():
            panel.host_panel.set_highlight(target if target in (*HOST_PARTS, "instances") else None)  # (a list: room)
            panel.instance_list.set_class(target == "instances", "-highlight")
            panel.fit_meter.set_class(target == "fit", "-highlight")
            panel.show_fit_line()

    def on_screen_suspend(self) -> None:
        self.query_one(KeyBar).refresh()  # a dialog on top: the key line shows its keys

    on_screen_resume = on_screen_suspend

    def on_mount(self) -> None:
        self._apply_size(self.size.width, self.size.height)
        self.app.dashboard_mounted()  # type: ignore[attr-defined]

    def on_resize(self, event: events.Resize) -> None:
        self._apply_size(event.size.width, event.size.height)

    def _apply_size(self, width: int, height: int) -> None:
        # Small terminals: the log and charts give their rows to the worlds, one key ('c') away.
        self.set_class(height < SHORT_HEIGHT, "-short")
        self.set_class(width < NARROW_WIDTH, "-narrow")
        self.lower.set_wide(width >= WIDE_WIDTH and height >= TALL_HEIGHT)
        self._lesson_room()
        for panel in self.panels.values():
            panel.host_panel.set_layout(thick=height >= TALL_HEIGHT, short=height < SHORT_HEIGHT)

    async def set_worlds(self, worlds: tuple[str, ...]) -> None:
        """Show a different set of world columns."""
        if worlds == self.worlds:
            return
        self.worlds = worlds
        container = self.query_one("#worlds", WorldColumns)
        # The new panels take over before the old ones go: removing takes turns of the event loop, and a key
        # handled meanwhile (a step, a resize, a lesson's highlight) must not draw on columns on their way out.
        self.panels = self._make_panels(worlds)
        self._highlight = None  # the new panels carry no mark yet
        await container.remove_children()
        await container.mount_all(list(self.panels.values()))
        self._apply_size(self.size.width, self.size.height)

    def show(
        self, snap: SimulationSnapshot, status: Status, fits: dict[str, FitResult] | None, fit_app: str | None
    ) -> None:
        """Render a snapshot everywhere on the screen."""
        self.status_bar.status = status
        if not self._hosts_opened and self._lesson_view is None:
            # A scenario of many hosts opens on its hosts (once: after that, the tab the user picks stays).
            self._hosts_opened = True
            if snap.host.hosts > 1:
                self.set_view("hosts")
        for world in snap.worlds:
            panel = self.panels.get(world.name)
            if panel is not None and panel.is_mounted:
                fit = (fit_app, fits[world.name]) if fits and fit_app else None
                panel.show(world, snap.time_s, fit)
        self.match_fit_meters()
        self.call_after_refresh(self.align_columns)

    def align_columns(self) -> None:
        """Each part of the columns (memory, disk, CPU, then the list) on one row across them all, as far as
        each column's room allows: the worlds compared line by line."""
        panels = [panel.host_panel for panel in self.panels.values() if panel.is_mounted]
        fold = len(panels) > 1 and any(panel.folds for panel in panels)
        for panel in panels:
            panel.fold_memory(fold)  # (laid out again now, so the rows compared next are the folded ones)
        starts = aligned_starts([panel.natural for panel in panels]) if len(panels) > 1 else {}
        for panel in panels:
            panel.align_to(starts)

    def match_fit_meters(self, _message: object = None) -> None:
        """Every column's fit line in the short form when any column's long one would be cut."""
        meters = [panel.fit_meter for panel in self.panels.values() if panel.is_mounted]
        short = any(meter.too_long() for meter in meters)
        for meter in meters:
            meter.short = short

    on_fit_meter_resized = match_fit_meters

    def on_instance_list_moved(self, _message: InstanceList.Moved) -> None:
        self._subject = None  # the user chose: the selection is the lists' again

    def show_events(self, events: list[WorldEvent], reset: bool = False) -> None:
        """Append new events to the log (or, with ``reset``, replace what it shows with them)."""
        if reset:
            self.lower.event_log.clear()
        if events:
            self.lower.event_log.add_events(events)

    def show_charts(self, snap: SimulationSnapshot, series: dict[str, Series], extras: LowerExtras) -> None:
        """Redraw the charts that are on screen (the others wait until their tab is shown)."""
        for view in self.lower.shown():
            self._show_view(view, snap, series, extras)

    def _show_view(self, active: str, snap: SimulationSnapshot, series: dict[str, Series], extras: LowerExtras) -> None:
        lower = self.lower
        now = snap.time_s
        if active in ("memory", "ready"):
            kind = "memory_mib" if active == "memory" else "ready"
            chart = lower.view(active)
            chart.show({w.name: series[f"{kind}.{w.name}"] for w in snap.worlds}, now)  # type: ignore[attr-defined]
        elif active == "timeline":
            rows: list[tuple[str, InstanceSnapshot]] = []
            ids: dict[str, None] = {}
            for w in snap.worlds:
                for inst in w.instances:
                    ids.setdefault(inst.id)
            for instance_id in list(ids)[-max(1, TIMELINE_ROWS // max(len(snap.worlds), 1)) :]:
                for w in snap.worlds:
                    rows.extend((w.name, i) for i in w.instances if i.id == instance_id)
            timeline = cast(BootTimeline, lower.view(active))
            timeline.rows = tuple(rows)
            timeline.now = now
        elif active == "images":
            explorer = cast(ImageExplorer, lower.view(active))
            explorer.images = extras.images()
            explorer.answer_hidden = extras.question_open()
            world = next((w for w in snap.worlds if w.name == "container"), None)
            explorer.disk_layers_mib = world.disk.get("image_layers") if world else 0.0
            explorer.disk_writable_mib = world.disk.get("writable_layers") if world else 0.0
            # The ready times of the containers the view can list (a few an image), not of thousands a frame.
            listed = {name for image in explorer.images for name in image.containers[:READY_LISTED]}
            explorer.ready = tuple((i.id, i.boot_s) for i in world.instances if i.id in listed) if world else ()
        elif active == "drift":
            drift = cast(DriftView, lower.view(active))
            story = extras.drift()
            drift.manual, drift.image, drift.recipe, drift.dockerfile = story[:4]
            drift.built_here, drift.shipped, drift.twins = story.built_here, story.shipped, story.siblings
            drift.typed = extras.drift_typed()
            drift.apart = extras.drift_apart()
        elif active == "build":
            build, problem = extras.build_story()
            widget = lower.view(active)
            widget.story, widget.problem = build, problem  # type: ignore[attr-defined]
            widget.edit, widget.replay = extras.build_edit()  # type: ignore[attr-defined]
        elif active == "summary":
            cast(SummaryView, lower.view(active)).table = extras.summary_table()
        elif active == "hosts":
            from vmsim.tui.widgets.hosts_view import HostsData, HostsView

            summaries = tuple(hosts_summary(w) for w in snap.worlds)
            # The deploy's own figures, once a deploy has left a version (the view's snapshot has no events).
            summaries = tuple(
                s._replace(last_deploy=extras.last_deploy(w.name)) if s.versions else s
                for s, w in zip(summaries, snap.worlds, strict=True)
            )
            cast(HostsView, lower.view(active)).data = HostsData(snap, summaries, self.stack_instance())
            self.fit_hosts_pane()

    def fit_hosts_pane(self) -> None:
        """The lower pane showing the hosts no taller than they need (half the screen at most: the rows it leaves go
        to the instance lists), unless it has the whole middle."""
        lower = self.lower
        view = lower.views.get("hosts") if lower.strip.active == "hosts" else None
        wanted = getattr(view, "rows_wanted", None)
        lower.styles.max_height = None if wanted is None or self.has_class("-lower-max") else wanted() + HOSTS_EDGE

    def on_lower_pane_view_shown(self, message: LowerPane.ViewShown) -> None:
        # A view just shown gets its data now rather than at the next chart refresh.
        self.app.call_later(self.app.refresh_view, [], True)  # type: ignore[attr-defined]

    def stack_instance(self) -> str | None:
        """The instance whose stack the hosts view shows: while a lesson's step is about an instance or a host,
        that instance (or the host's first live one) until a list's cursor moves, else the selected one. (Only the
        picture follows the step: d and the host keys act on the lists' selection, as the user sees it.)"""
        if self._subject is not None:
            instance_id, host = self._subject
            for lst in self.query(InstanceList):
                for inst in lst.instances:
                    if inst.id == instance_id or (host is not None and inst.host == host and inst.state in LIVE):
                        return inst.id
        selected = self.selected_instance()
        return selected[1] if selected else None

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
