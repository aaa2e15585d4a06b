"""The Simulation: one host, up to three worlds fed the same workloads at the same moments."""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable
from typing import NamedTuple

from vmsim.engine.admission import FitResult
from vmsim.engine.catalog import App, Catalog, default_catalog
from vmsim.engine.clock import Clock
from vmsim.engine.events import WorldEvent
from vmsim.engine.kinds import DEFAULT_WORLDS, KINDS
from vmsim.engine.machines import Host, Settings
from vmsim.engine.metrics import Series
from vmsim.engine.snapshot import HostSnapshot, SimulationSnapshot
from vmsim.engine.world import World

SERIES_RESOLUTION_S = 0.05
SERIES_KINDS = ("memory_mib", "touched_mib", "disk_mib", "ready", "booting", "cpu_cores")


class UnknownAppError(ValueError):
    """An app name that is not in the catalog; the message suggests the closest one."""


class Command(NamedTuple):
    """A command as it was given, for replaying the same run exactly."""

    t_s: float
    verb: str
    args: tuple[object, ...]


class Simulation:
    """The one writer of simulated state. Commands schedule work and return plain values;
    ``advance`` runs the clock and returns the events that fired; ``snapshot`` observes."""

    def __init__(
        self,
        host: Host,
        worlds: Iterable[str] = DEFAULT_WORLDS,
        settings: Settings | None = None,
        seed: int = 0,
        scenario: str = "custom",
        catalog: Catalog | None = None,
    ) -> None:
        self.catalog = catalog or (settings.catalog if settings else default_catalog())
        self.settings = settings or Settings(self.catalog)
        self.host = host
        self.seed = seed
        self.scenario = scenario
        self.clock = Clock()
        self._pending: list[WorldEvent] = []
        kinds = [k for k in KINDS if k in set(worlds)]
        unknown = set(worlds) - set(KINDS)
        if unknown or not kinds:
            raise ValueError(f"worlds must be some of {', '.join(KINDS)}; got {sorted(unknown) or 'none'}")
        self.worlds: dict[str, World] = {
            k: World(k, host, self.settings, self.clock, seed, self._pending) for k in kinds
        }
        self._counters: dict[str, int] = {}
        self._seq = 0
        self.commands: list[Command] = []
        self.series: dict[str, Series] = {
            f"{kind}.{w}": Series(f"{kind}.{w}") for w in self.worlds for kind in SERIES_KINDS
        }
        self._record_series()

    # ------------------------------------------------------------------ commands
    @property
    def now(self) -> float:
        """Simulated seconds since the start."""
        return self.clock.now

    def app(self, name: str) -> App:
        """The catalog's app ``name``; UnknownAppError with a suggestion if there is none."""
        try:
            return self.catalog.apps[name]
        except KeyError:
            close = difflib.get_close_matches(name, list(self.catalog.apps), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise UnknownAppError(f"unknown app {name!r}{hint}; apps: {', '.join(self.catalog.apps)}") from None

    def add_workload(self, app: str, count: int = 1) -> list[str]:
        """Add ``count`` instances of ``app`` to every world at once; returns their ids."""
        spec = self.app(app)
        if count < 1:
            raise ValueError("count must be at least 1")
        self.commands.append(Command(self.now, "add_workload", (app, count)))
        ids = []
        for _ in range(count):
            n = self._counters.get(app, 0) + 1
            self._counters[app] = n
            self._seq += 1
            instance_id = f"{app}-{n}"
            for world in self.worlds.values():
                world.add(spec, instance_id, self._seq)
            ids.append(instance_id)
        self._record_series()
        return ids

    def remove_instance(self, instance_id: str) -> bool:
        """Stop one instance (by id) in every world where it is live; False if none was."""
        self.commands.append(Command(self.now, "remove_instance", (instance_id,)))
        removed = [w.remove(instance_id) for w in self.worlds.values()]
        self._record_series()
        return any(removed)

    def remove_app(self, app: str) -> int:
        """Stop every live instance of ``app``; returns how many ids were stopped."""
        self.app(app)
        self.commands.append(Command(self.now, "remove_app", (app,)))
        ids = {i.id for w in self.worlds.values() for i in w.instances if i.live and i.app.name == app}
        for instance_id in sorted(ids):
            for w in self.worlds.values():
                w.remove(instance_id)
        self._record_series()
        return len(ids)

    def grow_app(self, app: str, memory_mib: float) -> int:
        """Every running instance of ``app`` takes ``memory_mib`` more memory; returns how many grew."""
        self.app(app)
        if not math.isfinite(memory_mib) or memory_mib <= 0:
            raise ValueError(f"memory_mib must be a finite number above 0, not {memory_mib!r}")
        self.commands.append(Command(self.now, "grow_app", (app, memory_mib)))
        grown = max(w.grow(app, memory_mib) for w in self.worlds.values())
        self._record_series()
        return grown

    def at(self, t_s: float, verb: str, *args: object) -> None:
        """Schedule a command (``add_workload``, ``remove_instance``, ``remove_app``, ``grow_app``) at ``t_s``."""
        if verb not in ("add_workload", "remove_instance", "remove_app", "grow_app"):
            raise ValueError(f"unknown command {verb!r}")
        method = getattr(self, verb)
        self.clock.schedule(t_s, lambda: method(*args))

    # ------------------------------------------------------------------ time
    def advance(self, dt: float) -> list[WorldEvent]:
        """Run simulated time forward by ``dt`` seconds; returns the events that fired, in order."""
        return self.run_until(self.now + max(dt, 0.0))

    def run_until(self, t_s: float) -> list[WorldEvent]:
        """Run simulated time forward to ``t_s``; returns the events that fired (including commands')."""
        self.clock.run_until(t_s, self._after_moment)
        self._record_series()
        fired, self._pending[:] = list(self._pending), []
        return fired

    def next_event_s(self) -> float | None:
        """When the next thing happens, or None when the simulation is idle."""
        return self.clock.peek()

    def _after_moment(self, next_time: float | None) -> None:
        # Charts need no finer grain than SERIES_RESOLUTION_S: while more happens inside the current
        # bucket, wait; record once when the clock is about to leave it. Recording every event would
        # cost more than simulating it.
        if next_time is not None and next_time < self._next_series_t:
            return
        self._record_series()

    def _record_series(self) -> None:
        t = self.clock.now
        self._next_series_t = t + SERIES_RESOLUTION_S
        for name, world in self.worlds.items():
            if not world.dirty:
                continue
            world.dirty = False
            s = self.series
            s[f"memory_mib.{name}"].record(t, world.memory.total)
            s[f"touched_mib.{name}"].record(t, world.touched_mib())
            s[f"disk_mib.{name}"].record(t, world.disk.total)
            s[f"ready.{name}"].record(t, world.counts["running"])
            s[f"booting.{name}"].record(t, world.counts["booting"])
            s[f"cpu_cores.{name}"].record(t, min(world.cpu.demand, world.cpu.capacity) + world.steady_cpu)

    # ------------------------------------------------------------------ observation
    def snapshot(self, include_events: bool = True) -> SimulationSnapshot:
        """An immutable, JSON-ready view of everything now."""
        h = self.host
        return SimulationSnapshot(
            scenario=self.scenario,
            seed=self.seed,
            time_s=self.now,
            host=HostSnapshot(h.name, h.label, h.cpu_cores, h.memory_mib, h.disk_mib),
            worlds=tuple(w.snapshot(include_events) for w in self.worlds.values()),
        )

    def fit(self, app: str) -> dict[str, FitResult]:
        """How many more of ``app`` each world can take now, and what runs out first."""
        spec = self.app(app)
        return {name: world.fit(spec) for name, world in self.worlds.items()}

    def check_invariants(self) -> None:
        """Raise AssertionError if any world's books do not balance."""
        for world in self.worlds.values():
            world.check_invariants()
