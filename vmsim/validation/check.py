"""One comparison of vmsim with a published measurement: the figure, its source, vmsim's value, the verdict.

A check's verdict is ``low <= value <= high`` (a missing or NaN value fails); see
:mod:`vmsim.validation.checks` for the rules every check follows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Check:
    """One comparison of vmsim with a published measurement."""

    name: str
    published: str  # the published value, with its unit
    sources: tuple[str, ...]  # source keys as in calibration.md, e.g. ("FC-DATA",)
    conditions: str  # what was measured, and how vmsim's experiment was set up
    vmsim: str  # vmsim's value, with its unit
    tolerance: str  # the accepted range, as a range or a relative %
    passed: bool
    basis: str = ""  # why the tolerance is what it is (the source's own range, its p99, ...)
    note: str = ""  # for a modelling choice: what vmsim does differently, and why
    model_choice: bool = False
    value: float | None = None  # vmsim's value as a number, in ``unit``
    unit: str = ""
    low: float | None = None  # accepted range, in ``unit`` (None: open)
    high: float | None = None
    # "validation": a published experiment the model was not calibrated on, with a two-sided tolerance from
    # the source's own spread; "calibration": the model's own inputs (or a one-sided bound) read back.
    kind: str = "calibration"
    figure: str = ""  # the catalog figure a validation check tests (perturbing it beyond tolerance fails it)

    @property
    def source(self) -> str:
        """The source keys, comma separated."""
        return ", ".join(self.sources)

    @property
    def result(self) -> str:
        """'pass', 'pass*' (within a documented modelling difference) or 'FAIL'."""
        if not self.passed:
            return "FAIL"
        return "pass*" if self.model_choice else "pass"

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "name": self.name,
            "published": self.published,
            "sources": list(self.sources),
            "conditions": self.conditions,
            "vmsim": self.vmsim,
            "value": self.value,
            "unit": self.unit,
            "tolerance": self.tolerance,
            "tolerance_basis": self.basis,
            "low": self.low,
            "high": self.high,
            "passed": self.passed,
            "model_choice": self.model_choice,
            "kind": self.kind,
            "figure": self.figure,
            "result": self.result,
            "note": self.note,
        }


def fmt_num(x: float) -> str:
    """A number with as many digits as its size deserves: '1,234', '12.3', '1.23', '0.123'."""
    if x == 0:
        return "0"
    mag = abs(x)
    if mag >= 100:
        return f"{x:,.0f}"
    if mag >= 10:
        return f"{x:.1f}"
    if mag >= 1:
        return f"{x:.2f}"
    return f"{x:.3f}"


def shown_value(value: float | None, unit: str) -> str:
    """vmsim's value as the table shows it: milliseconds below a second, a sign on negative percentages."""
    if value is None:
        return "not measured"
    if unit == "%":
        return f"{value:+.1f} %" if value < 0 else f"{value:.1f} %"
    if unit == "s" and abs(value) < 1:
        return f"{value * 1000:.0f} ms"
    return f"{fmt_num(value)} {unit}".strip()


def make_check(
    name: str,
    *,
    published: str,
    sources: Sequence[str],
    conditions: str,
    value: float | None,
    unit: str,
    low: float | None,
    high: float | None,
    tolerance: str,
    basis: str,
    note: str = "",
    model_choice: bool = False,
    shown: str | None = None,
    kind: str = "calibration",
    figure: str = "",
) -> Check:
    """A check whose verdict is ``low <= value <= high`` (a missing or NaN value fails)."""
    ok = value is not None and math.isfinite(value)
    if ok:
        assert value is not None
        eps = 1e-9 * max(1.0, abs(value))
        ok = (low is None or value >= low - eps) and (high is None or value <= high + eps)
    clean = value if value is not None and math.isfinite(value) else None
    return Check(
        name=name,
        published=published,
        sources=tuple(sources),
        conditions=conditions,
        vmsim=shown if shown is not None else shown_value(clean, unit),
        tolerance=tolerance,
        passed=bool(ok),
        basis=basis,
        note=note,
        model_choice=model_choice,
        value=None if clean is None else round(clean, 6),
        unit=unit,
        low=low,
        high=high,
        kind=kind,
        figure=figure,
    )
