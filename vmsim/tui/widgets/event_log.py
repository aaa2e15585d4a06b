"""The event log: what happened, when, in which world."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.widgets import RichLog

from vmsim.engine.events import WorldEvent

KIND_COLOURS = {
    "ready": "#009e73",
    "refused": "#d55e00",
    "failed": "#d55e00",
    "killed": "#d55e00",
    "warning": "#e69f00",
    "fetched": "#56b4e9",
    "stopped": "#9a9a9a",
    "added": "",
}


def event_text(event: WorldEvent, lang: str = "en") -> Text:
    """'t=  0.31 s  container nginx-1 ready in 0.31 s', coloured by kind (the words say it too)."""
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f"t={event.t_s:7.2f} s  ", style="dim")
    text.append(event.text(lang), style=KIND_COLOURS.get(event.kind, ""))
    return text


class EventLog(RichLog):
    """A bounded log of events; 'added' events are left out to keep the interesting ones in view."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(max_lines=1000, wrap=False, markup=False, highlight=False, **kwargs)  # type: ignore[arg-type]

    def add_events(self, events: Iterable[WorldEvent]) -> int:
        """Append events; returns how many were written."""
        n = 0
        for event in events:
            if event.kind == "added":
                continue
            self.write(event_text(event, self.app.lang))  # type: ignore[attr-defined]
            n += 1
        return n
