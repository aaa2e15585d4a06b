"""``vmsim host``: this machine as psutil sees it (within this process's limits), and as a ``[host]`` block.

The figures are read, not simulated: logical CPU cores, total memory and the size of the disk that holds
the working directory (:func:`vmsim.host.local.probe_local_machine`). The ``[host]`` block keeps a
catalog preset (``laptop``) for what psutil cannot tell — the host OS's own memory and disk, the disk's
speed — and overrides the hardware with this machine's numbers, rounded to 0.1 GiB. When this machine is
too small for that preset's own OS baseline, the block falls back to ``small-cloud`` (a headless OS) or
leaves the figure out, and says so in a comment, so the block always loads.
"""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass

from vmsim.engine.catalog import Catalog, default_catalog
from vmsim.engine.hosts import LocalMachine

# Presets tried in order for the pasted block: a desktop OS first, then a headless one for small machines.
PRESETS = ("laptop", "small-cloud")


def gib(mib: float) -> float:
    """MiB → GiB rounded for a scenario file: 0.1 GiB steps, 0.01 GiB below 1 GiB (never 0 for a real size)."""
    value = mib / 1024
    if value >= 1:
        return round(value, 1)
    return max(round(value, 2), 0.01) if mib > 0 else 0.0


@dataclass(frozen=True)
class HostBlock:
    """What ``vmsim host`` suggests for a scenario's ``[host]`` table."""

    preset: str
    cpu_cores: int
    memory_gib: float | None  # None: left out (smaller than the preset's own OS)
    disk_gib: float | None
    measured_memory_gib: float
    measured_disk_gib: float
    notes: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        """The keys a scenario's [host] table takes (left-out figures absent)."""
        out: dict[str, object] = {"preset": self.preset, "cpu_cores": self.cpu_cores}
        if self.memory_gib is not None:
            out["memory_gib"] = self.memory_gib
        if self.disk_gib is not None:
            out["disk_gib"] = self.disk_gib
        return out

    def toml(self) -> str:
        """The block as TOML, with comments saying where the numbers come from."""
        lines = [
            "# This machine, read with psutil by 'vmsim host' (measured here, not a preset):",
            f"# {self.cpu_cores} logical CPU core{'s' if self.cpu_cores != 1 else ''}, "
            f"{self.measured_memory_gib:g} GiB memory, "
            f"{self.measured_disk_gib:g} GiB disk (the one holding the working directory).",
            f'# preset = "{self.preset}" supplies what psutil cannot tell: the host OS\'s own memory and disk,',
            '# and the disk\'s speed. (preset = "local" instead reads whichever machine runs the scenario.)',
        ]
        for note in self.notes:
            lines += textwrap.wrap(note, width=100, initial_indent="# ", subsequent_indent="# ")
        lines += ["[host]", f'preset = "{self.preset}"', f"cpu_cores = {self.cpu_cores}"]
        if self.memory_gib is not None:
            lines.append(f"memory_gib = {self.memory_gib}")
        else:
            lines.append(f"# memory_gib = {self.measured_memory_gib}  (left out: see above)")
        if self.disk_gib is not None:
            lines.append(f"disk_gib = {self.disk_gib}")
        else:
            lines.append(f"# disk_gib = {self.measured_disk_gib}  (left out: see above)")
        return "\n".join(lines) + "\n"


