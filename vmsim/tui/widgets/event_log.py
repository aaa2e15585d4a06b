"""The event log: what happened, when, in which world."""

from __future__ import annotations

from bisect import bisect_right
from collections import deque
from collections.abc import Iterable
from itertools import accumulate

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from vmsim.output import words
from vmsim.session import WorldEvent
from vmsim.text import tr
from vmsim.tui.widgets.rows import StylePerPaint, text_strip

KIND_COLOURS = {
    "ready": "#009e73",
    "refused": "#d55e00",
    "failed": "#d55e00",
    "killed": "#d55e00",
    "warning": "#e69f00",
    "fetched": "#56b4e9",
    "grew": "#e69f00",
    "stopped": "#9a9a9a",
    "added": "",
}
MAX_EVENTS = 1000  # the log keeps the latest; every event stays in the engine and in exports


def event_text(event: WorldEvent, lang: str = "en") -> Text:
    """'t=  0.31 s  container nginx-1 ready in 0.31 s', coloured by kind (the words say it too)."""
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(tr("log.time", lang, t=f"{event.t_s:7.2f}"), style="dim")  # as wide in either language
    text.append(words.event_text(event, lang), style=KIND_COLOURS.get(event.kind, ""))
    return text


def event_rows(event: WorldEvent, lang: str, width: int, console: Console) -> list[Text]:
    """The event's line wrapped to ``width`` cells, its later rows indented under the words: a reason is read
    whole (an OOM kill's 'its 2,048 MiB VM is full: the guest OOM killer stopped redis' was cut mid-way)."""
    time = Text(tr("log.time", lang, t=f"{event.t_s:7.2f}"), style="dim")
    indent = time.cell_len
    if width - indent < 10:  # too narrow to wrap under the words: one row, cut
        return [event_text(event, lang)]
    said = Text(words.event_text(event, lang), style=KIND_COLOURS.get(event.kind, ""))
    rows = []
    for i, part in enumerate(said.wrap(console, width - indent)):
        row = time if i == 0 else Text(" " * indent)
        row.append_text(part)
        rows.append(row)
    return rows or [time]


class EventLog(StylePerPaint, ScrollView, can_focus=True):
    """A bounded log of events, newest at the bottom; 'added' events are left out to keep the interesting ones
    in view. A long event wraps over as many rows as it needs, indented under its words.

    It keeps the events, not their text: only the rows on screen are drawn, in the dashboard's language of the
    moment, so switching language rewrites the whole log (``rewrap``). It follows the newest event unless the
    user has scrolled up to read an older one.
    """

    DEFAULT_CSS = """
    EventLog { background: transparent; overflow-x: hidden; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.events: deque[WorldEvent] = deque(maxlen=MAX_EVENTS)
        self._heights: deque[int] = deque(maxlen=MAX_EVENTS)  # rows each event takes at the width and language
        self._wrapped_for: tuple[int, str] | None = None  # ... of _heights (None: not laid out yet, one row each)
        self._starts: list[int] | None = None  # the first row of each event (None: to be summed again)
        # Whether the log follows the newest event: given up when the user scrolls up, taken again at the end.
        # Kept, not read off the position when events come: a hidden log has no height to be at the end of,
        # and a second batch before the first one's scroll has been made would read as "scrolled up".
        self.following = True

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if new_value >= self.max_scroll_y:
            self.following = True
        elif new_value < old_value:
            self.following = False

    def on_resize(self) -> None:
        self.rewrap()
        if self.following:  # shown again (a tab, the log's room): at the newest event, not where it stood
            self.scroll_end(animate=False, immediate=False, x_axis=False)

    @property
    def lines(self) -> list[Text]:
        """Every kept event as the text the log shows for it (unwrapped)."""
        lang = self.app.lang  # type: ignore[attr-defined]
        return [event_text(e, lang) for e in self.events]

    def _wrap_width(self) -> int:
        # The column of the scroll bar kept free whether or not it shows: wrapped to the width left when it does,
        # the rows could make the bar come and go.
        return self.size.width - self.styles.scrollbar_size_vertical

    def _height(self, event: WorldEvent, width: int, lang: str) -> int:
        if width <= 0:
            return 1
        time = tr("log.time", lang, t=f"{event.t_s:7.2f}")
        if cell_len(words.event_text(event, lang)) + cell_len(time) <= width:
            return 1  # most events: no wrapping to work out
        return len(event_rows(event, lang, width, self.app.console))

    def rewrap(self) -> None:
        """Work out every event's rows again if the width or the language changed."""
        width, lang = self._wrap_width(), self.app.lang  # type: ignore[attr-defined]
        if (width, lang) == self._wrapped_for or width <= 0:
            return
        self._wrapped_for = (width, lang)
        self._heights = deque((self._height(e, width, lang) for e in self.events), maxlen=MAX_EVENTS)
        self._sized()
        if self.following:  # more rows or fewer (another language): still at the newest
            self.scroll_end(animate=False, immediate=False, x_axis=False)

    def _sized(self) -> None:
        self._starts = None
        self.virtual_size = Size(0, sum(self._heights))  # lines are wrapped to the width: no sideways scrolling
        self.refresh()

    def add_events(self, new: Iterable[WorldEvent]) -> int:
        """Append events; returns how many were kept."""
        following = self.following
        kept = [event for event in new if event.kind != "added"]
        if kept:
            width, lang = self._wrapped_for or (0, "")
            for event in kept[-MAX_EVENTS:]:  # (a batch of thousands keeps its last; only those are measured)
                self.events.append(event)
                self._heights.append(self._height(event, width, lang))
            self._sized()
            if following:
                self.scroll_end(animate=False, immediate=False, x_axis=False)
        return len(kept)

    def clear(self) -> None:
        """Forget every event (after a restart or a jump back in time)."""
        self.events.clear()
        self._heights.clear()
        self._sized()
        self.scroll_to(y=0, animate=False)
        self.following = True

    def render_line(self, y: int) -> Strip:
        row = int(self.scroll_offset.y) + y
        width = self.paint_width
        base = self.base_style
        if self._starts is None:
            self._starts = list(accumulate(self._heights, initial=0))
        index = bisect_right(self._starts, row) - 1
        if not 0 <= index < len(self.events):
            return Strip.blank(width, base)
        event, lang = self.events[index], self.app.lang  # type: ignore[attr-defined]
        rows = event_rows(event, lang, self._wrap_width(), self.app.console) if self._heights[index] > 1 else None
        text = rows[min(row - self._starts[index], len(rows) - 1)] if rows else event_text(event, lang)
        text.truncate(width, overflow="ellipsis")
        return text_strip(text, width, base, self.app.console)
