"""The boot timeline: the last additions as per-phase bars on one time axis (text, no plotting library)."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from vmsim.session import InstanceSnapshot
from vmsim.text import tr
from vmsim.tui.widgets.instance_list import phase_label

PHASE_COLOURS = {
    "download": "#9a9a9a",
    "pull": "#9a9a9a",
    "disk copy": "#6f6f6f",
    "vmm": "#d55e00",
    "firmware": "#d55e00",
    "bootloader": "#cc79a7",
    "kernel": "#cc79a7",
    "initrd": "#e69f00",
    "systemd": "#e69f00",
    "openrc": "#e69f00",
    "init": "#e69f00",
    "cloud-init": "#f0e442",
    "create": "#56b4e9",
    "start": "#0072b2",
    "app": "#009e73",
}
PHASE_GLYPHS = {
    "download": "░",
    "pull": "░",
    "disk copy": "░",
    "vmm": "▚",
    "firmware": "▚",
    "bootloader": "▞",
    "kernel": "▓",
    "initrd": "▒",
    "systemd": "▒",
    "openrc": "▒",
    "init": "▒",
    "cloud-init": "▞",
    "create": "▓",
    "start": "▒",
    "app": "█",
}


class BootTimeline(Widget):
    """The last additions as bars on one time axis, a segment per boot phase: where the seconds go."""

    rows: reactive[tuple[tuple[str, InstanceSnapshot], ...]] = reactive(())
    now: reactive[float] = reactive(0.0)

    def render(self) -> Text:
        rows = self.rows
        if not rows:
            return Text(tr("timeline.empty", self.app.lang), style="dim")  # type: ignore[attr-defined]
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
                    line.append(PHASE_GLYPHS.get(p.name, "█") * cells, style=PHASE_COLOURS.get(p.name, "white"))
                    used += cells
                if p.name not in legend_names:
                    legend_names.append(p.name)
            line.append(" " * max(bar_w - used, 0))
            total = end_of(inst) - inst.added_s
            tail = f"{total:6.2f} s" if inst.ready_s is not None else f" {tr('state.' + inst.state, lang)}"
            line.append(tail, style="dim" if inst.ready_s is None else "")
            lines.append(line)
        legend = Text(no_wrap=True, overflow="ellipsis")
        legend.append(f"0 s → {span:.2f} s   ", style="dim")
        for name in legend_names:
            legend.append(PHASE_GLYPHS.get(name, "█"), style=PHASE_COLOURS.get(name, "white"))
            legend.append(f" {phase_label(name, lang)}  ")
        # Each line is cut to the width: the legend would otherwise wrap and push the bars down.
        for line in (legend, *lines):
            line.truncate(width, overflow="ellipsis")
        out = Text("\n").join([legend, *lines])
        out.no_wrap = True
        out.overflow = "ellipsis"
        return out
