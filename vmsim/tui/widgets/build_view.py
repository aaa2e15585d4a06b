"""The build view: a Dockerfile's lines beside the layers they make (bars to scale, cache hit or miss), and what
a rebuild ships: the bytes pushed, and the bytes each server pulls.

It draws builds made elsewhere (``vmsim build``'s code, called by the app); which build is on show is the
lesson step's choice (``mode``), so the answer to a question about the cache is not drawn before its reveal.
With the view's keys a learner "edits" a file of the context (``edit``) and rebuilds: ``replay`` is that build as
far as its replay has got (computed in ``vmsim.imagebuild.story``), drawn layer by layer, then the push, then
each server's pull. Text from the Dockerfile is drawn without its terminal control characters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from vmsim.imagebuild.messages import layer_words, printable
from vmsim.output.words import fmt_transfer
from vmsim.text import tr

if TYPE_CHECKING:
    from vmsim.imagebuild.build import BuildResult
    from vmsim.imagebuild.story import BuildReplay, BuildStory

MODES = ("first", "change", "compare")
HIT, MISS = "#009e73", "#d55e00"
BAR_CELLS = 12
MAX_SERVER_GLYPHS = 20


class BuildView(Widget):
    """One build at a time (``first``, ``change``), or the two ways of writing the Dockerfile (``compare``)."""

    DEFAULT_CSS = """
    BuildView { text-wrap: nowrap; text-overflow: ellipsis; }
    """

    story: reactive[BuildStory | None] = reactive(None)
    problem: reactive[str] = reactive("")
    mode: reactive[str] = reactive("first")
    edit: reactive[str] = reactive("")  # the context file the view's keys would edit ('' when none)
    replay: reactive[BuildReplay | None] = reactive(None)  # a rebuild after an edit, as far as it has got

    def render(self) -> Text:
        lang = self.app.lang  # type: ignore[attr-defined]
        out = Text(no_wrap=True, overflow="ellipsis")
        story = self.story
        if story is None:
            out.append(self.problem or tr("build.none", lang), style="dim")
            return out
        replay = self.replay
        if replay is not None and replay.mode == self.mode:
            self._replay(out, replay, story, lang)
        elif self.mode == "first":
            self._build(out, story.first, story, lang, shipped=False)
        elif self.mode == "change":
            self._build(out, story.change, story, lang, shipped=True)
        elif story.compare is not None:
            # The well-ordered build in one line above the other one in full: both fit an 80×24 screen.
            # Its pulls go to a second line when one line would be cut (at 80 columns, mid-figure).
            for joiner in (" · ", "\n    "):
                line = Text(_name(story.change) + "  ", style="bold")
                self._totals(line, story.change, story.servers, lang, shipped=True, joiner=joiner, indent=False)
                if line.cell_len <= self.size.width:
                    break
            out.append_text(line)
            self._build(out, story.compare, story, lang, shipped=True)
        if self.edit:
            out.append("\n" + tr("build.edit_keys", lang, path=printable(self.edit)), style="dim italic")
        return out

    def _build(self, out: Text, result: BuildResult, story: BuildStory, lang: str, shipped: bool) -> None:
        out.append(_name(result), style="bold")
        if shipped and story.changed:
            out.append("  " + tr("build.after_change", lang, paths=printable(", ".join(story.changed))), style="dim")
        out.append("\n")
        self._layers(out, result, len(result.layers), lang)
        self._totals(out, result, story.servers, lang, shipped, joiner="\n    ")

    def _replay(self, out: Text, replay: BuildReplay, story: BuildStory, lang: str) -> None:
        """A rebuild after an edit, as far as its replay has got: cache results, then the push, then the pulls."""
        result = replay.result
        out.append(_name(result), style="bold")
        out.append("  " + tr("build.after_change", lang, paths=printable(replay.edited)), style="dim")
        out.append("\n")
        self._layers(out, result, replay.shown, lang)
        if replay.shown < len(result.layers):
            return
        out.append("    " + tr("build.time", lang, s=f"{result.build_s:.1f}"), style="bold")
        if replay.pushed and result.push_mib is not None:
            out.append(" · " + tr("build.push", lang, push=fmt_transfer(result.push_mib)), style="bold")
        out.append("\n")
        if replay.pushed and result.pull_mib is not None:
            n = replay.servers
            out.append("    ")
            if n <= MAX_SERVER_GLYPHS:
                out.append("■" * replay.pulled, style=f"bold {HIT}")
                out.append("□" * (n - replay.pulled) + " ", style="dim")
            pulled = tr(
                "build.pulling",
                lang,
                done=replay.pulled,
                n=n,
                pull=fmt_transfer(result.pull_mib),
                total=fmt_transfer(result.pull_mib * replay.pulled),
            )
            out.append(pulled + "\n", style="bold" if replay.done else "")

    def _layers(self, out: Text, result: BuildResult, shown: int, lang: str) -> None:
        """One line per layer; the cache result of the first ``shown`` layers (the next one is being built)."""
        biggest = max((layer.size_mib or 0.0 for layer in result.layers), default=1.0) or 1.0
        # The instruction column gives way on a narrow screen, so the cache column stays whole.
        bar_cells = BAR_CELLS if self.size.width >= 96 else 6
        text_w = max(16, min(40, self.size.width - 32 - bar_cells))
        words = layer_words(result.layers, result.base, lang)
        for i, layer in enumerate(result.layers):
            hit = layer.cache == "hit"
            line = f"{layer.line:>3} " if layer.line is not None else "    "
            out.append(line, style="dim")
            cell = Text(words[i])
            cell.truncate(text_w, pad=True)  # by terminal cells: a Hangul character takes two
            out.append_text(cell)
            out.append(" ")
            cells = round((layer.size_mib or 0.0) / biggest * bar_cells)
            out.append(("█" * cells or "▏").ljust(bar_cells) + " ", style="#0072b2")
            size = "?" if layer.size_mib is None else fmt_transfer(layer.size_mib)
            out.append(f"{size:>10}  ")
            if i < shown:
                # A base image's layer is pulled, never built here.
                word = "build.hit" if hit else "build.pulled_layer" if layer.line is None else "build.miss"
                out.append(tr(word, lang), style=f"bold {HIT if hit else MISS}")
            elif i == shown:
                out.append(tr("build.building", lang), style="italic")
            else:
                out.append("·", style="dim")
            out.append("\n")

    @staticmethod
    def _totals(
        out: Text, result: BuildResult, servers: int, lang: str, shipped: bool, joiner: str, indent: bool = True
    ) -> None:
        """The build's time and, once shipped, the bytes pushed and pulled by each server and by all of them."""
        out.append(("    " if indent else "") + tr("build.time", lang, s=f"{result.build_s:.1f}"), style="bold")
        if shipped and result.push_mib is not None and result.pull_mib is not None:
            out.append(" · " + tr("build.push", lang, push=fmt_transfer(result.push_mib)), style="bold")
            pulled = tr(
                "build.pulled",
                lang,
                pull=fmt_transfer(result.pull_mib),
                n=servers,
                total=fmt_transfer(result.pull_mib * servers),
            )
            out.append(joiner + pulled, style="bold")
        out.append("\n")


def _name(result: BuildResult) -> str:
    """The Dockerfile as its folder and name (``node-good/Dockerfile``)."""
    return printable("/".join(result.dockerfile.replace("\\", "/").rsplit("/", 2)[-2:]))