def host_block(machine: LocalMachine, catalog: Catalog | None = None) -> HostBlock:
    """The [host] block for ``machine``: preset ``laptop`` plus its hardware, valid for the scenario loader."""
    catalog = catalog or default_catalog()
    cores = max(1, min(int(machine.cpu_cores), 4096))
    mem, disk = gib(machine.memory_mib), gib(machine.disk_mib)

    def fits(preset: str) -> tuple[bool, bool]:
        p = catalog.hosts[preset]
        return mem * 1024 > p.host_os_memory_mib.value, disk * 1024 > p.host_os_disk_mib.value

    for preset in PRESETS:
        if all(fits(preset)):
            notes: tuple[str, ...] = ()
            if preset != PRESETS[0]:
                first = catalog.hosts[PRESETS[0]]
                mem_first, disk_first = fits(PRESETS[0])
                short = [
                    *([] if mem_first else [f"{first.host_os_memory_mib.value:g} MiB of memory"]),
                    *([] if disk_first else [f"{first.host_os_disk_mib.value / 1024:g} GiB of disk"]),
                ]
                notes = (
                    f'Not "{PRESETS[0]}": its desktop OS alone takes {" and ".join(short)}, '
                    "more than this machine has.",
                )
            return HostBlock(preset, cores, mem, disk, mem, disk, notes)
    # Smaller than even the headless preset's OS: keep its defaults for what does not fit.
    preset = PRESETS[-1]
    p = catalog.hosts[preset]
    mem_ok, disk_ok = fits(preset)
    short_notes: list[str] = []
    if not mem_ok:
        short_notes.append(
            f"memory_gib left out: {mem:g} GiB is not more than the {p.host_os_memory_mib.value:g} MiB the "
            f"simulated host OS takes; the preset's {p.memory_mib.value / 1024:g} GiB is used instead."  # type: ignore[union-attr]
        )
    if not disk_ok:
        short_notes.append(
            f"disk_gib left out: {disk:g} GiB is not more than the {p.host_os_disk_mib.value / 1024:g} GiB the "
            f"simulated host OS takes; the preset's {p.disk_mib.value / 1024:g} GiB is used instead."  # type: ignore[union-attr]
        )
    return HostBlock(preset, cores, mem if mem_ok else None, disk if disk_ok else None, mem, disk, tuple(short_notes))


def process_limits(machine: LocalMachine) -> list[str]:
    """What narrowed the machine to this process's share (CPU affinity, cgroup v2), in words; empty if nothing.

    The figures above already are the narrowed ones (:func:`vmsim.host.local.probe_local_machine`)."""
    limits = machine.limits
    whole_cores = machine.machine_cpu_cores or machine.cpu_cores
    whole_memory = machine.machine_memory_mib or machine.memory_mib
    notes: list[str] = []
    if limits.affinity_cores is not None:
        notes.append(f"this process may run on only {limits.affinity_cores} of the {whole_cores} cores (CPU affinity)")
    if limits.cpu_max_cores is not None:
        notes.append(
            f"a cgroup limits this process to {limits.cpu_max_cores:g} cores of CPU time ({limits.cpu_max_path})"
        )
    if limits.memory_max_mib is not None:
        notes.append(
            f"a cgroup limits this process to {limits.memory_max_mib:,.0f} of {whole_memory:,.0f} MiB of memory "
            f"({limits.memory_max_path})"
        )
    return notes


def render_text(machine: LocalMachine, block: HostBlock, limits: list[str]) -> str:
    """The human-readable answer."""
    lines = [
        "This machine, as psutil sees it (measured here, not simulated):",
        f"  CPU cores  {machine.cpu_cores} (logical)",
        f"  memory     {machine.memory_mib / 1024:,.1f} GiB ({machine.memory_mib:,.0f} MiB)",
        f"  disk       {machine.disk_mib / 1024:,.1f} GiB ({machine.disk_mib:,.0f} MiB), "
        f"the disk holding {machine.disk_path}",
    ]
    if limits:
        lines.append(
            "  note: psutil reports the whole machine, but "
            + "; ".join(limits)
            + ". The figures above are this process's share."
        )
    lines += [
        "",
        'Paste this into a scenario file to simulate this machine (or use preset = "local";',
        "'vmsim host --format toml' prints the block alone):",
        "",
        block.toml().rstrip("\n"),
    ]
    return "\n".join(lines) + "\n"


def render_json(machine: LocalMachine, block: HostBlock, limits: list[str]) -> str:
    """The measured figures, the limits seen, and the suggested [host] table."""
    data = {
        "measured": {
            "cpu_cores": machine.cpu_cores,
            "memory_mib": machine.memory_mib,
            "disk_mib": machine.disk_mib,
            "disk_path": machine.disk_path,
        },
        "limits": limits,
        "machine": {
            "cpu_cores": machine.machine_cpu_cores or machine.cpu_cores,
            "memory_mib": machine.machine_memory_mib or machine.memory_mib,
        },
        "scenario_host": block.as_dict(),
        "notes": list(block.notes),
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
