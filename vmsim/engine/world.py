"""A world: one or more copies of the host running every workload one way — as VMs, containers or microVMs.

The world owns the instances, the events, placement, the boot-step runner, endings, snapshots and the
world-wide totals (kept as they change). Each host is a :class:`~vmsim.engine.node.Node`: its ledgers,
cores, disk and network, artifact store and shared pages. What differs between kinds — what an instance
stores and needs, how it is admitted, its boot steps and the memory each touches — is the kind's (see
:mod:`vmsim.engine.kinds`), made once per host.
"""

from __future__ import annotations

import random

from vmsim.engine import admission
from vmsim.engine.admission import FitResult
from vmsim.engine.artifacts import Artifact
from vmsim.engine.catalog import App
from vmsim.engine.clock import Clock
from vmsim.engine.codes import Coded, coded
from vmsim.engine.events import (
    AppGrew,
    ArtifactFetched,
    InstanceAdded,
    InstanceKilled,
    InstanceReady,
    InstanceRefused,
    InstanceStopped,
    WorldEvent,
)
from vmsim.engine.instance import CPU, FETCH, LIVE_STATES, NO_STEPS, NOT_WAITING, Instance
from vmsim.engine.kinds import KINDS
from vmsim.engine.ledger import MutableLedger
from vmsim.engine.machines import Cluster, Host, Settings
from vmsim.engine.memory import host_pressure
from vmsim.engine.node import Node
from vmsim.engine.observation import check_world, image_usage, instance_snapshot, world_snapshot
from vmsim.engine.placement import Placement
from vmsim.engine.snapshot import STATES, ImageUsage, InstanceSnapshot, PhaseRecord, WorldSnapshot

__all__ = ["LIVE_STATES", "Artifact", "FitResult", "Instance", "World"]

_phase_record = tuple.__new__  # PhaseRecord(name, start, end) without the named tuple's own __new__ (a step's cost)


def _mib(mib: float) -> str:
    # For the exception messages below only (a host that cannot even hold its OS is a bad scenario).
    if mib >= 10 * 1024:
        return f"{mib / 1024:,.1f} GiB"
    if mib >= 100 or mib == int(mib):
        return f"{mib:,.0f} MiB"
    return f"{mib:,.1f} MiB"


