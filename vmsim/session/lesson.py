"""A lesson walked step by step over a Session: narration, predict-then-reveal, actions, going back, a summary.

A lesson opens on its first step, paused. A step with a question first shows the question alone (its action
waits, time stands still); the next press reveals: the action runs, and the answer appears once the step's
``watch_s`` of simulated time has run. While any step is watched, a press first runs time on to the end of its
watching. After the last step comes the summary step (``index == len(steps)``), where the class sees the run's
figures side by side. Going back returns the simulation to the moment the earlier step was shown, by the
Session's replay of the deterministic past. ``Session.lesson_goto`` opens any step as if the steps before it
had been taught.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from vmsim.scenarios.spec import LessonStep

if TYPE_CHECKING:
    from vmsim.session.session import Session


@dataclass(frozen=True)
class LessonState:
    """Where a lesson is: which step (``len(steps)`` is the summary), and whether its question is answered."""

    index: int
    revealed: bool
    t_s: float
    worlds: tuple[str, ...]
    commands: int  # how many user commands the session had when this state was shown
    watch_until: float | None = None  # a revealed step is watched until then (its explanation waits for it)


class LessonRunner:
    """Steps through a lesson on a session. Invariant: ``history`` holds every state shown so far, in order,
    and is never empty once started."""

    def __init__(self, steps: tuple[LessonStep, ...]) -> None:
        self.steps = steps
        self.history: list[LessonState] = []

    @property
    def total(self) -> int:
        """How many steps the class sees: the authored ones and the summary."""
        return len(self.steps) + 1

    def start(self, session: Session) -> None:
        """Begin (or begin again) on the first step, its question unanswered."""
        self.history = [LessonState(-1, True, session.now, session.worlds, len(session.user_commands))]
        self.forward(session)
        del self.history[0]

    @property
    def state(self) -> LessonState:
        """The state shown now."""
        return self.history[-1]

    @property
    def step(self) -> LessonStep | None:
        """The authored step shown now (None on the summary)."""
        i = self.state.index
        return self.steps[i] if 0 <= i < len(self.steps) else None

    @property
    def subject(self) -> tuple[str | None, str | None] | None:
        """(instance, host) the step shown now is about: the instance its fault hits, else the host its fault or
        deploy names first; None when it names neither (or on the summary)."""
        for action in self.step.actions if self.step is not None else ():
            if action.verb == "fault":
                _kind, host, instance = action.args[:3]
                if instance or host:
                    return (str(instance), None) if instance else (None, str(host))
            elif action.verb == "deploy" and action.args[3]:
                hosts = action.args[3]
                assert isinstance(hosts, tuple)
                return None, str(hosts[0])
        return None

    @property
    def number(self) -> int:
        """The step shown now, counted from 1 (``total`` on the summary)."""
        return self.state.index + 1

    @property
    def asking(self) -> bool:
        """True while a step's question is shown and its answer not yet revealed."""
        return self.step is not None and not self.state.revealed

    @property
    def at_summary(self) -> bool:
        """True on the summary step that ends the lesson."""
        return self.state.index >= len(self.steps)

    def watch_end(self, now: float) -> float | None:
        """While a revealed step is still being watched (its ``watch_s`` of simulated time since its action, in a
        step that lets time run), the moment the watching ends; else None. Until then the step's explanation
        waits (it tells what the class is watching happen), and → first runs time on to that moment."""
        until = self.state.watch_until if self.history else None
        return until if until is not None and now < until - 1e-9 else None

    def question_shown(self, now: float) -> bool:
        """True while a step's question is on screen: waiting for its answer, or for the class to watch it happen
        (what would answer it stays off the screen until then)."""
        step = self.step
        return self.asking or (step is not None and bool(step.ask) and self.watch_end(now) is not None)

    @property
    def finished(self) -> bool:
        """True on the summary step (nothing comes after it)."""
        return self.at_summary

    def forward(self, session: Session) -> LessonStep | None:
        """Reveal the current step's answer, or move to the next step. Returns the step now shown."""
        state = self.state
        if self.finished:
            return None
        if state.index >= 0 and not state.revealed:
            self._run(session, self.steps[state.index])
            self._push(session, state.index, True, self.steps[state.index])
            return self.step
        index = state.index + 1
        if index >= len(self.steps):
            self._push(session, index, True)
            return None
        step = self.steps[index]
        if step.ask:
            self._push(session, index, False)
        else:
            self._run(session, step)
            self._push(session, index, True, step)
        return self.step

    def back(self, session: Session) -> LessonStep | None:
        """Return to the state shown before this one, and the simulation to that moment."""
        if len(self.history) <= 1:
            return None
        self.history.pop()
        state = self.state
        session.worlds = state.worlds
        # A step whose answer was watched comes back as it stood once the watching ended (its explanation up, as
        # when → moved on), not at the instant its action ran: there its question was up again beside the answer.
        until = state.t_s if state.watch_until is None else max(state.t_s, state.watch_until)
        session.restore(until, state.commands)
        return self.step

    def _push(self, session: Session, index: int, revealed: bool, watched: LessonStep | None = None) -> None:
        until = None
        if watched is not None and watched.watch_s > 0 and watched.pause is not True:
            until = session.now + watched.watch_s
        self.history.append(
            LessonState(index, revealed, session.now, session.worlds, len(session.user_commands), until)
        )

    @staticmethod
    def _run(session: Session, step: LessonStep) -> None:
        if step.worlds:
            session.set_worlds(step.worlds)
        for action in step.actions:
            if action.verb == "add_workload":
                session.add_workload(*action.args)  # type: ignore[arg-type]
            elif action.verb == "remove_instance":
                session.remove_instance(*action.args)  # type: ignore[arg-type]
            elif action.verb == "remove_app":
                session.remove_app(*action.args)  # type: ignore[arg-type]
            elif action.verb == "grow_app":
                session.grow_app(*action.args)  # type: ignore[arg-type]
            elif action.verb == "fault":
                session.fault(*action.args)  # type: ignore[arg-type]
            elif action.verb == "deploy":
                session.deploy(*action.args)  # type: ignore[arg-type]
            else:  # a verb the scenario schema accepts must act here too
                raise ValueError(f"a lesson step cannot {action.verb!r}")
