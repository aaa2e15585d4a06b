"""This machine as psutil sees it, within this process's limits: the figures behind the ``local`` host preset.

psutil reports the whole machine. A process in a container, or in a job given 2 of 64 cores, has less: the
``local`` host takes the smallest of psutil's totals, the CPU affinity mask (``os.sched_getaffinity``) and the
cgroup v2 limits (``memory.max``, ``cpu.max``) of this process's cgroup and every cgroup above it, and records
which of them applied (``LocalMachine.limits``) so the front ends can say so.
"""

from __future__ import annotations

import errno
import math
import os
from collections.abc import Callable
from pathlib import Path

from vmsim.engine.hosts import LocalMachine, ProcessLimits

CGROUP_ROOT = "/sys/fs/cgroup"
SELF_CGROUP = "/proc/self/cgroup"


def _own_cgroup(self_cgroup: str, root: Path) -> Path | None:
    """This process's cgroup v2 folder (the ``0::/path`` line), or None without a unified hierarchy."""
    try:
        lines = Path(self_cgroup).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    for line in lines:
        if line.startswith("0::"):
            relative = line[3:].strip().lstrip("/")
            folder = (root / relative) if relative else root
            return folder if (root / "cgroup.controllers").exists() else None
    return None


def _read_words(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="ascii", errors="replace").split()
    except OSError:
        return []


def read_process_limits(
    cgroup_root: str = CGROUP_ROOT,
    self_cgroup: str = SELF_CGROUP,
    affinity: Callable[[int], set[int]] | None = None,
) -> ProcessLimits:
    """This process's CPU affinity and cgroup v2 limits (the tightest of its cgroup and its ancestors)."""
    get_affinity = affinity or getattr(os, "sched_getaffinity", None)
    affinity_cores = None
    if get_affinity is not None:
        try:
            affinity_cores = len(get_affinity(0)) or None
        except OSError:
            affinity_cores = None
    root = Path(cgroup_root)
    folder = _own_cgroup(self_cgroup, root)
    cpu: tuple[float, str] | None = None
    memory: tuple[float, str] | None = None
    while folder is not None:
        words = _read_words(folder / "memory.max")
        if words and words[0] != "max" and words[0].isdigit():
            mib = int(words[0]) / 2**20
            if memory is None or mib < memory[0]:
                memory = (mib, str(folder / "memory.max"))
        words = _read_words(folder / "cpu.max")
        if len(words) >= 2 and words[0] != "max" and words[0].isdigit() and words[1].isdigit() and int(words[1]):
            cores = int(words[0]) / int(words[1])
            if cpu is None or cores < cpu[0]:
                cpu = (cores, str(folder / "cpu.max"))
        if folder == root or root not in folder.parents:
            break
        folder = folder.parent
    return ProcessLimits(
        affinity_cores=affinity_cores,
        cpu_max_cores=cpu[0] if cpu else None,
        cpu_max_path=cpu[1] if cpu else None,
        memory_max_mib=memory[0] if memory else None,
        memory_max_path=memory[1] if memory else None,
    )


def within_limits(cores: int, memory_mib: float, limits: ProcessLimits) -> tuple[int, float, ProcessLimits]:
    """The cores and memory this process may use, and only the limits that are narrower than the machine."""
    usable_cores, usable_memory = cores, memory_mib
    kept = ProcessLimits()
    if limits.affinity_cores is not None and limits.affinity_cores < usable_cores:
        usable_cores = limits.affinity_cores
        kept = kept._replace(affinity_cores=limits.affinity_cores)
    if limits.cpu_max_cores is not None and math.ceil(limits.cpu_max_cores) < usable_cores:
        usable_cores = max(1, math.ceil(limits.cpu_max_cores))
        kept = kept._replace(cpu_max_cores=limits.cpu_max_cores, cpu_max_path=limits.cpu_max_path)
    if limits.memory_max_mib is not None and limits.memory_max_mib < usable_memory:
        usable_memory = limits.memory_max_mib
        kept = kept._replace(memory_max_mib=limits.memory_max_mib, memory_max_path=limits.memory_max_path)
    return usable_cores, usable_memory, kept


def probe_local_machine(path: str | None = None, limits: ProcessLimits | None = None) -> LocalMachine:
    """Read cores, total memory and the size of the disk holding ``path`` (default: the working directory),
    within this process's limits (``limits`` default: :func:`read_process_limits`)."""
    import psutil  # imported here: only the ``local`` host needs it

    try:
        where = path or os.getcwd()
    except FileNotFoundError:  # (every command with the local host: say why, not "No such file or directory")
        raise FileNotFoundError(
            errno.ENOENT,
            "the working directory no longer exists, so the local host's disk cannot be measured; "
            "cd into an existing folder and run vmsim again",
        ) from None
    cores = int(psutil.cpu_count(logical=True) or 1)
    memory = float(psutil.virtual_memory().total) / 2**20
    disk = float(psutil.disk_usage(where).total) / 2**20
    usable_cores, usable_memory, kept = within_limits(cores, memory, limits or read_process_limits())
    return LocalMachine(usable_cores, round(usable_memory, 1), round(disk, 1), where, cores, round(memory, 1), kept)
