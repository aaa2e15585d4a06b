"""Keys (and pastes) one at a time, in the order they were typed, each on the screen that is up when its turn
comes.

Textual sends every key to the focused widget as it arrives, and a key that no widget takes reaches the app's
bindings only after it has passed up through the widget's parents. Keys typed in one burst (a macro, a fast
typist, keys and a paste) were all sent before the first had acted: ``a`` Tab ``5`` ``0`` Enter opened the add
dialog, but Tab, the digits and Enter had gone to the dashboard's list, reached the dialog's bindings with no
field focused, and the dialog added 1, not 50. Here a key waits until the one before it is done: taken by a
widget, or through the app's bindings, and then what it set going has been handled by the widget it went to and
every parent up to the app (Enter in a dialog's field submits, and the dialog closes, before the next key goes
anywhere). It also waits while the dashboard or a dialog is still being built (a key must find what it acts on).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, cast

from textual import events

if TYPE_CHECKING:
    from textual.app import App
    from textual.message_pump import MessagePump

GATE_TIMEOUT_S = 0.5  # the longest a key waits on the one before it while that one makes no progress

Gated = events.Key | events.Paste


class KeyGate:
    """Mixin for the app, before ``App`` in its bases. ``open_gate`` once the dashboard is up; a screen with a
    ``ready`` attribute (the dialogs) holds keys until it is True, then calls ``open_gate`` again."""

    _gate_open = False  # False until the dashboard's widgets exist and have shown the first snapshot
    _gate_busy: Gated | None = None  # the key (or paste) being handled
    _gate_moved = 0.0  # when it last made progress (monotonic seconds)
    _gate_target: MessagePump  # where the app sent it
    _gate_waiting: list[Gated]

    @property
    def dashboard_ready(self) -> bool:
        """True once the dashboard's widgets exist and have shown the first snapshot (and the keys typed before
        then have been handled)."""
        return self._gate_open and not getattr(self, "_gate_waiting", None)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.Paste) and not event.is_forwarded:
            self.__dict__.setdefault("_gate_waiting", []).append(event)  # from the terminal: it waits its turn
            self._gate_next()
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
        self._gate_step()
        app.call_later(self._gate_start, event)  # in the app's own queue: no key already there overtakes it
        app.set_timer(GATE_TIMEOUT_S, lambda: self._gate_stalled(event))

    def _gate_step(self) -> None:
        self._gate_moved = time.monotonic()

    def _gate_stalled(self, event: Gated) -> None:
        """A widget removed with the key still in its queue (a world's column, as m swaps the worlds) never
        handles it: after a while with no progress the next key goes anyway, rather than every key waiting."""
        if event is not self._gate_busy:
            return
        left = GATE_TIMEOUT_S - (time.monotonic() - self._gate_moved)
        if left > 0:  # still moving (a slow frame): wait on
            cast("App[Any]", self).set_timer(left, lambda: self._gate_stalled(event))
            return
        self._gate_done(event)

    async def _gate_start(self, event: Gated) -> None:
        app = cast("App[Any]", self)
        target = app.focused or app.screen  # where the app sends it (unless a priority binding takes it)
        self._gate_target = target
        await super().on_event(event)  # type: ignore[misc]
        # Followed up from where it went (taken by a priority binding: only what that set going is waited for).
        self._gate_walk(target, event, draining=not event.is_forwarded)

    def _gate_walk(self, node: MessagePump, event: Gated, draining: bool) -> None:
        """The walk's next step, run by ``node`` once it has handled what is already in its queue."""
        if not node.call_later(self._gate_walked, node, event, draining):
            self._gate_done(event)  # its widget has gone

    def _gate_walked(self, node: MessagePump, event: Gated, draining: bool) -> None:
        """Two walks from the widget the key went to up to the app. The first follows the key to where it stops: a
        widget that took it, or the app, whose bindings have then run (the screen passes every key up to the app,
        though Textual marks a key the app sent as stopped there). The second, once more from that widget, waits
        for what the key set going (an Input's Submitted, bubbling up to its dialog, which closes)."""
        if event is not self._gate_busy:
            return
        self._gate_step()
        parent = node._parent
        stopped = not draining and event._stop_propagation and parent is not self
        if parent is not None and not stopped:
            self._gate_walk(parent, event, draining)
        elif draining:
            self._gate_done(event)
        else:
            self._gate_walk(self._gate_target, event, draining=True)

    def _gate_done(self, event: Gated) -> None:
        if event is self._gate_busy:
            self._gate_busy = None
            self._gate_next()
