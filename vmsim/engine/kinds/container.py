"""Containers: one process tree per workload on the host's own kernel, started from shared image layers.

The app's file-backed pages are shared through the host page cache; a cgroup memory limit, when set,
kills an app that outgrows it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vmsim.engine.admission import count_fit
from vmsim.engine.artifacts import Artifact
from vmsim.engine.catalog import App
from vmsim.engine.codes import Coded, coded
from vmsim.engine.instance import CPU, Instance
from vmsim.engine.kinds.base import AddStep

if TYPE_CHECKING:
    from vmsim.engine.node import Node


class ContainerKind:
    """Containers: no guest, no allocation; memory is what the processes touch."""

    name = "container"
    label = "Containers"
    has_guest = False
    uses_images = True
    fetch_step = "pull"
    memory_phases = frozenset({"create", "app"})
    pressure_possible = True

    def __init__(self, node: Node) -> None:
        self.node = node
        self.runtime = node.runtime

    def prepare(self) -> None:
        """Nothing beyond the runtime and cached images every image-using world has."""

    def instance_disk(self, app: App) -> tuple[str, float]:
        """A thin writable layer over the image."""
        return "writable_layers", self.runtime.writable_layer_mib.value

    def needs(self, app: App) -> list[Artifact]:
        """The app image's layers."""
        return self.node.store.layers(app.image, self.runtime)

    def steady_cpu(self, app: App) -> float:
        """The app's own load."""
        return app.cpu_cores.value

    @property
    def network_capacity(self) -> int:
        """Containers the world's bridge networks can attach: ports per bridge times networks."""
        return int(self.runtime.bridge_max_containers.value) * self.node.settings.container.networks

    def attached(self) -> int:
        """Containers holding a port on a bridge now (booting or running)."""
        counts = self.node.counts
        return counts["booting"] + counts["running"]

    def cores_seen(self) -> int:
        """Cores a container's app sees (no cpuset): the host's."""
        return self.node.host.cpu_cores

    def memory_limits(self, app: App, limits: list[tuple[int, str]], per: list[tuple[str, float]]) -> None:
        """Host memory left after the shim and the app's private pages (and its image's pages, once); bridge
        ports left on the networks."""
        node = self.node
        limit = node.settings.container.memory_limit_mib
        each = self.runtime.shim_memory_mib.value + app.private_at(self.cores_seen())
        first = 0.0 if node.pages.users(app.image.name) else app.file_mib.value
        free = node.host.memory_mib - node.memory.total - first
        limits.append((count_fit(free, each) if free >= 0 else 0, "memory"))
        if limit is not None and app.rss_at(self.cores_seen()) > limit:
            limits.append((0, "memory limit"))
        limits.append((max(0, self.network_capacity - self.attached()), "network"))
        per.append(("memory_mib", round(each, 6)))

    def refusal(self, app: App) -> Coded | None:
        """Refused when every bridge network is full; never for memory (the OOM killer acts instead)."""
        if self.attached() >= self.network_capacity:
            return coded(
                "reason.bridge_full",
                per=int(self.runtime.bridge_max_containers.value),
                networks=self.node.settings.container.networks,
            )
        return None

    def plan(self, inst: Instance, add: AddStep, disk_mib: float) -> None:
        """Create (snapshot, network, cgroups) and start."""
        cpu = self.node.catalog.container_phase_cpu.value
        add("create", CPU, self.runtime.create_s.value, cpu)
        add("start", CPU, self.runtime.start_s.value, cpu)

    def after_phase(self, inst: Instance, phase: str) -> bool:
        """Its shim (one per container) after create; the app's private pages and its image's shared pages when it
        starts."""
        node = self.node
        if phase == "create":
            node.world.hold_memory(inst, "shims", self.runtime.shim_memory_mib.value)  # (node's, one call fewer)
        if phase == "app":
            app = inst.app
            limit = node.settings.container.memory_limit_mib
            rss = app.rss_at(self.cores_seen())
            if limit is not None and rss > limit:
                node.kill(inst, coded("reason.cgroup_start", rss_mib=rss, limit_mib=limit))
                return False
            node.world.hold_memory(inst, "apps", app.private_at(self.cores_seen()))
            node.pages.map(app)
            inst.shares_pages = True
        return True

    def grow(self, inst: Instance, mib: float) -> None:
        """The app's private memory grows; past the cgroup limit the cgroup's OOM killer stops it."""
        node = self.node
        node.hold_memory(inst, "apps", mib)
        limit = node.settings.container.memory_limit_mib
        used = inst.app.rss_at(self.cores_seen()) + inst.app_extra_mib
        if limit is not None and used > limit:
            node.kill(inst, coded("reason.cgroup_grow", used_mib=used, limit_mib=limit))

    def ksm_saved_mib(self) -> float:
        """Nothing to merge: containers share the host's kernel already."""
        return 0.0

    def check_invariants(self) -> None:
        """The shared ledgers' checks in the world cover containers."""
