"""The instances of one world: one line each, an animated boot bar naming the phase, only visible rows drawn."""

from __future__ import annotations

from collections.abc import Callable

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from vmsim.output.words import coded_text
from vmsim.session import InstanceSnapshot
from vmsim.text import tr
from vmsim.tui.style import BROKEN_COLOUR, BROKEN_SYMBOL, STATE_STYLES
from vmsim.tui.widgets.rows import StylePerPaint, text_strip

BAR_CELLS = 8


def phase_label(name: str, lang: str) -> str:
    """A phase's name in ``lang`` (names of programs, such as systemd or cloud-init, stay as they are)."""
    text = tr(f"phase.{name}", lang)
    return name if text == f"phase.{name}" else text


# What a refusal's reason says ran out, as the fit line names it: a narrow column's short form of the reason.
REFUSED_FOR = {
    "reason.no_memory": "limit.memory",
    "reason.no_memory_shim": "limit.memory",
    "reason.host_touched": "limit.memory",
    "reason.disk_full": "limit.disk",
    "reason.vcpus": "limit.vcpus",
    "reason.bridge_full": "limit.network",
    "reason.no_nested": "limit.nesting",
    "reason.host_down": "limit.hosts_down",
}
# What stopped an instance, in a few words, for a column too narrow for the whole reason (the log has it whole).
STOPPED_FOR = {
    "reason.host_went_down": "short.host_down",
    "reason.kernel_panic": "short.kernel_panic",
    "reason.guest_kernel_panic": "short.guest_kernel_panic",
    "reason.guest_oom_start": "short.guest_oom",
    "reason.guest_oom_grow": "short.guest_oom",
    "reason.boot_oom": "short.guest_oom",
    "reason.cgroup_start": "short.cgroup_oom",
    "reason.cgroup_grow": "short.cgroup_oom",
    "reason.host_oom": "short.host_oom",
}


def instance_line(inst: InstanceSnapshot, now: float, width: int, lang: str = "en", progress: float = 0.0) -> Text:
    """One instance as one line of text: state symbol, id, then boot progress (``progress``: how far its phase is,
    0..1), time to ready or reason."""
    symbol, colour = STATE_STYLES[inst.state]
    broken = inst.state == "running" and not inst.works  # runs, but the app does not work (a drifted deploy)
    if broken:
        symbol, colour = BROKEN_SYMBOL, BROKEN_COLOUR  # as the hosts view draws it
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f"{symbol} ", style=colour)
    text.append(f"{inst.id:<12} " if width >= 34 else f"{inst.id} ", style="bold")
    if inst.state == "booting":
        cells = BAR_CELLS if width >= 44 else 5
        filled = int(round(progress * cells))
        text.append(phase_label(inst.phase or "", lang), style=colour)
        text.append(" ")
        text.append("▰" * filled, style=colour)
        text.append("▱" * (cells - filled), style="dim")
        text.append(" " + tr("summary.seconds", lang, s=f"{now - inst.added_s:.1f}"), style="dim")
    elif inst.state == "running":
        if inst.version is not None:  # a deploy left it on this version
            text.append(tr("inst.version", lang, version=inst.version) + " ", style="bold")
        if broken:
            text.append(tr("inst.not_working", lang), style=colour)
            text.truncate(width, overflow="ellipsis")
            return text
        seconds = tr("summary.seconds", lang, s=f"{inst.boot_s:.2f}") if inst.boot_s is not None else ""
        ready = tr("inst.ready", lang) + " "
        if text.cell_len + cell_len(ready) + cell_len(seconds) > width and seconds:
            ready = ""  # a narrow column keeps the figure a lesson compares: the green ● says ready
        text.append(ready, style=colour)
        text.append(seconds)
    elif inst.reason is not None and inst.reason.code == "reason.refused_prefix":
        words = coded_text(inst.reason, lang)  # 'refused: needs …', not 'failed: refused: …'
        if text.cell_len + cell_len(words) > width:
            # Cut, it read "refused: 302 MiB fre…": in a narrow column, what ran out, in the fit line's words (the
            # log gives the figures).
            limit = REFUSED_FOR.get(getattr(dict(inst.reason.params).get("reason"), "code", ""))
            if limit is not None:
                words = tr("reason.refused_prefix", lang, reason=tr(limit, lang))
                if text.cell_len + cell_len(words) > width:  # narrower still (three worlds at 80): the red ✗
                    words = tr(limit, lang)  # says refused, the word what ran out
        text.append(words, style=colour)
    else:
        text.append(tr(f"state.{inst.state}", lang), style=colour)
        if inst.reason is not None:
            said = f": {coded_text(inst.reason, lang)}"
            short = STOPPED_FOR.get(inst.reason.code)
            if short is not None and text.cell_len + cell_len(said) > width:  # "killed: its host hos…"
                said = f": {tr(short, lang)}"
            text.append(said, style="dim")
    text.truncate(width, overflow="ellipsis")
    return text


def _no_progress(inst: InstanceSnapshot) -> float:
    return inst.phase_progress


