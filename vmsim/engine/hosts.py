"""Hosts: the catalog's presets, and ``local`` — this machine as psutil sees it."""

from __future__ import annotations

import os
from typing import NamedTuple

from vmsim.engine.catalog import Catalog
from vmsim.engine.machines import Host


class LocalMachine(NamedTuple):
    """What psutil reports about the machine vmsim runs on."""

    cpu_cores: int
    memory_mib: float
    disk_mib: float
    disk_path: str


def probe_local_machine(path: str | None = None) -> LocalMachine:
    """Read cores, total memory and the size of the disk holding ``path`` (default: the working directory)."""
    import psutil  # imported here: only the ``local`` host needs it

    where = path or os.getcwd()
    cores = psutil.cpu_count(logical=True) or 1
    memory = psutil.virtual_memory().total / 2**20
    disk = psutil.disk_usage(where).total / 2**20
    return LocalMachine(int(cores), round(memory, 1), round(disk, 1), where)


def make_host(catalog: Catalog, preset: str, **overrides: float) -> Host:
    """A :class:`Host` from a preset name; ``local`` reads this machine, ``overrides`` replace hardware."""
    spec = catalog.hosts[preset]
    if preset == "local":
        machine = probe_local_machine()
        values = {"cpu_cores": machine.cpu_cores, "memory_mib": machine.memory_mib, "disk_mib": machine.disk_mib}
        values.update(overrides)
        return Host.from_preset(spec, **values)
    return Host.from_preset(spec, **overrides)