class World:
    """One copy of the cluster. Invariants (see ``check_invariants``): ledgers add up per category on every host
    and the world's are the hosts' sums, nothing is negative, committed memory and stored disk stay within each
    host's capacity."""

    def __init__(
        self,
        kind: str,
        host: Host,
        settings: Settings,
        clock: Clock,
        seed: int,
        emit: list[WorldEvent],
        cluster: Cluster | None = None,
    ) -> None:
        self.kind = kind
        self.host = host
        self.cluster = cluster or Cluster()
        self.many = self.cluster.hosts > 1  # more than one host: placement and forwarded totals at work
        self.settings = settings
        self.catalog = settings.catalog
        self.clock = clock
        self.seed = seed
        # A seeded stream per world: adding the microVM world never changes the VM world's numbers.
        self.rng = random.Random(f"{seed}/{kind}")
        self.jitter = self.catalog.jitter.value
        self.events: list[WorldEvent] = []
        self._emit = emit
        self.instances: list[Instance] = []
        self.by_id: dict[str, Instance] = {}
        self.counts = dict.fromkeys(STATES, 0)
        self.memory = MutableLedger()  # the sum of the hosts' ledgers, kept as they change
        self.disk = MutableLedger()
        self.boot_demand = 0.0  # boot work asked of the cores, each host's up to its cores (its nodes keep it)
        self.busy_hosts = 0  # hosts with boot work now
        self.ksm_nodes: dict[Node, None] = {}  # hosts with two guests or more (KSM merges within a host)
        self.steady_cpu = 0.0
        self.dirty = True
        self.warned = False  # a guest below its OS's recommended memory was reported once
        self.runtime = self.catalog.runtimes[settings.container.runtime]
        self.kind_factory = KINDS[kind]
        self.placement = Placement(self.cluster.placement)
        if host.host_os_memory_mib >= host.memory_mib or host.host_os_disk_mib >= host.disk_mib:
            raise ValueError(
                f"the host ({_mib(host.memory_mib)} memory, {_mib(host.disk_mib)} disk) is smaller than its own "
                f"OS ({_mib(host.host_os_memory_mib)} memory, {_mib(host.host_os_disk_mib)} disk)"
            )
        self.nodes: list[Node] = []
        for index, name in enumerate(self.cluster.host_names()):
            self.nodes.append(self._make_node(index, name))
        self.by_name = {n.name: n for n in self.nodes}
        self.placement.attach(self.nodes)
        self.behaviour = self.nodes[0].behaviour  # what every host's kind says alike (label, phases)
        self.label = self.behaviour.label

    def _make_node(self, index: int, name: str) -> Node:
        host = self.host
        node = Node(self, index, name, host)
        node.memory.add("host_os", host.host_os_memory_mib)
        node.disk.add("host_os", host.host_os_disk_mib)
        if node.behaviour.uses_images:
            daemon = self.runtime.daemon_memory_mib.value
            if host.host_os_memory_mib + daemon >= host.memory_mib:
                raise ValueError(
                    f"the host's {_mib(host.memory_mib)} of memory leaves no room for the container runtime "
                    f"({_mib(daemon)}) beside its OS ({_mib(host.host_os_memory_mib)})"
                )
            node.memory.add("runtime", daemon)
            for image_name in self.settings.container.cached_images:
                for layer_artifact in node.store.layers(self.catalog.images[image_name], self.runtime):
                    node.store.store(layer_artifact)
        node.behaviour.prepare()
        return node

    def add_node(self, name: str, cluster: Cluster) -> None:
        """One more host, empty and up, last in order (``cluster`` is the cluster that now includes it)."""
        self.cluster = cluster
        if not self.many:
            self.nodes[0].own_books()
            self.many = True
        node = self._make_node(len(self.nodes), name)
        self.nodes.append(node)
        self.by_name[name] = node
        self.placement.attach(self.nodes)
        self.dirty = True

    @property
    def has_guest(self) -> bool:
        """Each instance boots its own kernel (VMs, microVMs)."""
        return self.behaviour.has_guest

    @property
    def uses_images(self) -> bool:
        """Instances start from image layers stored once per host (containers, microVMs)."""
        return self.behaviour.uses_images

    @property
    def artifacts(self) -> dict[str, Artifact]:
        """Every artifact the first host knows of, by id (every host knows the same ones)."""
        return self.nodes[0].store.artifacts

    def touched_mib(self) -> float:
        """Memory really in use on every host: committed, less untouched guest RAM and KSM-merged pages."""
        return self.memory.total - self.memory.get("reserved_idle") - self.ksm_saved_mib()

    def ksm_saved_mib(self) -> float:
        """Pages KSM merged across identical guests of a host, on every host (0 unless KSM is on)."""
        if not self.ksm_nodes:
            return 0.0  # (what the sum of nothing gives, without making a generator at every moment)
        return sum((n.behaviour.ksm_saved_mib() for n in self.ksm_nodes), 0.0)

    def cpu_demand(self) -> float:
        """Boot work asked of the cores now, each host's counted up to its cores (one host's: all of it)."""
        if len(self.nodes) == 1:
            return self.nodes[0].cpu.demand
        return self.boot_demand

    @property
    def cpu_cores(self) -> int:
        """Cores of every host."""
        return self.host.cpu_cores * len(self.nodes)

    def fit(self, app: App) -> FitResult:
        """How many more of ``app`` this world can take now on its hosts that are up, and what runs out first."""
        return admission.fit_hosts(self.nodes, app)

    def fit_hosts(self, app: App) -> list[tuple[str, FitResult]]:
        """How many more of ``app`` each host that is up can take now, and what runs out first on each."""
        return [(n.name, admission.fit(n, app)) for n in self.nodes if n.up]

    # ------------------------------------------------------------------ commands
    def add(
        self,
        app: App,
        instance_id: str,
        seq: int,
        host: str | None = None,
        replaces: str | None = None,
        reboot: bool = False,
    ) -> Instance:
        """Ask for one instance of ``app`` (on ``host`` if named, else where placement says; in place of the
        instance ``replaces`` if given, as its guest rebooting with ``reboot``); it is admitted and starts booting,
        or is refused."""
        now = self.clock.now
        inst = Instance(instance_id, app, seq, now)
        inst.replaces = replaces
        inst.rebooting = reboot
        self.instances.append(inst)
        self.by_id[instance_id] = inst
        self.counts["pending"] += 1
        self.dirty = True
        self.record(InstanceAdded(now, self.kind, instance_id, app.name))
        node = self.by_name[host] if host is not None else self.placement.choose(app)
        refusal: Coded | None
        if not node.up:
            refusal = coded("reason.host_down", host=node.name)
        elif admission.no_nesting(node):  # refused before any artifact is looked up (needs() makes them)
            refusal = admission.refusal(node, app)
        else:
            cat, mib = node.behaviour.instance_disk(app)
            needs = node.behaviour.needs(app)
            refusal = admission.refusal(node, app, mib, needs)
        if refusal is None:
            inst.node = node
            node.instances.append(inst)
            node.counts["pending"] += 1
            if self.many:
                self.placement.changed(node)
        if refusal is not None:
            self.end(
                inst,
                "failed",
                coded("reason.refused_prefix", reason=refusal),
                InstanceRefused(now, self.kind, inst.id, refusal),
            )
            return inst
        self._admit(inst, cat, mib, needs)
        self._set_state(inst, "booting")
        self._start_step(inst)
        return inst

    def remove(self, instance_id: str) -> bool:
        """Stop and remove an instance, releasing its memory and disk. False if it is not live."""
        inst = self.by_id.get(instance_id)
        if inst is None or not (inst.live or inst.holds):
            return False
        self.end(inst, "stopped", None, InstanceStopped(self.clock.now, self.kind, inst.id))
        return True

    def grow(self, app_name: str, mib: float) -> int:
        """Every running instance of ``app_name`` takes ``mib`` more private memory (a cache filling)."""
        growing = [i for i in self.instances if i.state == "running" and i.app.name == app_name]
        if growing:  # in the log before what it causes (an OOM killer's kills): memory does not jump unexplained
            self.record(AppGrew(self.clock.now, self.kind, None, app_name, mib, len(growing)))
        for inst in growing:
            inst.app_extra_mib += mib
            node = self._node(inst)
            node.behaviour.grow(inst, mib)
            self.host_pressure(node)
        return len(growing)

    @staticmethod
    def _node(inst: Instance) -> Node:
        node = inst.node
        assert node is not None, f"{inst.id} was placed on no host"
        return node

    # ------------------------------------------------------------------ boot
    def _admit(self, inst: Instance, cat: str, mib: float, needs: list[Artifact]) -> None:
        app = inst.app
        node = self._node(inst)
        behaviour = node.behaviour
        self._hold_disk(inst, cat, mib)
        inst.needs = needs
        j = self.jitter
        low, width = -j, j - -j  # rng.uniform(-j, j) is low + width * rng.random(), written out below
        draw = self.rng.random
        steps = inst.steps

        def add(name: str, kind: str, nominal: float, weight: float) -> None:
            if nominal <= 0:
                return  # a phase of 0 s does not happen (and draws no jitter)
            steps.append((name, kind, nominal * (1.0 + (low + width * draw())), weight))

        for art in needs:
            if art.state != "present":
                steps.append((behaviour.fetch_step, FETCH, 0.0, 0.0))
                break
        behaviour.plan(inst, add, mib)
        add("app", CPU, app.start_s.value, self.catalog.app_start_cpu.value)

    def _start_step(self, inst: Instance) -> None:
        if inst.step_index >= len(inst.steps):
            self._ready(inst)
            return
        node = inst.node
        assert node is not None, f"{inst.id} was placed on no host"
        name, kind, nominal, weight = inst.steps[inst.step_index]
        now = self.clock.now
        inst.current = (name, now)
        inst.snap = None
        self.dirty = True
        if kind == FETCH:
            pending = [a for a in inst.needs if a.state != "present"]
            if not pending:
                self._step_done(inst)
                return
            inst.waiting = {a.id for a in pending}
            for art in pending:
                art.waiters.append(inst)
                if art.state == "absent":
                    node.store.fetch(art)
            return
        resource = node.cpu if kind == CPU else node.disk_io
        inst.job_on = resource
        inst.job = resource.submit(nominal, weight, self._step_done, inst)

    def _step_done(self, inst: Instance) -> None:
        if inst.state != "booting":
            return
        inst.job = None
        inst.job_on = None
        assert inst.current is not None
        name = inst.current[0]
        inst.phases.append(_phase_record(PhaseRecord, (name, inst.current[1], self.clock.now)))
        inst.current = None
        inst.snap = None
        self.dirty = True
        node = inst.node
        assert node is not None, f"{inst.id} was placed on no host"
        if name in node.behaviour.memory_phases:
            if not node.behaviour.after_phase(inst, name):
                return
            if node.behaviour.pressure_possible and not self.host_pressure(node, inst):
                return
        inst.step_index += 1
        self._start_step(inst)

    def fetched(self, node: Node, art: Artifact) -> None:
        """``art`` is now stored on ``node``: the instances waiting for it there go on booting."""
        host = node.name if self.many else None  # (each host stores its own: the log says which)
        self.record(ArtifactFetched(self.clock.now, self.kind, None, art.label, art.stored_mib, host))
        waiters, art.waiters = art.waiters, []
        for inst in waiters:
            inst.waiting.discard(art.id)
            if not inst.waiting and inst.state == "booting":
                self._step_done(inst)

    def _ready(self, inst: Instance) -> None:
        now = self.clock.now
        node = self._node(inst)
        inst.ready_s = now
        inst.steps = NO_STEPS  # the boot plan is done with (the phases it left stay)
        self._set_state(inst, "running")
        inst.steady_cpu = node.behaviour.steady_cpu(inst.app)
        node.steady_cpu += inst.steady_cpu
        self.steady_cpu += inst.steady_cpu
        self.record(InstanceReady(now, self.kind, inst.id, now - inst.added_s))

    # ------------------------------------------------------------------ memory
    def _hold_disk(self, inst: Instance, cat: str, mib: float) -> None:
        self._node(inst).disk.add(cat, mib)  # (a new instance: add and _set_state mark it and the world changed)
        inst.disk[cat] = inst.disk.get(cat, 0.0) + mib

    def hold_memory(self, inst: Instance, cat: str, mib: float) -> None:
        """The instance holds ``mib`` more of its host's memory in ``cat`` (less when negative)."""
        node = inst.node
        assert node is not None, f"{inst.id} was placed on no host"
        node.memory.add(cat, mib)
        held = inst.mem
        held[cat] = held.get(cat, 0.0) + mib
        inst.snap = None
        self.dirty = True
        if cat != "reserved_idle" and self.behaviour.pressure_possible:
            node.oom.changed(inst)

    def move_memory(self, inst: Instance, src: str, dst: str, mib: float) -> None:
        """``mib`` the instance holds moves from ``src`` to ``dst``: ``hold_memory`` of ``-mib`` then ``mib``, in one
        call (a guest's memory is touched out of its idle reserve at every boot phase)."""
        node = inst.node
        assert node is not None, f"{inst.id} was placed on no host"
        ledger, held, neg = node.memory, inst.mem, -mib
        ledger.add(src, neg)
        held[src] = held.get(src, 0.0) + neg
        ledger.add(dst, mib)
        held[dst] = held.get(dst, 0.0) + mib
        inst.snap = None
        self.dirty = True
        if (src != "reserved_idle" or dst != "reserved_idle") and self.behaviour.pressure_possible:
            node.oom.changed(inst)

    host_pressure = host_pressure  # (memory.py: kill the largest while a host is over its memory)

    # ------------------------------------------------------------------ endings
    def kill(self, inst: Instance, reason: Coded, keep_vm: bool = False) -> None:
        """Stop the instance's app. With ``keep_vm`` (a guest's own OOM killer) the VM goes on running and
        holding its allocation, disk and vCPUs until it is removed: only the app inside it died."""
        self.end(
            inst, "killed", reason, InstanceKilled(self.clock.now, self.kind, inst.id, reason), release=not keep_vm
        )

    def end(
        self, inst: Instance, state: str, reason: Coded | None, event: WorldEvent | None, release: bool = True
    ) -> None:
        """Leave a live state: cancel work and (unless ``release`` is False) free every MiB the instance holds."""
        if inst.job is not None and inst.job_on is not None:
            inst.job_on.cancel(inst.job)
        inst.job = None
        inst.job_on = None
        if inst.current is not None:
            inst.phases.append(PhaseRecord(inst.current[0], inst.current[1], self.clock.now))
            inst.current = None
        for art in inst.needs:
            if inst in art.waiters:
                art.waiters.remove(inst)
        inst.waiting = NOT_WAITING
        inst.steps = NO_STEPS
        if inst.node is not None:
            inst.node.steady_cpu -= inst.steady_cpu
        self.steady_cpu -= inst.steady_cpu
        inst.steady_cpu = 0.0
        if release:
            self.release(inst)
        inst.reason = reason
        self._set_state(inst, state)
        if event is not None:
            self.record(event)

    def release(self, inst: Instance) -> None:
        """Free every MiB ``inst`` holds on its host (nothing when it was placed on none)."""
        node = inst.node
        if node is None:
            return  # refused before any host took it: it holds nothing
        for cat, mib in inst.mem.items():
            node.memory.add(cat, -mib)
        for cat, mib in inst.disk.items():
            node.disk.add(cat, -mib)
        inst.mem, inst.disk, inst.snap = {}, {}, None  # its snapshot showed what it held
        self.dirty = True
        if inst.shares_pages:
            node.pages.unmap(inst.app)
            inst.shares_pages = False
        if inst.services_touched:
            node.guest_started(-1)
            inst.services_touched = False
        node.vcpus_used -= inst.vcpus
        inst.vcpus = 0

    def _set_state(self, inst: Instance, state: str) -> None:
        self.counts[inst.state] -= 1
        self.counts[state] += 1
        node = inst.node
        if node is not None:
            node.counts[inst.state] -= 1
            node.counts[state] += 1
            if state not in LIVE_STATES and self.many:
                self.placement.changed(node)
        inst.state = state
        inst.snap = None
        self.dirty = True

    def record(self, event: WorldEvent) -> None:
        """Keep ``event`` in the world's log and pass it to the simulation."""
        self.events.append(event)
        self._emit.append(event)

    # ------------------------------------------------------------------ observation
    def instance_snapshot(self, inst: Instance) -> InstanceSnapshot:
        """An immutable view of one instance now (cached until it changes, except while booting)."""
        return instance_snapshot(self, inst)

    def snapshot(self, include_events: bool = True) -> WorldSnapshot:
        """An immutable view of the whole world now."""
        return world_snapshot(self, include_events)

    def image_usage(self) -> tuple[ImageUsage, ...]:
        """Images that live instances run from, with each layer's size, state and users (O(instances))."""
        return image_usage(self)

    def check_invariants(self) -> None:
        """Raise AssertionError when the world's books do not balance."""
        check_world(self)
        for node in self.nodes:
            node.behaviour.check_invariants()
