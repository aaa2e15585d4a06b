"""ScenarioSpec → Simulation: the one factory the CLI, the TUI and the tests all use."""

from __future__ import annotations

from vmsim.engine.catalog import Catalog, default_catalog
from vmsim.engine.hosts import make_host
from vmsim.engine.machines import Host, Settings
from vmsim.engine.simulation import Simulation
from vmsim.scenarios.apps import with_app_images
from vmsim.scenarios.errors import ScenarioError
from vmsim.scenarios.spec import EventSpec, ScenarioSpec
from vmsim.text import msg


def build_host(spec: ScenarioSpec, catalog: Catalog) -> Host:
    """The scenario's host (``local`` reads this machine with psutil)."""
    machine = None
    if spec.host.preset == "local":
        from vmsim.host.local import probe_local_machine  # only the local preset reads the real machine

        machine = probe_local_machine()
    return make_host(catalog, spec.host.preset, machine, **spec.host.overrides())


def build_simulation(
    spec: ScenarioSpec,
    seed: int | None = None,
    catalog: Catalog | None = None,
    host: Host | None = None,
    play_lesson: bool = False,
) -> Simulation:
    """A fresh Simulation at t = 0 with the scenario's timed events scheduled (and, with ``play_lesson``,
    the lesson's actions as in :func:`lesson_timeline`)."""
    catalog = with_app_images(catalog or default_catalog(), spec.apps)
    if seed is not None:
        spec = spec._replace(seed=seed)
    settings = Settings(catalog, vm=spec.vm, container=spec.container, microvm=spec.microvm)
    try:
        sim = Simulation(
            host or build_host(spec, catalog),
            worlds=spec.worlds,
            settings=settings,
            seed=spec.seed,
            scenario=spec.name,
            cluster=spec.cluster,
        )
    except ValueError as exc:
        # The engine's check is English; say in Korean which part of the file it is about.
        raise ScenarioError(spec.source, [msg("scenario.host_too_small", error=exc)]) from None
    for event in spec.events:
        sim.at(event.at_s, event.verb, *event.args)
    if play_lesson:
        for event in lesson_timeline(spec):
            sim.at(event.at_s, event.verb, *event.args)
    return sim


def lesson_timeline(spec: ScenarioSpec) -> list[EventSpec]:
    """A lesson's actions as timed events: each step acts, then is watched for its ``watch_s``.

    This is how a lesson plays without a teacher (``vmsim run`` of a lesson scenario).
    """
    t = 0.0
    out: list[EventSpec] = []
    for step in spec.lesson:
        out.extend(EventSpec(t, a.verb, a.args) for a in step.actions)
        t += step.watch_s
    return out
