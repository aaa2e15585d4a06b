"""This machine as psutil sees it: the figures behind the ``local`` host preset."""

from __future__ import annotations

import os

from vmsim.engine.hosts import LocalMachine


def probe_local_machine(path: str | None = None) -> LocalMachine:
    """Read cores, total memory and the size of the disk holding ``path`` (default: the working directory)."""
    import psutil  # type: ignore[import-untyped]  # imported here: only ``local`` and ``vmsim host`` need it

    where = path or os.getcwd()
    cores = psutil.cpu_count(logical=True) or 1
    memory = psutil.virtual_memory().total / 2**20
    disk = psutil.disk_usage(where).total / 2**20
    return LocalMachine(int(cores), round(memory, 1), round(disk, 1), where)
