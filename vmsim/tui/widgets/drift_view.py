"""The drift story: servers set up by hand (typed, then what each got), images built per server from a moving
tag against one image shipped, and that one image on every server with two of its containers compared.

The widget draws what the story's data says; which part is on show is the lesson step's choice (``mode``),
so nothing of an answer is drawn before the step that reveals it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from vmsim.output.words import coded_text
from vmsim.text import tr

if TYPE_CHECKING:
    from vmsim.session import ContainerView, Deployment, ImageBuild

MODES = ("setup", "manual", "dockerfile", "build", "image")
GOOD, BAD, INFO = "#009e73", "#d55e00", "#56b4e9"


def step_text(step: str, lang: str) -> str:
    """A step of the setup by hand as typed (``$ command``), or the console click it stands for."""
    if step.startswith("open-port:"):
        return tr("drift.open_port_step", lang, port=step.removeprefix("open-port:"))
    return f"$ {step}"


class DriftView(Widget):
    """One part of the drift story at a time (``mode``): setup, manual, dockerfile, build or image."""

    # A line too long for the screen ends in … rather than wrapping under the indentation of the next.
    DEFAULT_CSS = """
    DriftView { text-wrap: nowrap; text-overflow: ellipsis; }
    """

    manual: reactive[tuple[Deployment, ...]] = reactive(())
    image: reactive[tuple[Deployment, ...]] = reactive(())
    recipe: reactive[tuple[str, ...]] = reactive(())
    dockerfile: reactive[tuple[str, ...]] = reactive(())
    built_here: reactive[tuple[ImageBuild, ...]] = reactive(())
    shipped: reactive[tuple[ImageBuild, ...]] = reactive(())
    twins: reactive[tuple[ContainerView, ...]] = reactive(())
    mode: reactive[str] = reactive("setup")
    # The scenario tells another story (no lesson step shows this view): say these servers are not its hosts.
    apart: reactive[bool] = reactive(False)
    # The time-lapse of the setup: how many typed lines are shown so far (None: all of them).
    typed: reactive[int | None] = reactive(None)

    def render(self) -> Text:
        lang = self.app.lang  # type: ignore[attr-defined]
        out = Text(no_wrap=True, overflow="ellipsis")
        if self.apart:
            out.append(tr("drift.apart", lang) + "\n", style="italic dim")
        if self.mode == "setup":
            self._setup(out, lang)
        elif self.mode == "manual":
            self._manual(out, lang)
        elif self.mode == "dockerfile":
            self._dockerfile(out, lang)
        elif self.mode == "build":
            self._build(out, lang)
        else:
            self._image(out, lang)
        return out

    def _setup(self, out: Text, lang: str) -> None:
        """The servers being set up by hand, day by day: the commands typed, never what they gave."""
        out.append(tr("drift.manual", lang), style="bold")
        out.append("   " + tr("drift.timelapse", lang) + "\n", style="dim")
        for line in self.recipe:
            out.append(f"    {step_text(line, lang)}\n", style="dim")
        per_server = len(self.recipe)
        typed = self.typed if self.typed is not None else len(self.manual) * per_server
        for i, d in enumerate(self.manual):
            done = min(max(typed - i * per_server, 0), per_server)
            out.append(f"  {d.server:<6} ", style="bold")
            out.append(f"{d.os_label}, {tr('drift.day', lang, day=d.day):<8} ", style="dim")
            out.append("▰" * done + "▱" * (per_server - done) + " ", style=INFO)
            if done == per_server:
                out.append(tr("drift.set_up", lang, n=per_server))
            elif done:
                out.append(f"{step_text(self.recipe[done], lang)}▌", style="bold")
            else:
                out.append(tr("drift.waiting", lang), style="dim")
            out.append("\n")

    def _manual(self, out: Text, lang: str) -> None:
        out.append(tr("drift.manual", lang) + "\n", style="bold")
        for d in self.manual:
            self._server_line(out, d, lang)

    def _dockerfile(self, out: Text, lang: str) -> None:
        out.append(tr("drift.dockerfile", lang) + ":\n", style="bold")
        for line in self.dockerfile:
            out.append(f"    {line}\n", style=INFO)

    def _build(self, out: Text, lang: str) -> None:
        self._builds(out, tr("drift.built_here", lang), self.built_here, lang)
        out.append("\n")
        self._builds(out, tr("drift.shipped", lang), self.shipped, lang)

    def _builds(self, out: Text, heading: str, builds: tuple[ImageBuild, ...], lang: str) -> None:
        out.append(heading, style="bold")
        out.append(f"  FROM {builds[0].base_ref}\n" if builds else "\n", style=INFO)
        first = builds[0].digest if builds else ""
        for b in builds:
            same = b.digest == first
            out.append("  = " if same else "  ≠ ", style=GOOD if same else BAD)
            out.append(f"{b.server:<6} ", style="bold")
            out.append(f"{tr('drift.day', lang, day=b.day):<8} ", style="dim")
            out.append(f"{tr('drift.base', lang)} {short(b.base_digest)} (node {b.node_version}) → ")
            out.append(tr("drift.image_digest", lang, digest=short(b.digest)), style="bold" if same else f"bold {BAD}")
            out.append("\n")
        if builds and all(b.digest == first for b in builds):
            out.append("  ✓ " + tr("drift.same_bytes", lang) + "\n", style=f"bold {GOOD}")
        elif builds:
            out.append("  ✗ " + tr("drift.tag_moved", lang, tag=builds[0].base_ref) + "\n", style=f"bold {BAD}")

    def _image(self, out: Text, lang: str) -> None:
        out.append(tr("drift.image", lang) + "\n", style="bold")
        fingerprints = {d.fingerprint() for d in self.image}
        digests = {b.server: short(b.digest) for b in self.shipped}
        for d in self.image:
            out.append("  ✓ " if d.works else "  ✗ ", style=GOOD if d.works else BAD)
            out.append(f"{d.server:<6} ", style="bold")
            if d.server in digests:
                out.append(tr("drift.image_digest", lang, digest=digests[d.server]) + ": ", style="bold")
            out.append(", ".join(coded_text(s.result, lang) for s in d.steps if s.name == "image") + "\n")
        if self.image and len(fingerprints) == 1:
            out.append("  ✓ " + tr("drift.identical", lang) + "\n", style=f"bold {GOOD}")
        if not self.twins:
            return
        server = self.shipped[0].server if self.shipped else "—"  # the containers run where the first pull went
        out.append(tr("drift.siblings", lang, server=server) + "\n", style="bold")
        for c in self.twins:
            out.append(f"  {c.name:<6} ", style="bold")
            out.append(tr("drift.image_digest", lang, digest=short(c.image_digest)) + " · ", style="dim")
            out.append(tr("drift.config", lang) + ": " + ", ".join(c.env) + "\n", style=INFO)
            out.append(" " * 9 + tr("drift.writable", lang) + ": " + ", ".join(c.writable) + "\n", style="#e69f00")

    @staticmethod
    def _server_line(out: Text, d: Deployment, lang: str) -> None:
        # Two lines a server (three when it fails), so three servers and their reasons fit an 80×24 screen.
        ok = d.works
        out.append("  ✓ " if ok else "  ✗ ", style=GOOD if ok else BAD)
        out.append(f"{d.server:<6} ", style="bold")
        out.append(tr("drift.works", lang) if ok else tr("drift.fails", lang), style=f"bold {GOOD if ok else BAD}")
        out.append(f"  {d.os_label}, {tr('drift.day', lang, day=d.day)}\n", style="dim")
        got = ", ".join(coded_text(s.result, lang) for s in d.steps if s.name in ("runtime", "packages", "image"))
        out.append(f"      {got}\n")
        for problem in d.problems:
            out.append(f"      → {coded_text(problem, lang)}\n", style=BAD)


def short(digest: str) -> str:
    """A digest as people quote it: its first 8 hex digits."""
    return digest.partition(":")[2][:8] or digest
