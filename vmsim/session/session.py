"""A session: a scenario being watched, the commands a user gave, and the past replayable on demand.

The engine is deterministic, so the past needs no recording: to show time ``t`` again, a fresh
simulation of the same scenario and seed is run to ``t`` with the user's commands replayed at the
moments they were given. A command given after moving back in time replaces the commands that had
followed that moment (as an edit after undo does).
"""

from __future__ import annotations

from vmsim.engine.events import WorldEvent
from vmsim.engine.kinds import WORLD_KINDS
from vmsim.engine.simulation import Command, Simulation
from vmsim.engine.snapshot import SimulationSnapshot
from vmsim.scenarios.build import build_simulation
from vmsim.scenarios.spec import ScenarioSpec


class Session:
    """One scenario, one seed, the user's commands; owns the Simulation it drives."""

    def __init__(
        self,
        spec: ScenarioSpec,
        seed: int | None = None,
        worlds: tuple[str, ...] | None = None,
        play_lesson: bool = False,
    ) -> None:
        self.spec = spec
        self.seed = spec.seed if seed is None else seed
        # Headless runs play a lesson's actions as timed events (no teacher presses a key between steps).
        self.play_lesson = play_lesson
        self.worlds = tuple(k for k in WORLD_KINDS if k in (worlds or spec.worlds))
        self.user_commands: list[Command] = []
        self.high_water_s = 0.0
        self.sim = self._fresh()

    def _fresh(self) -> Simulation:
        sim = build_simulation(self.spec._replace(worlds=self.worlds), seed=self.seed, play_lesson=self.play_lesson)
        # Settle t = 0 first, so the scenario's own t = 0 events come before anything the user does.
        sim.run_until(0.0)
        return sim

    @property
    def now(self) -> float:
        """Simulated seconds."""
        return self.sim.now

    # ------------------------------------------------------------------ commands
    def _log(self, verb: str, args: tuple[object, ...]) -> None:
        now = self.sim.now
        # Moving back and then acting starts a new future: the old one's later commands are dropped.
        self.user_commands = [c for c in self.user_commands if c.t_s <= now]
        self.user_commands.append(Command(now, verb, args))
        self.high_water_s = now

    def add_workload(self, app: str, count: int = 1) -> list[str]:
        """Add ``count`` of ``app`` to every world now."""
        ids = self.sim.add_workload(app, count)
        self._log("add_workload", (app, count))
        return ids

    def remove_instance(self, instance_id: str) -> bool:
        """Remove one instance (in every world) now."""
        removed = self.sim.remove_instance(instance_id)
        if removed:
            self._log("remove_instance", (instance_id,))
        return removed

    def remove_app(self, app: str) -> int:
        """Remove every live instance of ``app`` now."""
        n = self.sim.remove_app(app)
        self._log("remove_app", (app,))
        return n

    def grow_app(self, app: str, memory_mib: float) -> int:
        """Every running ``app`` takes ``memory_mib`` more now."""
        n = self.sim.grow_app(app, memory_mib)
        self._log("grow_app", (app, memory_mib))
        return n

    # ------------------------------------------------------------------ time
    def advance(self, dt: float) -> list[WorldEvent]:
        """Run forward ``dt`` simulated seconds; returns the events that fired."""
        events = self.sim.advance(dt)
        self.high_water_s = max(self.high_water_s, self.sim.now)
        return events

    def run_until(self, t_s: float) -> list[WorldEvent]:
        """Run forward to exactly ``t_s`` (a headless run to its end); a moment already past is shown by ``seek``."""
        if t_s < self.sim.now:
            return self.seek(t_s)
        events = self.sim.run_until(t_s)
        self.high_water_s = max(self.high_water_s, self.sim.now)
        return events

    def snapshot(self, include_events: bool = True) -> SimulationSnapshot:
        """The simulation now, as an immutable snapshot."""
        return self.sim.snapshot(include_events)

    def step(self) -> list[WorldEvent]:
        """Run to the next moment something happens (or 0.1 s when nothing is scheduled)."""
        nxt = self.sim.next_event_s()
        target = self.sim.now + 0.1 if nxt is None else max(nxt, self.sim.now)
        return self.advance(target - self.sim.now)

    def seek(self, t_s: float) -> list[WorldEvent]:
        """Show the simulation at ``t_s`` (clamped at 0): earlier by replaying, later by running."""
        t_s = max(0.0, t_s)
        if t_s < self.sim.now:
            high = self.high_water_s
            self.sim = self._replay(t_s)
            self.high_water_s = high
            return []
        return self.advance(t_s - self.sim.now)

    def _replay(self, t_s: float) -> Simulation:
        sim = self._fresh()
        for cmd in self.user_commands:
            sim.at(cmd.t_s, cmd.verb, *cmd.args)
        sim.run_until(t_s)
        return sim

    def restore(self, t_s: float, commands: int) -> None:
        """Back to ``t_s`` with only the first ``commands`` user commands (a command given at ``t_s``
        itself is undone too, which ``seek`` alone cannot tell apart)."""
        high = self.high_water_s
        self.user_commands = self.user_commands[:commands]
        self.sim = self._replay(max(0.0, t_s))
        self.high_water_s = high

    def restart(self) -> None:
        """Back to t = 0 with no user commands."""
        self.user_commands = []
        self.high_water_s = 0.0
        self.sim = self._fresh()

    def set_worlds(self, worlds: tuple[str, ...]) -> None:
        """Show a different set of worlds, at the same moment with the same commands."""
        now = self.sim.now
        self.worlds = tuple(k for k in WORLD_KINDS if k in worlds)
        self.sim = self._replay(now)
