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
    from vmsim.engine.world import World


class ContainerKind:
    """Containers: no guest, no allocation; memory is what the processes touch."""

    name = "container"
    label = "Containers"
    has_guest = False
    uses_images = True
    fetch_step = "pull"
    memory_phases = frozenset({"create", "app"})
    pressure_possible = True

    def __init__(self, world: World) -> None:
        self.world = world
        self.runtime = world.runtime

    def prepare(self) -> None:
        """Nothing beyond the runtime and cached images every image-using world has."""

    def instance_disk(self, app: App) -> tuple[str, float]:
        """A thin writable layer over the image."""
        return "writable_layers", self.runtime.writable_layer_mib.value

    def needs(self, app: App) -> list[Artifact]:
        """The app image's layers."""
        return self.world.store.layers(app.image, self.runtime)

    def steady_cpu(self, app: App) -> float:
        """The app's own load."""
        return app.cpu_cores.value

    def memory_limits(self, app: App, limits: list[tuple[int, str]], per: list[tuple[str, float]]) -> None:
        """Host memory left after the shim and the app's private pages (and its image's pages, once)."""
        world = self.world
        limit = world.settings.container.memory_limit_mib
        each = self.runtime.shim_memory_mib.value + app.private_mib.value
        first = 0.0 if world.pages.users(app.image.name) else app.file_mib.value
        free = world.host.memory_mib - world.memory.total - first
        limits.append((count_fit(free, each) if free >= 0 else 0, "memory"))
        if limit is not None and app.rss_mib > limit:
            limits.append((0, "memory limit"))
        per.append(("memory_mib", each))

    def refusal(self, app: App) -> Coded | None:
        """Never refused for memory: a container that does not fit is killed by the OOM killer instead."""
        return None

    def plan(self, inst: Instance, add: AddStep, disk_mib: float) -> None:
        """Create (snapshot, network, cgroups) and start."""
        cpu = self.world.catalog.container_phase_cpu.value
        add("create", CPU, self.runtime.create_s.value, cpu)
        add("start", CPU, self.runtime.start_s.value, cpu)

    def after_phase(self, inst: Instance, phase: str) -> bool:
        """Its shim (one per container) after create; the app's private pages and its image's shared pages when it
        starts."""
        world = self.world
        if phase == "create":
            world.hold_memory(inst, "shims", self.runtime.shim_memory_mib.value)
        if phase == "app":
            app = inst.app
            limit = world.settings.container.memory_limit_mib
            if limit is not None and app.rss_mib > limit:
                world.kill(inst, coded("reason.cgroup_start", rss_mib=app.rss_mib, limit_mib=limit))
                return False
            world.hold_memory(inst, "apps", app.private_mib.value)
            world.pages.map(app)
            inst.shares_pages = True
        return True

    def grow(self, inst: Instance, mib: float) -> None:
        """The app's private memory grows; past the cgroup limit the cgroup's OOM killer stops it."""
        world = self.world
        world.hold_memory(inst, "apps", mib)
        limit = world.settings.container.memory_limit_mib
        if limit is not None and inst.app.rss_mib + inst.app_extra_mib > limit:
            world.kill(
                inst, coded("reason.cgroup_grow", used_mib=inst.app.rss_mib + inst.app_extra_mib, limit_mib=limit)
            )

    def ksm_saved_mib(self) -> float:
        """Nothing to merge: containers share the host's kernel already."""
        return 0.0

    def check_invariants(self) -> None:
        """The shared ledgers' checks in the world cover containers."""
