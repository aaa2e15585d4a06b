"""The dashboard's rewind (the ``,`` key): a small state is rewound at once; a large one on a worker thread, with
a notice on screen, while every key that would change the session waits (a rewind never freezes the dashboard).

A rewind restores the session's nearest checkpoint and replays the commands given since (see
:mod:`vmsim.session.rewind`); the worker makes the earlier simulation without touching what is shown, and the
UI thread shows it when it is ready. While paused at a large state, the rewind the key would ask for is made in
advance on a worker thread (starting a moment after the pause or after each rewind, so the moment shown is painted
first), and the key usually only swaps it in; pressed while that is being made, the key waits for it rather than
making it a second time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import App
from textual.timer import Timer

from vmsim.session import SEEK_STEP_S
from vmsim.text import tr

if TYPE_CHECKING:
    from vmsim.session import Session, SimulationSnapshot, WorldEvent
    from vmsim.session.rewind import Replayed

# From this many instances (all worlds together) a rewind runs on a worker thread, and while paused the next one is
# made in advance: restoring a checkpoint costs about 6 µs of CPU per instance with the collection it brings on, so
# below it a rewind is over before a frame (1/12 s) would be late.
THREAD_FROM_INSTANCES = 3000
PREPARE_AFTER_S = 0.4  # how long after pausing or a rewind the next rewind starts being made in advance


class Seeking(App[None]):
    """Mixin for the app: rewinding, on the UI thread or off it."""

    session: Session
    lang: str
    seeking = False  # a rewind is being made on a worker thread
    _preparing = False  # the next rewind is being made in advance on a worker thread (or is about to be)
    _prepared_for: tuple[float, object] | None = None  # the moment and command list the last one was made for
    _rewind_when_prepared = False  # the rewind key was pressed meanwhile: show it when it is made
    _prepare_timer: Timer | None = None  # set while the next rewind is about to be made in advance
    snapshot: SimulationSnapshot
    _log_reset: bool

    def note_new_future(self) -> None:
        """Called on each refresh: a command given at a rewound moment dropped what came after it (outside a
        lesson, which keeps its own history); say so once, with the moments it spans."""
        session = self.session
        dropped, session.dropped_future = session.dropped_future, None  # (told once)
        if dropped is not None and session.lesson is None:
            at, until = dropped
            self.notify(tr("note.new_future", self.lang, at=f"{at:.2f}", until=f"{until:.2f}"), timeout=5)

    if TYPE_CHECKING:

        def refresh_view(self, events: list[WorldEvent], charts: bool = False) -> None: ...

    def action_rewind(self) -> None:
        """While paused: back 10 s, from the nearest checkpoint (or the rewind made in advance)."""
        if self.seeking:
            return
        session = self.session
        target = max(0.0, session.now - SEEK_STEP_S)
        if target >= session.now or session.back_ready(SEEK_STEP_S) or not self._large():
            session.back(SEEK_STEP_S)
            self._show_rewound()
            return
        self.seeking = True
        self.refresh_bindings()
        self.notify(tr("note.seeking", self.lang, seconds=f"{target:,.1f}"), timeout=60)
        if self._prepare_timer is not None:  # about to be made in advance: made on the key instead
            self._prepare_timer.stop()
            self._prepare_timer, self._preparing = None, False
        if self._preparing:
            self._rewind_when_prepared = True  # the rewind being made in advance is most likely this one
        else:
            self._seek_worker(target)

    def _large(self) -> bool:
        return sum(len(w.instances) for w in self.snapshot.worlds) >= THREAD_FROM_INSTANCES

    def keep_rewind_ready(self) -> None:
        """While paused at a large state, make the next rewind in advance on a worker thread (one at a time)."""
        session = self.session
        if self._preparing or self.seeking or not session.paused or session.now <= 0 or not self._large():
            return
        last = self._prepared_for  # made once per moment and command list (compared by identity)
        if last is not None and last[0] == session.now and last[1] is session.user_commands:
            return
        if not session.back_ready(SEEK_STEP_S):
            # Not at once: first the moment just shown is painted, and a quick next key is not kept waiting by a
            # garbage collection on the worker (it holds the interpreter).
            self._preparing = True
            self._prepare_timer = self.set_timer(PREPARE_AFTER_S, self._start_preparing)

    def _start_preparing(self) -> None:
        self._prepare_timer = None
        session = self.session
        if self.seeking or not session.paused or session.back_ready(SEEK_STEP_S):
            self._preparing = False
            return
        self._prepare_worker()

    @work(thread=True, group="rewind-ahead", exit_on_error=False)  # only ever saves time: the key makes it anyway
    def _prepare_worker(self) -> None:
        session = self.session
        moment = (session.now, session.user_commands)
        try:
            session.prepare_back(SEEK_STEP_S)
        finally:
            self.call_from_thread(self._prepared, moment)

    def _prepared(self, moment: tuple[float, object]) -> None:
        self._preparing, self._prepared_for = False, moment
        if not self.session.paused:
            self.session.resume()  # drops a rewind made for a pause that has ended (it would only hold memory)
        if self._rewind_when_prepared:
            self._rewind_when_prepared = False
            if not self.session.back_ready(SEEK_STEP_S):  # made for a moment no longer asked for
                self._seek_worker(max(0.0, self.session.now - SEEK_STEP_S))
                return
            self.session.back(SEEK_STEP_S)
            self._seek_finished()
            return
        self.keep_rewind_ready()  # the moment shown may have changed meanwhile

    @work(thread=True, exclusive=True, group="seek")
    def _seek_worker(self, target: float) -> None:
        self.call_from_thread(self._seek_done, self.session.replay_to(target))

    def _seek_done(self, replayed: Replayed) -> None:
        self.session.adopt(replayed)
        self._seek_finished()

    def _seek_finished(self) -> None:
        self.seeking = False
        self.clear_notifications()
        self.refresh_bindings()
        self._show_rewound()

    def _show_rewound(self) -> None:
        self._log_reset = True  # the log shows the past of the moment now shown
        self.refresh_view([], charts=True)
