"""The Simulation: one host, up to three worlds fed the same workloads at the same moments."""

from __future__ import annotations

import difflib
import gc
import math
from collections.abc import Iterable, Sequence
from functools import partial
from typing import Any, NamedTuple

from vmsim.engine import pickling
from vmsim.engine.admission import FitResult
from vmsim.engine.catalog import App, Catalog, default_catalog
from vmsim.engine.clock import Clock
from vmsim.engine.deploy import METHODS, Rollout
from vmsim.engine.events import WorldEvent
from vmsim.engine.faults import FAULT_KINDS, HOST_FAULTS, strike
from vmsim.engine.instance import NO_STEPS, Instance
from vmsim.engine.kinds import DEFAULT_WORLDS, KINDS
from vmsim.engine.machines import MAX_HOSTS, Cluster, Host, Settings
from vmsim.engine.metrics import Series
from vmsim.engine.snapshot import HostSnapshot, PhaseRecord, SimulationSnapshot, StackLayer
from vmsim.engine.world import World

SERIES_RESOLUTION_S = 0.05
SERIES_KINDS = ("memory_mib", "touched_mib", "disk_mib", "ready", "booting", "cpu_cores")
GC_YOUNG_THRESHOLD = 20_000  # allocations between young collections while the clock runs (Python's default: 700)


class UnknownAppError(ValueError):
    """An app name that is not in the catalog; the message suggests the closest one (``close``, or None), and the
    front ends can say it in their language from ``name``, ``close`` and ``apps``."""

    def __init__(self, name: str, close: str | None, apps: tuple[str, ...]) -> None:
        hint = f" (did you mean {close!r}?)" if close else ""
        super().__init__(f"unknown app {name!r}{hint}; apps: {', '.join(apps)}")
        self.name, self.close, self.apps = name, close, apps


class Command(NamedTuple):
    """A command as it was given, for replaying the same run exactly."""

    t_s: float
    verb: str
    args: tuple[object, ...]


class SimCheckpoint(NamedTuple):
    """A simulation's state at ``t_s`` (after ``actions`` clock actions): pickled bytes and its event logs."""

    t_s: float
    actions: int
    data: bytes
    events: tuple[tuple[WorldEvent, ...], ...]
    # Per world, per instance: its finished phases and its boot plan (immutable values, shared; None: the plan of an
    # instance whose boot is over, the shared NO_STEPS, put back as that same object).
    parts: tuple[tuple[tuple[tuple[PhaseRecord, ...], tuple[tuple[str, str, float, float], ...] | None], ...], ...]

    @property
    def size_bytes(self) -> int:
        """Memory it holds, roughly: the bytes, a reference per logged event and ~100 bytes per instance."""
        return len(self.data) + 8 * sum(len(log) for log in self.events) + 100 * sum(len(p) for p in self.parts)


