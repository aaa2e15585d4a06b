"""Virtual machines: a full guest OS per workload, installed from a guest OS image onto its own virtual disk.

The world downloads the guest OS image once; each VM gets a disk (thin, preallocated, or a linked clone)
and, with KSM on, identical guest pages merge across VMs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vmsim.engine.artifacts import Artifact
from vmsim.engine.catalog import App
from vmsim.engine.instance import DISK, Instance
from vmsim.engine.kinds.base import AddStep
from vmsim.engine.kinds.guest import GuestKind

if TYPE_CHECKING:
    from vmsim.engine.node import Node


class VmKind(GuestKind):
    """Full VMs: the guest image comes over the network once, each VM's disk is copied or cloned from it."""

    name = "vm"
    label = "Virtual machines"
    uses_images = False
    fetch_step = "download"

    def __init__(self, node: Node) -> None:
        super().__init__(node, node.settings.vm)
        self.vm = node.settings.vm
        self.ksm = self.vm.ksm  # identical guest pages merge (the node tells the world which hosts to ask)

    def prepare(self) -> None:
        """A guest image cached on the host is on disk from the start."""
        if self.vm.image_cached:
            self.node.store.store(self.node.store.guest_image(self.guest))

    def cpu_allocation_ratio(self) -> float | None:
        """The scenario's vCPU allocation ratio, if it sets one."""
        return self.vm.cpu_allocation_ratio

    @property
    def overlay(self) -> bool:
        """Each VM's disk is a copy-on-write overlay on the shared base image (the default)."""
        return self.vm.clone in ("overlay", "linked") and self.hypervisor.overlay_mib is not None

    def instance_disk(self, app: App) -> tuple[str, float]:
        """The VM's own disk: an overlay (empty overlay, first-boot writes, the app), or a full copy of the
        installed data (preallocated: the guest's whole virtual disk)."""
        installed = app.installed_mib  # (a sum over the app's layers: once per call)
        hv = self.hypervisor
        if self.overlay and hv.overlay_mib is not None:
            writes = hv.overlay_write_mib.value if hv.overlay_write_mib is not None else 0.0
            return "vm_disks", hv.overlay_mib.value + writes + installed
        data = self.guest.installed_disk_mib.value + installed
        if self.vm.disk == "preallocated":
            return "vm_disks", max(self.guest.virtual_disk_mib.value, data)
        return "vm_disks", data

    def needs(self, app: App) -> list[Artifact]:
        """The guest OS image."""
        return [self.node.store.guest_image(self.guest)]

    def before_vmm(self, inst: Instance, add: AddStep, disk_mib: float) -> None:
        """An overlay is created in milliseconds; a full copy (the slow path) is written before the VM starts."""
        if self.overlay:
            created = self.hypervisor.overlay_create_s
            add("overlay", DISK, created.value if created is not None else 0.0, 1.0)
        else:
            add("disk copy", DISK, disk_mib / self.node.host.disk_mibps, 1.0)

    def ksm_saved_mib(self) -> float:
        """Pages KSM merged across identical guests (0 unless KSM is on)."""
        count = self.node.guest_count
        if not self.vm.ksm or count < 2:
            return 0.0
        per_guest = self.guest.kernel_runtime_mib.value + self.guest.services_mib.value
        return self.node.catalog.ksm_merge_fraction.value * per_guest * (count - 1)
