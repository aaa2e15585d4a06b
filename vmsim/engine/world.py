"""A world: one copy of the host running every workload one way — as VMs, containers or microVMs.

The three kinds share one mechanism and differ in two traits:

* ``has_guest`` (vm, microvm): each instance boots its own kernel. It is admitted against its whole
  memory allocation plus the hypervisor's overhead; boot phases touch guest kernel, services and page
  cache memory inside that allocation; the app's file-backed pages are private to each guest.
* ``uses_images`` (container, microvm): instances start from image layers stored once per host,
  pulled when missing, with a thin writable layer each. Containers (no guest) share the app's
  file-backed pages through the host page cache.

The VM world instead downloads its guest OS image once and gives each VM its own virtual disk.
"""

from __future__ import annotations

import heapq
import math
import random
from typing import NamedTuple

from vmsim.engine.catalog import App, GuestOS
from vmsim.engine.clock import Clock, Timer
from vmsim.engine.events import (
    AllocationWarned,
    ArtifactFetched,
    InstanceAdded,
    InstanceFailed,
    InstanceKilled,
    InstanceReady,
    InstanceRefused,
    InstanceStopped,
    WorldEvent,
    fmt_mib,
)
from vmsim.engine.ledger import MutableLedger
from vmsim.engine.machines import WORLD_LABELS, Host, Settings
from vmsim.engine.sharing import Job, SharedCapacity
from vmsim.engine.snapshot import (
    DISK_CATEGORIES,
    MEMORY_CATEGORIES,
    STATES,
    CpuSnapshot,
    ImageUsage,
    InstanceSnapshot,
    LayerUsage,
    PhaseRecord,
    WorldSnapshot,
)
from vmsim.text import Msg, msg, render

# Step kinds: run on the cores, on the disk, wait for artifacts, or just take time.
CPU, DISK, FETCH = "cpu", "disk", "fetch"
LIVE_STATES = ("pending", "booting", "running")


class Artifact:
    """Something fetched once per host and then shared: an image layer or a guest OS image."""

    __slots__ = ("id", "label", "category", "stored_mib", "download_mib", "unpack_s", "state", "waiters", "job")

    def __init__(
        self, id: str, label: str, category: str, stored_mib: float, download_mib: float, unpack_s: float
    ) -> None:
        self.id = id
        self.label = label
        self.category = category
        self.stored_mib = stored_mib
        self.download_mib = download_mib
        self.unpack_s = unpack_s
        self.state = "absent"  # absent | fetching | present
        self.waiters: list[Instance] = []
        self.job: Job | None = None


class Instance:
    """One workload in one world. Invariant: ``mem``/``disk`` are exactly what it added to the ledgers."""

    __slots__ = (
        "id",
        "app",
        "seq",
        "state",
        "added_s",
        "ready_s",
        "reason",
        "steps",
        "step_index",
        "phases",
        "current",
        "job",
        "job_on",
        "timer",
        "mem",
        "disk",
        "needs",
        "waiting",
        "alloc",
        "app_extra_mib",
        "shares_pages",
        "steady_cpu",
        "vcpus",
        "services_touched",
        "snap",
    )

    def __init__(self, id: str, app: App, seq: int, added_s: float) -> None:
        self.id = id
        self.app = app
        self.seq = seq
        self.state = "pending"
        self.added_s = added_s
        self.ready_s: float | None = None
        self.reason: Msg | None = None
        self.steps: list[tuple[str, str, float, float]] = []
        self.step_index = 0
        self.phases: list[PhaseRecord] = []  # finished phases
        self.current: tuple[str, float] | None = None  # the phase running now: (name, start_s)
        self.job: Job | None = None
        self.job_on: SharedCapacity | None = None
        self.timer: Timer | None = None
        self.mem: dict[str, float] = {}
        self.disk: dict[str, float] = {}
        self.needs: list[Artifact] = []
        self.waiting: set[str] = set()
        self.alloc = 0.0
        self.app_extra_mib = 0.0
        self.shares_pages = False
        self.steady_cpu = 0.0
        self.vcpus = 0
        self.services_touched = False
        self.snap: InstanceSnapshot | None = None  # cached while it is not booting

    @property
    def live(self) -> bool:
        """Pending, booting or running."""
        return self.state in LIVE_STATES

    @property
    def holds(self) -> bool:
        """It still holds memory or disk (live, or a VM whose app was killed inside it)."""
        return bool(self.mem or self.disk)


