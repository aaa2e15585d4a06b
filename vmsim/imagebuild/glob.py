"""Docker's path patterns (moby/patternmatcher: Go ``filepath.Match`` plus ``**``), matched in linear time.

Docker turns a pattern into a Go regular expression, and Go's engine runs in time linear in the path. Python's
``re`` backtracks: ``**/**/…/**/zz`` against a deep path took exponential time (a minute for ten ``**``). So a
pattern is matched here by following every position it could be at, one character of the path at a time (a
Thompson simulation): at most (pattern tokens) × (path characters) steps, whatever the pattern.

The tokens mirror the regular expression Docker builds: ``*`` is ``[^/]*``, ``?`` is ``[^/]``, ``**`` is ``.*``
at the end of a pattern and ``(.*/)?`` (any number of directories, even none) elsewhere, ``[…]`` a character
class, ``\\x`` the character x. As in Go, ``.`` does not match a newline and the match is anchored at both ends.
"""

from __future__ import annotations

import re
import warnings
from typing import NamedTuple

LITERAL, ONE, CLASS, STAR, DIRS, REST = range(6)  # a token's kind


class Token(NamedTuple):
    kind: int
    char: str = ""  # LITERAL: the character
    klass: re.Pattern[str] | None = None  # CLASS: a one-character class


class Glob:
    """A compiled pattern; :meth:`match` tells whether a whole path matches it."""

    def __init__(self, text: str, tokens: tuple[Token, ...]) -> None:
        self.text = text
        self.tokens = tokens
        self._start = self._closure({0})

    def _closure(self, states: set[int]) -> frozenset[int]:
        """``states`` with every state reachable from them without reading a character."""
        tokens, out, todo = self.tokens, set(states), list(states)
        while todo:
            s = todo.pop()
            if 0 <= s < len(tokens) and tokens[s].kind in (STAR, DIRS, REST) and s + 1 not in out:
                out.add(s + 1)
                todo.append(s + 1)
        return frozenset(out)

    def match(self, path: str) -> bool:
        """True when the whole of ``path`` matches."""
        tokens, end = self.tokens, len(self.tokens)
        states = self._start
        for c in path:
            nxt: set[int] = set()
            for s in states:
                if s < 0:  # inside a DIRS token (-1 - its index): any character; after a '/', the DIRS may end
                    i = -1 - s
                    if c != "\n":
                        nxt.add(s)
                        if c == "/":
                            nxt.add(i + 1)
                    continue
                if s == end:
                    continue
                tok = tokens[s]
                kind = tok.kind
                if kind == LITERAL:
                    if c == tok.char:
                        nxt.add(s + 1)
                elif kind == ONE:
                    if c != "/":
                        nxt.add(s + 1)
                elif kind == CLASS:
                    assert tok.klass is not None
                    if tok.klass.fullmatch(c):
                        nxt.add(s + 1)
                elif kind == STAR:
                    if c != "/":
                        nxt.add(s)
                elif kind == DIRS:
                    if c != "\n":
                        nxt.add(-1 - s)
                        if c == "/":
                            nxt.add(s + 1)
                elif c != "\n":  # REST
                    nxt.add(s)
            if not nxt:
                return False
            states = self._closure(nxt)
        return end in states


def compile_glob(text: str) -> Glob:
    """The pattern ``text`` (already cleaned) as Docker's patternmatcher reads it; ValueError for an unclosed '['."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "*":
            if i + 1 < n and text[i + 1] == "*":
                i += 1
                if i + 1 < n and text[i + 1] == "/":
                    i += 1
                # "**" at the end accepts everything; elsewhere it is any number of directories, even none.
                tokens.append(Token(REST if i + 1 >= n else DIRS))
            else:
                tokens.append(Token(STAR))
        elif ch == "?":
            tokens.append(Token(ONE))
        elif ch == "\\":
            if i + 1 < n:
                i += 1
                tokens.append(Token(LITERAL, text[i]))
            else:
                tokens.append(Token(LITERAL, "\\"))
        elif ch == "[":
            end = text.find("]", i + 1)
            if end < 0:
                raise ValueError("unclosed '['")
            body = text[i + 1 : end]
            if body.startswith("^"):
                body = "^" + body[1:].replace("\\", "\\\\")
            else:
                body = body.replace("\\", "\\\\").replace("^", "\\^")
            try:
                with warnings.catch_warnings():  # '[[:alpha:]]' is a 'possible nested set' to Python: not for the user
                    warnings.simplefilter("ignore", FutureWarning)
                    klass = re.compile(f"[{body}]")
            except re.error as exc:
                raise ValueError(f"bad character class '[{text[i + 1 : end]}]': {exc.msg}") from None
            tokens.append(Token(CLASS, klass=klass))
            i = end
        else:
            tokens.append(Token(LITERAL, ch))
        i += 1
    return Glob(text, tuple(tokens))
