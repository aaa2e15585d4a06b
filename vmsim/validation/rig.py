"""The reference experiments' bench: simulations on a catalog host with explicit settings, and what they read.

Each experiment builds a :class:`~vmsim.engine.Simulation` with an explicit host and explicit settings,
adds workloads, runs the clock and reads the snapshot, exactly as a scenario would.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from typing import Any

from vmsim.engine import (
    Catalog,
    ContainerSettings,
    InstanceSnapshot,
    MicroVmSettings,
    Settings,
    Simulation,
    VmSettings,
    make_host,
)

MB = 1e6 / 2**20  # one decimal megabyte in MiB
GB = 1e9 / 2**20  # one decimal gigabyte in MiB
KB_DECIMAL = 1e3 / 2**20  # one kB in MiB


def reference_sim(
    cat: Catalog,
    worlds: Iterable[str],
    host: str = "laptop",
    *,
    vm: dict[str, Any] | None = None,
    container: dict[str, Any] | None = None,
    microvm: dict[str, Any] | None = None,
    seed: int = 0,
    **hardware: float,
) -> Simulation:
    """A Simulation on a catalog host preset (hardware overridable) with explicit per-world settings."""
    settings = Settings(
        cat,
        vm=VmSettings(**(vm or {})),
        container=ContainerSettings(**(container or {})),
        microvm=MicroVmSettings(**(microvm or {})),
    )
    return Simulation(
        make_host(cat, host, None, **hardware),
        worlds=tuple(worlds),
        settings=settings,
        seed=seed,
        scenario="validate-model",
    )


def durations(inst: InstanceSnapshot) -> dict[str, float]:
    """Phase name → seconds, for the phases that finished."""
    return {p.name: p.end_s - p.start_s for p in inst.phases if p.end_s is not None}


def phase_sum(inst: InstanceSnapshot, names: Sequence[str]) -> float:
    """The seconds of the named phases together (NaN if one did not finish)."""
    d = durations(inst)
    return sum(d.get(n, math.nan) for n in names)


def median(values: Iterable[float | None]) -> float:
    """The median of the finite values (NaN if there are none)."""
    vals = [v for v in values if v is not None and math.isfinite(v)]
    return statistics.median(vals) if vals else math.nan


def instances(sim: Simulation, world: str) -> tuple[InstanceSnapshot, ...]:
    """The instances of one world now."""
    return sim.snapshot(include_events=False).world(world).instances


def sequential(sim: Simulation, world: str, app: str, n: int, gap_s: float) -> list[InstanceSnapshot]:
    """Start ``n`` instances one after another, ``gap_s`` apart (each long done before the next)."""
    for _ in range(n):
        sim.add_workload(app)
        sim.advance(gap_s)
    return list(instances(sim, world))