class FitResult(NamedTuple):
    """How many more of an app a world can take now, and what runs out first."""

    max_instances: int
    limited_by: str
    per_instance: tuple[tuple[str, float], ...]

    def as_dict(self) -> dict[str, object]:
        """JSON form."""
        return {
            "max_instances": self.max_instances,
            "limited_by": self.limited_by,
            "per_instance": dict(self.per_instance),
        }


class World:
    """One copy of the host. Invariants (see ``check_invariants``): ledgers add up per category,
    nothing is negative, committed memory and stored disk stay within the host's capacity."""

    def __init__(
        self, kind: str, host: Host, settings: Settings, clock: Clock, seed: int, emit: list[WorldEvent]
    ) -> None:
        self.kind = kind
        self.label = WORLD_LABELS[kind]
        self.host = host
        self.settings = settings
        self.catalog = settings.catalog
        self.clock = clock
        self.has_guest = kind in ("vm", "microvm")
        self.uses_images = kind in ("container", "microvm")
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
        self.artifacts: dict[str, Artifact] = {}
        self._oom_heap: list[tuple[float, int, Instance]] = []
        self._downloads: set[Job] = set()  # network jobs (an artifact's later unpack job is on the CPU)
        self.page_refs: dict[str, int] = {}
        self.warned = False
        self.dirty = True
        self.runtime = self.catalog.runtimes[settings.container.runtime]
        self.guest: GuestOS | None = None
        self._guest_memory_cache: dict[str, tuple[float, float, float, float]] = {}
        if kind == "vm":
            self.guest = self.catalog.guests[settings.vm.guest_os]
            self.hypervisor = self.catalog.hypervisors[settings.vm.hypervisor]
            self.alloc_mib = float(settings.vm.memory_mib)
            self.vcpus_each = settings.vm.vcpus
            self.overcommit = settings.vm.overcommit_ratio
        elif kind == "microvm":
            self.guest = self.catalog.guests[settings.microvm.guest_os]
            self.hypervisor = self.catalog.hypervisors[settings.microvm.hypervisor]
            self.alloc_mib = float(settings.microvm.memory_mib)
            self.vcpus_each = settings.microvm.vcpus
            self.overcommit = settings.microvm.overcommit_ratio
        if self.guest is not None:
            names = [p.name for p in self.guest.boot_phases]
            services_phase = next((n for n in ("systemd", "openrc", "init") if n in names), names[-1])
            # Memory runs out in the initrd (unpacked into RAM); a guest without one fails at init.
            check_phase = "initrd" if "initrd" in names else services_phase
            self._phase_roles = (services_phase, check_phase, names[-1])
            self._memory_phases = {"kernel", services_phase, check_phase, names[-1], "app"}
        else:
            self._memory_phases = {"create", "app"}
        # Only where touched memory can outgrow the host does the OOM killer need its candidates tracked.
        self._pressure_possible = not self.has_guest or self.overcommit > 1.0
        if host.host_os_memory_mib >= host.memory_mib or host.host_os_disk_mib >= host.disk_mib:
            raise ValueError(
                f"the host ({fmt_mib(host.memory_mib)} memory, {fmt_mib(host.disk_mib)} disk) is smaller than its own "
                f"OS ({fmt_mib(host.host_os_memory_mib)} memory, {fmt_mib(host.host_os_disk_mib)} disk)"
            )
        self.memory.add("host_os", host.host_os_memory_mib)
        self.disk.add("host_os", host.host_os_disk_mib)
        if self.uses_images:
            if host.host_os_memory_mib + self.runtime.daemon_memory_mib.value >= host.memory_mib:
                raise ValueError(
                    f"the host's {fmt_mib(host.memory_mib)} of memory leaves no room for the container runtime "
                    f"({fmt_mib(self.runtime.daemon_memory_mib.value)}) "
                    f"beside its OS ({fmt_mib(host.host_os_memory_mib)})"
                )
            self.memory.add("runtime", self.runtime.daemon_memory_mib.value)
            for image_name in settings.container.cached_images:
                for layer_artifact in self._layer_artifacts(self.catalog.images[image_name]):
                    self._store(layer_artifact)
        if kind == "microvm":
            # The guest kernel file ships with the microVM stack: on disk from the start.
            assert self.guest is not None
            kernel = Artifact(
                "kernel:" + self.guest.name,
                self.guest.label + " kernel",
                "base_images",
                self.guest.image_download_mib.value,
                0.0,
                0.0,
            )
            self.artifacts[kernel.id] = kernel
            self._store(kernel)
        if kind == "vm" and settings.vm.image_cached:
            self._store(self._guest_image())

    # ------------------------------------------------------------------ artifacts
    def _guest_image(self) -> Artifact:
        assert self.guest is not None
        key = "image:" + self.guest.name
        art = self.artifacts.get(key)
        if art is None:
            size = self.guest.image_download_mib.value
            art = Artifact(key, self.guest.label + " image", "base_images", size, size, 0.0)
            self.artifacts[key] = art
        return art

    def _layer_artifacts(self, image) -> list[Artifact]:
        out = []
        for layer in image.layers:
            art = self.artifacts.get(layer.id)
            if art is None:
                size = layer.size_mib
                art = Artifact(
                    layer.id,
                    "layer " + layer.id,
                    "image_layers",
                    size,
                    size * self.runtime.compressed_ratio.value,
                    size / self.runtime.unpack_mibps.value,
                )
                self.artifacts[layer.id] = art
            out.append(art)
        return out

    def _store(self, art: Artifact) -> None:
        """Put an artifact on disk at t = 0 (pre-pulled). One that does not fit stays absent: fetched later,
        or refused then, never stored beyond the disk."""
        if art.state == "absent":
            if self.disk.total + art.stored_mib > self.host.disk_mib:
                return
            self.disk.add(art.category, art.stored_mib)
        art.state = "present"

    def _fetch(self, art: Artifact) -> None:
        """Start downloading ``art`` (its disk space is taken now, so admission sees it)."""
        art.state = "fetching"
        self.disk.add(art.category, art.stored_mib)
        nominal = art.download_mib / self.settings.registry_mibps
        art.job = self.net.submit(nominal, 1.0, lambda: self._downloaded(art))
        self._downloads.add(art.job)

    def _downloaded(self, art: Artifact) -> None:
        self._downloads.discard(art.job)  # type: ignore[arg-type]
        if art.unpack_s > 0:
            art.job = self.cpu.submit(art.unpack_s, 1.0, lambda: self._fetched(art))
        else:
            self._fetched(art)

    def _fetched(self, art: Artifact) -> None:
        art.state = "present"
        art.job = None
        self._record(ArtifactFetched(self.clock.now, self.kind, None, art.label, art.stored_mib))
        waiters, art.waiters = art.waiters, []
        for inst in waiters:
            inst.waiting.discard(art.id)
            if not inst.waiting and inst.state == "booting":
                self._step_done(inst)

    # ------------------------------------------------------------------ footprint
    def _instance_disk(self, app: App) -> tuple[str, float]:
        """The disk one more instance adds (besides artifacts it may have to fetch)."""
        if self.kind == "vm":
            assert self.guest is not None
            vm = self.settings.vm
            data = self.guest.installed_disk_mib.value + app.installed_mib
            if vm.clone == "linked":
                return "vm_disks", app.installed_mib + self.runtime.writable_layer_mib.value
            if vm.disk == "preallocated":
                return "vm_disks", max(self.guest.virtual_disk_mib.value, data)
            return "vm_disks", data
        return "writable_layers", self.runtime.writable_layer_mib.value

    def _needs(self, app: App) -> list[Artifact]:
        if self.kind == "vm":
            return [self._guest_image()]
        return self._layer_artifacts(app.image)

    def _guest_memory(self, app: App) -> tuple[float, float, float, float]:
        """Inside one guest: (kernel, services, page cache, app) MiB at the world's allocation."""
        cached = self._guest_memory_cache.get(app.name)
        if cached is not None:
            return cached
        assert self.guest is not None
        g = self.guest
        kernel = self.catalog.kernel_reserve.at(self.alloc_mib) + g.kernel_runtime_mib.value
        services = g.services_mib.value
        rss = app.rss_mib
        cache = max(0.0, min(g.page_cache_mib.value, self.alloc_mib - kernel - services - rss))
        result = (kernel, services, cache, rss)
        self._guest_memory_cache[app.name] = result
        return result

    def _steady_cpu(self, app: App) -> float:
        if self.has_guest:
            assert self.guest is not None
            return (app.cpu_cores.value + self.guest.idle_cpu_cores.value) * (1 + self.hypervisor.cpu_overhead.value)
        return app.cpu_cores.value

    @property
    def commit_limit_mib(self) -> float:
        """Memory the host may commit to guests: what the host OS leaves, times the overcommit ratio."""
        return (self.host.memory_mib - self.host.host_os_memory_mib) * self.overcommit

    def touched_mib(self) -> float:
        """Host memory really in use: committed, less untouched guest RAM and KSM-merged pages."""
        return self.memory.total - self.memory.get("reserved_idle") - self.ksm_saved_mib()

    def ksm_saved_mib(self) -> float:
        """Pages KSM merged across identical guests (0 unless KSM is on)."""
        if self.kind != "vm" or not self.settings.vm.ksm or self.guest_count < 2:
            return 0.0
        assert self.guest is not None
        per_guest = self.guest.kernel_runtime_mib.value + self.guest.services_mib.value
        return self.catalog.ksm_merge_fraction.value * per_guest * (self.guest_count - 1)

    def fit(self, app: App) -> FitResult:
        """How many more of ``app`` this world can take now, and which resource runs out first."""
        limits: list[tuple[int, str]] = []
        per: list[tuple[str, float]] = []
        disk_cat, disk_each = self._instance_disk(app)
        to_fetch = sum(a.stored_mib for a in self._needs(app) if a.state == "absent")
        disk_free = self.host.disk_mib - self.disk.total - to_fetch
        limits.append((_count(disk_free, disk_each), "disk"))
        per.append(("disk_mib", disk_each))
        if self.has_guest:
            assert self.guest is not None
            each = self.alloc_mib + self.hypervisor.overhead_mib.value
            free = self.commit_limit_mib - (self.memory.total - self.host.host_os_memory_mib)
            n = _count(free, each)
            kernel, services, _, rss = self._guest_memory(app)
            if self.alloc_mib < self.guest.min_boot_memory_mib.value or kernel + services + rss > self.alloc_mib:
                n = 0
                limits.append((0, "allocation"))
            limits.append((n, "memory"))
            per.append(("memory_mib", each))
            ratio = self.settings.vm.cpu_allocation_ratio if self.kind == "vm" else None
            if ratio:
                limits.append((_count(self.host.cpu_cores * ratio - self.vcpus_used, self.vcpus_each), "vcpus"))
                per.append(("vcpus", self.vcpus_each))
        else:
            limit = self.settings.container.memory_limit_mib
            each = self.runtime.shim_memory_mib.value + app.private_mib.value
            first = 0.0 if self.page_refs.get(app.image.name) else app.file_mib.value
            free = self.host.memory_mib - self.memory.total - first
            limits.append((_count(free, each) if free >= 0 else 0, "memory"))
            if limit is not None and app.rss_mib > limit:
                limits.append((0, "memory limit"))
            per.append(("memory_mib", each))
        cpu_each = self._steady_cpu(app)
        limits.append((_count(self.host.cpu_cores - self.steady_cpu, cpu_each), "cpu"))
        per.append(("cpu_cores", cpu_each))
        n, by = min(limits, key=lambda x: x[0])
        return FitResult(n, by, tuple(per))

    # ------------------------------------------------------------------ commands
    def add(self, app: App, instance_id: str, seq: int) -> Instance:
        """Ask for one instance of ``app``; it is admitted and starts booting, or is refused."""
        now = self.clock.now
        inst = Instance(instance_id, app, seq, now)
        self.instances.append(inst)
        self.by_id[instance_id] = inst
        self.counts["pending"] += 1
        self.dirty = True
        self._record(InstanceAdded(now, self.kind, instance_id, app.name))
        refusal = self._admission(inst)
        if refusal is not None:
            self._end(
                inst,
                "failed",
                msg("reason.refused_prefix", reason=refusal),
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
        self._end(inst, "stopped", None, InstanceStopped(self.clock.now, self.kind, inst.id))
        return True

    def grow(self, app_name: str, mib: float) -> int:
        """Every running instance of ``app_name`` takes ``mib`` more private memory (a cache filling)."""
        grown = 0
        for inst in [i for i in self.instances if i.state == "running" and i.app.name == app_name]:
            grown += 1
            inst.app_extra_mib += mib
            if self.has_guest:
                self._grow_in_guest(inst, mib)
            else:
                self._touch(inst, "apps", mib)
                limit = self.settings.container.memory_limit_mib
                if limit is not None and inst.app.rss_mib + inst.app_extra_mib > limit:
                    self._kill(
                        inst,
                        msg(
                            "reason.cgroup_grow",
                            used=fmt_mib(inst.app.rss_mib + inst.app_extra_mib),
                            limit=fmt_mib(limit),
                        ),
                    )
            self._host_pressure()
        return grown

    # ------------------------------------------------------------------ admission and plans
    def _admission(self, inst: Instance) -> Msg | None:
        app = inst.app
        _, disk_each = self._instance_disk(app)
        to_fetch = sum(a.stored_mib for a in self._needs(app) if a.state == "absent")
        disk_free = self.host.disk_mib - self.disk.total
        if disk_each + to_fetch > disk_free:
            return msg("reason.disk_full", need=fmt_mib(disk_each + to_fetch), free=fmt_mib(disk_free))
        if self.has_guest:
            need = self.alloc_mib + self.hypervisor.overhead_mib.value
            free = self.commit_limit_mib - (self.memory.total - self.host.host_os_memory_mib)
            if need > free + 1e-9:
                return msg(
                    "reason.no_memory",
                    need=fmt_mib(need),
                    ram=fmt_mib(self.alloc_mib),
                    overhead=fmt_mib(self.hypervisor.overhead_mib.value),
                    hypervisor=self.hypervisor.label,
                    free=fmt_mib(max(free, 0.0)),
                )
            # The hypervisor's own memory is touched at once: even overcommitted, it must fit for real.
            touched_free = self.host.memory_mib - self.touched_mib()
            if self.hypervisor.overhead_mib.value > touched_free + 1e-9:
                return msg(
                    "reason.host_touched",
                    used=fmt_mib(self.touched_mib()),
                    cap=fmt_mib(self.host.memory_mib),
                    overhead=fmt_mib(self.hypervisor.overhead_mib.value),
                    hypervisor=self.hypervisor.label,
                )
            ratio = self.settings.vm.cpu_allocation_ratio if self.kind == "vm" else None
            if ratio and self.vcpus_used + self.vcpus_each > self.host.cpu_cores * ratio:
                return msg(
                    "reason.vcpus", n=self.vcpus_each, used=self.vcpus_used, cap=f"{self.host.cpu_cores * ratio:g}"
                )
        return None

    def _admit(self, inst: Instance) -> None:
        app = inst.app
        cat, mib = self._instance_disk(app)
        self._hold(inst, self.disk, cat, mib, disk=True)
        inst.needs = self._needs(app)
        missing = [a for a in inst.needs if a.state != "present"]
        j = self.jitter
        rng = self.rng
        steps = inst.steps

        def add(name: str, kind: str, nominal: float, weight: float) -> None:
            if nominal <= 0:
                return  # a phase of 0 s does not happen (and draws no jitter)
            steps.append((name, kind, nominal * (1.0 + rng.uniform(-j, j)), weight))

        if missing:
            steps.append(("download" if self.kind == "vm" else "pull", FETCH, 0.0, 0.0))
        if self.has_guest:
            assert self.guest is not None
            inst.alloc = self.alloc_mib
            inst.vcpus = self.vcpus_each
            self.vcpus_used += inst.vcpus
            self._hold(inst, self.memory, "hypervisor", self.hypervisor.overhead_mib.value)
            self._hold(inst, self.memory, "reserved_idle", inst.alloc)
            if self.kind == "vm" and self.settings.vm.clone == "copy":
                add("disk copy", DISK, mib / self.host.disk_mibps, 1.0)
            if self.kind == "microvm":
                # Started through a container runtime (as firecracker-containerd and Kata do): the same
                # create step as a container (rootfs snapshot, network, cgroups) before the VMM starts.
                add("create", CPU, self.runtime.create_s.value, self.catalog.container_phase_cpu.value)
            add("vmm", CPU, self.hypervisor.vmm_init_s.value, 1.0)
            for phase in self.guest.boot_phases:
                add(phase.name, CPU, phase.duration.value, min(phase.cpu, inst.vcpus))
            if inst.alloc < self.guest.recommended_memory_mib.value and not self.warned:
                self.warned = True
                self._record(
                    AllocationWarned(
                        self.clock.now,
                        self.kind,
                        inst.id,
                        msg(
                            "reason.below_recommended",
                            alloc=fmt_mib(inst.alloc),
                            rec=fmt_mib(self.guest.recommended_memory_mib.value),
                            guest=self.guest.label,
                        ),
                    )
                )
        else:
            cpu = self.catalog.container_phase_cpu.value
            add("create", CPU, self.runtime.create_s.value, cpu)
            add("start", CPU, self.runtime.start_s.value, cpu)
        add("app", CPU, app.start_s.value, self.catalog.app_start_cpu.value)

    # ------------------------------------------------------------------ running steps
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
                    self._fetch(art)
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
        if not self._after_phase(inst, name):
            return
        inst.step_index += 1
        self._start_step(inst)

    def _after_phase(self, inst: Instance, name: str) -> bool:
        """Memory a finished phase touches; False when the instance failed or was killed."""
        if name not in self._memory_phases:
            return True
        guest = self.guest
        if self.has_guest and guest is not None:
            kernel, services, cache, rss = self._guest_memory(inst.app)
            services_phase, check_phase, last_phase = self._phase_roles
            if name == "kernel":
                self._touch(inst, "guest_kernel", kernel)
            if name == check_phase and inst.alloc < guest.min_boot_memory_mib.value:
                reason = msg(
                    "reason.boot_oom",
                    alloc=fmt_mib(inst.alloc),
                    guest=guest.label,
                    min=fmt_mib(guest.min_boot_memory_mib.value),
                )
                self._end(inst, "failed", reason, InstanceFailed(self.clock.now, self.kind, inst.id, reason))
                return False
            if name == services_phase:
                self._touch(inst, "guest_services", services)
                inst.services_touched = True
                self.guest_count += 1
            if name == last_phase and cache > 0:
                self._touch(inst, "guest_page_cache", cache)
            if name == "app":
                if kernel + services + rss > inst.alloc:
                    self._kill(
                        inst,
                        keep_vm=True,
                        reason=msg(
                            "reason.guest_oom_start",
                            app=inst.app.name,
                            rss=fmt_mib(rss),
                            free=fmt_mib(max(inst.alloc - kernel - services, 0.0)),
                            alloc=fmt_mib(inst.alloc),
                        ),
                    )
                    return False
                self._touch(inst, "apps", rss)
        else:
            if name == "create":
                self._touch(inst, "runtime", self.runtime.shim_memory_mib.value)
            if name == "app":
                app = inst.app
                limit = self.settings.container.memory_limit_mib
                if limit is not None and app.rss_mib > limit:
                    self._kill(
                        inst,
                        msg("reason.cgroup_start", rss=fmt_mib(app.rss_mib), limit=fmt_mib(limit)),
                    )
                    return False
                self._touch(inst, "apps", app.private_mib.value)
                refs = self.page_refs.get(app.image.name, 0)
                if refs == 0:
                    self.memory.add("shared_pages", app.file_mib.value)
                self.page_refs[app.image.name] = refs + 1
                inst.shares_pages = True
        if self.has_guest and self.overcommit <= 1.0:
            return True  # admitted against its whole allocation: touching it can never overfill the host
        return self._host_pressure(inst)

    def _ready(self, inst: Instance) -> None:
        now = self.clock.now
        inst.ready_s = now
        self._set_state(inst, "running")
        inst.steady_cpu = self._steady_cpu(inst.app)
        self.steady_cpu += inst.steady_cpu
        self._record(InstanceReady(now, self.kind, inst.id, now - inst.added_s))

    # ------------------------------------------------------------------ memory
    def _hold(self, inst: Instance, ledger: MutableLedger, cat: str, mib: float, disk: bool = False) -> None:
        ledger.add(cat, mib)
        held = inst.disk if disk else inst.mem
        held[cat] = held.get(cat, 0.0) + mib
        inst.snap = None
        self.dirty = True
        if not disk and self._pressure_possible and cat != "reserved_idle":
            self._oom_candidate(inst)

    def _touch(self, inst: Instance, cat: str, mib: float) -> None:
        """The instance's memory in ``cat`` grows by ``mib``; inside a guest it comes out of its idle reserve."""
        if self.has_guest:
            idle = inst.mem.get("reserved_idle", 0.0)
            mib = min(mib, idle)
            self._hold(inst, self.memory, "reserved_idle", -mib)
        self._hold(inst, self.memory, cat, mib)

    def _grow_in_guest(self, inst: Instance, mib: float) -> None:
        idle = inst.mem.get("reserved_idle", 0.0)
        take = min(mib, idle)
        self._touch(inst, "apps", take)
        short = mib - take
        if short > 0:
            # The guest evicts its page cache first; the host still holds those pages for the guest.
            cache = inst.mem.get("guest_page_cache", 0.0)
            moved = min(short, cache)
            self._hold(inst, self.memory, "guest_page_cache", -moved)
            self._hold(inst, self.memory, "apps", moved)
            short -= moved
        if short > 1e-9:
            self._kill(inst, msg("reason.guest_oom_grow", app=inst.app.name, alloc=fmt_mib(inst.alloc)), keep_vm=True)

    def _host_pressure(self, newcomer: Instance | None = None) -> bool:
        """Kill the largest live instances while host memory is over capacity; False if ``newcomer`` died."""
        capacity = self.host.memory_mib
        while self.touched_mib() > capacity + 1e-6:
            victim = self._largest()
            if victim is None:
                break
            need = self.touched_mib()
            self._kill(
                victim,
                msg(
                    "reason.host_oom",
                    need=fmt_mib(need),
                    cap=fmt_mib(capacity),
                    size=fmt_mib(self._held_touched(victim)),
                ),
            )
        return newcomer is None or newcomer.live

    def _held_touched(self, inst: Instance) -> float:
        return sum(v for k, v in inst.mem.items() if k != "reserved_idle")

    def _largest(self) -> Instance | None:
        """The instance holding the most touched memory (the youngest of equals): the OOM killer's pick.

        A max-heap with lazy deletion: an entry is pushed whenever an instance's memory changes, and stale
        entries are dropped when met. Under memory pressure every start can trigger a kill; a scan of all
        instances each time made 8,000 containers take a minute.
        """
        heap = self._oom_heap
        while heap:
            neg_size, neg_seq, inst = heap[0]
            if inst.mem and -neg_size == self._held_touched(inst):
                return inst
            heapq.heappop(heap)
        return None

    def _oom_candidate(self, inst: Instance) -> None:
        if inst.mem:
            heap = self._oom_heap
            heapq.heappush(heap, (-self._held_touched(inst), -inst.seq, inst))
            if len(heap) > 4 * len(self.instances) + 64:
                # Every change pushes a new entry: rebuild from the present now and then, or stale ones pile up.
                self._oom_heap = [(-self._held_touched(i), -i.seq, i) for i in self.instances if i.mem]
                heapq.heapify(self._oom_heap)

    # ------------------------------------------------------------------ endings
    def _kill(self, inst: Instance, reason: Msg, keep_vm: bool = False) -> None:
        """Stop the instance's app. With ``keep_vm`` (a guest's own OOM killer) the VM goes on running and
        holding its allocation, disk and vCPUs until it is removed: only the app inside it died."""
        self._end(
            inst, "killed", reason, InstanceKilled(self.clock.now, self.kind, inst.id, reason), release=not keep_vm
        )

    def _end(
        self, inst: Instance, state: str, reason: Msg | None, event: WorldEvent | None, release: bool = True
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
        if not release:
            inst.reason = reason
            self._set_state(inst, state)
            if event is not None:
                self._record(event)
            return
        for cat, mib in inst.mem.items():
            self.memory.add(cat, -mib)
        for cat, mib in inst.disk.items():
            self.disk.add(cat, -mib)
        inst.mem = {}
        inst.disk = {}
        if inst.shares_pages:
            name = inst.app.image.name
            self.page_refs[name] -= 1
            if self.page_refs[name] == 0:
                self.memory.add("shared_pages", -inst.app.file_mib.value)
            inst.shares_pages = False
        if inst.services_touched:
            self.guest_count -= 1
            inst.services_touched = False
        self.vcpus_used -= inst.vcpus
        inst.vcpus = 0
        inst.reason = reason
        self._set_state(inst, state)
        if event is not None:
            self._record(event)

    def _set_state(self, inst: Instance, state: str) -> None:
        self.counts[inst.state] -= 1
        self.counts[state] += 1
        inst.state = state
        inst.snap = None
        self.dirty = True

    def _record(self, event: WorldEvent) -> None:
        self.events.append(event)
        self._emit.append(event)

    # ------------------------------------------------------------------ observation
    def instance_snapshot(self, inst: Instance) -> InstanceSnapshot:
        """An immutable view of one instance now (cached until it changes, except while booting)."""
        if inst.snap is not None:
            return inst.snap
        phase = None
        progress = 1.0 if inst.state == "running" else 0.0
        phases = tuple(inst.phases)
        if inst.state == "booting" and inst.current is not None:
            phase = inst.current[0]
            phases += (PhaseRecord(phase, inst.current[1], None),)
            if inst.job is not None and inst.job_on is not None:
                progress = inst.job_on.progress(inst.job)
            elif inst.waiting:
                total = sum(a.download_mib for a in inst.needs) or 1.0
                have = 0.0
                for art in inst.needs:
                    if art.id not in inst.waiting:
                        have += art.download_mib
                    elif art.job is not None and art.state == "fetching" and art.job in self._downloads:
                        have += art.download_mib * self.net.progress(art.job)
                progress = have / total
        snap = InstanceSnapshot(
            id=inst.id,
            app=inst.app.name,
            world=self.kind,
            state=inst.state,
            phase=phase,
            progress=progress,
            phases=phases,
            added_s=inst.added_s,
            ready_s=inst.ready_s,
            memory_mib=sum(inst.mem.values()),
            disk_mib=sum(inst.disk.values()),
            reason=None if inst.reason is None else render(inst.reason, "en"),
            reason_msg=inst.reason,
        )
        if inst.state != "booting":
            inst.snap = snap
        return snap

    def snapshot(self, include_events: bool = True) -> WorldSnapshot:
        """An immutable view of the whole world now."""
        return WorldSnapshot(
            name=self.kind,
            label=self.label,
            instances=tuple(self.instance_snapshot(i) for i in self.instances),
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
        if not self.uses_images:
            return ()
        by_image: dict[str, list[str]] = {}
        for inst in self.instances:
            if inst.live:
                by_image.setdefault(inst.app.image.name, []).append(inst.id)
        layer_images: dict[str, list[str]] = {}
        layer_users: dict[str, int] = {}
        for name, ids in by_image.items():
            for layer in self.catalog.images[name].layers:
                layer_images.setdefault(layer.id, []).append(name)
                layer_users[layer.id] = layer_users.get(layer.id, 0) + len(ids)
        out = []
        for name, ids in by_image.items():
            image = self.catalog.images[name]
            layers = tuple(
                LayerUsage(
                    id=layer.id,
                    size_mib=layer.size_mib,
                    state=self.artifacts[layer.id].state if layer.id in self.artifacts else "absent",
                    images=tuple(layer_images[layer.id]),
                    containers=layer_users[layer.id],
                )
                for layer in image.layers
            )
            out.append(ImageUsage(name, image.ref, layers, tuple(ids)))
        return tuple(out)

    def check_invariants(self) -> None:
        """Raise AssertionError when the world's books do not balance."""
        for ledger, cats, name in ((self.memory, MEMORY_CATEGORIES, "memory"), (self.disk, DISK_CATEGORIES, "disk")):
            for cat, mib in ledger.items():
                assert cat in cats, f"{name}: unknown category {cat}"
                assert mib >= -1e-6, f"{name}.{cat} is negative: {mib}"
            assert abs(sum(mib for _, mib in ledger.items()) - ledger.total) < 1e-6 * max(1.0, ledger.total)
        held_mem: dict[str, float] = {}
        held_disk: dict[str, float] = {}
        for inst in self.instances:
            if not inst.live and not (inst.state == "killed" and self.has_guest):
                assert not inst.mem and not inst.disk, f"{inst.id} is {inst.state} but holds resources"
            for k, v in inst.mem.items():
                held_mem[k] = held_mem.get(k, 0.0) + v
            for k, v in inst.disk.items():
                held_disk[k] = held_disk.get(k, 0.0) + v
        for cat in ("hypervisor", "guest_kernel", "guest_services", "guest_page_cache", "reserved_idle"):
            assert abs(held_mem.get(cat, 0.0) - self.memory.get(cat)) < 1e-6 * max(1.0, self.memory.total), cat
        if self.has_guest:
            committed = self.memory.total - self.host.host_os_memory_mib
            assert committed <= self.commit_limit_mib + 1e-6, "guests committed beyond the limit"
            for inst in self.instances:
                if inst.mem:
                    inside = sum(v for k, v in inst.mem.items() if k != "hypervisor")
                    assert abs(inside - inst.alloc) < 1e-6 * max(1.0, inst.alloc), f"{inst.id} allocation drift"
        assert self.touched_mib() <= self.host.memory_mib + 1e-6, "touched memory beyond the host"
        assert self.disk.total <= self.host.disk_mib + 1e-6, "disk beyond the host"
        assert sum(self.counts.values()) == len(self.instances)
        assert self.vcpus_used >= 0 and self.steady_cpu >= -1e-9


def _count(free: float, each: float) -> int:
    """How many ``each`` fit in ``free`` (a huge number when each is 0)."""
    if free <= 0:
        return 0
    if each <= 0:
        return 10**9
    return int(math.floor(free / each + 1e-9))
