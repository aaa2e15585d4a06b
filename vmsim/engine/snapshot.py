"""Immutable snapshots of the simulation: named tuples, comparable by value, JSON-ready.

Named tuples rather than frozen dataclasses: a dashboard frame builds one per instance on screen, and a
tuple is several times cheaper to make (and its class cheaper to create at start-up).
"""

from __future__ import annotations

from typing import NamedTuple, Protocol

from vmsim.engine.codes import Coded
from vmsim.engine.events import WorldEvent


class Clocks(dict[str, float]):
    """Clock readings by resource: a dict that refuses changes once made, and hashes and pickles as a value."""

    def _refuse(self, *args: object, **kwargs: object) -> None:
        raise TypeError("a snapshot's clock readings do not change")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = __ior__ = _refuse  # type: ignore[assignment]

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(frozenset(self.items()))

    def __reduce__(self) -> tuple[object, tuple[dict[str, float]]]:
        return (Clocks, (dict(self),))


NO_CLOCKS = Clocks()

STATES = ("pending", "booting", "running", "failed", "killed", "stopped")

MEMORY_CATEGORIES = (
    "host_os",
    "hypervisor",
    "guest_kernel",
    "guest_services",
    "guest_page_cache",
    "apps",
    "runtime",
    "shims",
    "shared_pages",
    "reserved_idle",
)
DISK_CATEGORIES = ("host_os", "base_images", "vm_disks", "image_layers", "writable_layers")


class Wording(Protocol):
    """Words for the engine's codes, given by a front end to the JSON form (the engine has none)."""

    def event(self, event: WorldEvent) -> str:
        """One line saying what ``event`` was."""
        ...

    def reason(self, reason: Coded) -> str:
        """Why an instance was refused, failed or killed."""
        ...


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 6)


class PhaseRecord(NamedTuple):
    """One boot phase of one instance; ``end_s`` is None while it runs. (A tuple: cheap by the thousand.)"""

    name: str
    start_s: float
    end_s: float | None

    def as_dict(self) -> dict[str, object]:
        """JSON form."""
        end = self.end_s
        return {"name": self.name, "start_s": round(self.start_s, 6), "end_s": None if end is None else round(end, 6)}


class PhaseWork(NamedTuple):
    """A boot phase's work on a shared resource (a host's cores or disk): it is done when the resource's virtual
    clock, read in the world's snapshot, has gone ``span_v`` past ``start_v``."""

    resource: str
    start_v: float
    span_v: float


class InstanceSnapshot(NamedTuple):
    """An instance at one moment. ``memory_mib`` is what it holds alone (shared pages count at world level).

    How far its current phase is: :meth:`WorldSnapshot.progress`. A phase timed on a shared resource carries its
    ``work`` and moves with that resource's clock reading, so the instance's snapshot stays the same all through
    the phase; any other phase carries its ``phase_progress`` (a download's share of bytes, 1 when done).
    """

    id: str
    app: str
    world: str
    state: str
    phase: str | None
    phase_progress: float
    phases: tuple[PhaseRecord, ...]
    added_s: float
    ready_s: float | None
    memory_mib: float
    disk_mib: float
    reason: Coded | None  # why it was refused, failed or was killed (a code and its figures)
    host: str | None = None  # the host it was placed on (None: refused before any host took it)
    replaces: str | None = None  # the instance a fault stopped that this one replaces
    exposed: bool = False  # a workload that broke out of its isolation can reach it
    version: str | None = None  # the app version a deploy left it running (None: never deployed to)
    works: bool = True  # whether the app works there
    work: PhaseWork | None = None  # the current phase's work on a shared resource

    @property
    def boot_s(self) -> float | None:
        """Time from being added to ready, or None."""
        return None if self.ready_s is None else self.ready_s - self.added_s

    def as_dict(self, words: Wording) -> dict[str, object]:
        """JSON form (the documented contract); ``words`` phrases the reason."""
        return {
            "id": self.id,
            "app": self.app,
            "state": self.state,
            "phase": self.phase,
            "added_s": _r(self.added_s),
            "ready_s": _r(self.ready_s),
            "phases": [p.as_dict() for p in self.phases],
            "memory_mib": _r(self.memory_mib),
            "disk_mib": _r(self.disk_mib),
            "reason": None if self.reason is None else words.reason(self.reason),
            "host": self.host,
            "replaces": self.replaces,
            "exposed": self.exposed,
            "version": self.version,
            "works": self.works,
        }


class Ledger(NamedTuple):
    """Memory or disk of one world by category; ``total_mib`` is the sum, ``capacity_mib`` the host's."""

    total_mib: float
    capacity_mib: float
    by_category: tuple[tuple[str, float], ...]
    # Disk only: categories with space held for downloads still arriving, (category, MiB held, MiB arrived so
    # far). Space is taken when a download starts; this says how much of it is there yet. Not in the JSON.
    arriving: tuple[tuple[str, float, float], ...] = ()

    @property
    def free_mib(self) -> float:
        """Capacity not committed."""
        return max(0.0, self.capacity_mib - self.total_mib)

    def get(self, category: str) -> float:
        """MiB in one category (0 when absent)."""
        for name, mib in self.by_category:
            if name == category:
                return mib
        return 0.0

    def as_dict(self) -> dict[str, object]:
        """JSON form."""
        return {
            "total": _r(self.total_mib),
            "capacity": _r(self.capacity_mib),
            "free": _r(self.free_mib),
            "by_category": {name: _r(mib) for name, mib in self.by_category},
        }


