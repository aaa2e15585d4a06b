"""The one error ``vmsim build`` raises for input it cannot use: it names the file and, when it has one, the line."""

from __future__ import annotations

from vmsim.imagebuild.messages import printable, say


class BuildInputError(Exception):
    """Bad input (a Dockerfile, a context, an option): printed as ``file:line: message``, exit code 2."""

    def __init__(self, where: str, key: str, line: int | None = None, **values: object) -> None:
        self.where = where
        self.line = line
        self.key = key
        self.message = say(key, **values)
        super().__init__(self.text())

    def text(self) -> str:
        """``file:line: message`` with any terminal control characters removed."""
        place = f"{self.where}:{self.line}" if self.line is not None else self.where
        return printable(f"{place}: {self.message}")
