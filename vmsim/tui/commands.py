"""Command palette entries: every dashboard action by name, and one 'Add <app>' per app."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from vmsim.scenarios import shipped_names

if TYPE_CHECKING:
    from vmsim.tui.app import VmsimApp

ACTIONS = [
    ("Pause or resume", "toggle_pause", "Stop or start simulated time"),
    ("Step to the next event", "step", "While paused"),
    ("Faster", "faster", "Double-ish the simulation speed"),
    ("Slower", "slower", "Halve-ish the simulation speed"),
    ("Back 10 seconds", "rewind", "Replay the past (while paused)"),
    ("Forward 10 seconds", "forward", "Through what already happened (while paused)"),
    ("Remove selected instance", "remove", "From every world"),
    ("Toggle microVM world", "toggle_microvm", "Show or hide the third world"),
    ("Charts and log large", "toggle_lower", "Give the lower pane the room"),
    ("Restart scenario", "restart", "Back to t = 0"),
    ("Open scenario…", "open", "Pick a preset or a file"),
    ("Save SVG screenshot", "screenshot", "Into the export folder"),
    ("Export state as JSON", "export", "Same schema as 'vmsim run --format json'"),
    ("Show this machine's real memory and CPU", "toggle_real_host", "Measured with psutil, labelled REAL"),
    ("Switch language (English / 한국어)", "toggle_lang", "Live"),
    ("Help", "help", "Every key and colour"),
]


class VmsimCommands(Provider):
    """Searchable vmsim commands for the palette (ctrl+p)."""

    def _commands(self) -> list[tuple[str, object, str]]:
        app: VmsimApp = self.app  # type: ignore[assignment]
        out: list[tuple[str, object, str]] = []
        for name, a in app.catalog.apps.items():
            out.append((f"Add {name}", partial(app.add_workload, name, 1), a.label))
        for title, action, help_text in ACTIONS:
            if app.check_action(action, ()) is True:
                out.append((title, partial(app.run_action, action), help_text))
        for name in shipped_names():
            out.append((f"Open scenario {name}", partial(app.open_named, name), "Load a shipped scenario"))
        return out

    async def discover(self) -> Hits:
        for title, callback, help_text in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)  # type: ignore[arg-type]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, callback, help_text in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)  # type: ignore[arg-type]