_EMPTY: list[Any] = []  # stands in for the event logs, kept beside a checkpoint, while it is pickled


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
        cluster: Cluster | None = None,
    ) -> None:
        self.catalog = catalog or (settings.catalog if settings else default_catalog())
        self.settings = settings or Settings(self.catalog)
        self.host = host
        self.cluster = cluster or Cluster()
        self.cluster.check()
        self.seed = seed
        self.scenario = scenario
        self.clock = Clock()
        self._pending: list[WorldEvent] = []
        kinds = [k for k in KINDS if k in set(worlds)]
        unknown = set(worlds) - set(KINDS)
        if unknown or not kinds:
            raise ValueError(f"worlds must be some of {', '.join(KINDS)}; got {sorted(unknown) or 'none'}")
        self.worlds: dict[str, World] = {
            k: World(k, host, self.settings, self.clock, seed, self._pending, self.cluster) for k in kinds
        }
        self._counters: dict[str, int] = {}
        self._seq = 0
        self.commands: list[Command] = []
        self.series: dict[str, Series] = {
            f"{kind}.{w}": Series(f"{kind}.{w}") for w in self.worlds for kind in SERIES_KINDS
        }
        # Each world with its series in SERIES_KINDS order, looked up once rather than by name at every record.
        self._series_rows: list[tuple[World, Series, Series, Series, Series, Series, Series]] = []
        for name, world in self.worlds.items():
            s = [self.series[f"{kind}.{name}"] for kind in SERIES_KINDS]
            self._series_rows.append((world, s[0], s[1], s[2], s[3], s[4], s[5]))
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
            raise UnknownAppError(name, close[0] if close else None, tuple(self.catalog.apps)) from None

    def add_workload(self, app: str, count: int = 1, host: str | None = None) -> list[str]:
        """Add ``count`` instances of ``app`` to every world at once (on ``host`` if named, else where each world's
        placement puts them); returns their ids."""
        spec = self.app(app)
        if count < 1:
            raise ValueError("count must be at least 1")
        if host is not None and host not in self.cluster.host_names():
            close = difflib.get_close_matches(host, list(self.cluster.host_names()), n=1)
            raise ValueError(f"unknown host {host!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        self.commands.append(Command(self.now, "add_workload", (app, count) if host is None else (app, count, host)))
        ids = []
        for _ in range(count):
            n = self._counters.get(app, 0) + 1
            self._counters[app] = n
            self._seq += 1
            instance_id = f"{app}-{n}"
            for world in self.worlds.values():
                world.add(spec, instance_id, self._seq, host)
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

    def fault(
        self,
        kind: str,
        host: str | None = None,
        instance: str | None = None,
        reboot: bool = False,
        memory_mib: float | None = None,
    ) -> int:
        """Strike every world with fault ``kind`` (see :mod:`vmsim.engine.faults`) on ``host`` (host-down) or
        ``instance`` (the others); returns how many instances it reached in all. Instances a host took down are
        replaced on the hosts still up (and a panicked guest on its own host, with ``reboot``), under new ids
        with ``replaces`` saying whose place they take."""
        if kind not in FAULT_KINDS:
            close = difflib.get_close_matches(kind, FAULT_KINDS, n=1)
            raise ValueError(f"unknown fault {kind!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        names = self.cluster.host_names()
        if kind in HOST_FAULTS and host not in names:
            raise ValueError(f"fault {kind} needs a host of the cluster ({', '.join(names[:5])} …), not {host!r}")
        if kind not in HOST_FAULTS and not instance:
            raise ValueError(f"fault {kind} needs an instance id")
        self.commands.append(Command(self.now, "fault", (kind, host, instance, reboot, memory_mib)))
        lost: dict[str, list[Instance]] = {}
        reached = 0
        for name, world in self.worlds.items():
            event, lost[name] = strike(world, kind, host, instance, memory_mib)
            reached += len(event.affected)
        if kind == "host-down" or reboot:
            self._replace(lost, same_host=kind != "host-down")
        self._record_series()
        return reached

    def add_host(self, name: str | None = None) -> str:
        """One more copy of the host in every world (named ``name``, or ``host-N`` after the last), empty and up;
        returns its name. Placement considers it from the next instance on; nothing moves there by itself."""
        names = self.cluster.host_names()
        if len(names) >= MAX_HOSTS:
            raise ValueError(f"a world holds at most {MAX_HOSTS:,} hosts")
        if name is None:
            n = len(names) + 1
            while f"host-{n}" in names:
                n += 1
            name = f"host-{n}"
        if name in names:
            raise ValueError(f"there is already a host {name!r}")
        self.commands.append(Command(self.now, "add_host", (name,)))
        default = not self.cluster.names and name == f"host-{len(names) + 1}"
        self.cluster = self.cluster._replace(hosts=len(names) + 1, names=() if default else (*names, name))
        for world in self.worlds.values():
            world.add_node(name, self.cluster)
        self._record_series()
        return name

    def _replace(self, lost: dict[str, list[Instance]], same_host: bool) -> None:
        """New instances in place of the ``lost`` ones, numbered once for every world that lost the same id."""
        order = sorted({(i.seq, i.id): i for per in lost.values() for i in per}.items())
        for (_, old_id), inst in order:
            app = inst.app.name
            n = self._counters.get(app, 0) + 1
            self._counters[app] = n
            self._seq += 1
            for name, world in self.worlds.items():
                gone = next((i for i in lost[name] if i.id == old_id), None)
                if gone is not None:
                    host = gone.node.name if same_host and gone.node is not None else None
                    world.add(inst.app, f"{app}-{n}", self._seq, host, replaces=old_id, reboot=same_host)

    def deploy(
        self,
        app: str,
        method: str = "image",
        version: str = "2",
        hosts: Sequence[str] | None = None,
        max_unavailable: int = 1,
    ) -> dict[str, float]:
        """Deploy ``version`` of ``app`` in every world, ``method`` by-hand or image, to ``hosts`` (default every
        host running it; see :mod:`vmsim.engine.deploy`); returns each world's seconds until its last host is done."""
        self.app(app)
        if method not in METHODS:
            raise ValueError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
        names = self.cluster.host_names()
        unknown = [h for h in hosts or () if h not in names]
        if unknown:
            close = difflib.get_close_matches(unknown[0], list(names), n=1)
            raise ValueError(f"unknown host {unknown[0]!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        self.commands.append(
            Command(
                self.now, "deploy", (app, method, version, None if hosts is None else tuple(hosts), max_unavailable)
            )
        )
        return {
            name: Rollout(world, app, method, version, hosts, max_unavailable).start()
            for name, world in self.worlds.items()
        }

    def at(self, t_s: float, verb: str, *args: object) -> None:
        """Schedule a command (``add_workload``, ``remove_instance``, ``remove_app``, ``grow_app``, ``fault``,
        ``deploy``, ``add_host``) at ``t_s``."""
        if verb not in ("add_workload", "remove_instance", "remove_app", "grow_app", "fault", "deploy", "add_host"):
            raise ValueError(f"unknown command {verb!r}")
        method = getattr(self, verb)
        self.clock.schedule(t_s, partial(method, *args))

    # ------------------------------------------------------------------ time
    def advance(self, dt: float) -> list[WorldEvent]:
        """Run simulated time forward by ``dt`` seconds; returns the events that fired, in order."""
        return self.run_until(self.now + max(dt, 0.0))

    def run_until(self, t_s: float) -> list[WorldEvent]:
        """Run simulated time forward to ``t_s``; returns the events that fired (including commands')."""
        return self.run_some(t_s)[0]

    def run_some(
        self, t_s: float, max_actions: int | None = None, quiet: tuple[float, int] | None = None
    ) -> tuple[list[WorldEvent], bool]:
        """Run towards ``t_s``, stopping early at the first settled moment after ``max_actions`` actions (or, with
        ``quiet = (gap_s, actions)``, after ``actions`` actions at a moment followed by more than ``gap_s`` of
        nothing); returns the events that fired and whether ``t_s`` was reached. Stopping and carrying on gives
        exactly the state (series included) of one run to ``t_s``: a place to take a checkpoint."""
        # Young collections less often while running: a run makes objects by the hundred thousand that live on, and
        # each collection of the oldest generations walks all of them (a fifth of a large run's time otherwise).
        thresholds = gc.get_threshold()
        gc.set_threshold(max(thresholds[0], GC_YOUNG_THRESHOLD), *thresholds[1:])
        try:
            done = self.clock.run_until(t_s, self._after_moment, max_actions, quiet)
        finally:
            gc.set_threshold(*thresholds)
        if done:
            self._record_series()
        fired, self._pending[:] = list(self._pending), []
        return fired, done

    @property
    def actions(self) -> int:
        """Timed actions the clock has run since t = 0 (what a replay from a checkpoint costs is their difference)."""
        return self.clock.processed

    def checkpoint(self) -> SimCheckpoint:
        """The whole state now, for :meth:`restore` (exact: a restored run goes on byte for byte as this one would).

        What only ever grows by immutable values — the event logs, each instance's finished phases and its boot
        plan — is kept beside the bytes as tuples shared with the live state, not pickled: that is most of the
        objects, so taking and restoring a checkpoint costs a fraction of pickling all of it."""
        worlds = list(self.worlds.values())
        logs = tuple(tuple(w.events) for w in worlds)
        parts = tuple(
            tuple((tuple(i.phases), None if i.steps is NO_STEPS else tuple(i.steps)) for i in w.instances)
            for w in worlds
        )
        live_logs = [w.events for w in worlds]
        for w in worlds:
            w.events = _EMPTY
        collecting = gc.isenabled()
        gc.disable()  # pickling makes a tuple per object: collections would rescan the whole live state
        try:
            data = pickling.dumps(self)  # instances without their phases, plan and cached snapshot
        finally:
            if collecting:
                gc.enable()
            for w, log in zip(worlds, live_logs, strict=True):
                w.events = log
        return SimCheckpoint(self.now, self.actions, data, logs, parts)

    @staticmethod
    def restore(checkpoint: SimCheckpoint) -> Simulation:
        """A simulation in the state ``checkpoint`` was taken in (a new, independent object).

        The bytes are read a frame at a time through Python code, so a thread restoring a large state lets the
        others (a dashboard's) run between frames."""
        collecting = gc.isenabled()
        gc.disable()  # unpickling makes many objects at once: one collection afterwards, not dozens during
        try:
            sim: Simulation = pickling.loads(checkpoint.data)
            for w, log, parts in zip(sim.worlds.values(), checkpoint.events, checkpoint.parts, strict=True):
                w.events = list(log)
                for inst, (phases, steps) in zip(w.instances, parts, strict=True):
                    inst.phases = list(phases)
                    inst.steps = NO_STEPS if steps is None else list(steps)
        finally:
            if collecting:
                gc.enable()
        return sim

    def next_event_s(self) -> float | None:
        """When the next thing happens, or None when the simulation is idle."""
        return self.clock.peek()

    def _after_moment(self, next_time: float | None) -> float:
        # Charts need no finer grain than SERIES_RESOLUTION_S: while more happens inside the current
        # bucket, wait; record once when the clock is about to leave it. Recording every event would
        # cost more than simulating it. Returns the end of the bucket: the clock need not call before.
        if next_time is not None and next_time < self._next_series_t:
            return self._next_series_t
        self._record_series()
        return self._next_series_t

    def _record_series(self) -> None:
        t = self.clock.now
        self._next_series_t = t + SERIES_RESOLUTION_S
        for world, memory, touched, disk, ready, booting, cpu in self._series_rows:
            if not world.dirty:
                continue
            world.dirty = False
            counts = world.counts
            # Series.record's own first test made here: most moments change one or two of the six.
            ledger = world.memory
            value = ledger.total
            if not memory.vs or memory.vs[-1] != value:
                memory.record(t, value)
            # world.touched_mib() and world.cpu_demand(), written out (each world, every 0.05 s something changed)
            value = ledger.total - ledger.get("reserved_idle") - (world.ksm_saved_mib() if world.ksm_nodes else 0.0)
            if not touched.vs or touched.vs[-1] != value:
                touched.record(t, value)
            value = world.disk.total
            if not disk.vs or disk.vs[-1] != value:
                disk.record(t, value)
            value = counts["running"]
            if not ready.vs or ready.vs[-1] != value:
                ready.record(t, value)
            value = counts["booting"]
            if not booting.vs or booting.vs[-1] != value:
                booting.record(t, value)
            nodes = world.nodes
            demand = nodes[0].cpu.demand if len(nodes) == 1 else world.boot_demand
            value = min(demand, float(world.cpu_cores)) + world.steady_cpu
            if not cpu.vs or cpu.vs[-1] != value:
                cpu.record(t, value)

    # ------------------------------------------------------------------ observation
    def snapshot(self, include_events: bool = True) -> SimulationSnapshot:
        """An immutable, JSON-ready view of everything now."""
        collecting = gc.isenabled()
        gc.disable()  # a snapshot makes a tuple per booting instance, none in a cycle: no collection rescans them all
        try:
            return self._snapshot(include_events)
        finally:
            if collecting:
                gc.enable()

    def _snapshot(self, include_events: bool) -> SimulationSnapshot:
        h = self.host
        c = self.cluster
        return SimulationSnapshot(
            scenario=self.scenario,
            seed=self.seed,
            time_s=self.now,
            host=HostSnapshot(
                h.name,
                h.label,
                h.cpu_cores,
                h.memory_mib,
                h.disk_mib,
                h.kind,
                h.nested_virtualization,
                self.host_stack(),
                c.hosts,
                c.placement,
            ),
            worlds=tuple(w.snapshot(include_events) for w in self.worlds.values()),
        )

    def host_stack(self) -> tuple[StackLayer, ...]:
        """What sits under the workloads of each host, bottom up, with the memory each layer takes of the host's.

        A cloud-vm host is itself a VM: the provider's hypervisor runs it (outside its memory), its own guest
        kernel (the reserve curve of its guest OS at the host's memory, plus the kernel's runtime memory) and
        the rest of its OS take the host OS's share."""
        h = self.host
        if h.kind != "cloud-vm" or h.guest_os is None:
            return (StackLayer("host-os", h.host_os_memory_mib),)
        guest = self.catalog.guests[h.guest_os]
        kernel = self.catalog.reserve_curve(guest).at(h.memory_mib) + guest.kernel_runtime_mib.value
        kernel = min(kernel, h.host_os_memory_mib)
        return (
            StackLayer("provider-hypervisor", None),
            StackLayer("guest-kernel", kernel),
            StackLayer("guest-os", h.host_os_memory_mib - kernel),
        )

    def fit_hosts(self, app: str) -> dict[str, list[tuple[str, FitResult]]]:
        """How many more of ``app`` each host of each world can take now, and what runs out first on each."""
        spec = self.app(app)
        return {name: world.fit_hosts(spec) for name, world in self.worlds.items()}

    def fit(self, app: str) -> dict[str, FitResult]:
        """How many more of ``app`` each world can take now, and what runs out first."""
        spec = self.app(app)
        return {name: world.fit(spec) for name, world in self.worlds.items()}

    def check_invariants(self) -> None:
        """Raise AssertionError if any world's books do not balance."""
        for world in self.worlds.values():
            world.check_invariants()
