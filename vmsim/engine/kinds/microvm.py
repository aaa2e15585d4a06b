"""MicroVMs: a minimal guest per workload, its root filesystem from image layers, started like a container."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vmsim.engine.artifacts import Artifact
from vmsim.engine.catalog import App
from vmsim.engine.instance import CPU, Instance
from vmsim.engine.kinds.base import AddStep
from vmsim.engine.kinds.guest import GuestKind

if TYPE_CHECKING:
    from vmsim.engine.node import Node


class MicroVmKind(GuestKind):
    """MicroVMs (Firecracker, Kata): a guest kernel shipped with the stack, layers pulled like a container's."""

    name = "microvm"
    label = "MicroVMs"
    uses_images = True
    fetch_step = "pull"

    def __init__(self, node: Node) -> None:
        super().__init__(node, node.settings.microvm)

    @property
    def shim_mib(self) -> float:
        """The runtime's shim for each microVM (firecracker-containerd: one per VM), held from admission as the VMM's
        overhead is."""
        shim = self.node.runtime.microvm_shim_memory_mib
        return shim.value if shim is not None else 0.0

    def prepare(self) -> None:
        """The guest kernel file ships with the microVM stack: on disk from the start."""
        self.node.store.store(self.node.store.guest_kernel(self.guest))

    def instance_disk(self, app: App) -> tuple[str, float]:
        """A thin writable layer over the image, as a container has."""
        return "writable_layers", self.node.runtime.writable_layer_mib.value

    def needs(self, app: App) -> list[Artifact]:
        """The app image's layers."""
        return self.node.store.layers(app.image, self.node.runtime)

    def before_vmm(self, inst: Instance, add: AddStep, disk_mib: float) -> None:
        """Started through a container runtime (as firecracker-containerd and Kata do): the same create step as
        a container (rootfs snapshot, network, cgroups) before the VMM starts."""
        node = self.node
        add("create", CPU, node.runtime.create_s.value, node.catalog.container_phase_cpu.value)

    def after_boot(self, inst: Instance, add: AddStep) -> None:
        """The runtime's agent in the guest starts the container (firecracker-containerd and Kata run runc there)."""
        start = self.node.runtime.microvm_guest_start_s
        if start is not None:
            add("start", CPU, start.value, self.node.catalog.container_phase_cpu.value)
