"""Notices (toasts) show their words as written: a scenario's name, a folder's or a file's may hold square
brackets, which Textual would read as markup (``[/]`` stopped the app with a MarkupError), or terminal control
characters, which are shown escaped (``\\x1b``) rather than dropped."""

from __future__ import annotations

from textual.app import App
from textual.notifications import SeverityLevel

from vmsim.text import escaped, escaped_lines


class PlainNotices:
    """App.notify with markup off by default and control characters escaped, for every notice the app shows."""

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Show ``message`` as plain text (``markup=True`` only for the app's own styled words)."""
        App.notify(
            self,  # type: ignore[arg-type]
            escaped_lines(message),
            title=escaped(title),
            severity=severity,
            timeout=timeout,
            markup=markup,
        )
