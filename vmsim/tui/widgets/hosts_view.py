"""The hosts of each world side by side: a tile per host (name, a memory bar, its instances as state glyphs, an
exposed one marked '!', a host that is down in red), or, when the tiles would not fit, one cell per host (or per
few hosts) shaded by the memory in use; under or beside them, the stack of the selected instance.

One widget draws every world's hosts as text: a thousand hosts cost a thousand characters, not a thousand
widgets. It renders what the screen hands it (snapshots and the session's summaries); it computes no figure.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from vmsim.output.formats import wrap
from vmsim.output.words import event_text as event_words
from vmsim.session import HostsSummary, SimulationSnapshot, WorldSnapshot
from vmsim.session.hosts import LIVE
from vmsim.text import tr
from vmsim.tui.style import STATE_STYLES
from vmsim.tui.widgets.stack_view import DOWN, EXPOSED, stack_lines, stack_rows


class TileShape(NamedTuple):
    """A tile's cells: name, a space, memory bar, a space, instance glyphs."""

    cells: int
    name: int
    bar: int


TILE = TileShape(22, 8, 4)
SMALL_TILE = TileShape(18, 7, 3)  # two across a column of 37 cells (three worlds at 120, two at 80)
TILE_CELLS = TILE.cells
GAP = 2  # between world columns
STACK_ROOM = 11
SIDE_STACK_CELLS = 30  # a column this much wider than a tile puts the stack beside its tiles
LEVELS = "░▒▓█"  # a cell's memory in use: under a quarter, half, three quarters, more


def memory_colour(used: float) -> str:
    """Green while there is room, orange when tight, vermillion when (nearly) full."""
    return "#009e73" if used < 0.6 else "#e69f00" if used < 0.85 else "#d55e00"


class HostsData(NamedTuple):
    """What the view draws: the snapshot, each world's summary (in the snapshot's order), the selected id."""

    snap: SimulationSnapshot
    summaries: tuple[HostsSummary, ...]
    selected: str | None


def summary_lines(world: WorldSnapshot, summary: HostsSummary, width: int, lang: str) -> list[Text]:
    """The world's name, then its counts flowed over as few lines as ``width`` allows."""
    title = tr("world.vm.short" if width < 34 and world.name == "vm" else f"world.{world.name}", lang)
    lines = [Text(title, style="bold", no_wrap=True, overflow="ellipsis")]
    pieces: list[tuple[str, str]] = [
        (tr("hosts.counts", lang, hosts=f"{summary.hosts:,}", up=f"{summary.up:,}"), ""),
    ]
    if summary.down:
        pieces.append((tr("hosts.down", lang, n=f"{summary.down:,}"), f"bold {DOWN}"))
    mean = f"{summary.instances_mean:.1f}"
    low, high = summary.instances_min, summary.instances_max
    long, short = (  # '2 per host', not '2–2 per host (avg 2.0)'
        ("hosts.per_host_even", "hosts.per_host_even.short")
        if low == high
        else ("hosts.per_host", "hosts.per_host.short")
    )
    per_host = tr(long, lang, min=low, max=high, mean=mean)
    if len(per_host) > width:
        per_host = tr(short, lang, min=low, max=high)
    pieces.append((per_host, "dim"))
    if summary.exposed:
        pieces.append((tr("hosts.exposed", lang, n=f"{summary.exposed:,}"), EXPOSED))
    for version, n in summary.versions:
        pieces.append((tr("hosts.version", lang, version=version, n=f"{n:,}"), "bold"))
    if summary.broken:
        pieces.append((tr("hosts.broken", lang, n=f"{summary.broken:,}"), f"bold {DOWN}"))
    line = Text(no_wrap=True, overflow="ellipsis")
    for words, style in pieces:
        if line.cell_len and line.cell_len + 3 + Text(words).cell_len > width:
            lines.append(line)
            line = Text(no_wrap=True, overflow="ellipsis")
        elif line.cell_len:
            line.append(" · ", style="dim")
        line.append(words, style=style)
    lines.append(line)
    if summary.last_deploy is not None:  # how long the deploy took and how many work: the figures a lesson asks for
        lines += [
            Text(row, style="dim", no_wrap=True, overflow="ellipsis")
            for row in folded(event_words(summary.last_deploy, lang), width, 2)
        ]
    return lines


def replacement_line(world: WorldSnapshot, stopped: str, lang: str) -> list[Text]:
    """The instance that replaced ``stopped`` and how long it took to be ready (none: no line)."""
    new = next((i for i in world.instances if i.replaces == stopped), None)
    if new is None:
        return []
    if new.boot_s is not None:
        said = tr("hosts.replaced_ready", lang, id=new.id, s=f"{new.boot_s:.2f}")
    else:
        said = tr("hosts.replaced_booting", lang, id=new.id)
    return [Text("↳ " + said, style="dim", no_wrap=True, overflow="ellipsis")]


