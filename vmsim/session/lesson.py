"""A lesson walked step by step over a Session: narration, predict-then-reveal, actions, and going back.

A step with a question first shows the question alone (its action waits); the next press reveals: the
action runs and the narration appears. Going back returns the simulation to the moment the earlier
step was shown, by the Session's replay of the deterministic past.
"""

from __future__ import annotations

from dataclasses import dataclass

from vmsim.scenarios.spec import LessonStep
from vmsim.session.session import Session


@dataclass(frozen=True)
class LessonState:
    """Where a lesson is: which step (-1 before the first), and whether its question has been answered."""

    index: int
    revealed: bool
    t_s: float
    worlds: tuple[str, ...]
    commands: int  # how many user commands the session had when this state was shown


class LessonRunner:
    """Steps through a lesson on a session. Invariant: ``history`` holds every state shown so far, in order."""

    def __init__(self, steps: tuple[LessonStep, ...]) -> None:
        self.steps = steps
        self.history: list[LessonState] = []

    def start(self, session: Session) -> None:
        """Begin (or begin again) before the first step."""
        self.history = [LessonState(-1, True, session.now, session.worlds, len(session.user_commands))]

    @property
    def state(self) -> LessonState:
        """The state shown now."""
        return self.history[-1]

    @property
    def step(self) -> LessonStep | None:
        """The step shown now (None before the first)."""
        i = self.state.index
        return self.steps[i] if 0 <= i < len(self.steps) else None

    @property
    def asking(self) -> bool:
        """True while a step's question is shown and its answer not yet revealed."""
        return self.step is not None and not self.state.revealed

    @property
    def finished(self) -> bool:
        """True at the last step, revealed."""
        return self.state.index == len(self.steps) - 1 and self.state.revealed

    def forward(self, session: Session) -> LessonStep | None:
        """Reveal the current step's answer, or move to the next step. Returns the step now shown."""
        state = self.state
        if self.finished:
            return self.step
        if state.index >= 0 and not state.revealed:
            self._run(session, self.steps[state.index])
            self.history.append(LessonState(state.index, True, session.now, session.worlds, len(session.user_commands)))
            return self.step
        index = state.index + 1
        step = self.steps[index]
        if step.ask:
            self.history.append(LessonState(index, False, session.now, session.worlds, len(session.user_commands)))
        else:
            self._run(session, step)
            self.history.append(LessonState(index, True, session.now, session.worlds, len(session.user_commands)))
        return self.step

    def back(self, session: Session) -> LessonStep | None:
        """Return to the state shown before this one, and the simulation to that moment."""
        if len(self.history) <= 1:
            return None
        self.history.pop()
        state = self.state
        session.worlds = state.worlds
        session.restore(state.t_s, state.commands)
        return self.step

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
