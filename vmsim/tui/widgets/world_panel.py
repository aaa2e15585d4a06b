"""One world's column: its host's memory, disk and CPU, its instances, and how many more fit."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.geometry import Region
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static

from vmsim.session import FitResult, WorldSnapshot
from vmsim.text import tr
from vmsim.tui.style import DISK_STYLES, MEMORY_STYLES, STATE_STYLES
from vmsim.tui.widgets.bars import LedgerRows, cpu_line, ledger_rows
from vmsim.tui.widgets.instance_list import InstanceList
from vmsim.tui.widgets.rows import StylePerPaint, text_strip

# The parts of a host panel a lesson can point at.
HOST_PARTS = ("memory", "disk", "cpu")
ALIGNED = (*HOST_PARTS, "end")  # what starts on one row across the columns, top down ("end": the list)
# A short column keeps, of its host panel, what matters most that fits beside some rows of its instance list: the
# title, the memory's headline and bar always, then in this order what still fits beside LIST_ROWS of the list (the
# memory's legend, the CPU line, the disk's bar, the disk's legend), then what fits beside TALL_LIST of it (the
# blank rows between the parts, two-row bars). A part a lesson points at is kept whole (the list gives up its rows);
# where even the least does not fit, the memory's headline folds to two lines.
TALL_LIST = 10
LIST_ROWS = 3
KEPT_IN_ORDER = (
    ("memory", "all", LIST_ROWS),
    ("cpu", "all", LIST_ROWS),
    ("disk", "bar", LIST_ROWS),
    ("disk", "all", LIST_ROWS),
    ("gaps", True, TALL_LIST),
    ("thick", True, TALL_LIST),
)


UNBOUNDED = 10**8  # a room this large names no limit: nothing runs out


class FitMeter(Static):
    """'6 more nginx fit · memory runs out first'."""

    fit: reactive[tuple[str, FitResult] | None] = reactive(None)
    # Every column's line in the short form when any column's long one would be cut: the same words side by side.
    short: reactive[bool] = reactive(False)

    class Resized(Message):
        """The meter's width changed: the screen decides again whether every column takes the short form."""

    def on_resize(self) -> None:
        self.post_message(self.Resized())

    def render(self) -> Text:
        if self.fit is None:  # a lesson's question waits: where it points, the answer will come
            return Text("?", style="dim") if self.has_class("-highlight") else Text("")
        return self.line(short=self.bounded and (self.short or self.too_long()))

    @property
    def bounded(self) -> bool:
        """Whether something limits the room (and so a limit is named, in full words or few)."""
        return self.fit is not None and self.fit[1].max_instances < UNBOUNDED

    def line(self, short: bool) -> Text:
        """'room for 6 more nginx · limit: memory', or in few words '+6 nginx · memory' (a narrow column)."""
        assert self.fit is not None
        app, fit = self.fit
        lang = self.app.lang  # type: ignore[attr-defined]
        what = tr(f"limit.{fit.limited_by}", lang)
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(
            tr("fit.room_short" if short else "fit.room", lang, n=f"{fit.max_instances:,}", app=app), style="bold"
        )
        if fit.max_instances < UNBOUNDED:
            text.append(" · ", style="dim")
            text.append(what if short else tr("fit.limit", lang, what=what))
        return text

    def too_long(self) -> bool:
        """Whether the full-words line would be cut in this column (an unbounded room has nothing to shorten)."""
        return self.bounded and self.line(short=False).cell_len > self.size.width > 0


COUNTED = (
    ("running", "count.ready"),
    ("booting", "count.booting"),
    ("failed", "count.failed"),
    ("killed", "count.killed"),
)


def title_line(
    kind: str, world: WorldSnapshot | None, width: int, lang: str, short: bool = False, glyphs: bool = False
) -> Text:
    """The world's name, counts by state, and a one-line reminder of what it is; the VMs' short name where the
    long one would cut the counts (the failed count is often what a lesson asks about), and where even that
    would, each count as its list's glyph and a figure ('● 0 ▶ 50', three worlds at 80 columns)."""
    text = Text(no_wrap=True, overflow="ellipsis")
    short = short or (width < 34 and kind == "vm")
    text.append(tr("world.vm.short" if short else f"world.{kind}", lang), style="bold")
    if world is not None:
        # Killed apart from failed: a VM refused at the door is not one killed while it ran.
        for i, (state, key) in enumerate(COUNTED):
            n = world.count(state)
            if n or state == "running":
                symbol, colour = STATE_STYLES[state]
                words = f"{symbol}{n:,}" if glyphs else tr(key, lang, n=n)
                text.append(("  " if i == 0 else " " if glyphs else " · ") + words, style=colour)
    if text.cell_len > width and kind == "vm" and not short:
        return title_line(kind, world, width, lang, short=True)
    if text.cell_len > width and world is not None and not glyphs:
        return title_line(kind, world, width, lang, short=short, glyphs=True)
    if width >= 60:
        text.append("  — " + tr(f"blurb.{kind}", lang), style="dim")
    return text


