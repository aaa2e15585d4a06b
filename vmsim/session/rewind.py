"""Rewinding a session: the simulation at an earlier moment, from the nearest checkpoint, and the next rewind made
in advance.

A rewind restores the latest checkpoint at or before the moment asked for (else a fresh simulation) and replays the
user's commands from there (see :mod:`vmsim.session.checkpoints`). At 10,000 instances per world restoring is most
of its cost (~0.15 s of CPU), so while the dashboard is paused the rewind its ``,`` key would ask for next is made
beforehand (:class:`Ahead`, on a worker thread) and a press then only swaps it in. It is made from the command list
the session had then and used only while the session's commands up to its moment are still those, so it is
exactly what a rewind made on the spot would give.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Sequence
from typing import NamedTuple

from vmsim.engine.events import WorldEvent
from vmsim.engine.simulation import Command, Simulation
from vmsim.session.checkpoints import Checkpoints

# Runs a simulation that has seen ``commands`` user commands to ``t_s`` (taking checkpoints as they fall due, or not).
Runner = Callable[[Simulation, float, int], list[WorldEvent]]


class Replayed(NamedTuple):
    """A simulation made by replaying, and how many of the session's user commands it has been given."""

    sim: Simulation
    seen: int


class Ahead(NamedTuple):
    """A rewind made before it was asked for: the simulation at ``t_s`` with ``worlds`` shown, given ``given``."""

    t_s: float
    given: tuple[Command, ...]  # the user commands it has been given (those up to t_s when it was made)
    worlds: tuple[str, ...]
    replayed: Replayed

    def fits(self, t_s: float, commands: Sequence[Command], worlds: tuple[str, ...]) -> bool:
        """Whether it is the rewind to ``t_s`` a session with these commands and worlds would make now: the same
        commands up to ``t_s`` (a command given later, at the moment shown, leaves it as it was)."""
        seen = len(self.given)
        return (
            self.t_s == t_s
            and self.worlds == worlds
            and tuple(commands[:seen]) == self.given
            and (len(commands) == seen or commands[seen].t_s > t_s)
        )


def run_plain(sim: Simulation, t_s: float, commands: int) -> list[WorldEvent]:
    """A :data:`Runner` that takes no checkpoints (a rewind made in advance must not touch the session's)."""
    return sim.run_until(t_s)


def play(
    sim: Simulation, commands: Sequence[Command], seen: int, t_s: float, run: Runner
) -> tuple[int, list[WorldEvent]]:
    """Run ``sim`` (which has seen the first ``seen`` of ``commands``) to ``t_s``, giving it the commands of that
    stretch each after what was due at its moment; returns how many it has seen then, and the events."""
    events: list[WorldEvent] = []
    for cmd in commands[seen:]:
        if cmd.t_s > t_s:
            break
        events += run(sim, cmd.t_s, seen)
        getattr(sim, cmd.verb)(*cmd.args)
        seen += 1
    events += run(sim, t_s, seen)
    return seen, events


def replay(
    book: Checkpoints, commands: Sequence[Command], t_s: float, fresh: Callable[[], Simulation], run: Runner
) -> Replayed:
    """The simulation at ``t_s``: from the latest checkpoint at or before it (else ``fresh()``), ``commands``
    replayed."""
    entry = book.best(t_s, len(commands))
    if entry is None:
        sim, seen = fresh(), 0
    else:
        sim, seen = Simulation.restore(entry.state), entry.commands
    seen, _ = play(sim, commands, seen, t_s, run)
    return Replayed(sim, seen)


def ready_to_show(made: Replayed, collect: bool = False) -> Replayed:
    """``made`` with its instances' snapshots cached, where it is made (a worker thread) rather than in the first
    repaint after it is shown; with ``collect``, the garbage collected there too: restoring a large state makes enough
    objects for the next collection to be a full one (~0.5 s at 10,000 instances per world), which then runs here,
    before the rewind is asked for, not in a repaint after it."""
    made.sim.snapshot(include_events=False)
    if collect:
        gc.collect()
    return made
