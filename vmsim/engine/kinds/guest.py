"""What VMs and microVMs share: each instance boots its own guest kernel inside a memory allocation.

An instance is admitted against its whole allocation plus the hypervisor's overhead (times the
overcommit ratio); boot phases touch guest kernel, services and page cache memory inside that
allocation, and the app's file-backed pages are private to each guest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vmsim.engine.admission import count_fit
from vmsim.engine.catalog import App
from vmsim.engine.codes import Coded, coded
from vmsim.engine.events import AllocationWarned, InstanceFailed
from vmsim.engine.instance import CPU, Instance
from vmsim.engine.kinds.base import AddStep

if TYPE_CHECKING:
    from vmsim.engine.machines import MicroVmSettings, VmSettings
    from vmsim.engine.node import Node


class GuestKind:
    """Instances with a guest OS of their own. Invariant: an instance that holds memory holds exactly its
    allocation inside the guest, and guests never commit beyond ``commit_limit_mib``."""

    name = "guest"
    label = "Guests"
    has_guest = True
    uses_images = False
    fetch_step = "download"

    def __init__(self, node: Node, settings: VmSettings | MicroVmSettings) -> None:
        self.node = node
        self.settings = settings
        catalog = node.catalog
        self.guest = catalog.guests[settings.guest_os]
        self.hypervisor = catalog.hypervisors[settings.hypervisor]
        self.alloc_mib = float(settings.memory_mib)
        self.vcpus_each = settings.vcpus
        self.overcommit = settings.overcommit_ratio
        names = [p.name for p in self.guest.boot_phases]
        services_phase = next((n for n in ("systemd", "openrc", "init") if n in names), names[-1])
        # Memory runs out in the initrd (unpacked into RAM); a guest without one fails at init.
        check_phase = "initrd" if "initrd" in names else services_phase
        self._phase_roles = (services_phase, check_phase, names[-1])
        self.memory_phases = frozenset({"kernel", services_phase, check_phase, names[-1], "app"})
        # Admitted against its whole allocation: only overcommitted guests can overfill the host.
        self.pressure_possible = self.overcommit > 1.0
        self._guest_memory_cache: dict[str, tuple[float, float, float, float]] = {}

    # ------------------------------------------------------------------ figures
    def cpu_allocation_ratio(self) -> float | None:
        """vCPUs per host core the world may hand out (None: no limit)."""
        return None

    @property
    def shim_mib(self) -> float:
        """Host memory of the runtime's own process for each instance besides the VMM (none unless the kind says)."""
        return 0.0

    @property
    def commit_limit_mib(self) -> float:
        """Memory the host may commit to guests: what the host OS leaves, times the overcommit ratio."""
        host = self.node.host
        return (host.memory_mib - host.host_os_memory_mib) * self.overcommit

    def guest_memory(self, app: App) -> tuple[float, float, float, float]:
        """Inside one guest: (kernel, services, page cache, app) MiB at the world's allocation."""
        cached = self._guest_memory_cache.get(app.name)
        if cached is not None:
            return cached
        g = self.guest
        kernel = self.node.catalog.reserve_curve(g).at(self.alloc_mib) + g.kernel_runtime_mib.value
        services = g.services_mib.value
        rss = app.rss_at(self.vcpus_each)
        cache = max(0.0, min(g.page_cache_mib.value, self.alloc_mib - kernel - services - rss))
        result = (kernel, services, cache, rss)
        self._guest_memory_cache[app.name] = result
        return result

    def steady_cpu(self, app: App) -> float:
        """The app's load plus the idle guest's, both raised by the hypervisor's overhead."""
        return (app.cpu_cores.value + self.guest.idle_cpu_cores.value) * (1 + self.hypervisor.cpu_overhead.value)

    def ksm_saved_mib(self) -> float:
        """Nothing merges unless the kind says so."""
        return 0.0

    def _committed_free_mib(self) -> float:
        node = self.node
        return self.commit_limit_mib - (node.memory.total - node.host.host_os_memory_mib)

    # ------------------------------------------------------------------ admission
    def memory_limits(self, app: App, limits: list[tuple[int, str]], per: list[tuple[str, float]]) -> None:
        """Guests by committed memory; none when the allocation cannot hold the guest and the app; vCPUs."""
        each = self.alloc_mib + self.hypervisor.overhead_mib.value + self.shim_mib
        n = count_fit(self._committed_free_mib(), each)
        kernel, services, _, rss = self.guest_memory(app)
        if self.alloc_mib < self.guest.min_boot_memory_mib.value or kernel + services + rss > self.alloc_mib:
            n = 0
            limits.append((0, "allocation"))
        limits.append((n, "memory"))
        per.append(("memory_mib", each))
        ratio = self.cpu_allocation_ratio()
        if ratio:
            node = self.node
            limits.append((count_fit(node.host.cpu_cores * ratio - node.vcpus_used, self.vcpus_each), "vcpus"))
            per.append(("vcpus", self.vcpus_each))

    def refusal(self, app: App) -> Coded | None:
        """Refused when the allocation cannot be committed, the hypervisor cannot be touched, or vCPUs run out."""
        node = self.node
        overhead = self.hypervisor.overhead_mib.value + self.shim_mib
        need = self.alloc_mib + overhead
        free = self._committed_free_mib()
        if need > free + 1e-9:
            if self.shim_mib:
                return coded(
                    "reason.no_memory_shim",
                    need_mib=need,
                    ram_mib=self.alloc_mib,
                    overhead_mib=self.hypervisor.overhead_mib.value,
                    hypervisor=self.hypervisor.label,
                    shim_mib=self.shim_mib,
                    free_mib=max(free, 0.0),
                )
            return coded(
                "reason.no_memory",
                need_mib=need,
                ram_mib=self.alloc_mib,
                overhead_mib=overhead,
                hypervisor=self.hypervisor.label,
                free_mib=max(free, 0.0),
            )
        # The hypervisor's own memory is touched at once: even overcommitted, it must fit for real.
        touched_free = node.host.memory_mib - node.touched_mib()
        if overhead > touched_free + 1e-9:
            return coded(
                "reason.host_touched",
                used_mib=node.touched_mib(),
                cap_mib=node.host.memory_mib,
                overhead_mib=overhead,
                hypervisor=self.hypervisor.label,
            )
        ratio = self.cpu_allocation_ratio()
        if ratio and node.vcpus_used + self.vcpus_each > node.host.cpu_cores * ratio:
            return coded(
                "reason.vcpus", n=self.vcpus_each, used=node.vcpus_used, cap=float(node.host.cpu_cores * ratio)
            )
        return None

    # ------------------------------------------------------------------ boot
    def plan(self, inst: Instance, add: AddStep, disk_mib: float) -> None:
        """Commit the allocation, vCPUs, hypervisor overhead and shim; then the VMM and the guest's boot phases."""
        node = self.node
        inst.alloc = self.alloc_mib
        inst.vcpus = self.vcpus_each
        node.vcpus_used += inst.vcpus
        hold = node.world.hold_memory  # (what node.hold_memory passes on to: one call fewer each)
        hold(inst, "hypervisor", self.hypervisor.overhead_mib.value)
        shim = self.shim_mib
        if shim:
            hold(inst, "shims", shim)
        hold(inst, "reserved_idle", inst.alloc)
        self.before_vmm(inst, add, disk_mib)
        add("vmm", CPU, self.hypervisor.vmm_init_s.value, 1.0)
        # A guest that panicked and boots again on its host reboots: cloud-init's first-boot modules do not run.
        first_boot = getattr(self.settings, "boot", "first") == "first" and not inst.rebooting
        for phase in self.guest.boot_phases:
            add(phase.name, CPU, phase.seconds(first_boot), min(phase.cpu, inst.vcpus))
        self.after_boot(inst, add)
        if inst.alloc < self.guest.recommended_memory_mib.value and not node.world.warned:
            node.world.warned = True  # once per world, not once per host
            reason = coded(
                "reason.below_recommended",
                alloc_mib=inst.alloc,
                rec_mib=self.guest.recommended_memory_mib.value,
                guest=self.guest.label,
            )
            node.record(AllocationWarned(node.clock.now, node.kind, inst.id, reason))

    def before_vmm(self, inst: Instance, add: AddStep, disk_mib: float) -> None:
        """Steps before the VMM starts (none unless the kind adds some)."""

    def after_boot(self, inst: Instance, add: AddStep) -> None:
        """Steps between the guest's boot and the app (none unless the kind adds some)."""

    def after_phase(self, inst: Instance, phase: str) -> bool:
        """Kernel, services and page cache fill the guest; the app must fit in what they leave."""
        node = self.node
        guest = self.guest
        kernel, services, cache, rss = self.guest_memory(inst.app)
        services_phase, check_phase, last_phase = self._phase_roles
        if phase == "kernel":
            self.touch(inst, "guest_kernel", kernel)
        if phase == check_phase and inst.alloc < guest.min_boot_memory_mib.value:
            reason = coded(
                "reason.boot_oom",
                alloc_mib=inst.alloc,
                guest=guest.label,
                min_mib=guest.min_boot_memory_mib.value,
            )
            node.end(inst, "failed", reason, InstanceFailed(node.clock.now, node.kind, inst.id, reason))
            return False
        if phase == services_phase:
            self.touch(inst, "guest_services", services)
            inst.services_touched = True
            node.guest_started(1)
        if phase == last_phase and cache > 0:
            self.touch(inst, "guest_page_cache", cache)
        if phase == "app":
            if kernel + services + rss > inst.alloc:
                reason = coded(
                    "reason.guest_oom_start",
                    app=inst.app.name,
                    rss_mib=rss,
                    free_mib=max(inst.alloc - kernel - services, 0.0),
                    alloc_mib=inst.alloc,
                )
                node.kill(inst, reason, keep_vm=True)
                return False
            self.touch(inst, "apps", rss)
        return True

    # ------------------------------------------------------------------ memory
    def touch(self, inst: Instance, cat: str, mib: float) -> None:
        """The guest's memory in ``cat`` grows by ``mib``, out of its idle reserve."""
        idle = inst.mem.get("reserved_idle", 0.0)
        if idle < mib:
            mib = idle
        self.node.world.move_memory(inst, "reserved_idle", cat, mib)

    def grow(self, inst: Instance, mib: float) -> None:
        """The app grows inside the guest: idle reserve first, then the guest's page cache, then its OOM killer."""
        node = self.node
        idle = inst.mem.get("reserved_idle", 0.0)
        take = min(mib, idle)
        self.touch(inst, "apps", take)
        short = mib - take
        if short > 0:
            # The guest evicts its page cache first; the host still holds those pages for the guest.
            cache = inst.mem.get("guest_page_cache", 0.0)
            moved = min(short, cache)
            node.hold_memory(inst, "guest_page_cache", -moved)
            node.hold_memory(inst, "apps", moved)
            short -= moved
        if short > 1e-9:
            node.kill(inst, coded("reason.guest_oom_grow", app=inst.app.name, alloc_mib=inst.alloc), keep_vm=True)
            self.app_killed(inst)

    def app_killed(self, inst: Instance) -> None:
        """The guest's OOM killer stopped the app: its pages go back to the guest's free memory, which the
        ledger counts as the VM's idle reserve again. The VM stays committed (allocation, kernel, services).

        Modelling choice: on a real host the freed guest pages stay resident in the VMM process until the guest
        reuses them or a balloon with free page reporting hands them back; vmsim lets them go at once, so a
        dead app is never counted as an app or as memory in use."""
        freed = inst.mem.get("apps", 0.0)
        if freed > 0:
            self.node.hold_memory(inst, "apps", -freed)
            self.node.hold_memory(inst, "reserved_idle", freed)

    def check_invariants(self) -> None:
        """Guests commit within the limit, each holds exactly its allocation inside the guest, and a guest
        whose app was killed holds no app memory."""
        node = self.node
        committed = node.memory.total - node.host.host_os_memory_mib
        assert committed <= self.commit_limit_mib + 1e-6, "guests committed beyond the limit"
        for inst in node.instances:
            if inst.mem:
                inside = sum(v for k, v in inst.mem.items() if k not in ("hypervisor", "shims"))
                assert abs(inside - inst.alloc) < 1e-6 * max(1.0, inst.alloc), f"{inst.id} allocation drift"
            if inst.state == "killed":
                assert inst.mem.get("apps", 0.0) < 1e-6, f"{inst.id}: a killed app still counted"