class HostPanel(StylePerPaint, Widget):
    """The top of a world's column: its name and counts, then memory, disk and CPU, drawn as one widget.

    One widget rather than one per part: every widget costs the dashboard's start-up and each frame a share
    of Textual's work, and these four always change together. A lesson's highlight marks a part's lines as
    the stylesheet marks a widget (a tinted background and an accent bar on the left edge).
    """

    COMPONENT_CLASSES = {"host-panel--title", "host-panel--highlight", "host-panel--marker"}
    DEFAULT_CSS = """
    HostPanel {
        height: auto;
        .host-panel--title { background: $panel; }
        .host-panel--highlight { background: #2b2100; }
        .host-panel--marker { color: $accent; background: #2b2100; }
    }
    """

    def __init__(self, kind: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.kind = kind
        self.world: WorldSnapshot | None = None
        self._parts: tuple[object, ...] = ()  # what this panel draws of the world: compared, not the whole world
        self.thick = False  # two-row bars on tall screens
        self.short = False  # no blank row between the parts on short screens
        self.highlight: str | None = None
        self.column_rows: int | None = None  # the height of the world's column, once laid out
        self.fit_rows = 1  # the column's fit line: none while it would be blank (a lesson keeps it back)
        self._lines: list[tuple[str, Text]] = []
        self._key: tuple[object, ...] | None = None
        # Side by side, each part starts on the same row in every column: the rows the screen asks of each part
        # (the most any column needs), and where each starts here unpadded (for the screen to compare).
        self.starts: dict[str, int] = {}
        self.natural: dict[str, int] = {}
        # Memory's headline on two lines, not three: whether this column needs it, and whether any column does
        # (then every column folds it, so the memory bars stay side by side; the capacity is on the status line).
        self.folds = False
        self.fold = False
        self._styles: tuple[Style, Style, Style, Style] = (Style(), Style(), Style(), Style())

    def show(self, world: WorldSnapshot) -> None:
        """New data; repaints only if a part changed, and lays out again only if the height changed."""
        parts = (world.counts, world.memory, world.memory_touched_mib, world.disk, world.cpu)
        self.world = world
        if parts != self._parts:
            self._parts = parts
            self._changed()

    def set_layout(self, *, thick: bool, short: bool) -> None:
        """Follow the screen's size: two-row bars when tall, no blank rows when short."""
        if (thick, short) != (self.thick, self.short):
            self.thick, self.short = thick, short
            self._changed()

    def set_column_rows(self, rows: int) -> None:
        """Follow the column's height: what does not fit in it gives way (``KEPT_IN_ORDER``)."""
        if rows != self.column_rows:
            self.column_rows = rows
            self._changed()

    def set_fit_rows(self, rows: int) -> None:
        """Follow the fit line below the list: a blank one is hidden, and its row goes to the list."""
        if rows != self.fit_rows:
            self.fit_rows = rows
            self._changed()

    def fold_memory(self, fold: bool) -> None:
        """Fold memory's headline to two lines because a column beside this one must."""
        if fold != self.fold:
            self.fold = fold
            self._changed()

    def align_to(self, starts: dict[str, int]) -> None:
        """Start each part on the row ``starts`` gives it (``"end"``: the list's first row) where the column has
        the room: memory beside memory, disk beside disk, across the columns."""
        if starts != self.starts:
            self.starts = starts
            self._changed()

    def set_highlight(self, part: str | None) -> None:
        """Mark memory, disk or cpu (or nothing); "instances": the list below is pointed at, and gets the rows."""
        if part != self.highlight:
            self.highlight = part
            self._changed()  # the marked part is laid out a cell narrower: its marker takes the first

    def _changed(self) -> None:
        width = self.size.width
        if not width:
            self.refresh(layout=True)  # not laid out yet: the layout asks for the height at its width
            return
        before = self._lines
        after = self.lines(width)
        if len(after) != len(before):
            self.refresh(layout=True)
            return
        # Repaint only the rows that changed: while instances boot, that is the CPU line and a count or two.
        rows = [y for y, (old, new) in enumerate(zip(before, after, strict=True)) if old != new]
        if rows:
            self.refresh(*(Region(0, y, width, 1) for y in rows))

    def room(self, list_rows: int) -> int | None:
        """The rows this panel may take leaving the fit line (when shown) and up to ``list_rows`` of the instance
        list (as many as it has), or None before the column is laid out."""
        if not self.column_rows:
            return None
        instances = len(self.world.instances) if self.world is not None else 0
        return max(1, self.column_rows - self.fit_rows - min(instances, list_rows))

    def lines(self, width: int) -> list[tuple[str, Text]]:
        """(part, line) for every row at ``width``, drawn once per change of data, size or language."""
        lang = self.app.lang  # type: ignore[attr-defined]
        rooms = {rows: self.room(rows) for rows in (TALL_LIST, LIST_ROWS)}
        aligned = (tuple(sorted(self.starts.items())), self.fold)
        key = (self._parts, width, self.thick, self.short, lang, self.highlight, tuple(rooms.values()), aligned)
        if key == self._key:
            return self._lines
        title = ("title", title_line(self.kind, self.world, width, lang))
        world = self.world
        if world is None:
            lines = [title]
        else:
            # The highlighted part is laid out one cell narrower, so its marker hides none of its characters.
            def cells(part: str) -> int:
                return width - 1 if part == self.highlight else width

            def memory(compact: bool) -> LedgerRows:
                return ledger_rows(
                    "bar.memory",
                    world.memory,
                    MEMORY_STYLES,
                    cells("memory"),
                    lang,
                    touched_mib=world.memory_touched_mib,
                    compact=compact,
                )

            full = memory(False)

            def layout(folded: bool) -> tuple[dict[str, LedgerRows], list[tuple[str, Text]]]:
                rows = {
                    "memory": memory(True) if folded else full,
                    "disk": ledger_rows("bar.disk", world.disk, DISK_STYLES, cells("disk"), lang),
                    "cpu": LedgerRows([], cpu_line(world.cpu, cells("cpu"), lang), []),
                }
                if rooms[LIST_ROWS] is None:  # not laid out yet: everything, as the screen's size says
                    form: dict[str, object] = {"thick": self.thick, "gaps": not self.short}
                else:
                    least = {"memory": "bar", "disk": "none", "cpu": "none", "thick": False, "gaps": False}
                    form = {k: v for k, v in least.items() if k != self.highlight}  # (a pointed-at part: whole)
                    allowed = {"thick": self.thick, "gaps": not self.short}
                    for what, more, list_rows in KEPT_IN_ORDER:
                        room = rooms[TALL_LIST if self.highlight == "instances" else list_rows]  # (a list pointed at)
                        if what not in form or allowed.get(what, True) is False or room is None:
                            continue
                        trial = {**form, what: more}
                        if len(_assemble(title, rows, trial)) <= room:
                            form = trial
                        elif what == "memory" and len(rows["memory"].heads) > 2:
                            # The legend before the capacity line (the status line says it too): two lines, not three.
                            fold = {**rows, "memory": memory(True)}
                            if len(_assemble(title, fold, trial)) <= room:
                                rows, form = fold, trial
                lines = _assemble(title, rows, form)
                room = rooms[LIST_ROWS]
                if room is not None and len(lines) > room and len(rows["memory"].heads) > 2:
                    rows["memory"] = memory(True)  # the last resort: the capacity is on the status line too
                    lines = _assemble(title, rows, form)
                return rows, lines

            rows, lines = layout(False)
            unfolded = len(full.heads)
            self.folds = len(rows["memory"].heads) < unfolded
            if self.fold and not self.folds and unfolded > 2:
                rows, lines = layout(True)  # as a column beside this one must: laid out folded from the start
        self.natural = {part: n for n, (part, _) in reversed(list(enumerate(lines))) if part in HOST_PARTS}
        self.natural["end"] = len(lines)
        limit = rooms[TALL_LIST]  # the room left beside up to TALL_LIST rows of the list: those never give way
        for kept in range(len(ALIGNED), 0, -1):  # as many parts aligned, top down, as that room holds
            padded = _aligned(lines, {k: v for k, v in self.starts.items() if k in ALIGNED[:kept]})
            if limit is None or len(padded) <= limit:
                lines = padded
                break
        for part, text in lines:
            text.truncate(width - 1 if part == self.highlight else width, overflow="ellipsis", pad=True)
        self._key, self._lines = key, lines
        return lines

    def get_content_height(self, container, viewport, width: int) -> int:  # noqa: ANN001
        return len(self.lines(width))

    def render_lines(self, crop: Region) -> list[Strip]:
        # Styles looked up once per paint, not once per row. A panel being removed (its world swapped out while
        # a key asked every widget to repaint, as L does) can still be painted once from the screen's previous
        # layout after Textual has dropped its component styles: it is drawn plain for that last frame rather
        # than raise KeyError (Textual 8.2.8 raises when a component's style is missing and no default is given).
        plain = Style()
        self._styles = (
            self.rich_style,
            self.get_component_rich_style("host-panel--title", default=plain),
            self.get_component_rich_style("host-panel--highlight", default=plain),
            self.get_component_rich_style("host-panel--marker", default=plain),
        )
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        width = self.paint_width
        base, title, tint, marker = self._styles
        lines = self.lines(width)
        if not 0 <= y < len(lines) or not width:
            return Strip.blank(width, base)
        part, line = lines[y]
        if part == "title":
            line = line.copy()
            line.stylize_before(title)
        elif part == self.highlight:
            # An accent bar on the left edge; the line moves right by one cell rather than lose its first.
            shifted = Text("▌", marker, no_wrap=True, end="")
            rest = line.copy()
            rest.stylize_before(tint)
            line = shifted.append_text(rest)
        return text_strip(line, width, base, self.app.console)

    def row_text(self, y: int) -> str:
        """The plain text of row ``y`` as drawn (the highlight's bar included)."""
        return "".join(segment.text for segment in self.render_line(y))


def _assemble(title: tuple[str, Text], rows: dict[str, LedgerRows], form: dict[str, object]) -> list[tuple[str, Text]]:
    """The panel's rows in ``form``: each part's "all", "bar" (no legend) or "none"; two-row bars ("thick"); blank
    rows between the parts ("gaps")."""
    gap = [("gap", Text())] if form["gaps"] else []
    lines = [title]
    for part, (heads, bar, legend) in rows.items():
        shown = form.get(part, "all")
        if shown == "none":
            continue
        texts = [*heads, bar, bar.copy()] if form["thick"] and part != "cpu" else [*heads, bar]
        lines += gap + [(part, t) for t in (texts + legend if shown == "all" else texts)]
    return lines + gap if gap and form.get("cpu", "all") != "none" else lines  # the last: room above the list


def aligned_starts(naturals: list[dict[str, int]]) -> dict[str, int]:
    """The row each part starts on in every column, given where each starts in each column unpadded: part by
    part, top down, the lowest any column reaches once the blank rows above it are counted (a column padded above
    its disk has its CPU line and its list moved down as much)."""
    starts: dict[str, int] = {}
    shift = [0] * len(naturals)  # the blank rows each column has above the part in hand
    for part in ALIGNED:
        present = [i for i, natural in enumerate(naturals) if part in natural]
        if not present:
            continue
        starts[part] = max(naturals[i][part] + shift[i] for i in present)
        for i in present:
            shift[i] = starts[part] - naturals[i][part]
    return starts


def _aligned(lines: list[tuple[str, Text]], starts: dict[str, int]) -> list[tuple[str, Text]]:
    """``lines`` with blank rows before each part that starts earlier than ``starts`` asks, and at the end."""
    out: list[tuple[str, Text]] = []
    seen: set[str] = set()
    for part, text in lines:
        if part in HOST_PARTS and part not in seen:
            seen.add(part)
            out += [("pad", Text()) for _ in range(starts.get(part, 0) - len(out))]
        out.append((part, text))
    return out + [("pad", Text()) for _ in range(starts.get("end", 0) - len(out))]


class WorldPanel(Vertical):
    """A column for one world. Holds no simulation: the screen hands it immutable slices."""

    BLANK = True  # its parts cover it and draw its edge: Textual skips styling its lines

    def __init__(self, kind: str, last: bool = False) -> None:
        super().__init__(id=f"world-{kind}", classes="world-panel -last" if last else "world-panel")
        self.kind = kind
        # Kept as attributes: show() runs every frame, and a DOM query per widget per frame adds up.
        self.host_panel = HostPanel(kind, classes="host-panel")
        self.instance_list = InstanceList(kind, id=f"instances-{kind}")
        self.fit_meter = FitMeter(classes="fit-meter")

    def compose(self) -> ComposeResult:
        yield self.host_panel
        yield self.instance_list
        yield self.fit_meter

    def on_resize(self) -> None:
        self.host_panel.set_column_rows(self.size.height)

    def show(self, world: WorldSnapshot, now: float, fit: tuple[str, FitResult] | None) -> None:
        """Render a new snapshot of this world (widgets skip repaints when their slice is unchanged)."""
        self.host_panel.show(world)
        self.instance_list.show(world.instances, now, booting=world.count("booting") > 0, progress=world.progress)
        self.fit_meter.fit = fit
        self.show_fit_line()

    def show_fit_line(self) -> None:
        """The fit line takes its row only when it says something (a lesson's '?' included): a lesson keeps it
        back until a step shows it, and that row serves the list meanwhile (at 80x24 it can be the list's only
        row, under a legend a step points at)."""
        meter = self.fit_meter
        shown = meter.fit is not None or meter.has_class("-highlight")
        if meter.display != shown:
            meter.display = shown
        self.host_panel.set_fit_rows(1 if shown else 0)
