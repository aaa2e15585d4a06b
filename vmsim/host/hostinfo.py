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
from vmsim.output.formats import columns
from vmsim.text import Msg, msg, render, tr

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
    notes: tuple[Msg, ...] = ()  # worded in the reader's language when shown (English in the JSON)

    def as_dict(self) -> dict[str, object]:
        """The keys a scenario's [host] table takes (left-out figures absent)."""
        out: dict[str, object] = {"preset": self.preset, "cpu_cores": self.cpu_cores}
        if self.memory_gib is not None:
            out["memory_gib"] = self.memory_gib
        if self.disk_gib is not None:
            out["disk_gib"] = self.disk_gib
        return out

    def toml(self, lang: str = "en") -> str:
        """The block as TOML, with comments (in ``lang``) saying where the numbers come from."""
        lines = [
            tr("host.toml.read", lang),
            tr(
                "host.toml.figures",
                lang,
                cores=self.cpu_cores,
                memory=f"{self.measured_memory_gib:g}",
                disk=f"{self.measured_disk_gib:g}",
            ),
            *tr("host.toml.preset", lang, preset=self.preset).split("\n"),
        ]
        for note in self.notes:
            lines += textwrap.wrap(render(note, lang), width=100, initial_indent="# ", subsequent_indent="# ")
        lines += ["[host]", f'preset = "{self.preset}"', f"cpu_cores = {self.cpu_cores}"]
        left_out = tr("host.toml.left_out", lang)
        if self.memory_gib is not None:
            lines.append(f"memory_gib = {self.memory_gib}")
        else:
            lines.append(f"# memory_gib = {self.measured_memory_gib}  {left_out}")
        if self.disk_gib is not None:
            lines.append(f"disk_gib = {self.disk_gib}")
        else:
            lines.append(f"# disk_gib = {self.measured_disk_gib}  {left_out}")
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
            notes: tuple[Msg, ...] = ()
            if preset != PRESETS[0]:
                first = catalog.hosts[PRESETS[0]]
                mem_first, disk_first = fits(PRESETS[0])
                memory = msg("host.note.memory", mib=f"{first.host_os_memory_mib.value:g}")
                disk_msg = msg("host.note.disk", gib=f"{first.host_os_disk_mib.value / 1024:g}")
                if not mem_first and not disk_first:
                    short: Msg | str = msg("host.note.both", memory=memory, disk=disk_msg)
                else:
                    short = disk_msg if mem_first else memory
                notes = (msg("host.note.not_first", preset=PRESETS[0], short=short),)
            return HostBlock(preset, cores, mem, disk, mem, disk, notes)
    # Smaller than even the headless preset's OS: keep its defaults for what does not fit.
    preset = PRESETS[-1]
    p = catalog.hosts[preset]
    mem_ok, disk_ok = fits(preset)
    short_notes: list[Msg] = []
    if not mem_ok:
        short_notes.append(
            msg(
                "host.note.memory_left_out",
                memory=f"{mem:g}",
                os=f"{p.host_os_memory_mib.value:g}",
                preset_gib=f"{p.memory_mib.value / 1024:g}",  # type: ignore[union-attr]
            )
        )
    if not disk_ok:
        short_notes.append(
            msg(
                "host.note.disk_left_out",
                disk=f"{disk:g}",
                os=f"{p.host_os_disk_mib.value / 1024:g}",
                preset_gib=f"{p.disk_mib.value / 1024:g}",  # type: ignore[union-attr]
            )
        )
    return HostBlock(preset, cores, mem if mem_ok else None, disk if disk_ok else None, mem, disk, tuple(short_notes))


def process_limits(machine: LocalMachine) -> list[Msg]:
    """What narrowed the machine to this process's share (CPU affinity, cgroup v2), as messages; empty if nothing.

    The figures above already are the narrowed ones (:func:`vmsim.host.local.probe_local_machine`)."""
    limits = machine.limits
    whole_cores = machine.machine_cpu_cores or machine.cpu_cores
    whole_memory = machine.machine_memory_mib or machine.memory_mib
    notes: list[Msg] = []
    if limits.affinity_cores is not None:
        notes.append(msg("host.limit.affinity", n=limits.affinity_cores, total=whole_cores))
    if limits.cpu_max_cores is not None:
        notes.append(msg("host.limit.cpu", cores=f"{limits.cpu_max_cores:g}", path=limits.cpu_max_path))
    if limits.memory_max_mib is not None:
        notes.append(
            msg(
                "host.limit.memory",
                mib=f"{limits.memory_max_mib:,.0f}",
                total=f"{whole_memory:,.0f}",
                path=limits.memory_max_path,
            )
        )
    return notes


def render_text(machine: LocalMachine, block: HostBlock, limits: list[Msg], lang: str = "en") -> str:
    """The human-readable answer, in ``lang``."""
    rows = [
        (tr("host.label.cores", lang), tr("host.cores", lang, n=machine.cpu_cores)),
        (
            tr("host.label.memory", lang),
            tr("host.size", lang, gib=f"{gib(machine.memory_mib):,g}", mib=f"{machine.memory_mib:,.0f}"),
        ),
        (
            tr("host.label.disk", lang),
            tr(
                "host.disk",
                lang,
                gib=f"{gib(machine.disk_mib):,g}",
                mib=f"{machine.disk_mib:,.0f}",
                path=machine.disk_path,
            ),
        ),
    ]
    width = max(columns(label) for label, _ in rows)
    lines = [tr("host.title", lang)]
    lines += [f"  {label}{' ' * (width - columns(label))}  {value}" for label, value in rows]
    if limits:
        lines.append("  " + tr("host.limits", lang, limits="; ".join(render(m, lang) for m in limits)))
    lines += ["", *tr("host.paste", lang).split("\n"), "", block.toml(lang).rstrip("\n")]
    return "\n".join(lines) + "\n"


def render_json(machine: LocalMachine, block: HostBlock, limits: list[Msg]) -> str:
    """The measured figures, the limits seen, and the suggested [host] table (notes in English, as all JSON)."""
    data = {
        "measured": {
            "cpu_cores": machine.cpu_cores,
            "memory_mib": machine.memory_mib,
            "disk_mib": machine.disk_mib,
            "disk_path": machine.disk_path,
        },
        "limits": [render(m, "en") for m in limits],
        "machine": {
            "cpu_cores": machine.machine_cpu_cores or machine.cpu_cores,
            "memory_mib": machine.machine_memory_mib or machine.memory_mib,
        },
        "scenario_host": block.as_dict(),
        "notes": [render(m, "en") for m in block.notes],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
