"""The error a command raises for input the user can fix."""

from __future__ import annotations

from vmsim.text import Msg, msg, render


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

    def text(self, lang: str) -> str:
        """The problem in ``lang``."""
        return self.message if isinstance(self.message, str) else render(self.message, lang)
