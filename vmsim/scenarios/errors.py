"""How a scenario's problems are told: :class:`ScenarioError` and the parts its messages are made of.

Every problem is a message (a code of ``vmsim/text`` and its parameters), so it reads in any language;
``str()`` of the error is the English.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from vmsim.text import Msg, msg, render


class ScenarioError(Exception):
    """A scenario that cannot be used. ``str()`` is a complete message for a person."""

    def __init__(self, source: str, messages: list[Msg]) -> None:
        self.source = source
        self.messages = list(messages)
        super().__init__(self.text("en"))

    @property
    def problems(self) -> list[str]:
        """Every problem in English, one string each (without the file name)."""
        return [render(m, "en") for m in self.messages]

    def text(self, lang: str = "en") -> str:
        """Every problem, one per line, each led by the file name, in ``lang``."""
        return "\n".join(f"{self.source}: {render(m, lang)}" for m in self.messages)


def suggest(word: object, choices: list[str]) -> Msg | str:
    """' (did you mean ...?)' for the closest choice, or nothing when none is close."""
    close = difflib.get_close_matches(str(word), choices, n=1, cutoff=0.5)
    return msg("scenario.suggest", choice=repr(close[0])) if close else ""


def num(x: float) -> str:
    """A bound as people write it: 4,194,304 rather than 4.1943e+06."""
    return f"{int(x):,}" if float(x).is_integer() else f"{x:g}"


def one_of(choices: Iterable[str]) -> Msg:
    """'one of a, b, c'."""
    return msg("scenario.one_of", names=", ".join(choices))


def string_of(max_len: int, shown: str | None = None) -> Msg:
    """'a string of at most N characters'."""
    return msg("scenario.string_of", max_len=shown or str(max_len))


AT_LEAST_ONE_WORLD = msg("scenario.at_least_one_world")


def show(value: Any) -> str | Msg:
    """A value from the file as the message shows it: short, and safe to print on a terminal."""
    try:
        text = repr(value)
    except (ValueError, RecursionError):
        # A 5,000-digit integer or a table nested a thousand deep cannot be repr()'d: describe it.
        if isinstance(value, int):
            return msg("scenario.long_integer", digits=f"{int(value.bit_length() * 0.30103) + 1:,}")
        return msg("scenario.too_nested", type=type(value).__name__)
    return text if len(text) <= 60 else text[:57] + "..."


MAX_KEY_SHOWN = 60  # a key longer than this is cut in a message (a 900,000-character key made a 900 KB line)


def safe(key: str) -> str:
    """A key from the file, quoted when it holds characters a terminal would act on (newlines, escapes), and cut
    to its first characters when long."""
    if len(key) > MAX_KEY_SHOWN:
        key = f"{key[: MAX_KEY_SHOWN - 3]}... ({len(key):,} characters)"
    return key if key.isprintable() else repr(key)
