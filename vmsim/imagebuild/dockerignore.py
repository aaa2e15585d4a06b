"""``.dockerignore`` as Docker reads it (moby/patternmatcher): Go ``filepath.Match`` patterns plus ``**``.

Rules kept from Docker: each line is one pattern, cleaned like Go's ``filepath.Clean`` with any leading ``/``
dropped; ``#`` starts a comment line; ``!`` makes an exception; the last pattern that matches a path decides;
a pattern that matches a directory excludes everything under it.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import NamedTuple

from vmsim.imagebuild.files import read_build_file
from vmsim.imagebuild.glob import Glob, compile_glob
from vmsim.imagebuild.messages import problem
from vmsim.imagebuild.problems import BuildInputError


class Pattern(NamedTuple):
    """One cleaned pattern, compiled, and whether it is an exception (``!``)."""

    text: str
    glob: Glob
    exception: bool


def clean(text: str) -> str:
    """Go's ``filepath.Clean`` for a slash path, without a leading ``/``."""
    cleaned = posixpath.normpath(text.strip())
    cleaned = cleaned.lstrip("/")
    return cleaned or "."


class IgnoreRules:
    """The patterns of one ``.dockerignore``; ``ignored(path)`` answers for a slash path relative to the context."""

    def __init__(self, patterns: list[Pattern]) -> None:
        self.patterns = patterns
        self.has_exceptions = any(p.exception for p in patterns)

    @classmethod
    def parse(cls, text: str, where: str = ".dockerignore") -> IgnoreRules:
        """Rules from the text of a ``.dockerignore``; a bad pattern names its line."""
        patterns: list[Pattern] = []
        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            exception = line.startswith("!")
            if exception:
                line = line[1:].strip()
                if not line:
                    raise BuildInputError(where, "bad_ignore", number, pattern=raw, reason=problem("reason_bang"))
            cleaned = clean(line)
            try:
                glob = compile_glob(cleaned)
            except ValueError as exc:
                raise BuildInputError(where, "bad_ignore", number, pattern=raw, reason=str(exc)) from None
            patterns.append(Pattern(cleaned, glob, exception))
        return cls(patterns)

    @classmethod
    def for_context(cls, context: Path) -> IgnoreRules:
        """The rules of ``context/.dockerignore``, or none when it has none."""
        path = context / ".dockerignore"
        try:
            # As moby's ignorefile reads it: a UTF-8 byte-order mark before the first pattern is dropped, and
            # lines end at LF or CRLF (splitlines; each pattern is stripped of surrounding space).
            text = read_build_file(path, str(path)).decode("utf-8", errors="replace").removeprefix("\ufeff")
        except FileNotFoundError:
            return cls([])
        return cls.parse(text, str(path))

    def ignored(self, path: str) -> bool:
        """True when ``path`` (or a directory above it) is excluded and no later exception brings it back."""
        if not self.patterns:
            return False
        parents = _parents(path)
        result = False
        for pattern in self.patterns:
            if pattern.exception == result:
                # Only a pattern that could flip the answer needs testing.
                if pattern.glob.match(path) or any(pattern.glob.match(p) for p in parents):
                    result = not pattern.exception
        return result

    def prune(self, directory: str) -> bool:
        """True when nothing under ``directory`` can be included: the walk need not enter it."""
        return not self.has_exceptions and self.ignored(directory)


def _parents(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[:k]) for k in range(1, len(parts))]
