"""A world: one copy of the host running every workload one way — as VMs, containers or microVMs.

The world owns what every kind shares: the memory and disk ledgers, the cores, disk and network, the
artifact store, the boot-step runner, endings and snapshots. What differs between kinds — what an
instance stores and needs, how it is admitted, its boot steps and the memory each touches — is the
kind's (see :mod:`vmsim.engine.kinds`).
"""

from __future__ import annotations

import random

from vmsim.engine import admission
from vmsim.engine.admission import FitResult
from vmsim.engine.artifacts import Artifact, ArtifactStore
from vmsim.engine.catalog import App
from vmsim.engine.clock import Clock
from vmsim.engine.codes import Coded, coded
from vmsim.engine.events import (
    ArtifactFetched,
    InstanceAdded,
    InstanceKilled,
    InstanceReady,
    InstanceRefused,
    InstanceStopped,
    WorldEvent,
)
from vmsim.engine.instance import CPU, FETCH, LIVE_STATES, Instance
from vmsim.engine.kinds import KINDS
from vmsim.engine.ledger import MutableLedger
from vmsim.engine.machines import Host, Settings
from vmsim.engine.memory import OomQueue, SharedPages, held_touched_mib
from vmsim.engine.observation import check_world, image_usage, instance_snapshot
from vmsim.engine.sharing import SharedCapacity
from vmsim.engine.snapshot import (
    DISK_CATEGORIES,
    MEMORY_CATEGORIES,
    STATES,
    CpuSnapshot,
    ImageUsage,
    InstanceSnapshot,
    PhaseRecord,
    WorldSnapshot,
)

__all__ = ["LIVE_STATES", "Artifact", "FitResult", "Instance", "World"]


def _mib(mib: float) -> str:
    # For the exception messages below only (a host that cannot even hold its OS is a bad scenario).
    if mib >= 10 * 1024:
        return f"{mib / 1024:,.1f} GiB"
    if mib >= 100 or mib == int(mib):
        return f"{mib:,.0f} MiB"
    return f"{mib:,.1f} MiB"


