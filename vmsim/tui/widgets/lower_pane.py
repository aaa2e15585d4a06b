"""The pane under the worlds: the event log, the charts and the teaching views, one at a time behind tabs."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from vmsim.text import tr
from vmsim.tui.widgets.charts import BootTimeline
from vmsim.tui.widgets.drift_view import DriftView
from vmsim.tui.widgets.event_log import EventLog
from vmsim.tui.widgets.lesson_views import ImageExplorer, SummaryView

VIEWS = ("log", "memory", "ready", "timeline", "images", "drift", "hosts")
LESSON_ONLY = ("summary", "build")  # views a lesson shows without a tab of their own
# On a wide screen (a projector's), these stand beside the chosen view when it is one of the dashboard's own.
# The images view is not: its lines name layers, sizes and who shares them, and beside two charts at 160×48 its
# closing sum was cut off while the worlds above had empty rows.
COMPANIONS = ("memory", "timeline")
WITH_COMPANIONS = ("log", "memory", "ready", "timeline")


class TabStrip(Widget, can_focus=True):
    """The views' names on one line, the shown one marked (bold, underlined, inverted: not by colour alone).

    A click on a name shows that view; with the strip focused (by Tab), ←/→ move between them. One widget draws
    all the tabs, so the pane costs a line of text rather than a widget per tab.
    """

    COMPONENT_CLASSES = {"tab-strip--active", "tab-strip--tab", "tab-strip--hover"}
    DEFAULT_CSS = """
    TabStrip {
        height: 1;
        background: $panel;
        .tab-strip--active { color: $background; background: $primary; text-style: bold underline; }
        .tab-strip--tab { color: $foreground 70%; }
        .tab-strip--hover { background: $block-hover-background; }
        &:focus .tab-strip--active { background: $accent; }
        &:hover { pointer: pointer; }
    }
    """
    BINDINGS = [
        Binding("left", "move(-1)", show=False),
        Binding("right", "move(1)", show=False),
    ]

    active: reactive[str] = reactive("log")
    hover: reactive[str | None] = reactive(None)

    class Chosen(Message):
        """The user picked a view."""

        def __init__(self, view: str) -> None:
            super().__init__()
            self.view = view

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.spans: tuple[tuple[int, int, str], ...] = ()

    def render(self) -> Text:
        lang = self.app.lang  # type: ignore[attr-defined]
        active_style = self.get_component_rich_style("tab-strip--active")
        tab_style = self.get_component_rich_style("tab-strip--tab")
        hover_style = self.get_component_rich_style("tab-strip--hover")
        labels = {view: f" {tr(f'tab.{view}', lang)} " for view in VIEWS}
        # On a narrow screen the names start further on, after '‹', so the shown one is never cut off the end.
        first, width = 0, self.size.width
        active = VIEWS.index(self.active) if self.active in VIEWS else 0
        while (
            first < active and width > 0 and 1 + sum(cell_len(labels[v]) + 1 for v in VIEWS[first : active + 1]) > width
        ):
            first += 1
        # A space lines the first name up with the view's text; '‹' says names come before.
        text = Text("‹" if first else " ", tab_style, no_wrap=True, overflow="crop", end="")
        spans = []
        for view in VIEWS[first:]:
            label = labels[view]
            start = text.cell_len
            style = active_style if view == self.active else tab_style
            if view == self.hover and view != self.active:
                style = style + hover_style
            text.append(label, style)
            spans.append((start, start + cell_len(label), view))
            text.append(" ")
        self.spans = tuple(spans)
        return text

    def view_at(self, x: int) -> str | None:
        """The view whose name is drawn at column ``x``."""
        return next((view for start, end, view in self.spans if start <= x < end), None)

    def on_click(self, event: events.Click) -> None:
        view = self.view_at(event.x)
        if view is not None:
            self.post_message(self.Chosen(view))
        # A click shows a view but does not keep the arrow keys (in a lesson they move the steps, and a teacher
        # who clicked a tab found → switching tabs instead): only Tab gives them to the strip.
        if self.has_focus:
            self.blur()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self.hover = self.view_at(event.x)

    def on_leave(self, event: events.Leave) -> None:
        self.hover = None

    def action_move(self, step: int) -> None:
        """Show the view left or right of the shown one."""
        index = (VIEWS.index(self.active) + step) % len(VIEWS) if self.active in VIEWS else 0
        self.post_message(self.Chosen(VIEWS[index]))


class LowerPane(Vertical):
    """The tab strip and the shown view. A view's widget is made the first time it is shown: the log at start,
    the others (plotext for the charts among them) only if somebody looks."""

    BLANK = True  # its tab strip and view cover it: Textual skips styling its lines

    class ViewShown(Message):
        """A view was brought to the front and wants its data now."""

        def __init__(self, view: str) -> None:
            super().__init__()
            self.view = view

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        # Kept, not queried: the screen hands the log new events every frame, from its first one.
        self.strip = TabStrip(id="lower-tabs")
        self.event_log = EventLog(id="log", classes="lower-view")
        self.views: dict[str, Widget] = {"log": self.event_log}
        self.row = Horizontal(id="lower-views")
        self.wide = False  # set by the screen: room for companions beside the chosen view

    def compose(self) -> ComposeResult:
        yield self.strip
        with self.row:
            yield self.event_log

    def shown(self) -> list[str]:
        """The views on screen now: the chosen one, and its companions on a wide screen."""
        active = self.active
        if not (self.wide and active in WITH_COMPANIONS):
            return [active]
        return [active, *(c for c in COMPANIONS if c != active)]

    def set_wide(self, wide: bool) -> None:
        """Show (or stop showing) the companions beside the chosen view."""
        if wide != self.wide:
            self.wide = wide
            self._display(self.active)
            self.post_message(self.ViewShown(self.active))  # the companions want their data

    @property
    def active(self) -> str:
        """The view on show."""
        return self.strip.active

    def view(self, name: str) -> Widget:
        """The widget of view ``name``, made and mounted (hidden) if it does not exist yet."""
        widget = self.views.get(name)
        if widget is None:
            widget = self.views[name] = make_view(name)
            widget.display = False
            self.row.mount(widget)
        return widget

    def show_view(self, name: str) -> Widget:
        """Bring view ``name`` to the front and return its widget."""
        if name not in VIEWS and name not in LESSON_ONLY:
            raise ValueError(f"no view {name!r}; views: {', '.join(VIEWS)}")
        widget = self.view(name)
        changed = self.strip.active != name
        self.strip.active = name
        self._display(name)
        if changed:
            self.post_message(self.ViewShown(name))
        return widget

    def _display(self, name: str) -> None:
        on_screen = self.shown()
        for view in on_screen:
            self.view(view)
        for view, child in self.views.items():
            child.display = view in on_screen
        self.set_class(name == "hosts", "-hosts")  # the hosts take more of the screen's height
        if name != "hosts":
            self.styles.max_height = None  # (the hosts view sets one, no taller than it needs)

    def on_tab_strip_chosen(self, message: TabStrip.Chosen) -> None:
        message.stop()
        self.show_view(message.view)


def make_view(name: str) -> Widget:
    """A new widget for view ``name``."""
    if name in ("memory", "ready"):
        from vmsim.tui.widgets.series_chart import SeriesChart  # plotext: loaded when a chart is first shown

        if name == "memory":
            return SeriesChart("chart.memory", "GiB", scale=1024, id="view-memory", classes="lower-view")
        return SeriesChart("chart.ready", "#", whole=True, id="view-ready", classes="lower-view")
    if name == "timeline":
        return BootTimeline(id="view-timeline", classes="lower-view")
    if name == "images":
        return ImageExplorer(id="view-images", classes="lower-view")
    if name == "drift":
        return DriftView(id="view-drift", classes="lower-view")
    if name == "hosts":
        from vmsim.tui.widgets.hosts_view import HostsView

        return HostsView(id="view-hosts", classes="lower-view")
    if name == "build":
        from vmsim.tui.widgets.build_view import BuildView

        return BuildView(id="view-build", classes="lower-view")
    if name == "summary":
        return SummaryView(id="view-summary", classes="lower-view")
    raise ValueError(f"no view {name!r}; views: {', '.join(VIEWS)}")