class CpuSnapshot(NamedTuple):
    """CPU of one world: booting work competes for the cores; running apps add a steady load."""

    cores: int
    boot_demand_cores: float
    steady_cores: float

    @property
    def used_cores(self) -> float:
        """Cores busy now (at most all of them)."""
        return min(float(self.cores), self.boot_demand_cores + self.steady_cores)

    def as_dict(self) -> dict[str, object]:
        """JSON form."""
        return {
            "cores": self.cores,
            "used_cores": _r(self.used_cores),
            "boot_demand_cores": _r(self.boot_demand_cores),
            "steady_cores": _r(self.steady_cores),
        }


class HostUsage(NamedTuple):
    """One host of a world at one moment: its memory and disk, and the ids of the instances placed on it."""

    name: str
    up: bool
    memory: Ledger
    memory_touched_mib: float
    ksm_saved_mib: float
    disk: Ledger
    instances: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        """JSON form (memory and disk shaped as a world's)."""
        return {
            "name": self.name,
            "up": self.up,
            "memory_mib": {
                **self.memory.as_dict(),
                "touched": _r(self.memory_touched_mib),
                "ksm_saved": _r(self.ksm_saved_mib),
            },
            "disk_mib": self.disk.as_dict(),
            "instances": list(self.instances),
        }


class WorldSnapshot(NamedTuple):
    """One world (vm, container or microvm) at one moment."""

    name: str
    label: str
    instances: tuple[InstanceSnapshot, ...]
    memory: Ledger
    memory_touched_mib: float
    ksm_saved_mib: float
    disk: Ledger
    cpu: CpuSnapshot
    counts: tuple[tuple[str, int], ...]
    events: tuple[WorldEvent, ...]
    hosts: tuple[HostUsage, ...] = ()
    # The virtual clock of each shared resource a booting instance's phase runs on, read at this moment (a
    # dict that refuses changes).
    clocks: Clocks = NO_CLOCKS

    def count(self, state: str) -> int:  # not tuple.count: by state
        """How many instances are in ``state``."""
        return dict(self.counts).get(state, 0)

    def progress(self, inst: InstanceSnapshot) -> float:
        """How far ``inst``'s current phase is at this moment, 0..1."""
        work = inst.work
        if work is None:
            return inst.phase_progress
        v = self.clocks.get(work.resource)
        if v is None:  # an instance of another moment's snapshot
            return inst.phase_progress
        done = (v - work.start_v) / work.span_v
        return 1.0 if done > 1.0 else (0.0 if done < 0.0 else done)

    def as_dict(self, words: Wording) -> dict[str, object]:
        """JSON form (the documented contract); ``words`` phrases events and reasons."""
        return {
            "label": self.label,
            "counts": dict(self.counts),
            "instances": [i.as_dict(words) for i in self.instances],
            "memory_mib": {
                **self.memory.as_dict(),
                "touched": _r(self.memory_touched_mib),
                "ksm_saved": _r(self.ksm_saved_mib),
            },
            "disk_mib": self.disk.as_dict(),
            "cpu": self.cpu.as_dict(),
            "events": [e.as_dict(words.event) for e in self.events],
            "hosts": [h.as_dict() for h in self.hosts],
        }


class StackLayer(NamedTuple):
    """One layer under the workloads of a host (hardware, a provider's hypervisor, a guest kernel, an OS) and
    the memory it takes of the host's (None: outside the host's memory, as a cloud provider's hypervisor is)."""

    name: str
    memory_mib: float | None

    def as_dict(self) -> dict[str, object]:
        """JSON form."""
        return {"name": self.name, "memory_mib": _r(self.memory_mib)}


class HostSnapshot(NamedTuple):
    """The host every world is made of copies of (``count`` of them, each as described)."""

    name: str
    label: str
    cpu_cores: int
    memory_mib: float
    disk_mib: float
    kind: str = "metal"
    nested_virtualization: bool = True
    stack: tuple[StackLayer, ...] = ()
    hosts: int = 1
    placement: str = "spread"

    def as_dict(self) -> dict[str, object]:
        """JSON form."""
        return {
            "preset": self.name,
            "label": self.label,
            "cpu_cores": self.cpu_cores,
            "memory_mib": _r(self.memory_mib),
            "disk_mib": _r(self.disk_mib),
            "kind": self.kind,
            "nested_virtualization": self.nested_virtualization,
            "stack": [layer.as_dict() for layer in self.stack],
            "hosts": self.hosts,
            "placement": self.placement,
        }


class SimulationSnapshot(NamedTuple):
    """The whole simulation at ``time_s``."""

    scenario: str
    seed: int
    time_s: float
    host: HostSnapshot
    worlds: tuple[WorldSnapshot, ...]

    def world(self, name: str) -> WorldSnapshot:
        """One world by name (KeyError if the scenario does not have it)."""
        for w in self.worlds:
            if w.name == name:
                return w
        raise KeyError(name)

    def as_dict(self, words: Wording) -> dict[str, object]:
        """JSON form (the documented contract, see docs/json.md); ``words`` phrases events and reasons."""
        return {
            "scenario": self.scenario,
            "seed": self.seed,
            "time_s": _r(self.time_s),
            "host": self.host.as_dict(),
            "worlds": {w.name: w.as_dict(words) for w in self.worlds},
        }


class LayerUsage(NamedTuple):
    """One image layer on a host: its size, whether it is stored, and who uses it."""

    id: str
    size_mib: float
    state: str  # absent | fetching | present
    images: tuple[str, ...]
    containers: int
    fetched: float = 1.0  # how much of it is on the host, 0–1: downloaded so far while fetching (then unpacked)


class ImageUsage(NamedTuple):
    """An image some live container runs from: its layers, and the containers using it."""

    name: str
    ref: str
    layers: tuple[LayerUsage, ...]
    containers: tuple[str, ...]

    @property
    def virtual_size_mib(self) -> float:
        """The image's size as a container sees it: all its layers."""
        return sum(layer.size_mib for layer in self.layers)