class World:
    """One copy of the host. Invariants (see ``check_invariants``): ledgers add up per category,
    nothing is negative, committed memory and stored disk stay within the host's capacity."""

    def __init__(
        self, kind: str, host: Host, settings: Settings, clock: Clock, seed: int, emit: list[WorldEvent]
    ) -> None:
        self.kind = kind
        self.host = host
        self.settings = settings
        self.catalog = settings.catalog
        self.clock = clock
        # A seeded stream per world: adding the microVM world never changes the VM world's numbers.
        self.rng = random.Random(f"{seed}/{kind}")
        self.jitter = self.catalog.jitter.value
        self.events: list[WorldEvent] = []
        self._emit = emit
        self.instances: list[Instance] = []
        self.by_id: dict[str, Instance] = {}
        self.counts = dict.fromkeys(STATES, 0)
        self.memory = MutableLedger()
        self.disk = MutableLedger()
        self.cpu = SharedCapacity(clock, host.cpu_cores)
        self.net = SharedCapacity(clock, 1.0)
        self.disk_io = SharedCapacity(clock, 1.0)
        self.steady_cpu = 0.0
        self.vcpus_used = 0
        self.guest_count = 0  # guests whose services are up, for KSM
        self.store = ArtifactStore(
            self.disk, host.disk_mib, self.net, self.cpu, lambda: settings.registry_mibps, self._fetched
        )
        self.pages = SharedPages(self.memory)
        self._oom = OomQueue(self.instances)
        self.dirty = True
        self.runtime = self.catalog.runtimes[settings.container.runtime]
        self.behaviour = KINDS[kind](self)
        self.label = self.behaviour.label
        if host.host_os_memory_mib >= host.memory_mib or host.host_os_disk_mib >= host.disk_mib:
            raise ValueError(
                f"the host ({_mib(host.memory_mib)} memory, {_mib(host.disk_mib)} disk) is smaller than its own "
                f"OS ({_mib(host.host_os_memory_mib)} memory, {_mib(host.host_os_disk_mib)} disk)"
            )
        self.memory.add("host_os", host.host_os_memory_mib)
        self.disk.add("host_os", host.host_os_disk_mib)
        if self.behaviour.uses_images:
            daemon = self.runtime.daemon_memory_mib.value
            if host.host_os_memory_mib + daemon >= host.memory_mib:
                raise ValueError(
                    f"the host's {_mib(host.memory_mib)} of memory leaves no room for the container runtime "
                    f"({_mib(daemon)}) beside its OS ({_mib(host.host_os_memory_mib)})"
                )
            self.memory.add("runtime", daemon)
            for image_name in settings.container.cached_images:
                for layer_artifact in self.store.layers(self.catalog.images[image_name], self.runtime):
                    self.store.store(layer_artifact)
        self.behaviour.prepare()

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
        """Every artifact the world's host knows of, by id."""
        return self.store.artifacts

    def touched_mib(self) -> float:
        """Host memory really in use: committed, less untouched guest RAM and KSM-merged pages."""
        return self.memory.total - self.memory.get("reserved_idle") - self.ksm_saved_mib()

    def ksm_saved_mib(self) -> float:
        """Pages KSM merged across identical guests (0 unless KSM is on)."""
        return self.behaviour.ksm_saved_mib()

    def fit(self, app: App) -> FitResult:
        """How many more of ``app`` this world can take now, and which resource runs out first."""
        return admission.fit(self, app)

    # ------------------------------------------------------------------ commands
    def add(self, app: App, instance_id: str, seq: int) -> Instance:
        """Ask for one instance of ``app``; it is admitted and starts booting, or is refused."""
        now = self.clock.now
        inst = Instance(instance_id, app, seq, now)
        self.instances.append(inst)
        self.by_id[instance_id] = inst
        self.counts["pending"] += 1
        self.dirty = True
        self.record(InstanceAdded(now, self.kind, instance_id, app.name))
        refusal = admission.refusal(self, app)
        if refusal is not None:
            self.end(
                inst,
                "failed",
                coded("reason.refused_prefix", reason=refusal),
                InstanceRefused(now, self.kind, inst.id, refusal),
            )
            return inst
        self._admit(inst)
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
        grown = 0
        for inst in [i for i in self.instances if i.state == "running" and i.app.name == app_name]:
            grown += 1
            inst.app_extra_mib += mib
            self.behaviour.grow(inst, mib)
            self._host_pressure()
        return grown

    # ------------------------------------------------------------------ boot
    def _admit(self, inst: Instance) -> None:
        app = inst.app
        cat, mib = self.behaviour.instance_disk(app)
        self._hold(inst, self.disk, cat, mib, disk=True)
        inst.needs = self.behaviour.needs(app)
        missing = [a for a in inst.needs if a.state != "present"]
        j = self.jitter
        rng = self.rng
        steps = inst.steps

        def add(name: str, kind: str, nominal: float, weight: float) -> None:
            if nominal <= 0:
                return  # a phase of 0 s does not happen (and draws no jitter)
            steps.append((name, kind, nominal * (1.0 + rng.uniform(-j, j)), weight))

        if missing:
            steps.append((self.behaviour.fetch_step, FETCH, 0.0, 0.0))
        self.behaviour.plan(inst, add, mib)
        add("app", CPU, app.start_s.value, self.catalog.app_start_cpu.value)

    def _start_step(self, inst: Instance) -> None:
        if inst.step_index >= len(inst.steps):
            self._ready(inst)
            return
        name, kind, nominal, weight = inst.steps[inst.step_index]
        now = self.clock.now
        inst.current = (name, now)
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
                    self.store.fetch(art)
            return
        resource = self.cpu if kind == CPU else self.disk_io
        inst.job_on = resource
        inst.job = resource.submit(nominal, weight, lambda: self._step_done(inst))

    def _step_done(self, inst: Instance) -> None:
        if inst.state != "booting":
            return
        inst.job = None
        inst.job_on = None
        assert inst.current is not None
        name = inst.current[0]
        inst.phases.append(PhaseRecord(name, inst.current[1], self.clock.now))
        inst.current = None
        self.dirty = True
        if name in self.behaviour.memory_phases:
            if not self.behaviour.after_phase(inst, name):
                return
            if self.behaviour.pressure_possible and not self._host_pressure(inst):
                return
        inst.step_index += 1
        self._start_step(inst)

    def _fetched(self, art: Artifact) -> None:
        self.record(ArtifactFetched(self.clock.now, self.kind, None, art.label, art.stored_mib))
        waiters, art.waiters = art.waiters, []
        for inst in waiters:
            inst.waiting.discard(art.id)
            if not inst.waiting and inst.state == "booting":
                self._step_done(inst)

    def _ready(self, inst: Instance) -> None:
        now = self.clock.now
        inst.ready_s = now
        self._set_state(inst, "running")
        inst.steady_cpu = self.behaviour.steady_cpu(inst.app)
        self.steady_cpu += inst.steady_cpu
        self.record(InstanceReady(now, self.kind, inst.id, now - inst.added_s))

    # ------------------------------------------------------------------ memory
    def _hold(self, inst: Instance, ledger: MutableLedger, cat: str, mib: float, disk: bool = False) -> None:
        ledger.add(cat, mib)
        held = inst.disk if disk else inst.mem
        held[cat] = held.get(cat, 0.0) + mib
        inst.snap = None
        self.dirty = True
        if not disk and self.behaviour.pressure_possible and cat != "reserved_idle":
            self._oom.changed(inst)

    def hold_memory(self, inst: Instance, cat: str, mib: float) -> None:
        """The instance holds ``mib`` more host memory in ``cat`` (less when negative)."""
        self._hold(inst, self.memory, cat, mib)

    def _host_pressure(self, newcomer: Instance | None = None) -> bool:
        """Kill the largest live instances while host memory is over capacity; False if ``newcomer`` died."""
        capacity = self.host.memory_mib
        while self.touched_mib() > capacity + 1e-6:
            victim = self._oom.largest()
            if victim is None:
                break
            need = self.touched_mib()
            reason = coded("reason.host_oom", need_mib=need, cap_mib=capacity, size_mib=held_touched_mib(victim))
            if not victim.live:
                # A VM whose app its own guest killed still holds its memory; the host's killer now ends the VM
                # process itself. The instance ended once already (one end event): its memory goes, its reason
                # says why.
                self._release(victim)
                victim.reason = reason
                victim.snap = None
                self.dirty = True
                continue
            self.kill(victim, reason)
        return newcomer is None or newcomer.live

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
        inst.waiting = set()
        self.steady_cpu -= inst.steady_cpu
        inst.steady_cpu = 0.0
        if release:
            self._release(inst)
        inst.reason = reason
        self._set_state(inst, state)
        if event is not None:
            self.record(event)

    def _release(self, inst: Instance) -> None:
        for cat, mib in inst.mem.items():
            self.memory.add(cat, -mib)
        for cat, mib in inst.disk.items():
            self.disk.add(cat, -mib)
        inst.mem = {}
        inst.disk = {}
        if inst.shares_pages:
            self.pages.unmap(inst.app)
            inst.shares_pages = False
        if inst.services_touched:
            self.guest_count -= 1
            inst.services_touched = False
        self.vcpus_used -= inst.vcpus
        inst.vcpus = 0

    def _set_state(self, inst: Instance, state: str) -> None:
        self.counts[inst.state] -= 1
        self.counts[state] += 1
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
        return WorldSnapshot(
            name=self.kind,
            label=self.label,
            instances=tuple(instance_snapshot(self, i) for i in self.instances),
            memory=self.memory.freeze(MEMORY_CATEGORIES, self.host.memory_mib),
            memory_touched_mib=self.touched_mib(),
            ksm_saved_mib=self.ksm_saved_mib(),
            disk=self.disk.freeze(DISK_CATEGORIES, self.host.disk_mib),
            cpu=CpuSnapshot(self.host.cpu_cores, self.cpu.demand, self.steady_cpu),
            counts=tuple((s, self.counts[s]) for s in STATES),
            events=tuple(self.events) if include_events else (),
        )

    def image_usage(self) -> tuple[ImageUsage, ...]:
        """Images that live instances run from, with each layer's size, state and users (O(instances))."""
        return image_usage(self)

    def check_invariants(self) -> None:
        """Raise AssertionError when the world's books do not balance."""
        check_world(self)
        self.behaviour.check_invariants()
