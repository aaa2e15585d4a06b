"""Text the command line prints that may hold what a user typed or a file's name: shown, never acted on."""

from __future__ import annotations


def shown(text: str) -> str:
    """``text`` with every character a terminal would act on or reorder (escapes, bells, carriage returns,
    direction marks) written as its escape (``\\x1b``), newlines kept: a file named with an escape sequence is
    named, not obeyed."""
    if text.isprintable() or all(c.isprintable() or c == "\n" for c in text):
        return text
    return "".join(c if c.isprintable() or c == "\n" else repr(c)[1:-1] for c in text)
