"""A screen that says the terminal is too small for the dashboard, and goes away when it is big enough.

The dashboard and its dialogs stay safe at any size (down to 1×1); below ``MIN_WIDTH``×``MIN_HEIGHT`` they are
unreadable, so this screen covers them with what to do about it. The app calls :func:`follow_terminal_size`
from its resize handler.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import events
from textual.app import App, ComposeResult
from textual.await_complete import AwaitComplete
from textual.command import CommandPalette
from textual.geometry import Size
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from vmsim.text import tr

# The smallest terminal the dashboard is laid out for: the worlds' columns, the clock and the footer all show.
MIN_WIDTH = 40
MIN_HEIGHT = 12


def on_top(screen: Screen[Any]) -> bool:
    """True when ``screen`` is the top of its app's screen stack (``Screen.is_current`` also counts the screens
    seen through a modal one)."""
    stack = screen.app.screen_stack
    return bool(stack) and stack[-1] is screen


def too_small(width: int, height: int) -> bool:
    """True when a terminal of ``width``×``height`` cells cannot show the dashboard."""
    return width < MIN_WIDTH or height < MIN_HEIGHT


def too_small_text(width: int, height: int, lang: str) -> Text:
    """What the screen says: the size now, the size needed, and what to do."""
    text = Text(justify="center")
    text.append(tr("small.title", lang) + "\n", style="bold")
    text.append(tr("small.need", lang, width=width, height=height, min_width=MIN_WIDTH, min_height=MIN_HEIGHT))
    return text


class TooSmallScreen(ModalScreen[None]):
    """Covers the dashboard while the terminal is smaller than it needs; modal, so the dashboard's keys wait
    (its dialogs would not fit either). It closes itself once the terminal is large enough."""

    DEFAULT_CSS = """
    TooSmallScreen { background: $background; align: center middle; overflow: hidden; }
    TooSmallScreen > Static { width: 100%; height: auto; text-align: center; }
    """

    closing = False

    def compose(self) -> ComposeResult:
        yield Static(self._message(), id="too-small")

    def _message(self, size: Size | None = None) -> Text:
        size = size or self.app.size
        return too_small_text(size.width, size.height, getattr(self.app, "lang", "en"))

    def on_resize(self, event: events.Resize) -> None:
        self.follow()

    def on_screen_resume(self) -> None:
        # Back on top (the command palette, opened over it, closed): the terminal may have grown meanwhile.
        self.follow()

    def follow(self, size: Size | None = None) -> None:
        """Say the new size (``size``, or the app's), or close when the terminal is large enough now."""
        size = size or self.app.size
        if too_small(size.width, size.height):
            for message in self.query("#too-small").results(Static):  # none before compose
                message.update(self._message(size))
        else:
            self.dismiss()

    def dismiss(self, result: Any = None) -> AwaitComplete:
        """Close once, and only from the top of the screen stack."""
        if self.closing or not on_top(self):
            return AwaitComplete.nothing()
        self.closing = True
        return super().dismiss(result)


def follow_terminal_size(app: App[Any], size: Size) -> None:
    """Show :class:`TooSmallScreen` while the terminal is too small for the dashboard, and close it when it is not
    (when something is open over it, the palette, it closes once it is on top again).

    ``size`` is the new size from the app's ``Resize`` event: an app's own ``on_resize`` runs before Textual's
    ``App._on_resize`` has stored it, so ``app.size`` is still the old one there.
    """
    shown = [s for s in app.screen_stack if isinstance(s, TooSmallScreen)]
    if not shown:
        if too_small(size.width, size.height):
            if isinstance(app.screen_stack[-1], CommandPalette):
                # Under another screen the palette no longer counts as open, and ctrl+p then opened a second one
                # with the same id (DuplicateIds): it closes, as a dialog too small to use.
                app.screen_stack[-1].dismiss()
            app.push_screen(TooSmallScreen())
    elif on_top(shown[-1]):
        shown[-1].follow(size)
