"""The error a command raises for input the user can fix."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vmsim.text import Msg, msg, render

if TYPE_CHECKING:
    from vmsim.engine import UnknownAppError


class CliError(Exception):
    """A problem the user can fix; printed without a traceback, exit code 2. Said in the command's language when
    made with :meth:`say` (a catalogue message); a plain string (an operating system's words) stays as it is."""

    def __init__(self, text: str | Msg) -> None:
        super().__init__(text if isinstance(text, str) else render(text, "en"))
        self.message = text

    @classmethod
    def say(cls, code: str, /, **params: object) -> CliError:
        """The catalogue message ``code`` with ``params``."""
        return cls(msg(code, **params))

    @classmethod
    def unknown_app(cls, exc: UnknownAppError, code: str = "cli.unknown_app") -> CliError:
        """The engine's unknown app, in words of the catalogue (``code`` may wrap it, as ``{error}``)."""
        hint = msg("scenario.suggest", choice=repr(exc.close)) if exc.close else ""
        said = msg("cli.unknown_app", name=repr(exc.name), hint=hint, apps=", ".join(exc.apps))
        return cls(said if code == "cli.unknown_app" else msg(code, error=said))

    def text(self, lang: str) -> str:
        """The problem in ``lang``."""
        return self.message if isinstance(self.message, str) else render(self.message, lang)
