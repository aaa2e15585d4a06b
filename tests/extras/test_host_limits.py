"""``--host local`` and ``vmsim host`` within this process's limits: CPU affinity and cgroup v2 ``memory.max`` and
``cpu.max`` of its cgroup and every one above it (issue 18, item 15). The cgroup tree is a folder made here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import psutil
import pytest

from vmsim.engine import default_catalog
from vmsim.engine.hosts import ProcessLimits, make_host
from vmsim.host import hostinfo
from vmsim.host import local as hosts
from vmsim.host.local import probe_local_machine, read_process_limits
from vmsim.text import render

GIB = 2**30


def cgroup_tree(tmp_path: Path, levels: dict[str, dict[str, str]]) -> tuple[str, str]:
    """A fake /sys/fs/cgroup with ``levels`` ({relative folder: {file: text}}) and a /proc/self/cgroup naming
    the deepest folder."""
    root = tmp_path / "cgroup"
    root.mkdir()
    (root / "cgroup.controllers").write_text("cpu memory\n")
    deepest = ""
    for rel, files in levels.items():
        folder = root / rel if rel else root
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (folder / name).write_text(text)
        deepest = max(deepest, rel, key=len)
    self_cgroup = tmp_path / "self-cgroup"
    self_cgroup.write_text(f"0::/{deepest}\n")
    return str(root), str(self_cgroup)


def test_the_tightest_limit_on_the_way_to_the_root_wins(tmp_path):
    root, me = cgroup_tree(
        tmp_path,
        {
            "": {"memory.max": "max\n", "cpu.max": "max 100000\n"},
            "job.slice": {"memory.max": str(2 * GIB) + "\n", "cpu.max": "400000 100000\n"},
            "job.slice/task": {"memory.max": str(4 * GIB) + "\n", "cpu.max": "150000 100000\n"},
        },
    )
    limits = read_process_limits(root, me, affinity=lambda pid: {0, 1, 2})
    assert limits.affinity_cores == 3
    assert limits.memory_max_mib == 2048 and limits.memory_max_path.endswith("job.slice/memory.max")
    assert limits.cpu_max_cores == 1.5 and limits.cpu_max_path.endswith("job.slice/task/cpu.max")


def test_no_unified_hierarchy_or_no_limit_means_none(tmp_path):
    assert read_process_limits(str(tmp_path / "nothing"), str(tmp_path / "none"), affinity=lambda pid: set()) == (
        ProcessLimits()
    )
    root, me = cgroup_tree(tmp_path, {"a": {"memory.max": "max\n", "cpu.max": "max 100000\n"}})
    assert read_process_limits(root, me, affinity=lambda pid: {0}) == ProcessLimits(affinity_cores=1)


@pytest.fixture
def big_machine(monkeypatch):
    """psutil says 64 cores and 256 GiB."""
    monkeypatch.setattr(psutil, "cpu_count", lambda logical=True: 64)
    monkeypatch.setattr(psutil, "virtual_memory", lambda: SimpleNamespace(total=256 * GIB))
    monkeypatch.setattr(psutil, "disk_usage", lambda path: SimpleNamespace(total=1024 * GIB))


def test_local_machine_is_what_this_process_may_use(big_machine):
    limits = ProcessLimits(affinity_cores=2, memory_max_mib=512.0, memory_max_path="/x/memory.max")
    machine = probe_local_machine("/", limits)
    assert (machine.cpu_cores, machine.memory_mib) == (2, 512.0)
    assert (machine.machine_cpu_cores, machine.machine_memory_mib) == (64, 256 * 1024)
    notes = [render(m, "en") for m in hostinfo.process_limits(machine)]
    assert notes == [
        "this process may run on only 2 of the 64 cores (CPU affinity)",
        "a cgroup limits this process to 512 of 262,144 MiB of memory (/x/memory.max)",
    ]


def test_cpu_max_rounds_up_to_whole_cores(big_machine):
    machine = probe_local_machine("/", ProcessLimits(cpu_max_cores=2.5, cpu_max_path="/c/cpu.max"))
    assert machine.cpu_cores == 3
    assert "2.5 cores of CPU time (/c/cpu.max)" in render(hostinfo.process_limits(machine)[0], "en")


def test_limits_wider_than_the_machine_are_not_reported(big_machine):
    machine = probe_local_machine("/", ProcessLimits(affinity_cores=64, memory_max_mib=10.0**9, cpu_max_cores=100.0))
    assert (machine.cpu_cores, machine.memory_mib) == (64, 256 * 1024)
    assert machine.limits == ProcessLimits() and hostinfo.process_limits(machine) == []


def test_host_local_simulates_the_limited_share_and_says_so(big_machine, monkeypatch):
    monkeypatch.setattr(hosts, "read_process_limits", lambda: ProcessLimits(affinity_cores=2, memory_max_mib=4096.0))
    host = make_host(default_catalog(), "local", probe_local_machine())
    assert host.cpu_cores == 2 and host.memory_mib == 4096.0
    assert "this process's limits: 2 of 64 cores, 4.0 of 256.0 GiB" in host.label


def test_vmsim_host_in_a_process_pinned_to_one_core():
    """The real command under ``taskset``-like affinity: the figure and the note follow it."""
    if not hasattr(__import__("os"), "sched_setaffinity") or psutil.cpu_count() < 2:
        pytest.skip("needs Linux CPU affinity and at least two cores")
    code = (
        "import os, sys; os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]}); "
        "from vmsim.cli import main; sys.exit(main(['host', '--format', 'json']))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["measured"]["cpu_cores"] == 1
    assert data["scenario_host"]["cpu_cores"] == 1
    assert any("CPU affinity" in note for note in data["limits"])
