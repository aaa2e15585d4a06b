"""Bounded, named time series the engine records for charts (a data collector, not a UI)."""

from __future__ import annotations


class Series:
    """(t, value) points, at most ``max_points``: when full, every other old point is dropped.

    A point closer than ``resolution_s`` to the previous one replaces it, and an unchanged value is
    not stored again, so a quiet simulation costs nothing however long it runs.
    """

    __slots__ = ("name", "ts", "vs", "max_points", "resolution_s")

    def __init__(self, name: str, max_points: int = 2000, resolution_s: float = 0.05) -> None:
        self.name = name
        self.ts: list[float] = []
        self.vs: list[float] = []
        self.max_points = max_points
        self.resolution_s = resolution_s

    def record(self, t: float, value: float) -> None:
        """Add a point at time ``t`` (never earlier than the last)."""
        ts, vs = self.ts, self.vs
        if vs and vs[-1] == value:
            return
        if len(ts) >= 2 and t - ts[-2] < self.resolution_s and vs[-2] != value:
            # Keep the step shape: the point before stays, the last one moves to the newest value.
            ts[-1], vs[-1] = t, value
            return
        ts.append(t)
        vs.append(value)
        if len(ts) > self.max_points:
            self.ts = ts[:-1:2] + [ts[-1]]
            self.vs = vs[:-1:2] + [vs[-1]]

    def value_at(self, t: float) -> float:
        """The last recorded value at or before ``t`` (0 before the first point)."""
        out = 0.0
        for ti, vi in zip(self.ts, self.vs, strict=True):
            if ti > t:
                break
            out = vi
        return out

    def points(self) -> tuple[tuple[float, ...], tuple[float, ...]]:
        """(times, values) as tuples."""
        return tuple(self.ts), tuple(self.vs)
