"""Keys one at a time, in the order they were typed, each on the screen that is up when its turn comes.

Textual sends every key to the focused widget as it arrives, and a key that no widget takes reaches the app's
bindings only after it has passed up through the widget's parents. Keys typed in one burst (a paste into the
terminal, a macro, a fast typist) were all sent before the first had acted: ``a`` Tab ``5`` ``0`` Enter opened
the add dialog, but Tab, the digits and Enter had gone to the dashboard's list, reached the dialog's bindings
with no field focused, and the dialog added 1, not 50. Here a key waits until the one before it is done (taken
by a widget, or through the app's bindings), and while the dashboard or a dialog is still being built (a key
must find what it acts on): then it is handled as the app handles a key.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any, cast

from textual import events

if TYPE_CHECKING:
    from textual.app import App
    from textual.message_pump import MessagePump


GATE_TIMEOUT_S = 0.5  # the longest a key waits for the one before it


class KeyGate:
    """Mixin for the app, before ``App`` in its bases. ``open_gate`` once the dashboard is up; a screen with a
    ``ready`` attribute (the dialogs) holds keys until it is True, then calls ``open_gate`` again."""

    _gate_open = False  # False until the dashboard's widgets exist and have shown the first snapshot
    _gate_busy: events.Key | None = None  # the key being handled
    _gate_waiting: list[events.Key]

    @property
    def dashboard_ready(self) -> bool:
        """True once the dashboard's widgets exist and have shown the first snapshot (and the keys typed before
        then have been handled)."""
        return self._gate_open and not getattr(self, "_gate_waiting", None)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            if not event.is_forwarded:  # from the terminal: it waits its turn
                self.__dict__.setdefault("_gate_waiting", []).append(event)
                self._gate_next()
                return
            if event is self._gate_busy:  # it came up through the widgets: the app's bindings now
                await super().on_event(event)  # type: ignore[misc]
                self._gate_done(event)
                return
        await super().on_event(event)  # type: ignore[misc]

    def open_gate(self) -> None:
        """The dashboard (or a dialog) can take keys now: handle those that waited, in order."""
        self._gate_open = True
        self._gate_next()

    def _gate_next(self) -> None:
        waiting = getattr(self, "_gate_waiting", None)
        if not waiting or self._gate_busy is not None or not self._gate_open:
            return
        app = cast("App[Any]", self)
        if app.screen_stack and getattr(app.screen_stack[-1], "ready", True) is False:
            return  # a dialog being built: it opens the gate when it can take keys
        event = waiting.pop(0)
        self._gate_busy = event
        app.call_later(self._gate_start, event)  # in the app's own queue: no key already there overtakes it

    async def _gate_start(self, event: events.Key) -> None:
        app = cast("App[Any]", self)
        target = app.focused or app.screen  # where the app sends it (unless a priority binding takes it)
        await super().on_event(event)  # type: ignore[misc]
        if not event.is_forwarded or not target.call_later(self._gate_follow, target, event):
            self._gate_done(event)  # taken by a priority binding, or its widget has gone
            return
        # A widget removed with the key still in its queue (a world's column, as m swaps the worlds) never
        # handles it: the next key goes anyway, a moment later, rather than every key after it waiting for good.
        app.set_timer(GATE_TIMEOUT_S, partial(self._gate_done, event))

    def _gate_follow(self, node: MessagePump, event: events.Key) -> None:
        """``node`` has handled ``event``: done if it stopped there, else follow it to the parent it went to."""
        if event is not self._gate_busy:
            return
        parent = node._parent
        # A key stopped below the screen goes no further; the screen passes every key up to the app (stopped
        # there, as Textual marks a key the app sent). At the app, on_event above has seen it first: done.
        stopped = event._stop_propagation and parent is not self
        if stopped or parent is None or not parent.call_later(self._gate_follow, parent, event):
            self._gate_done(event)

    def _gate_done(self, event: events.Key) -> None:
        if event is self._gate_busy:
            self._gate_busy = None
            self._gate_next()
