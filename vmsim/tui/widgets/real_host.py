"""The live strip: this machine's real memory and CPU (psutil), labelled as real, beside the simulation."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from vmsim.output.words import fmt_mib_compact as fmt_mib
from vmsim.text import tr

REFRESH_S = 2.0


class RealHostStrip(Widget):
    """One line about the machine vmsim runs on. Hidden until asked for; polls only while shown."""

    DEFAULT_CSS = """
    RealHostStrip { height: 1; background: #0b2a3d; color: #f5f5f5; display: none; }
    RealHostStrip.-shown { display: block; }
    """

    reading: reactive[tuple[float, float, float, int] | None] = reactive(None)

    def on_mount(self) -> None:
        self._timer = self.set_interval(REFRESH_S, self.sample, pause=True)

    def show(self, shown: bool) -> None:
        """Start or stop reading the machine."""
        self.set_class(shown, "-shown")
        if shown:
            import psutil

            psutil.cpu_percent(interval=None)  # the first reading is always 0.0: prime it
            self.sample()
            self._timer.resume()
        else:
            self._timer.pause()

    def sample(self) -> None:
        """Read memory and CPU now."""
        import psutil

        mem = psutil.virtual_memory()
        used = (mem.total - mem.available) / 2**20
        self.reading = (used, mem.total / 2**20, psutil.cpu_percent(interval=None), psutil.cpu_count() or 1)

    def render(self) -> Text:
        lang = self.app.lang  # type: ignore[attr-defined]
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f" {tr('real.badge', lang)} ", style="bold reverse #56b4e9")
        if self.reading is None:
            return text
        used, total, cpu, cores = self.reading
        text.append(
            " " + tr("real.line", lang, used=fmt_mib(used), total=fmt_mib(total), cpu=f"{cpu:.0f}", cores=cores)
        )
        text.append("  " + tr("real.note", lang), style="dim")
        return text
