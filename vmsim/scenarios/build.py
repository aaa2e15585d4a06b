"""ScenarioSpec → Simulation: the one factory the CLI, the TUI and the tests all use."""

from __future__ import annotations

from dataclasses import replace

from vmsim.engine.catalog import Catalog, default_catalog
from vmsim.engine.hosts import make_host
from vmsim.engine.machines import Host, Settings
from vmsim.engine.simulation import Simulation
from vmsim.scenarios.spec import ScenarioSpec


def build_host(spec: ScenarioSpec, catalog: Catalog) -> Host:
    """The scenario's host (``local`` reads this machine with psutil)."""
    return make_host(catalog, spec.host.preset, **spec.host.overrides())


def build_simulation(
    spec: ScenarioSpec, seed: int | None = None, catalog: Catalog | None = None, host: Host | None = None
) -> Simulation:
    """A fresh Simulation at t = 0 with the scenario's timed events scheduled."""
    catalog = catalog or default_catalog()
    if seed is not None:
        spec = replace(spec, seed=seed)
    settings = Settings(catalog, vm=spec.vm, container=spec.container, microvm=spec.microvm)
    sim = Simulation(
        host or build_host(spec, catalog),
        worlds=spec.worlds,
        settings=settings,
        seed=spec.seed,
        scenario=spec.name,
    )
    for event in spec.events:
        sim.at(event.at_s, event.verb, *event.args)
    return sim
