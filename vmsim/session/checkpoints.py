"""Checkpoints of a session's simulation, so that showing an earlier moment costs the events since the nearest
checkpoint, not a replay from t = 0.

A checkpoint is the simulation's pickled state at a settled moment (:meth:`Simulation.checkpoint`) with the number
of user commands that state has seen. One is taken whenever the engine has run ``every`` actions since the last
(at least ``MIN_ACTIONS``, more as the state grows, so taking them stays a small part of running); the memory they
hold is bounded by ``budget_bytes``: over it, the checkpoint whose loss leaves the smallest gap goes (never the
first, nor the newest few), so they thin out evenly over the past.
"""

from __future__ import annotations

from typing import NamedTuple

from vmsim.engine.simulation import SimCheckpoint, Simulation

MIN_ACTIONS = 20_000  # clock actions between two checkpoints, at least
ACTIONS_PER_INSTANCE = 4  # ... and at least this many per instance the state holds (pickling grows with it)
BUDGET_BYTES = 192 * 2**20  # the memory all of a session's checkpoints may hold
QUIET_SHARE = 8  # a quiet moment is worth a checkpoint after a QUIET_SHARE-th of the actions between two
KEEP_NEWEST = 4  # thinning never drops the newest few (the usual rewind goes a little way back)


class Entry(NamedTuple):
    """A checkpoint and how many of the session's user commands its state has seen."""

    commands: int
    state: SimCheckpoint

    @property
    def t_s(self) -> float:
        """The moment it holds."""
        return self.state.t_s


class Checkpoints:
    """A session's checkpoints, oldest first. Invariant: every entry is a state of the current command list (an
    entry whose future was rewritten is dropped by :meth:`forget_after`)."""

    def __init__(self, budget_bytes: int = BUDGET_BYTES, enabled: bool = True) -> None:
        self.enabled = enabled  # False: none are taken (a run that never goes back)
        self.entries: list[Entry] = []
        self.budget_bytes = budget_bytes
        self.bytes = 0

    def due(self, sim: Simulation) -> tuple[int, int]:
        """Actions ``sim`` may run before the next checkpoint is due (0: take one now), and after how many a quiet
        moment (nothing due for a while) is worth one: a rewind into the quiet stretch then replays nothing."""
        instances = sum(len(w.instances) for w in sim.worlds.values())
        every = max(MIN_ACTIONS, ACTIONS_PER_INSTANCE * instances)
        since = self._since(sim)
        return max(0, every - since), max(1, every // QUIET_SHARE - since)

    def _since(self, sim: Simulation) -> int:
        last = self._last_before(sim.now)
        return sim.actions - (last.state.actions if last is not None else 0)

    def take(self, sim: Simulation, commands: int) -> None:
        """Keep ``sim``'s state now (which has seen ``commands`` user commands), unless one of this moment is kept."""
        t = sim.now
        if any(e.t_s == t and e.commands == commands for e in self.entries):
            return
        entry = Entry(commands, sim.checkpoint())
        self.entries.append(entry)
        self.entries.sort(key=_order)
        self.bytes += entry.state.size_bytes
        while self.bytes > self.budget_bytes and len(self.entries) > KEEP_NEWEST + 1:
            self._drop_one()

    def best(self, t_s: float, commands: int) -> Entry | None:
        """The latest checkpoint at or before ``t_s`` that has seen at most ``commands`` commands, or None."""
        found = None
        for e in self.entries:
            if e.t_s <= t_s and e.commands <= commands:
                found = e
        return found

    def forget_after(self, t_s: float, commands: int) -> None:
        """Drop every checkpoint later than ``t_s`` or past the first ``commands`` commands (a new future)."""
        keep = [e for e in self.entries if e.t_s <= t_s and e.commands <= commands]
        if len(keep) != len(self.entries):
            self.entries = keep
            self.bytes = sum(e.state.size_bytes for e in keep)

    def clear(self) -> None:
        """Drop them all (the worlds shown changed)."""
        self.entries = []
        self.bytes = 0

    def _last_before(self, t_s: float) -> Entry | None:
        return self.best(t_s, 1 << 62)

    def _drop_one(self) -> None:
        e = self.entries
        candidates = range(1, len(e) - KEEP_NEWEST)
        i = min(candidates, key=lambda k: e[k + 1].t_s - e[k - 1].t_s)
        self.bytes -= e[i].state.size_bytes
        del e[i]


def _order(entry: Entry) -> tuple[float, int]:
    return entry.t_s, entry.commands
