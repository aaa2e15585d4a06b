"""The host and the per-world settings: plain frozen values the scenario layer fills in."""

from __future__ import annotations

import math
from typing import NamedTuple

from vmsim.engine.catalog import Catalog, HostPreset


class Host(NamedTuple):
    """The physical machine every world copies: hardware and the host OS's own baseline."""

    name: str
    label: str
    cpu_cores: int
    memory_mib: float
    disk_mib: float
    host_os_memory_mib: float
    host_os_disk_mib: float
    disk_mibps: float
    kind: str = "metal"  # metal | cloud-vm (the host is itself a VM on a provider's hypervisor)
    nested_virtualization: bool = True  # VMs may run inside it (always on metal; few cloud VM types allow it)
    guest_os: str | None = None  # a cloud-vm host's own guest OS (its kernel and OS sit under the workloads)

    @classmethod
    def from_preset(cls, preset: HostPreset, **overrides: float) -> Host:
        """A host from a catalog preset; ``overrides`` replace hardware figures (cpu_cores, memory_mib, disk_mib)."""
        values: dict[str, float] = {}
        for key in ("cpu_cores", "memory_mib", "disk_mib"):
            fig = getattr(preset, key)
            if key in overrides:
                values[key] = overrides[key]
            elif fig is not None:
                values[key] = fig.value
            else:
                raise ValueError(f"host preset {preset.name!r} needs {key}")
        label = preset.label
        if any(k in overrides for k in ("cpu_cores", "memory_mib", "disk_mib")):
            what = "This machine" if preset.name == "local" else f"Custom host ({preset.name})"
            label = (
                f"{what}: {int(values['cpu_cores'])} cores, "
                f"{values['memory_mib'] / 1024:.1f} GiB, {values['disk_mib'] / 1024:.0f} GiB disk"
            )
        return cls(
            name=preset.name,
            label=label,
            cpu_cores=int(values["cpu_cores"]),
            memory_mib=float(values["memory_mib"]),
            disk_mib=float(values["disk_mib"]),
            host_os_memory_mib=preset.host_os_memory_mib.value,
            host_os_disk_mib=preset.host_os_disk_mib.value,
            disk_mibps=preset.disk_mibps.value,
            kind=preset.kind,
            nested_virtualization=preset.nested_virtualization,
            guest_os=preset.guest_os,
        )


PLACEMENTS = ("spread", "pack")
MAX_HOSTS = 1000


class Cluster(NamedTuple):
    """How many copies of the host each world has, their names, and how instances are placed on them.

    ``spread`` puts each new instance on the host with the most free memory; ``pack`` on the first host (in
    name order) that can take it. ``names`` is empty for the default ``host-1`` … ``host-N``.
    """

    hosts: int = 1
    placement: str = "spread"
    names: tuple[str, ...] = ()

    def host_names(self) -> tuple[str, ...]:
        """The hosts' names, in order."""
        return self.names or tuple(f"host-{i}" for i in range(1, self.hosts + 1))

    def check(self) -> None:
        """ValueError unless 1 to MAX_HOSTS hosts, a known placement, and (if named) one distinct name per host."""
        if not 1 <= self.hosts <= MAX_HOSTS:
            raise ValueError(f"hosts must be 1 to {MAX_HOSTS:,}, not {self.hosts!r}")
        if self.placement not in PLACEMENTS:
            raise ValueError(f"placement must be one of {', '.join(PLACEMENTS)}, not {self.placement!r}")
        names = self.names
        if names and (len(names) != self.hosts or len(set(names)) != len(names) or not all(names)):
            raise ValueError(f"names must be {self.hosts} distinct, non-empty host names, not {names!r}")


class VmSettings(NamedTuple):
    """How the VM world runs workloads: one full guest OS per workload."""

    guest_os: str = "ubuntu-24.04"
    hypervisor: str = "qemu-kvm"
    memory_mib: float = 2048
    vcpus: int = 2
    disk: str = "thin"  # thin | preallocated
    clone: str = "overlay"  # overlay (copy-on-write on the shared base image; "linked" is the same) | copy
    boot: str = "first"  # first (cloud-init runs its first-boot modules) | reboot
    image_cached: bool = False
    overcommit_ratio: float = 1.0
    cpu_allocation_ratio: float | None = None
    ksm: bool = False


class ContainerSettings(NamedTuple):
    """How the container world runs workloads: one container per workload on the host's kernel."""

    runtime: str = "containerd"
    registry_mbps: float | None = None  # None: the catalog's modelling.registry_mbps
    cached_images: tuple[str, ...] = ()
    memory_limit_mib: float | None = None
    networks: int = 1  # Docker bridge networks the containers are spread over


class MicroVmSettings(NamedTuple):
    """How the microVM world runs workloads: a minimal guest per workload, root filesystem from the image."""

    guest_os: str = "microvm-linux"
    hypervisor: str = "firecracker"
    memory_mib: float = 256
    vcpus: int = 1
    overcommit_ratio: float = 1.0


class Settings(NamedTuple):
    """Everything a world needs besides the host: the settings of each kind and the catalog."""

    catalog: Catalog
    vm: VmSettings = VmSettings()
    container: ContainerSettings = ContainerSettings()
    microvm: MicroVmSettings = MicroVmSettings()

    @property
    def registry_mibps(self) -> float:
        """Download bandwidth from the registry (each world has its own link of this speed; the VM world's
        guest OS image comes over it too): Mbit/s → MiB/s."""
        mbps = self.container.registry_mbps
        if mbps is None:
            mbps = self.catalog.registry_mbps.value
        mibps = mbps * 1e6 / 8 / 2**20
        if not math.isfinite(mibps) or mibps <= 0:
            raise ValueError(f"registry bandwidth must be above 0 Mbit/s, not {mbps!r}")
        return mibps
