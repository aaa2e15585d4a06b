"""Coded facts: what the engine says instead of words — a code and the figures that go with it."""

from __future__ import annotations

from typing import NamedTuple


class Coded(NamedTuple):
    """A code (``reason.disk_full``, ``drift.old_node`` …) and its parameters, sorted by name.

    Parameters are figures and names, never words: memory as floats named ``*_mib``, counts as ints,
    names from the catalog as strings, and nested :class:`Coded` values. The text layer turns the code
    into a sentence in the reader's language and formats the figures.
    """

    code: str
    params: tuple[tuple[str, object], ...]


def coded(code: str, **params: object) -> Coded:
    """A :class:`Coded` from keyword parameters."""
    return Coded(code, tuple(sorted(params.items())))
