"""Dockerfile variable substitution: ``$NAME``, ``${NAME}``, ``${NAME:-default}`` and ``${NAME:+alternative}``.

As Docker does it: single quotes keep their text as it is, a backslash escapes a ``$``, and a name with no value
becomes the empty string.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def substitute(text: str, values: Mapping[str, str], unset: list[str] | None = None) -> str:
    """``text`` with the variables in ``values`` replaced; each name that had no value and no default to take its
    place is added to ``unset`` (when given)."""
    if "$" not in text:
        return text
    out: list[str] = []
    i, n = 0, len(text)
    quote = ""
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n and text[i + 1] == "$":
            out.append("\\$")
            i += 2
            continue
        if ch in "'\"":
            quote = "" if quote == ch else (quote or ch)
        if ch != "$" or quote == "'":
            out.append(ch)
            i += 1
            continue
        if i + 1 < n and text[i + 1] == "{":
            end = text.find("}", i + 2)
            if end < 0:
                out.append(text[i:])
                break
            out.append(_braced(text[i + 2 : end], values, unset))
            i = end + 1
            continue
        m = _NAME.match(text, i + 1)
        if not m:
            out.append(ch)
            i += 1
            continue
        out.append(_value(m.group(), values, unset))
        i = m.end()
    return "".join(out)


def _braced(inner: str, values: Mapping[str, str], unset: list[str] | None) -> str:
    for op in (":-", ":+"):
        name, sep, word = inner.partition(op)
        if sep:
            value = values.get(name, "")
            if op == ":-":
                return value or substitute(word, values, unset)
            return substitute(word, values, unset) if value else ""
    return _value(inner, values, unset)


def _value(name: str, values: Mapping[str, str], unset: list[str] | None) -> str:
    value = values.get(name, "")
    if not value and unset is not None:
        unset.append(name)
    return value
