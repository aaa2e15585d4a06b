"""Stacked bars: a world's memory or disk by category, and its CPU, with absolute figures beside them."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from vmsim.engine.snapshot import CpuSnapshot, Ledger
from vmsim.i18n import tr
from vmsim.tui.style import FREE, CategoryStyle, fmt_mib


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


class LedgerBar(Widget):
    """Memory or disk of one world: a headline, a stacked bar and a legend with MiB and percent."""

    DEFAULT_CSS = """
    LedgerBar { height: auto; }
    """

    ledger: reactive[Ledger | None] = reactive(None)
    touched_mib: reactive[float | None] = reactive(None)
    _lines = 1

    def watch_ledger(self, ledger: Ledger | None) -> None:
        if not self.size.width:
            self.refresh(layout=True)  # not laid out yet: the layout will ask for the height at its width
            return
        # Relayout only when the legend wraps to a different number of lines: layout is costly per frame.
        lines = self.render().plain.count("\n") + 1
        if lines != self._lines:
            self._lines = lines
            self.refresh(layout=True)

    def get_content_height(self, container, viewport, width: int) -> int:  # noqa: ANN001
        return self._drawn(width).plain.count("\n") + 1

    def __init__(
        self, title_key: str, styles: dict[str, CategoryStyle], *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.title_key = title_key
        self.category_styles = styles
        self._cache: tuple[tuple[object, ...], Text] | None = None

    def render(self) -> Text:
        return self._drawn(self.size.width)

    def _drawn(self, width: int) -> Text:
        """The bar at ``width`` cells; drawn once per change, though the height, the watcher and the paint
        all ask for it."""
        key = (self.ledger, self.touched_mib, width, self.has_class("-thick"), self.app.lang)  # type: ignore[attr-defined]
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1]
        text = self._draw(width)
        self._cache = (key, text)
        return text

    def _draw(self, width: int) -> Text:
        ledger = self.ledger
        width = max(width, 10)
        lang = self.app.lang  # type: ignore[attr-defined]
        if ledger is None:
            return Text(tr(self.title_key, lang))
        head = Text(no_wrap=True, overflow="ellipsis")
        head.append(tr(self.title_key, lang), style="bold")
        used, cap = fmt_mib(ledger.total_mib), fmt_mib(ledger.capacity_mib)
        head.append(" " + (tr("bar.of", lang, used=used, cap=cap) if width >= 32 else f"{used}/{cap}"))
        touched = self.touched_mib
        if touched is not None and touched < ledger.total_mib - 0.5:
            extra = " · " + tr("bar.touched", lang, mib=fmt_mib(touched))
            if head.cell_len + cell_len(extra) <= width:
                head.append(extra, style="dim")
        parts = [(mib, self.category_styles[cat]) for cat, mib in ledger.by_category if mib > 0]
        bar = stacked_bar(parts, ledger.capacity_mib, width)
        rows = [head, bar]
        if self.has_class("-thick"):
            rows.append(bar)
        rows.append(self._legend(ledger, width))
        out = Text("\n").join(rows)
        out.no_wrap = True
        out.overflow = "ellipsis"
        return out

    def _legend(self, ledger: Ledger, width: int) -> Text:
        """Legend entries in as many columns as fit: glyph, label, MiB, and percent when there is room."""
        lang = self.app.lang  # type: ignore[attr-defined]
        entries = [(cat, self.category_styles[cat], mib) for cat, mib in ledger.by_category if mib > 0]
        entries.append(("free", FREE, ledger.free_mib))
        wide = width >= 56
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
            items.append(item)
        # Flow the entries left to right, wrapping at the edge: denser than a grid for uneven lengths.
        lines: list[Text] = []
        line = Text(no_wrap=True, overflow="ellipsis")
        for item in items:
            if line.cell_len and line.cell_len + 2 + item.cell_len > width:
                lines.append(line)
                line = Text(no_wrap=True, overflow="ellipsis")
            if line.cell_len:
                line.append("  ")
            line.append_text(item)
        lines.append(line)
        return Text("\n").join(lines)


class CpuLine(Widget):
    """CPU of one world: cores busy booting and running, as a bar and a number."""

    DEFAULT_CSS = """
    CpuLine { height: 1; }
    """

    cpu: reactive[CpuSnapshot | None] = reactive(None)

    def render(self) -> Text:
        cpu = self.cpu
        if cpu is None:
            return Text("CPU")
        lang = self.app.lang  # type: ignore[attr-defined]
        label = Text()
        label.append(tr("bar.cpu", lang), style="bold")
        figures = f" {cpu.used_cores:.1f}/{cpu.cores}"
        if self.size.width >= 40:
            figures = " " + tr("cpu.cores", lang, used=f"{cpu.used_cores:.1f}", cores=cpu.cores)
            if cpu.boot_demand_cores > cpu.cores:
                figures += " · " + tr("cpu.wants", lang, n=f"{cpu.boot_demand_cores:.0f}")
        width = max(self.size.width - label.cell_len - cell_len(figures) - 3, 4)
        bar_parts = [
            (min(cpu.boot_demand_cores, cpu.cores), CategoryStyle("boot", "#e69f00", "▓")),
            (cpu.steady_cores, CategoryStyle("steady", "#009e73", "█")),
        ]
        out = Text()
        out.append_text(label)
        out.append(" ▕")
        out.append_text(stacked_bar(bar_parts, cpu.cores, width))
        out.append("▏")
        out.append(figures)
        out.no_wrap = True
        return out