class InstanceList(StylePerPaint, ScrollView, can_focus=True):
    """Scrollable instances of one world. Renders only the rows on screen, so 1,000 cost as little as 10."""

    DEFAULT_CSS = """
    InstanceList { height: 1fr; background: transparent; overflow-x: hidden; }
    """

    BINDINGS = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "cursor(-10)", "Page up", show=False),
        Binding("pagedown", "cursor(10)", "Page down", show=False),
    ]

    cursor: reactive[int] = reactive(-1)

    def __init__(self, world: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.world = world
        self.instances: tuple[InstanceSnapshot, ...] = ()
        self.now = 0.0
        self.progress: Callable[[InstanceSnapshot], float] = _no_progress  # of the world snapshot shown

    def show(
        self,
        instances: tuple[InstanceSnapshot, ...],
        now: float,
        booting: bool | None = None,
        progress: Callable[[InstanceSnapshot], float] | None = None,
    ) -> None:
        """New data: repaint only if something visible could have changed. ``booting``: whether any instance
        is booting (their bars move every frame), when the caller knows it already; ``progress``: how far an
        instance's phase is (its world snapshot's ``progress``)."""
        if booting is None:
            booting = any(i.state == "booting" for i in instances)
        if not booting and instances == self.instances:
            return
        grew = len(instances) > len(self.instances)
        following = self.cursor < 0 or self.cursor >= len(self.instances) - 1  # on the newest: stay on it
        self.instances = instances
        self.now = now
        self.progress = progress or _no_progress
        if len(instances) != self.virtual_size.height:
            # Lines are cut to the width: no sideways scrolling (a width here would add a scroll bar row).
            self.virtual_size = Size(0, len(instances))
        if (grew and following) or self.cursor >= len(instances):  # (fewer after a jump back in time)
            self.cursor = len(instances) - 1  # the newest, as a log follows its last line
        self.refresh()

    @property
    def selected(self) -> InstanceSnapshot | None:
        """The instance under the cursor."""
        if 0 <= self.cursor < len(self.instances):
            return self.instances[self.cursor]
        return None

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_offset.y) + y
        width = self.paint_width
        base = self.base_style
        if index >= len(self.instances):
            if index == 0:
                hint = Segment(self.app.empty_hint("list.empty", "list.empty.lesson"), Style(dim=True))  # type: ignore[attr-defined]
                return Strip([hint]).adjust_cell_length(width).apply_style(base)
            return Strip.blank(width, base)
        # The first and last rows say how many are above and below them: the scroll bar is only a colour.
        height, top = self.size.height, int(self.scroll_offset.y)
        hidden, arrow = (top + 1, "↑") if y == 0 < top and height >= 3 else (0, "")
        if y == height - 1 >= 1 and len(self.instances) > top + height:
            hidden, arrow = len(self.instances) - (top + height) + 1, "↓"
        if hidden and index != self.cursor:
            more = tr("list.more", self.app.lang, n=f"{hidden:,}", arrow=arrow)  # type: ignore[attr-defined]
            return Strip([Segment(more, Style(dim=True))]).adjust_cell_length(width).apply_style(base)
        inst = self.instances[index]
        others = len(self.instances) - 1 if height == 1 else 0  # one row: the instance, and how many are not
        tag = f" +{others:,}" if others else ""
        text = instance_line(inst, self.now, width - len(tag), self.app.lang, self.progress(inst))  # type: ignore[attr-defined]
        if tag:
            text.pad_right(width - len(tag) - text.cell_len)
            text.append(tag, style="dim")
        if index == self.cursor:
            text.pad_right(width - text.cell_len)
            text.stylize(Style(bgcolor="#0b3d5c", bold=True) if self.has_focus else Style(bgcolor="#262626"))
        return text_strip(text, width, base, self.app.console)

    def watch_cursor(self, old: int, new: int) -> None:
        if 0 <= new < len(self.instances):
            self.scroll_to_region_if_needed(new)
        self.refresh()

    def on_resize(self) -> None:
        # The list grows and shrinks as its host panel's rows come and go: the cursor row stays on screen.
        if 0 <= self.cursor < len(self.instances):
            self.scroll_to_region_if_needed(self.cursor)

    def scroll_to_region_if_needed(self, row: int) -> None:
        """Keep the cursor row on screen. Forced: a list that has just grown past its height has no scroll bar yet,
        and Textual skips an unforced scroll there (the container list in microvm step 4 stayed on its first rows)."""
        top = int(self.scroll_offset.y)
        height = max(self.size.height, 1)
        if row < top:
            self.scroll_to(y=row, animate=False, force=True)
        elif row >= top + height:
            self.scroll_to(y=row - height + 1, animate=False, force=True)

    class Moved(Message):
        """The user moved the cursor (a key or a click): the selection is theirs again, not a lesson's."""

    def action_cursor(self, delta: int) -> None:
        """Move the selection."""
        if not self.instances:
            return
        start = self.cursor if self.cursor >= 0 else 0
        self.cursor = max(0, min(len(self.instances) - 1, start + delta))
        self.post_message(self.Moved())

    def on_click(self, event: events.Click) -> None:
        index = int(self.scroll_offset.y) + event.y
        if 0 <= index < len(self.instances):
            self.cursor = index
            self.focus()
            self.post_message(self.Moved())

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
