"""The one error ``vmsim build`` raises for input it cannot use: it names the file and, when it has one, the line."""

from __future__ import annotations

from vmsim.imagebuild.messages import problem
from vmsim.text import Msg, escaped, render


class BuildInputError(Exception):
    """Bad input (a Dockerfile, a context, an option): printed as ``file:line: message``, exit code 2.

    ``message`` is a message of the text catalogues (``imagebuild.<key>``), so it reads in any language."""

    def __init__(self, where: str, key: str, line: int | None = None, **values: object) -> None:
        self.where = where
        self.line = line
        self.key = key
        self.message: Msg = problem(key, **values)
        super().__init__(self.text())

    def place(self) -> str:
        """``file:line`` (or the file alone), without terminal control characters."""
        return escaped(f"{self.where}:{self.line}" if self.line is not None else self.where)

    def text(self, lang: str = "en") -> str:
        """``file:line: message`` in ``lang`` with any terminal control characters removed."""
        return escaped(f"{self.where}:{self.line}: " if self.line is not None else f"{self.where}: ") + escaped(
            render(self.message, lang)
        )
