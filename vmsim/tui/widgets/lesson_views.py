"""Teaching views: the lesson narration and the image explorer (the drift story: drift_view.py)."""

from __future__ import annotations

from typing import NamedTuple

from rich.cells import cell_len
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from vmsim.output.words import fmt_mib_compact as fmt_mib
from vmsim.session import ImageUsage
from vmsim.text import tr


class NarrationView(NamedTuple):
    """What the narration panel shows: which step, its title and text, and whether it is asking."""

    step: int  # -1 before the first step
    total: int
    title: str
    text: str
    question: str | None
    finished: bool
    watch_until: float | None = None  # the step is watched until this simulated moment (its answer waits)


class Narration(Widget):
    """The lesson's narration: a question to predict first, then what happened and why."""

    view: reactive[NarrationView | None] = reactive(None, layout=True)

    def render(self) -> Text:
        return narration_text(self.view, self.app.lang)  # type: ignore[attr-defined]


# The narration's rows at most (vmsim.tcss: max-height 12, less its top border); a longer text is cut.
NARRATION_ROWS = 11


def narration_text(v: NarrationView | None, lang: str) -> Text:
    """What the narration panel shows for ``v`` in ``lang``."""
    out = Text()
    if v is None:
        return out
    if v.step < 0:
        out.append(v.title or "", style="bold")
        out.append("\n" + tr("lesson.reveal", lang), style="dim")
        return out
    out.append(tr("lesson.step", lang, n=v.step + 1, total=v.total) + "  ", style="bold #56b4e9")
    if v.title:
        out.append(v.title, style="bold")
    out.append("\n")
    until = None if v.watch_until is None else f"{v.watch_until:.2f}"  # as the status line writes t
    if v.question is not None:
        out.append(tr("lesson.predict", lang) + " ", style="bold #e69f00")
        out.append(v.question + "\n")
        # Not when the watching ends: under "how long?", that time would be the answer (a step watches just past it).
        hint = tr("lesson.reveal", lang) if until is None else tr("lesson.watching", lang)
        out.append(hint, style="dim")
        return out
    out.append(v.text + "\n")
    hint = tr("lesson.done" if v.finished else "lesson.next", lang)
    out.append(hint if until is None else tr("lesson.skip", lang, t=until), style="dim")
    return out


class ImageExplorer(Widget):
    """Images in use on the container host: layers with sizes, who uses each, shared vs unique bytes."""

    images: reactive[tuple[ImageUsage, ...]] = reactive(())
    disk_layers_mib: reactive[float] = reactive(0.0)
    disk_writable_mib: reactive[float] = reactive(0.0)
    answer_hidden: reactive[bool] = reactive(False)  # a question waits: the disk sums would answer it
    ready: reactive[tuple[tuple[str, float | None], ...]] = reactive(())  # (container, seconds to ready or None)

    def render(self) -> Text:
        lang = self.app.lang  # type: ignore[attr-defined]
        images = self.images
        if not images:
            return Text(self.app.empty_hint("images.none", "images.none.lesson"), style="dim")  # type: ignore[attr-defined]
        out = Text(no_wrap=True, overflow="ellipsis")
        width = max(self.size.width, 40)
        name_w = min(max(len(layer.id) for img in images for layer in img.layers) + 2, 28)
        # One scale for every image: a layer two images share is drawn the same length under both.
        biggest = max(layer.size_mib for img in images for layer in img.layers) or 1.0
        for img in images:
            out.append(f"{img.ref}", style="bold")
            out.append(f"  {fmt_mib(img.virtual_size_mib)} · ")
            n = len(img.containers)
            out.append(tr("images.container_one" if n == 1 else "images.containers", lang, n=n), style="#009e73")
            out.append("\n")
            for layer in img.layers:
                bar_w = max(1, int(layer.size_mib / biggest * max(width - name_w - 48, 6)))
                shared = len(layer.images) > 1
                out.append(f"  {layer.id:<{name_w}}", style="bold" if shared else "")
                # A layer being pulled fills as it arrives: the part still to come is drawn faint.
                got = bar_w if layer.state == "present" else int(bar_w * layer.fetched)
                out.append("█" * got, style="#0072b2" if shared else "#56b4e9")
                out.append("░" * (bar_w - got), style="#3a3a3a")
                out.append(f" {fmt_mib(layer.size_mib):>9}  ")
                out.append(tr(f"images.{'stored' if layer.state == 'present' else layer.state}", lang), style="dim")
                if shared:
                    out.append("  " + tr("images.shared", lang, n=len(layer.images)), style="#e69f00")
                out.append("\n")
            if not self.answer_hidden and img.containers:  # how long each took to start answers a question too
                out.append(_ready_line(img.containers, dict(self.ready), lang, width - 1), style="dim")
        if self.answer_hidden:
            return out
        naive = sum(img.virtual_size_mib * len(img.containers) for img in images)
        used = self.disk_layers_mib + self.disk_writable_mib
        # Each image's containers × its virtual size ("4 × 154 MiB + 1 × 139 MiB"), never an average of two sizes.
        # One decimal in the factor: "4 × 154 MiB, would be 615 MiB" did not multiply out (153.8 does).
        products = " + ".join(
            f"{len(img.containers)} × {img.virtual_size_mib:,.1f} MiB" for img in images if img.containers
        )
        one = sum(len(img.containers) for img in images) == 1  # "1 × 154 MiB would be 154 MiB" says nothing
        summary = tr(
            "images.summary_one" if one else "images.summary",
            lang,
            products=products or "0",
            naive=fmt_mib(naive),
            used=fmt_mib(used),
            layers=fmt_mib(self.disk_layers_mib),
            writable=fmt_mib(self.disk_writable_mib),
        )
        out.append("\n")
        out.append(summary, style="italic")
        return out


