"""The build view: a Dockerfile's lines beside the layers they make (bars to scale, cache hit or miss), and what
a rebuild ships: the bytes pushed, and the bytes each server pulls.

It draws builds made elsewhere (``vmsim build``'s code, called by the app); which build is on show is the
lesson step's choice (``mode``), so the answer to a question about the cache is not drawn before its reveal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from vmsim.output.words import fmt_transfer
from vmsim.text import tr

if TYPE_CHECKING:
    from vmsim.imagebuild.build import BuildResult
    from vmsim.imagebuild.story import BuildStory

MODES = ("first", "change", "compare")
HIT, MISS = "#009e73", "#d55e00"
BAR_CELLS = 12


class BuildView(Widget):
    """One build at a time (``first``, ``change``), or the two ways of writing the Dockerfile (``compare``)."""

    DEFAULT_CSS = """
    BuildView { text-wrap: nowrap; text-overflow: ellipsis; }
    """

    story: reactive[BuildStory | None] = reactive(None)
    problem: reactive[str] = reactive("")
    mode: reactive[str] = reactive("first")

    def render(self) -> Text:
        lang = self.app.lang  # type: ignore[attr-defined]
        out = Text(no_wrap=True, overflow="ellipsis")
        story = self.story
        if story is None:
            out.append(self.problem or tr("build.none", lang), style="dim")
            return out
        if self.mode == "first":
            self._build(out, story.first, story, lang, shipped=False)
        elif self.mode == "change":
            self._build(out, story.change, story, lang, shipped=True)
        elif story.compare is not None:
            # The well-ordered build in one line above the other one in full: both fit an 80×24 screen.
            out.append(_name(story.change) + "  ", style="bold")
            self._totals(out, story.change, story, lang, shipped=True, joiner=" · ")
            self._build(out, story.compare, story, lang, shipped=True)
        return out

    def _build(self, out: Text, result: BuildResult, story: BuildStory, lang: str, shipped: bool) -> None:
        out.append(_name(result), style="bold")
        if shipped and story.changed:
            out.append("  " + tr("build.after_change", lang, paths=", ".join(story.changed)), style="dim")
        out.append("\n")
        biggest = max((layer.size_mib or 0.0 for layer in result.layers), default=1.0) or 1.0
        # The instruction column gives way on a narrow screen, so the cache column stays whole.
        bar_cells = BAR_CELLS if self.size.width >= 96 else 6
        text_w = max(16, min(40, self.size.width - 32 - bar_cells))
        bases = sum(1 for layer in result.layers if layer.line is None)
        base_no = 0
        for layer in result.layers:
            hit = layer.cache == "hit"
            line = f"{layer.line:>3} " if layer.line is not None else "    "
            out.append(line, style="dim")
            if layer.line is None:
                base_no += 1
                what = tr("build.base_layer", lang, ref=result.base, i=base_no, n=bases)
            else:
                what = layer.instruction
            cell = Text(what)
            cell.truncate(text_w, pad=True)  # by terminal cells: a Hangul character takes two
            out.append_text(cell)
            out.append(" ")
            cells = round((layer.size_mib or 0.0) / biggest * bar_cells)
            out.append(("█" * cells or "▏").ljust(bar_cells) + " ", style="#0072b2")
            size = "?" if layer.size_mib is None else fmt_transfer(layer.size_mib)
            out.append(f"{size:>10}  ")
            # A base image's layer is pulled, never built here.
            word = "build.hit" if hit else "build.pulled_layer" if layer.line is None else "build.miss"
            out.append(tr(word, lang), style=f"bold {HIT if hit else MISS}")
            out.append("\n")
        self._totals(out, result, story, lang, shipped, joiner="\n    ")

    @staticmethod
    def _totals(out: Text, result: BuildResult, story: BuildStory, lang: str, shipped: bool, joiner: str) -> None:
        """The build's time and, once shipped, the bytes pushed and pulled by each server and by all of them."""
        out.append(
            ("    " if joiner != " · " else "") + tr("build.time", lang, s=f"{result.build_s:.1f}"), style="bold"
        )
        if shipped and result.push_mib is not None and result.pull_mib is not None:
            out.append(" · " + tr("build.push", lang, push=fmt_transfer(result.push_mib)), style="bold")
            pulled = tr(
                "build.pulled",
                lang,
                pull=fmt_transfer(result.pull_mib),
                n=story.servers,
                total=fmt_transfer(result.pull_mib * story.servers),
            )
            out.append(joiner + pulled, style="bold")
        out.append("\n")


def _name(result: BuildResult) -> str:
    """The Dockerfile as its folder and name (``node-good/Dockerfile``)."""
    return "/".join(result.dockerfile.replace("\\", "/").rsplit("/", 2)[-2:])
