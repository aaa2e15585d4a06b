"""Typed reads from a parsed TOML document: each value checked against its type and range, each problem
recorded as a message with its key path."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from vmsim.engine.catalog import Catalog
from vmsim.scenarios.errors import num, one_of, safe, show, string_of, suggest
from vmsim.text import Msg, msg

# Bidirectional overrides and isolates: shown in a terminal they reorder the text around them, so a line can read
# differently from what it says ("Trojan Source", CVE-2021-42574).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


class Reader:
    """Reads one parsed TOML document, collecting every problem with its key path."""

    def __init__(self, source: str, catalog: Catalog) -> None:
        self.source = source
        self.catalog = catalog
        self.problems: list[Msg] = []
        self.named_hosts: list[tuple[str, str]] = []  # (key path, host name) for every host an event names

    def add(self, code: str, /, **params: object) -> None:
        """Record a problem that is one whole message."""
        self.problems.append(msg(code, **params))

    def problem(self, path: str, value: Any, expected: Msg, hint: Msg | str = "") -> None:
        """Record 'path: got value, expected ...'."""
        self.add("scenario.got", path=path, shown=show(value), expected=expected, hint=hint)

    def table(self, data: Any, path: str, allowed: list[str]) -> dict[str, Any]:
        """``data`` as a table whose keys are among ``allowed`` (``{}`` when it is not a table)."""
        if not isinstance(data, dict):
            self.problem(path, data, msg("scenario.table", path=path, keys=", ".join(allowed)))
            return {}
        for key in data:
            if key not in allowed:
                where = f"{path}.{safe(key)}" if path else safe(key)
                self.add("scenario.unknown_key", where=where, hint=suggest(key, allowed), keys=", ".join(allowed))
        return data

    def number(
        self,
        t: dict[str, Any],
        key: str,
        path: str,
        default: Any,
        lo: float,
        hi: float,
        whole: bool = False,
        lo_open: bool = False,
    ) -> Any:
        """A number from ``lo`` to ``hi`` (above ``lo`` when ``lo_open``; an integer when ``whole``)."""
        if key not in t:
            return default
        v = t[key]
        where = f"{path}.{key}" if path else key
        kind = msg("scenario.whole_number" if whole else "scenario.number")
        expected = msg("scenario.above" if lo_open else "scenario.from_to", kind=kind, lo=num(lo), hi=num(hi))
        ok = (
            isinstance(v, int) and not isinstance(v, bool)
            if whole
            else (isinstance(v, (int, float)) and not isinstance(v, bool))
        )
        if not ok or (isinstance(v, float) and not math.isfinite(v)):
            self.problem(where, v, expected)
            return default
        if v < lo or v > hi or (lo_open and v <= lo):
            self.problem(where, v, expected)
            return default
        return v

    def string(
        self,
        t: dict[str, Any],
        key: str,
        path: str,
        default: Any,
        choices: list[str] | None = None,
        required: bool = False,
        max_len: int = 2000,
    ) -> Any:
        """A string of at most ``max_len`` characters, or one of ``choices``."""
        where = f"{path}.{key}" if path else key
        if key not in t:
            if required:
                self.add("scenario.missing", where=where, key=key)
            return default
        v = t[key]
        if not isinstance(v, str) or len(v) > max_len:
            self.problem(where, v, string_of(max_len) if choices is None else one_of(choices))
            return default
        if choices is not None and v not in choices:
            self.problem(where, v, one_of(choices), suggest(v, choices))
            return default
        if not self.control_free(where, v):
            return default
        return v

    def control_free(self, where: str, text: str, allowed: str = "") -> bool:
        """False (with a problem naming ``where``) when ``text`` holds a terminal control character outside
        ``allowed``: text from a file reaches terminals, where a control sequence can rewrite the window title,
        the clipboard (OSC 52) or the screen."""
        for pos, ch in enumerate(text):
            code = ord(ch)
            if (code < 0x20 or 0x7F <= code <= 0x9F or ch in BIDI_CONTROLS) and ch not in allowed:
                self.add("scenario.control_char", where=where, code=f"{code:04X}", pos=pos + 1)
                return False
        return True

    def boolean(self, t: dict[str, Any], key: str, path: str, default: bool) -> bool:
        """true or false."""
        if key not in t:
            return default
        v = t[key]
        if not isinstance(v, bool):
            self.problem(f"{path}.{key}", v, msg("scenario.true_or_false"))
            return default
        return v

    def string_list(
        self,
        t: dict[str, Any],
        key: str,
        path: str,
        default: Any,
        check: Callable[[str, str], str | None],
        max_items: int = 100,
    ) -> Any:
        """A list of strings, each passed through ``check(item, where)`` (None drops it)."""
        if key not in t:
            return default
        v = t[key]
        where = f"{path}.{key}" if path else key
        if not isinstance(v, list) or len(v) > max_items:
            self.problem(where, v, msg("scenario.string_list", max_items=max_items))
            return default
        out = []
        for i, item in enumerate(v):
            if not isinstance(item, str):
                self.problem(f"{where}[{i}]", item, msg("scenario.a_string"))
                continue
            if not self.control_free(f"{where}[{i}]", item):
                continue
            fixed = check(item, f"{where}[{i}]")
            if fixed is not None:
                out.append(fixed)
        return tuple(out)
