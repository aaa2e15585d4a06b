"""Text from outside (a file's name, what a file says) shown in a terminal: named, never obeyed."""

from __future__ import annotations


def escaped(text: str, keep: str = "") -> str:
    """``text`` with every character a terminal would act on or reorder (escapes, bells, carriage returns,
    direction marks) written as its escape (``\\x1b``), those in ``keep`` left as they are. Escaped, not deleted:
    a deleted character changes what a message says (``\\x1b[31mRUN`` is not ``RUN``)."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c in keep else repr(c)[1:-1] for c in text)


def escaped_lines(text: str) -> str:
    """:func:`escaped`, its newlines kept: a message of several lines (one problem per line)."""
    return escaped(text, keep="\n")
