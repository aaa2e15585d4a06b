"""The result of ``vmsim validate-model`` for people (a table with the conditions and notes below) and for
programs (JSON)."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence

from vmsim.output.formats import table
from vmsim.validation.check import Check


def summary(checks: Sequence[Check]) -> dict[str, int]:
    """Counts: total, passed, failed, and passed within a documented modelling difference."""
    passed = sum(c.passed for c in checks)
    return {
        "total": len(checks),
        "passed": passed,
        "failed": len(checks) - passed,
        "model_choices": sum(c.passed and c.model_choice for c in checks),
        "validation": sum(c.kind == "validation" for c in checks),
        "calibration": sum(c.kind == "calibration" for c in checks),
    }


def render_validation(checks: Sequence[Check], fmt: str = "table") -> str:
    """The report as a text table with notes below (``fmt='table'``) or as JSON (``fmt='json'``)."""
    if fmt == "json":
        data = {"checks": [c.as_dict() for c in checks], "summary": summary(checks)}
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r}: use 'table' or 'json'")
    rows = [["#", "check", "kind", "published", "source", "vmsim", "tolerance", "result"]]
    for n, c in enumerate(checks, 1):
        rows.append([str(n), c.name, c.kind, c.published, c.source, c.vmsim, c.tolerance, c.result])
    s = summary(checks)
    lines = [
        "vmsim validate-model: reference experiments run through the engine vs published measurements",
        "",
        table(rows, "rlllllll"),
        "",
        f"{s['total']} checks: {s['passed']} pass ({s['model_choices']} within a documented modelling difference, "
        f"marked *), {s['failed']} fail.",
        f"{s['validation']} validation checks (a published experiment the model was not calibrated on, two-sided "
        f"tolerance from the source's spread); {s['calibration']} calibration checks (the model's own inputs read "
        "back, a one-sided bound, or a source close to those a figure was chosen with).",
        "",
        "Conditions and notes (source keys as in the calibration notes):",
    ]
    wrap = textwrap.TextWrapper(width=110, initial_indent="     ", subsequent_indent="     ")
    for n, c in enumerate(checks, 1):
        lines.append(f"{n:>3}. {c.name} [{c.result}]")
        lines.extend(wrap.wrap("Conditions: " + c.conditions))
        lines.extend(wrap.wrap(f"Tolerance: {c.tolerance}, {c.basis}."))
        if c.note:
            label = "Modelling choice: " if c.model_choice else "Note: "
            lines.extend(wrap.wrap(label + c.note))
    return "\n".join(lines) + "\n"
