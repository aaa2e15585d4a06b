"""``vmsim validate-model``: reference experiments run through the engine, compared with published figures.

Each experiment builds a :class:`~vmsim.engine.Simulation` with an explicit host and explicit settings,
adds workloads, runs the clock and reads the snapshot, exactly as a scenario would. Each comparison
becomes a :class:`Check`: the published figure (with the calibration notes' source key), the
conditions it was measured under, vmsim's figure, the tolerance and whether vmsim is inside it.

Rules the checks follow:

* Published values are constants written here from ``calibration.md``: never read back from the
  catalog, so a wrong catalog figure shows up as a failing check (see ``tests/test_validation.py``).
* A tolerance is the source's own spread (its range, its p99, its min–max) unless the row says
  otherwise and why.
* Where vmsim differs from a source on purpose, the check is marked ``model_choice``: its note says
  what the model does differently and why, and its tolerance tests that documented difference (so
  the check still fails if the model drifts beyond it). A difference that is not a documented
  modelling choice is a failing check.

The experiments live in :mod:`~vmsim.validation.boot_checks` and :mod:`~vmsim.validation.resource_checks`
(on the bench of :mod:`~vmsim.validation.rig`), each check is a :class:`~vmsim.validation.check.Check`, and
:mod:`~vmsim.validation.render` prints the result as a table or JSON.

Pure Python: no user-interface library is imported.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence

from vmsim.engine import Catalog, default_catalog
from vmsim.validation.boot_checks import boot_storms, container_start, microvm_boot, vm_boot
from vmsim.validation.check import Check
from vmsim.validation.render import render_validation, summary
from vmsim.validation.resource_checks import density, disk_growth, hypervisor_overhead, microvm_memory

__all__ = ["REFERENCE_EXPERIMENTS", "Check", "main", "render_validation", "run_validation", "summary"]

# In the order the report lists them.
REFERENCE_EXPERIMENTS: tuple[Callable[[Catalog], list[Check]], ...] = (
    vm_boot,
    container_start,
    microvm_boot,
    hypervisor_overhead,
    microvm_memory,
    disk_growth,
    density,
    boot_storms,
)


def run_validation(catalog: Catalog | None = None) -> list[Check]:
    """Run every reference experiment through the engine with ``catalog`` (default: the shipped one)."""
    from vmsim.validation.published import VALIDATION_EXPERIMENTS

    cat = catalog or default_catalog()
    checks: list[Check] = []
    for experiment in (*REFERENCE_EXPERIMENTS, *VALIDATION_EXPERIMENTS):
        checks.extend(experiment(cat))
    return checks


def main(argv: Sequence[str] | None = None) -> int:
    """``vmsim validate-model [--format table|json]``: print the report; 0 if every check passes, else 1."""
    parser = argparse.ArgumentParser(
        prog="vmsim validate-model",
        description="Run reference experiments through the engine and compare them with published measurements.",
    )
    parser.add_argument("--format", choices=["table", "json"], default="table")
    args = parser.parse_args(None if argv is None else list(argv))
    checks = run_validation()
    print(render_validation(checks, args.format), end="")
    return 0 if all(c.passed for c in checks) else 1


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
