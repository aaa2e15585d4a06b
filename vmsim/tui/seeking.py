"""The dashboard's rewind (the ``,`` key): a small state is rewound at once; a large one on a worker thread, with
a notice on screen, while every key that would change the session waits (a rewind never freezes the dashboard).

A rewind restores the session's nearest checkpoint and replays the commands given since (see
:mod:`vmsim.session.checkpoints`); the worker makes the earlier simulation without touching what is shown, and the
UI thread shows it when it is ready.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import App

from vmsim.session import SEEK_STEP_S
from vmsim.text import tr

if TYPE_CHECKING:
    from vmsim.session import Session, WorldEvent
    from vmsim.session.session import Replayed

# From this many instances (all worlds together) a rewind runs on a worker thread: restoring a checkpoint costs
# about 5 µs per instance, so below it a rewind is over before a frame (1/12 s) would be late.
THREAD_FROM_INSTANCES = 3000


class Seeking(App[None]):
    """Mixin for the app: rewinding, on the UI thread or off it."""

    session: Session
    lang: str
    seeking = False  # a rewind is being made on a worker thread
    _log_reset: bool

    if TYPE_CHECKING:

        def refresh_view(self, events: list[WorldEvent], charts: bool = False) -> None: ...

    def action_rewind(self) -> None:
        """While paused: back 10 s, from the nearest checkpoint."""
        if self.seeking:
            return
        session = self.session
        target = max(0.0, session.now - SEEK_STEP_S)
        instances = sum(len(w.instances) for w in session.snapshot().worlds)
        if target >= session.now or instances < THREAD_FROM_INSTANCES:
            session.back(SEEK_STEP_S)
            self._show_rewound()
            return
        self.seeking = True
        self.refresh_bindings()
        self.notify(tr("note.seeking", self.lang, seconds=f"{target:,.1f}"), timeout=60)
        self._seek_worker(target)

    @work(thread=True, exclusive=True, group="seek")
    def _seek_worker(self, target: float) -> None:
        self.call_from_thread(self._seek_done, self.session.replay_to(target))

    def _seek_done(self, replayed: Replayed) -> None:
        self.session.adopt(replayed)
        self.seeking = False
        self.clear_notifications()
        self.refresh_bindings()
        self._show_rewound()

    def _show_rewound(self) -> None:
        self._log_reset = True  # the log shows the past of the moment now shown
        self.refresh_view([], charts=True)
