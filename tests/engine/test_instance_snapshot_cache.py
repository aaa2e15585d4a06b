"""An instance's snapshot is kept until the instance changes — while it boots, until its phase changes, with only
the phase's progress brought up to date — so a tick at 10,000 booting instances does not rebuild them all. What is
kept must always equal a snapshot made afresh."""

from __future__ import annotations

from pathlib import Path

import pytest

from vmsim.engine import Host, Settings, Simulation, default_catalog
from vmsim.engine.machines import Cluster
from vmsim.engine.observation import instance_snapshot
from vmsim.scenarios import build_simulation, load_scenario

SCENARIOS = sorted(p.stem for p in (Path(__file__).resolve().parents[2] / "scenarios").glob("*.toml"))


def _fresh(world, inst):
    kept, inst.snap = inst.snap, None
    try:
        return instance_snapshot(world, inst)
    finally:
        inst.snap = kept


def _check(sim, where):
    booting = 0
    snapshot = sim.snapshot()
    for world in sim.worlds.values():
        shown = snapshot.world(world.kind).instances
        for inst, snap in zip(world.instances, shown, strict=True):
            assert snap == _fresh(world, inst), (where, world.kind, inst.id, inst.state)
            booting += inst.state == "booting"
    return booting


@pytest.mark.parametrize("name", SCENARIOS)
def test_kept_snapshots_equal_fresh_ones_at_every_moment_of_every_shipped_scenario(name):
    spec = load_scenario(name)
    sim = build_simulation(spec)
    end = min(spec.duration_s, 400.0)
    t = 0.0
    while t < end:
        t = min(end, t + 0.7)
        sim.run_until(t)
        _check(sim, (name, t))


def test_kept_snapshots_follow_boot_phases_downloads_faults_and_deploys():
    cat = default_catalog()
    sim = Simulation(
        Host.from_preset(cat.hosts["laptop"]),
        worlds=("vm", "container", "microvm"),
        settings=Settings(cat),
        seed=5,
        cluster=Cluster(3, "spread", ()),
    )
    sim.add_workload("nginx", 5)
    sim.add_workload("python-api", 3)
    seen_booting = 0
    for step in range(80):
        sim.run_until(step * 0.25)
        seen_booting += _check(sim, step)
        if step == 20:
            sim.fault("host-down", host="host-2")
        if step == 40:
            sim.deploy("nginx", "image", "2")
        if step == 50:
            sim.grow_app("python-api", 32)
    assert seen_booting > 50  # the booting path (kept, progress refreshed) was exercised
