"""The boot timeline: the last additions as per-phase bars on one time axis (text, no plotting library)."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from vmsim.session import InstanceSnapshot
from vmsim.text import tr
from vmsim.tui.style import PHASE_FALLBACK, PHASE_STYLES, CategoryStyle
from vmsim.tui.widgets.instance_list import phase_label
from vmsim.tui.widgets.rows import flow


def phase_style(name: str) -> CategoryStyle:
    """The colour and fill character of boot phase ``name``."""
    return PHASE_STYLES.get(name, PHASE_FALLBACK)


def legend_lines(names: list[str], span_s: float, width: int, lang: str) -> list[Text]:
    """The time axis, then every phase drawn above as its fill character and its name, wrapped to ``width``
    (cut, a phase would go unnamed)."""
    seconds = [tr("summary.seconds", lang, s=s) for s in ("0", f"{span_s:.2f}")]
    items = [Text(f"{seconds[0]} → {seconds[1]}", style="dim")]
    for name in names:
        style = phase_style(name)
        item = Text(no_wrap=True)
        item.append(style.glyph * 2, style=style.colour)
        item.append(f" {phase_label(name, lang)}")
        items.append(item)
    return flow(items, width)


class BootTimeline(Widget):
    """The last additions as bars on one time axis, a segment per boot phase: where the seconds go."""

    rows: reactive[tuple[tuple[str, InstanceSnapshot], ...]] = reactive(())
    now: reactive[float] = reactive(0.0)

    def render(self) -> Text:
        rows = self.rows
        if not rows:
            return Text(self.app.empty_hint("timeline.empty", "timeline.empty.lesson"), style="dim")  # type: ignore[attr-defined]
        width = self.size.width
        lang = self.app.lang  # type: ignore[attr-defined]
        label_w = max(cell_len(f"{tr('noun.' + w, lang)} {i.id}") for w, i in rows) + 1
        tail_w = 9
        bar_w = max(width - label_w - tail_w, 10)

        def end_of(i: InstanceSnapshot) -> float:
            if i.ready_s is not None:
                return i.ready_s
            last = i.phases[-1].end_s if i.phases and i.phases[-1].end_s is not None else self.now
            return last if i.state not in ("booting", "pending") else self.now

        span = max((end_of(i) - i.added_s for _, i in rows), default=1.0) or 1.0
        lines: list[Text] = []
        legend_names: list[str] = []
        for world, inst in rows:
            line = Text(no_wrap=True)
            label = f"{tr('noun.' + world, lang)} {inst.id}"
            line.append(label + " " * (label_w - cell_len(label)), style="bold")
            used = 0
            for p in inst.phases:
                end = p.end_s if p.end_s is not None else self.now
                cells = int(round((end - inst.added_s) / span * bar_w)) - used
                if cells > 0:
                    style = phase_style(p.name)
                    line.append(style.glyph * cells, style=style.colour)
                    used += cells
                if p.name not in legend_names:
                    legend_names.append(p.name)
            if not used and inst.phases:  # shorter than a cell (a container beside a VM's boot): a sliver, not none
                line.append("▏", style=phase_style(inst.phases[-1].name).colour)
                used = 1
            line.append(" " * max(bar_w - used, 0))
            total = end_of(inst) - inst.added_s
            tail = (
                tr("summary.seconds", lang, s=f"{total:6.2f}")
                if inst.ready_s is not None
                else f" {tr('state.' + inst.state, lang)}"
            )
            line.append(tail, style="dim" if inst.ready_s is None else "")
            lines.append(line)
        # The bars first, so they stay on screen in a short pane; then the legend, wrapped rather than cut.
        legend = legend_lines(legend_names, span, max(width, 20), lang)
        for line in (*lines, *legend):
            line.truncate(width, overflow="ellipsis")
        out = Text("\n").join([*lines, *legend])
        out.no_wrap = True
        out.overflow = "ellipsis"
        return out