def folded(text: str, width: int, rows: int) -> list[str]:
    """``text`` broken at spaces into at most ``rows`` rows of ``width`` cells (the last one cut if need be)."""
    out = wrap(text, width)
    return out[: rows - 1] + [" ".join(out[rows - 1 :])] if len(out) > rows else out


def tile(
    world: WorldSnapshot,
    index: int,
    summary: HostsSummary,
    states: dict[str, tuple[str, bool, bool]],
    lang: str,
    selected_host: str | None,
    shape: TileShape = TILE,
) -> Text:
    """One host as one line of ``shape.cells`` cells."""
    host = world.hosts[index]
    text = Text(no_wrap=True, overflow="crop")
    name = Text(host.name, style=DOWN if not host.up else "bold")
    name.truncate(shape.name, overflow="ellipsis", pad=True)
    if host.name == selected_host:
        name.stylize("reverse")
    text.append_text(name)
    text.append(" ")
    if not host.up:
        text.append("✗ " + tr("hosts.down_tile", lang), style=f"bold {DOWN}")
        return text
    used = summary.memory_used[index]
    filled = min(shape.bar, int(round(used * shape.bar)))
    text.append("█" * filled, style=memory_colour(used))
    text.append("░" * (shape.bar - filled), style="#3a3a3a")
    text.append(" ")
    glyphs = [states[i] for i in host.instances if i in states]
    room = shape.cells - shape.name - shape.bar - 2
    keep = min(len(glyphs), room)
    while keep > 0 and keep + (len(f"+{len(glyphs) - keep}") if keep < len(glyphs) else 0) > room:
        keep -= 1  # room for '+N' whole: the tile is cut at its edge, and '+19' must not stand for 196
    shown = glyphs[:keep]
    for state, exposed, works in shown:
        symbol, colour = STATE_STYLES[state]
        if exposed:
            text.append("!", style=EXPOSED)
        elif not works:
            text.append("x", style=f"bold {DOWN}")  # runs, but the app does not work (a drifted deploy)
        else:
            text.append(symbol, style=colour)
    if len(shown) < len(glyphs):
        text.append(f"+{len(glyphs) - len(shown)}", style="dim")
    return text


