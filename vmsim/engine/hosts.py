"""Hosts: the catalog's presets, and ``local`` — this machine, from figures read outside the engine."""

from __future__ import annotations

from typing import NamedTuple

from vmsim.engine.catalog import Catalog
from vmsim.engine.machines import Host


class LocalMachine(NamedTuple):
    """What the operating system reports about the machine vmsim runs on (see ``vmsim.host.local``)."""

    cpu_cores: int
    memory_mib: float
    disk_mib: float
    disk_path: str


def make_host(catalog: Catalog, preset: str, machine: LocalMachine | None = None, **overrides: float) -> Host:
    """A :class:`Host` from a preset name; ``local`` takes this ``machine``'s hardware, ``overrides`` replace it."""
    spec = catalog.hosts[preset]
    if preset == "local":
        if machine is None:
            raise ValueError("the local host needs this machine's figures: pass machine=probe_local_machine()")
        values = {"cpu_cores": machine.cpu_cores, "memory_mib": machine.memory_mib, "disk_mib": machine.disk_mib}
        values.update(overrides)
        return Host.from_preset(spec, **values)
    return Host.from_preset(spec, **overrides)
