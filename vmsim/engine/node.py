"""One host of a world: its memory and disk ledgers, cores, disk and network, artifact store and shared pages.

A :class:`~vmsim.engine.world.World` holds one node per host (``[cluster] hosts``); the world owns the
instances, the events, placement and the world-wide totals, and each node answers the per-host questions
the kinds ask (how much memory is free here, which layers are stored here). The node's ledgers pass every
change on to the world's own, so the world's totals are kept as they change, never summed over hosts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vmsim.engine.artifacts import Artifact, ArtifactStore
from vmsim.engine.clock import Clock
from vmsim.engine.codes import Coded
from vmsim.engine.instance import Instance
from vmsim.engine.ledger import MutableLedger
from vmsim.engine.machines import Host
from vmsim.engine.memory import OomQueue, SharedPages
from vmsim.engine.sharing import NO_ARG, Job, SharedCapacity
from vmsim.engine.snapshot import STATES, HostUsage

if TYPE_CHECKING:
    from collections.abc import Callable

    from vmsim.engine.events import WorldEvent
    from vmsim.engine.kinds.base import InstanceKind
    from vmsim.engine.world import World


class ForwardingLedger(MutableLedger):
    """A host's ledger that passes every change on to the world's ledger (its ``parent``)."""

    __slots__ = ("parent", "on_change")

    def __init__(self, parent: MutableLedger, on_change: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.parent = parent
        self.on_change = on_change

    def add(self, category: str, mib: float) -> None:
        """Add (or release) MiB here and in the world's ledger."""
        super().add(category, mib)
        self.parent.add(category, mib)
        if self.on_change is not None:
            self.on_change()


class TrackedCapacity(SharedCapacity):
    """A host's cores that keep the world's boot demand (each host's counted up to its cores) as it changes, so
    the world never sums its hosts to know it."""

    def __init__(self, clock: Clock, capacity: float, world: World, key: str = "") -> None:
        super().__init__(clock, capacity, key)
        self.world = world
        self.counted = 0.0  # what this host adds to the world's boot demand now

    def _recount(self) -> None:
        now = min(self.demand, self.capacity)
        world = self.world
        world.boot_demand += now - self.counted
        world.busy_hosts += (now > 0) - (self.counted > 0)
        if world.busy_hosts == 0:
            world.boot_demand = 0.0  # drop accumulated float error while every host is idle
        self.counted = now

    def submit(self, nominal_s: float, weight: float, on_done: Callable[..., None], arg: Any = NO_ARG) -> Job:
        """Start a job (see :meth:`SharedCapacity.submit`) and count its demand in the world's."""
        job = super().submit(nominal_s, weight, on_done, arg)
        self._recount()
        return job

    def _release(self, job: Job) -> None:
        super()._release(job)
        self._recount()


class Node:
    """One host of one world. Invariants: its ledgers add up per category and stay within the host's capacity;
    ``counts`` counts the instances placed here by state; the world's ledgers are the sum of its nodes'."""

    def __init__(self, world: World, index: int, name: str, host: Host) -> None:
        self.world = world
        self.index = index
        self.name = name
        self.host = host
        self.kind = world.kind
        self.settings = world.settings
        self.catalog = world.catalog
        self.clock: Clock = world.clock
        self.runtime = world.runtime
        self.up = True
        self.instances: list[Instance] = []
        self.counts = dict.fromkeys(STATES, 0)
        self.usage: tuple[tuple[object, ...], HostUsage] | None = None  # the last snapshot of it, and its key
        self.memory: MutableLedger
        self.disk: MutableLedger
        self.cpu: SharedCapacity
        if world.cluster.hosts == 1:
            # One host: its books are the world's (nothing to forward, nothing to place, the same float sums).
            self.memory, self.disk = world.memory, world.disk
            self.cpu = SharedCapacity(world.clock, host.cpu_cores, f"{name}/cpu")
        else:
            self.memory = ForwardingLedger(world.memory, self._memory_changed)
            self.disk = ForwardingLedger(world.disk)
            self.cpu = TrackedCapacity(world.clock, host.cpu_cores, world, f"{name}/cpu")
        self.net = SharedCapacity(world.clock, 1.0, f"{name}/net")
        self.disk_io = SharedCapacity(world.clock, 1.0, f"{name}/disk")
        self.steady_cpu = 0.0
        self.vcpus_used = 0
        self.guest_count = 0  # guests whose services are up, for KSM
        self.store = ArtifactStore(self.disk, host.disk_mib, self.net, self.cpu, self.registry_mibps, self._fetched)
        self.pages = SharedPages(self.memory)
        self.oom = OomQueue(self.instances)
        self.behaviour: InstanceKind = world.kind_factory(self)

    def own_books(self) -> None:
        """This host was its world's only one, keeping the world's books as its own; a second host has come: from
        now on it keeps books of its own that pass every change on to the world's (which keep their objects and
        totals), and its cores count their boot work into the world's, as every host of a cluster does."""
        world = self.world
        memory = ForwardingLedger(world.memory, self._memory_changed)
        disk = ForwardingLedger(world.disk)
        for own, shared in ((memory, world.memory), (disk, world.disk)):
            own.copy_from(shared)  # the same figures, bit for bit, not forwarded (the world has them)
        self.memory, self.disk = memory, disk
        self.store.disk = disk
        self.pages.memory = memory
        # The same cores, jobs and all, now counted in the world's boot demand.
        self.cpu.__class__ = TrackedCapacity
        cpu: TrackedCapacity = self.cpu  # type: ignore[assignment]
        cpu.world = world
        cpu.counted = 0.0
        cpu._recount()

    def registry_mibps(self) -> float:
        """Download bandwidth from the registry to this host, MiB/s."""
        return self.settings.registry_mibps

    def _memory_changed(self) -> None:
        self.world.placement.changed(self)

    def _fetched(self, art: Artifact) -> None:
        self.world.fetched(self, art)

    @property
    def free_mib(self) -> float:
        """Memory not committed on this host."""
        return self.host.memory_mib - self.memory.total

    def touched_mib(self) -> float:
        """Host memory really in use: committed, less untouched guest RAM and KSM-merged pages."""
        return self.memory.total - self.memory.get("reserved_idle") - self.behaviour.ksm_saved_mib()

    # The kinds act through their node; these pass the acts on to the world, which owns instances and events.
    def hold_memory(self, inst: Instance, cat: str, mib: float) -> None:
        """The instance holds ``mib`` more of this host's memory in ``cat`` (less when negative)."""
        self.world.hold_memory(inst, cat, mib)  # (GuestKind.touch calls the world's directly: a hot path)

    def kill(self, inst: Instance, reason: Coded, keep_vm: bool = False) -> None:
        """Stop the instance's app (see :meth:`World.kill`)."""
        self.world.kill(inst, reason, keep_vm)

    def end(
        self, inst: Instance, state: str, reason: Coded | None, event: WorldEvent | None, release: bool = True
    ) -> None:
        """Leave a live state (see :meth:`World.end`)."""
        self.world.end(inst, state, reason, event, release)

    def record(self, event: WorldEvent) -> None:
        """Keep ``event`` in the world's log."""
        self.world.record(event)

    def guest_started(self, delta: int) -> None:
        """A guest's services came up (+1) or went away (-1): KSM merges across the guests of one host."""
        self.guest_count += delta
        if not getattr(self.behaviour, "ksm", False):
            return  # KSM off: nothing merges, the world need not ask this host
        if self.guest_count >= 2:
            self.world.ksm_nodes[self] = None
        else:
            self.world.ksm_nodes.pop(self, None)
