"""The event log: what happened, when, in which world."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

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


class EventLog(StylePerPaint, ScrollView, can_focus=True):
    """A bounded log of events, newest at the bottom; 'added' events are left out to keep the interesting ones
    in view.

    It keeps the events, not their text: only the rows on screen are drawn, in the dashboard's language of the
    moment, so switching language rewrites the whole log. It follows the newest event unless the user has
    scrolled up to read an older one.
    """

    DEFAULT_CSS = """
    EventLog { background: transparent; overflow-x: hidden; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.events: deque[WorldEvent] = deque(maxlen=MAX_EVENTS)
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
        if self.following:  # shown again (a tab, the log's room): at the newest event, not where it stood
            self.scroll_end(animate=False, immediate=False, x_axis=False)

    @property
    def lines(self) -> list[Text]:
        """Every kept event as the text the log shows for it."""
        lang = self.app.lang  # type: ignore[attr-defined]
        return [event_text(e, lang) for e in self.events]

    def add_events(self, new: Iterable[WorldEvent]) -> int:
        """Append events; returns how many were kept."""
        following = self.following
        n = 0
        for event in new:
            if event.kind != "added":
                self.events.append(event)
                n += 1
        if n:
            self.virtual_size = Size(0, len(self.events))  # lines are cut to the width: no sideways scrolling
            if following:
                self.scroll_end(animate=False, immediate=False, x_axis=False)
            self.refresh()
        return n

    def clear(self) -> None:
        """Forget every event (after a restart or a jump back in time)."""
        self.events.clear()
        self.virtual_size = Size(0, 0)
        self.scroll_to(y=0, animate=False)
        self.following = True
        self.refresh()

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_offset.y) + y
        width = self.paint_width
        base = self.base_style
        if not 0 <= index < len(self.events):
            return Strip.blank(width, base)
        text = event_text(self.events[index], self.app.lang)  # type: ignore[attr-defined]
        text.truncate(width, overflow="ellipsis")
        return text_strip(text, width, base, self.app.console)