READY_LINES = 2  # rows the ready times of one image's containers may take; more are counted, not listed
READY_LISTED = 40  # containers of an image whose ready times the view is given: more than two rows can hold


def _ready_line(containers: tuple[str, ...], ready: dict[str, float | None], lang: str, width: int) -> str:
    """'  ready after: nginx-1 6.04 s · nginx-2 0.35 s', a container still starting as 'starting', broken
    between containers within ``width`` cells, over at most READY_LINES rows ('· +N more' for the rest, with
    room kept for it). Only the containers shown are described: an image may have thousands."""

    def describe(name: str) -> str:
        seconds = ready.get(name)
        shown = tr("images.starting", lang) if seconds is None else tr("images.seconds", lang, s=f"{seconds:.2f}")
        return f"{name} {shown}"

    indent = "  " + tr("images.ready", lang) + " "
    lines, count, n, total = [indent], 0, 0, len(containers)
    while n < total:
        part = describe(containers[n])
        last = len(lines) == READY_LINES
        left = total - n - 1
        more = " · " + tr("images.more", lang, n=left) if last and left else ""
        candidate = lines[-1] + (" · " if count else "") + part
        if cell_len(candidate + more) <= width or (count == 0 and not last):
            lines[-1], count, n = candidate, count + 1, n + 1
        elif not last:
            lines.append(" " * cell_len(indent))
            count = 0
        else:
            lines[-1] += (" · " if count else "") + tr("images.more", lang, n=total - n)
            break
    return "\n".join(lines) + "\n"


class SummaryView(Widget):
    """The summary that ends a lesson: the run's figures, one column per world, one row per measure."""

    # The first row names the columns; every row has as many cells as it does. Words, already in the language.
    table: reactive[tuple[tuple[str, ...], ...]] = reactive(())

    DEFAULT_CSS = "SummaryView { text-wrap: nowrap; text-overflow: ellipsis; }"

    def render(self) -> Text:
        out = Text(no_wrap=True, overflow="ellipsis")
        rows = self.table
        if not rows:
            return out
        widths, gap = _column_widths(rows, self.size.width)
        height = self.size.height
        # On a projector's screen the table takes the room: a rule under the names, a blank line between rows.
        roomy = height >= 2 * len(rows) + 1
        # A short screen gives up, in turn, the blank line before a section and the rule under its heading:
        # every measure stays on screen (at 80x24 the drift rows had fallen off the bottom).
        sections = sum(1 for row in rows[1:] if not row[0])
        gaps = not roomy and len(rows) + 1 + 2 * sections <= height
        rules = roomy or len(rows) + 1 + sections <= height
        for n, row in enumerate(rows):
            heading = not row[0]  # the first row names the worlds; a later one without a measure heads a section
            if heading and n and gaps:
                out.append("\n")
            for i, cell in enumerate(row):
                cell = _crop(cell, widths[i])
                pad = " " * (widths[i] - cell_len(cell))
                # The measure's name to the left, figures to the right: columns of numbers line up.
                text = cell + pad if i == 0 else pad + cell
                out.append(text + (" " * gap if i < len(row) - 1 else ""), style="bold" if heading or i == 0 else "")
            out.append("\n")
            if heading and (rules or not n):
                out.append("─" * (sum(widths) + gap * (len(widths) - 1)) + "\n", style="dim")
            elif roomy:
                out.append("\n")
        return out


MIN_FIGURE = 12  # cells a figure keeps before a measure's name is cut below NAME_KEEP
NAME_KEEP = 20  # cells a measure's name keeps while a figure can give room ("Memory for workloads" is 20)


def _column_widths(rows: tuple[tuple[str, ...], ...], room: int) -> tuple[list[int], int]:
    """Each column's width and the gap between columns, within ``room`` cells when they can be: the gaps narrow
    first, then the one widest figure down to the next widest column (its cell's parenthesis, cut with '…', is
    a detail), then a long name its tail down to ``NAME_KEEP`` cells, then the figures down to ``MIN_FIGURE``,
    and only then the names: two names cut to "Memory …" would say nothing."""
    widths = [max(cell_len(row[i]) for row in rows) for i in range(len(rows[0]))]
    gap = 3 if sum(widths) + 3 * (len(widths) - 1) <= room else 2
    over = sum(widths) + gap * (len(widths) - 1) - room
    if over > 0 and room > 0 and len(widths) > 2:  # one long figure levels with the next widest column
        ranked = sorted(range(1, len(widths)), key=lambda i: widths[i], reverse=True)
        give = min(over, max(widths[ranked[0]] - max(widths[ranked[1]], MIN_FIGURE), 0))
        widths[ranked[0]] -= give
        over -= give
    if over > 0 and room > 0:  # a long name gives its tail first, keeping NAME_KEEP cells
        give = min(over, max(widths[0] - NAME_KEEP, 0))
        widths[0] -= give
        over -= give
    while over > 0 and room > 0:
        widest = max(range(1, len(widths)), key=lambda i: widths[i], default=0)
        if widest == 0 or widths[widest] <= MIN_FIGURE:
            break
        others = [w for i, w in enumerate(widths[1:], 1) if i != widest]
        cut = min(over, widths[widest] - max([MIN_FIGURE, *others]))
        cut = max(cut, 1)
        widths[widest] -= cut
        over -= cut
    if over > 0 and room > 0:
        widths[0] = max(8, widths[0] - over)
    return widths, gap


def _crop(cell: str, width: int) -> str:
    """``cell`` if it fits in ``width`` cells, else cut with '…'."""
    if cell_len(cell) <= width:
        return cell
    out = ""
    for ch in cell:
        if cell_len(out + ch) > width - 1:
            break
        out += ch
    return out + "…"
