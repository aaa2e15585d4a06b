"""Hosts: the catalog's presets, and ``local`` — this machine, from figures read outside the engine
(``vmsim.host.local`` reads them, within this process's limits: CPU affinity and cgroup v2)."""

from __future__ import annotations

from typing import NamedTuple

from vmsim.engine.catalog import Catalog
from vmsim.engine.machines import Host


class ProcessLimits(NamedTuple):
    """Limits narrower than the machine: None where there is none (or it cannot be read)."""

    affinity_cores: int | None = None  # CPUs this process may run on
    cpu_max_cores: float | None = None  # cgroup cpu.max quota / period, the tightest on the way to the root
    cpu_max_path: str | None = None
    memory_max_mib: float | None = None  # cgroup memory.max, the tightest on the way to the root
    memory_max_path: str | None = None


class LocalMachine(NamedTuple):
    """What this process may use of the machine vmsim runs on (psutil's totals within ``limits``)."""

    cpu_cores: int
    memory_mib: float
    disk_mib: float
    disk_path: str
    machine_cpu_cores: int = 0  # psutil's whole-machine figures (0: the same as above)
    machine_memory_mib: float = 0.0
    limits: ProcessLimits = ProcessLimits()


def make_host(catalog: Catalog, preset: str, machine: LocalMachine | None = None, **overrides: float) -> Host:
    """A :class:`Host` from a preset name; ``local`` takes this ``machine``'s hardware, ``overrides`` replace it."""
    spec = catalog.hosts[preset]
    if preset == "local":
        if machine is None:
            raise ValueError("the local host needs this machine's figures: pass machine=probe_local_machine()")
        values = {
            "cpu_cores": float(machine.cpu_cores),
            "memory_mib": machine.memory_mib,
            "disk_mib": machine.disk_mib,
        }
        values.update(overrides)
        host = Host.from_preset(spec, **values)
        kept = machine.limits
        if kept != ProcessLimits() and not {"cpu_cores", "memory_mib"} <= set(overrides):
            parts = []
            if kept.affinity_cores is not None or kept.cpu_max_cores is not None:
                parts.append(f"{machine.cpu_cores} of {machine.machine_cpu_cores} cores")
            if kept.memory_max_mib is not None:
                parts.append(f"{machine.memory_mib / 1024:.1f} of {machine.machine_memory_mib / 1024:.1f} GiB")
            host = host._replace(label=f"{host.label} (this process's limits: {', '.join(parts)})")
        return host
    host = Host.from_preset(spec, **overrides)
    if host.kind == "cloud-vm" and host.guest_os is not None and "memory_mib" in overrides and spec.memory_mib:
        # A cloud VM's own kernel grows with its memory (its guest OS's reserve curve, +RAM/64 for struct page):
        # resized, the instance's OS takes that much more or less than the preset's figure, its userspace the same.
        curve = catalog.reserve_curve(catalog.guests[host.guest_os])
        grown = curve.at(host.memory_mib) - curve.at(spec.memory_mib.value)
        host = host._replace(host_os_memory_mib=host.host_os_memory_mib + grown)
    return host
