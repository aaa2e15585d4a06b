"""The stack under one instance, top down: the app, what its world puts under it (a container's shim and the
runtime, or a VM's guest kernel, services and hypervisor), the host's OS (an EC2 instance's guest kernel and
OS, then the provider's hypervisor, when the host is a cloud VM) and the hardware, each with its memory.

Layout only: every figure is read from the snapshot (the host's stack and the host's memory ledger).
"""

from __future__ import annotations

from typing import NamedTuple

from rich.cells import cell_len
from rich.text import Text

from vmsim.output.words import fmt_mib_compact
from vmsim.session import InstanceSnapshot, Ledger, SimulationSnapshot
from vmsim.text import tr
from vmsim.tui.style import MEMORY_STYLES, STATE_STYLES

# The layers a world puts between the host's OS and the app, top down, as memory categories of the host.
WORLD_LAYERS: dict[str, tuple[str, ...]] = {
    "container": ("shims", "runtime"),
    "vm": ("guest_services", "guest_kernel", "hypervisor"),
    "microvm": ("guest_services", "guest_kernel", "hypervisor"),
}
HOST_LAYER_STYLE = {"host-os": "host_os", "guest-os": "host_os", "guest-kernel": "guest_kernel"}
OUTSIDE_COLOUR = "#6f6f6f"
DOWN = "#d55e00"  # a host down, an app that does not work
EXPOSED = "bold #000000 on #f0e442"  # an instance a break-out reached


class StackRow(NamedTuple):
    """One layer as drawn: its words, its memory (None: not in this host's memory) and its colour."""

    label: str
    memory_mib: float | None
    colour: str


def stack_rows(
    world: str, inst: InstanceSnapshot, memory: Ledger, snap: SimulationSnapshot, lang: str, width: int = 28
) -> list[StackRow]:
    """The layers under ``inst`` (top down) on the host whose ledger is ``memory``."""
    symbol, colour = STATE_STYLES[inst.state]
    if inst.state in ("pending", "booting", "running"):  # as its host's tile draws a live one (its x beside a
        if inst.exposed:  # healthy dot here contradicted it)
            symbol, colour = "!", EXPOSED
        elif not inst.works:
            symbol, colour = "x", f"bold {DOWN}"
    rows = [StackRow(f"{symbol} {inst.id}", inst.memory_mib, colour)]
    for cat in WORLD_LAYERS.get(world, ()):
        label = tr(f"cat.{cat}", lang)
        short = tr(f"cat.{cat}.short", lang)
        if Text(label).cell_len > width - 10 and short != f"cat.{cat}.short":
            label = short
        rows.append(StackRow(label, memory.get(cat), MEMORY_STYLES[cat].colour))
    host = snap.host
    for layer in reversed(host.stack):
        style = MEMORY_STYLES.get(HOST_LAYER_STYLE.get(layer.name, ""))
        rows.append(
            StackRow(tr(f"stack.{layer.name}", lang), layer.memory_mib, style.colour if style else OUTSIDE_COLOUR)
        )
    cloud = host.kind == "cloud-vm"
    rows.append(StackRow(tr("stack.provider_hardware" if cloud else "stack.hardware", lang), None, OUTSIDE_COLOUR))
    return rows


def stack_lines(rows: list[StackRow], title: str, width: int, lang: str, note: bool = True) -> list[Text]:
    """The stack as lines of at most ``width`` cells: a title, one boxed row per layer, and what the figures are."""
    lines = [Text(title, style="bold", no_wrap=True, overflow="ellipsis")]
    figure_cells = 8
    for row in rows:
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append("▌", style=row.colour)
        label_cells = max(1, width - figure_cells - 2)
        label = Text(row.label)
        label.truncate(label_cells, overflow="ellipsis", pad=True)
        line.append_text(label)
        figure = tr("stack.outside", lang) if row.memory_mib is None else fmt_mib_compact(row.memory_mib)
        pad = max(0, figure_cells - cell_len(figure))  # cells, not characters: Korean takes two each
        line.append(" " * (1 + pad) + figure, style="dim" if row.memory_mib is None else "")
        lines.append(line)
    if note:
        lines.append(Text(tr("hosts.stack_host_total", lang), style="dim", no_wrap=True, overflow="ellipsis"))
    return lines