def tile_lines(
    world: WorldSnapshot, summary: HostsSummary, width: int, rows: int, lang: str, selected_host: str | None
) -> list[Text] | None:
    """Every host's tile, as many across as ``width`` allows; None when they need more than ``rows`` lines."""
    shape = TILE if width >= 2 * TILE.cells + 1 or width < 2 * SMALL_TILE.cells + 1 else SMALL_TILE
    across = max(1, (width + 1) // (shape.cells + 1))
    if math.ceil(len(world.hosts) / across) > rows:
        return None
    states = {i.id: (i.state, i.exposed, i.works) for i in world.instances if i.state in LIVE}
    lines = []
    for start in range(0, len(world.hosts), across):
        line = Text(no_wrap=True, overflow="crop")
        for index in range(start, min(start + across, len(world.hosts))):
            if index > start:
                line.append(" ")
            part = tile(world, index, summary, states, lang, selected_host, shape)
            part.truncate(shape.cells, pad=True)
            line.append_text(part)
        lines.append(line)
    return lines


def cell_lines(summary: HostsSummary, width: int, rows: int, lang: str) -> list[Text]:
    """One cell per host (or per ``k`` hosts, the fullest of them, ✗ when any is down) in at most ``rows`` lines."""
    hosts = summary.hosts
    per_cell = max(1, math.ceil(hosts / max(1, width * max(1, rows - 1))))
    cells: list[tuple[str, str]] = []
    for start in range(0, hosts, per_cell):
        group = range(start, min(start + per_cell, hosts))
        if not all(summary.up_flags[i] for i in group):
            cells.append(("✗", f"bold {DOWN}"))
        else:
            used = max(summary.memory_used[i] for i in group)
            cells.append((LEVELS[min(len(LEVELS) - 1, int(used * len(LEVELS)))], memory_colour(used)))
    text_lines: list[Text] = []
    for start in range(0, len(cells), max(1, width)):
        line = Text(no_wrap=True, overflow="crop")
        run, run_style = "", ""
        for char, style in cells[start : start + width]:  # one span per run of one style, not one per cell
            if style != run_style and run:
                line.append(run, style=run_style)
                run = ""
            run, run_style = run + char, style
        line.append(run, style=run_style)
        text_lines.append(line)
    legend = [tr("hosts.cell_legend", lang)]
    if per_cell > 1:
        legend.insert(0, tr("hosts.cell", lang, n=per_cell))
    one_line = " · ".join(legend)
    for words in [one_line] if Text(one_line).cell_len <= width else legend:
        text_lines.append(Text(words, style="dim", no_wrap=True, overflow="ellipsis"))
    return text_lines


def world_column(
    world: WorldSnapshot, summary: HostsSummary, data: HostsData, width: int, height: int, lang: str
) -> list[Text]:
    """One world's column of the view: its counts, its hosts, and the selected instance's stack."""
    head = summary_lines(world, summary, width, lang)
    inst = next((i for i in world.instances if i.id == data.selected), None)
    if inst is None or inst.host is None:
        inst = next((i for i in world.instances if i.state in LIVE and i.host is not None), None)
    stack: list[Text] = []
    selected_host = None
    if inst is not None and inst.host is not None:
        selected_host = inst.host
        host = next(h for h in world.hosts if h.name == inst.host)
        side = width >= TILE_CELLS + SIDE_STACK_CELLS + 2
        stack_width = SIDE_STACK_CELLS if side else min(width, SIDE_STACK_CELLS + 8)
        rows = stack_rows(world.name, inst, host.memory, data.snap, lang, stack_width)
        stack = stack_lines(rows, tr("hosts.stack", lang, id=inst.id, host=inst.host), stack_width, lang)
        if inst.state not in LIVE:  # what took its place, and how soon (isolation 2's "about 12 s")
            stack[1:1] = replacement_line(world, inst.id, lang)
    else:
        side = False
        stack = [Text(tr("hosts.stack_none", lang), style="dim")]
    room = height - len(head)
    tiles_width = width - SIDE_STACK_CELLS - 2 if side else width
    if side:
        tiles = tile_lines(world, summary, tiles_width, room, lang, selected_host) or cell_lines(
            summary, tiles_width, room, lang
        )
        body = []
        for r in range(max(len(tiles), len(stack))):
            line = tiles[r].copy() if r < len(tiles) else Text()
            line.truncate(tiles_width, pad=True)
            line.append("  ")
            if r < len(stack):
                line.append_text(stack[r])
            body.append(line)
        return head + body
    # The rows the tallest stack takes (a cloud host's VM: title, 8 layers, note) and a blank line: every world
    # then gets the same cells per host, so the worlds' grids compare cell for cell.
    need = STACK_ROOM
    # Too many hosts for a tile each: a cell each, leaving the stack its rows while the cells fit in two.
    tiles = tile_lines(world, summary, width, room, lang, selected_host) or cell_lines(
        summary, width, max(2, room - need), lang
    )
    left = room - len(tiles)
    if left >= 3:  # a stack of fewer rows than a title and two layers says nothing
        return head + tiles + [Text()] + stack[: left - 1]
    return head + tiles


class HostsView(Widget):
    """Each world's hosts in a column of its own (see the module's docstring)."""

    DEFAULT_CSS = """
    HostsView { height: 1fr; }
    """

    data: reactive[HostsData | None] = reactive(None)

    def rows_wanted(self) -> int:
        """The rows it fills given half the screen, the most its pane takes (laid out for that height: with
        many hosts, a cell each, as cheap as a repaint)."""
        most = max(self.screen.size.height // 2, 1)
        return min(most, max((len(column) for column in self._columns(most)), default=0))

    def _columns(self, height: int) -> list[list[Text]]:
        data = self.data
        if data is None or not data.snap.worlds:
            return []
        lang = self.app.lang  # type: ignore[attr-defined]
        worlds = data.snap.worlds
        column = max(10, (self.size.width - GAP * (len(worlds) - 1)) // len(worlds))
        return [world_column(w, s, data, column, height, lang) for w, s in zip(worlds, data.summaries, strict=True)]

    def render(self) -> Text:
        data = self.data
        if data is None or not data.snap.worlds:
            return Text("")
        width, height = self.size.width, self.size.height
        worlds = data.snap.worlds
        column = max(10, (width - GAP * (len(worlds) - 1)) // len(worlds))
        columns = self._columns(height)
        lines = []
        for r in range(min(height, max(len(c) for c in columns))):
            line = Text(no_wrap=True, overflow="crop", end="")
            for i, col in enumerate(columns):
                if i:
                    line.append(" " * GAP)
                part = col[r].copy() if r < len(col) else Text()
                part.truncate(column, overflow="ellipsis", pad=True)
                line.append_text(part)
            lines.append(line)
        return Text("\n", no_wrap=True, end="").join(lines)
