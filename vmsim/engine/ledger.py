"""A running total of MiB by category, updated per event rather than summed per step."""

from __future__ import annotations

from collections.abc import Iterable

from vmsim.engine.snapshot import Ledger


class MutableLedger:
    """MiB by category. Invariant: ``total`` equals the sum of the categories."""

    __slots__ = ("_by", "total", "version")

    def __init__(self) -> None:
        self._by: dict[str, float] = {}
        self.total = 0.0
        self.version = 0  # changes whenever the ledger does: a frozen copy is still right while it stays

    def add(self, category: str, mib: float) -> None:
        """Add (or, with a negative ``mib``, release) memory or disk in one category."""
        by = self._by
        old = by.get(category, 0.0)
        value = old + mib
        # Releases return exactly what was added, up to float rounding: snap that dust to zero.
        if -1e-9 < value < 1e-9:
            value = 0.0
        by[category] = value
        self.version += 1
        total = self.total + (value - old)
        self.total = 0.0 if -1e-9 < total < 1e-9 else total

    def copy_from(self, other: MutableLedger) -> None:
        """Hold exactly what ``other`` holds (its categories and total, bit for bit), without passing it on."""
        self._by = dict(other._by)
        self.total = other.total
        self.version += 1

    def get(self, category: str) -> float:
        """MiB in one category."""
        return self._by.get(category, 0.0)

    def items(self) -> Iterable[tuple[str, float]]:
        """(category, MiB) pairs."""
        return self._by.items()

    def freeze(self, order: tuple[str, ...], capacity_mib: float) -> Ledger:
        """An immutable :class:`Ledger` with every category of ``order``, zeros included."""
        return Ledger(self.total, capacity_mib, tuple((c, max(0.0, self._by.get(c, 0.0))) for c in order))
