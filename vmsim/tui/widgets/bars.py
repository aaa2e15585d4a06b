"""Stacked bars: a world's memory or disk by category, and its CPU, with absolute figures beside them.

Pure drawing: each function turns a snapshot's slice into rich Text; the host panel puts them together.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.cells import cell_len
from rich.text import Text

from vmsim.output.words import fmt_mib_compact as fmt_mib
from vmsim.session import CpuSnapshot, Ledger
from vmsim.text import tr
from vmsim.tui.style import FREE, CategoryStyle
from vmsim.tui.widgets.rows import flow

# Below this many cells a column is narrow (three worlds side by side at 80 columns): shorter headlines, and
# no "free" entry in the legends (the headline gives the capacity, the bar's dots show what is free).
NARROW = 32

BOOT_CPU = CategoryStyle("#e69f00", "▓")
STEADY_CPU = CategoryStyle("#009e73", "█")


def stacked_bar(parts: list[tuple[float, CategoryStyle]], capacity: float, width: int) -> Text:
    """A bar ``width`` cells wide: each part a run of its glyph in its colour, the rest free.

    Every non-zero part gets at least one cell while there is room, so a small category never
    vanishes; the largest parts give up the cells that costs.
    """
    text = Text()
    if width <= 0:
        return text
    capacity = max(capacity, sum(v for v, _ in parts), 1e-9)
    cells = [max(1, round(v / capacity * width)) if v > 0 else 0 for v, _ in parts]
    while sum(cells) > width and any(c > 1 for c in cells):
        i = max(range(len(cells)), key=lambda k: cells[k])
        cells[i] -= 1
    for n, (_, style) in zip(cells, parts, strict=True):
        if n:
            text.append(style.glyph * n, style=style.colour)
    used = sum(cells)
    if used < width:
        text.append(FREE.glyph * (width - used), style=FREE.colour)
    return text


class LedgerRows(NamedTuple):
    """Memory or disk of one world as rows: the headline, the stacked bar, the legend."""

    heads: list[Text]
    bar: Text
    legend: list[Text]


def ledger_rows(
    title_key: str,
    ledger: Ledger,
    styles: dict[str, CategoryStyle],
    width: int,
    lang: str,
    *,
    touched_mib: float | None = None,
    compact: bool = False,
) -> LedgerRows:
    """Memory or disk of one world: a headline (memory: committed and in use, on two lines when narrow, three
    when narrower unless ``compact``), a stacked bar and a legend with MiB and percent."""
    width = max(width, 10)
    if touched_mib is None:
        head = Text(no_wrap=True, overflow="ellipsis")
        head.append(tr(title_key, lang), style="bold")
        used, cap = fmt_mib(ledger.total_mib), fmt_mib(ledger.capacity_mib)
        head.append(" " + (tr("bar.of", lang, used=used, cap=cap) if width >= NARROW else f"{used}/{cap}"))
        heads = [head]
    else:
        heads = memory_headline(tr(title_key, lang), ledger, touched_mib, width, lang, compact=compact)
    parts = [(mib, styles[cat]) for cat, mib in ledger.by_category if mib > 0]
    bar = stacked_bar(parts, ledger.capacity_mib, width)
    return LedgerRows(heads, bar, legend_lines(ledger, styles, width, lang))


def memory_headline(
    title: str, ledger: Ledger, touched_mib: float, width: int, lang: str, *, compact: bool = False
) -> list[Text]:
    """'Memory  committed 3.6 GiB of 16.0 GiB · in use 2.1 GiB': both figures named, always.

    *Committed* is what the host has promised (a VM's whole allocation counts from its admission); *in use*
    is what is touched. One line when it fits (without the capacity if need be), else in use on a second
    line; in a narrow column (three worlds at 80 columns) the title, then each figure on a line of its own, or
    (``compact``, for a short column) the title and committed on one line, without the capacity the status line
    gives."""
    committed = tr("bar.committed", lang, mib=fmt_mib(ledger.total_mib))
    of_cap = " " + tr("bar.of_capacity", lang, cap=fmt_mib(ledger.capacity_mib))
    in_use = tr("bar.in_use", lang, mib=fmt_mib(touched_mib))

    def line(*pieces: tuple[str, str]) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(title, style="bold")
        for piece, style in pieces:
            text.append(piece, style=style)
        return text

    sep = " · "
    for cap in (of_cap, ""):
        one = line((" " + committed, ""), (cap, "dim"), (sep + in_use, ""))
        if one.cell_len <= width:
            return [one]
    second = Text(" " * min(cell_len(title) + 1, 4) + in_use, no_wrap=True, overflow="ellipsis")
    if width >= NARROW:
        first = line((" " + committed, ""), (of_cap, "dim"))
        if first.cell_len > width:
            first = line((" " + committed, ""))
        return [first, second]
    if compact:
        first = line((" " + committed, ""))
        if first.cell_len > width:  # the figure, not the title: "Memory committed 15.7 …" (microvm's VMs at 80)
            said = tr("bar.committed_alone", lang, mib=fmt_mib(ledger.total_mib))
            first = Text(said, style="bold", no_wrap=True, overflow="ellipsis")
        return [first, Text(" " + in_use, no_wrap=True, overflow="ellipsis")]
    first = line((of_cap, "dim")) if cell_len(title + of_cap) <= width else line()
    return [first, Text(" " + committed, no_wrap=True, overflow="ellipsis"), Text(" " + in_use, no_wrap=True)]


def legend_lines(ledger: Ledger, styles: dict[str, CategoryStyle], width: int, lang: str) -> list[Text]:
    """Legend entries in as many columns as fit: glyph, label, MiB, and percent when there is room."""
    entries = [(cat, styles[cat], mib) for cat, mib in ledger.by_category if mib > 0]
    if width >= NARROW:
        entries.append(("free", FREE, ledger.free_mib))
    wide = width >= 56
    arriving = {cat: (held, got) for cat, held, got in ledger.arriving}
    items: list[Text] = []
    for cat, style, mib in entries:
        item = Text(no_wrap=True)
        item.append(style.glyph, style=style.colour)
        label = tr(f"cat.{cat}", lang) if wide else tr(f"cat.{cat}.short", lang)
        if label == f"cat.{cat}.short":
            label = tr(f"cat.{cat}", lang)
        item.append(f" {label} ")
        item.append(fmt_mib(mib), style="bold")
        if wide:
            pct = mib / ledger.capacity_mib * 100 if ledger.capacity_mib else 0
            item.append(f" {pct:.0f}%" if pct >= 1 else " <1%", style="dim")
        if cat in arriving:  # the space is held from the download's start; say how much is there yet
            held, got = arriving[cat]
            if wide:
                item.append(" · " + tr("disk.arrived", lang, got=fmt_mib(got)), style="italic")
            else:
                item.append(" " + tr("disk.arrived_short", lang, pct=f"{got / held * 100:.0f}"), style="italic")
        items.append(item)
    # Flow the entries left to right, wrapping at the edge: denser than a grid for uneven lengths.
    return flow(items, width)


def cpu_line(cpu: CpuSnapshot, width: int, lang: str) -> Text:
    """CPU of one world: cores busy booting and running, as a bar and a number."""
    label = Text()
    label.append(tr("bar.cpu", lang), style="bold")
    # An idle guest's sliver (0.001 core) still draws a cell of the bar: its figure says '<0.1', not '0.0'.
    used = "<0.1" if 0 < cpu.used_cores < 0.05 else f"{cpu.used_cores:.1f}"
    figures = f" {used}/{cpu.cores}"
    if width >= 40:
        figures = " " + tr("cpu.cores", lang, used=used, cores=cpu.cores)
        if cpu.boot_demand_cores > cpu.cores:
            figures += " · " + tr("cpu.wants", lang, n=f"{cpu.boot_demand_cores:.0f}")
    bar_width = max(width - label.cell_len - cell_len(figures) - 3, 4)
    bar_parts = [(min(cpu.boot_demand_cores, cpu.cores), BOOT_CPU), (cpu.steady_cores, STEADY_CPU)]
    out = Text(no_wrap=True)
    out.append_text(label)
    out.append(" ▕")
    out.append_text(stacked_bar(bar_parts, cpu.cores, bar_width))
    out.append("▏")
    out.append(figures)
    return out
