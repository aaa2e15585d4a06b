"""An instance's snapshot is kept until the instance changes — while it boots, until its phase changes, with only
the phase's progress brought up to date — so a tick at 10,000 booting instances does not rebuild them all. What is
kept must always equal a snapshot made afresh."""

from __future__ import annotations

from pathlib import Path

import pytest

from vmsim.engine import Host, Settings, Simulation, VmSettings, default_catalog
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
        seen = snapshot.world(world.kind)
        for inst, snap in zip(world.instances, seen.instances, strict=True):
            assert snap == _fresh(world, inst), (where, world.kind, inst.id, inst.state)
            booting += inst.state == "booting"
            if inst.job is not None and inst.job_on is not None:
                # A phase on a shared resource: the world's clock reading gives the resource's own progress.
                assert seen.progress(snap) == inst.job_on.progress(inst.job), (where, inst.id)
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


def test_a_booting_instance_keeps_its_snapshot_through_a_phase_and_only_the_clock_reading_moves():
    cat = default_catalog()
    settings = Settings(cat, vm=VmSettings(image_cached=True))  # booting at once: no image to download first
    sim = Simulation(Host.from_preset(cat.hosts["laptop"]), worlds=("vm",), settings=settings, seed=2)
    sim.add_workload("nginx", 3)
    sim.run_until(4.0)  # systemd in each guest
    before = sim.snapshot().world("vm")
    sim.run_until(4.05)
    after = sim.snapshot().world("vm")
    same_phase = [
        (a, b)
        for a, b in zip(before.instances, after.instances, strict=True)
        if a.state == b.state == "booting" and a.phase == b.phase and a.work is not None
    ]
    assert same_phase, "some instance stayed in one timed phase"
    for a, b in same_phase:
        assert b is a, "the same snapshot object, not a new one with a new fraction"
        assert after.progress(b) > before.progress(a), "its progress still moves, read off the world's clocks"
    assert after.clocks != before.clocks


def test_a_vm_whose_app_its_guest_killed_shows_its_memory_freed_when_its_host_goes_down():
    # The VM outlives its app (a guest OOM kill) and holds its memory until its host goes down: its snapshot,
    # kept all that time, must then show the memory freed, and the world's memory series must follow.
    cat = default_catalog()
    settings = Settings(cat, vm=VmSettings(memory_mib=1024, image_cached=True))
    sim = Simulation(
        Host.from_preset(cat.hosts["laptop"]),
        worlds=("vm",),
        settings=settings,
        seed=1,
        cluster=Cluster(2, "spread", ()),
    )
    sim.add_workload("nginx", 2)
    sim.run_until(60)
    sim.grow_app("nginx", 2000)  # more than the guest has: its OOM killer stops the app, the VM stays
    sim.run_until(61)
    world = sim.worlds["vm"]
    victim = world.instances[0]
    assert victim.state == "killed" and victim.holds and sim.snapshot().world("vm").instances[0].memory_mib > 0
    assert victim.node is not None
    sim.fault("host-down", host=victim.node.name)
    sim.run_until(62)
    _check(sim, "after host-down")
    assert sim.snapshot().world("vm").instances[0].memory_mib == 0
    times, values = sim.series["memory_mib.vm"].points()
    assert values[-1] == pytest.approx(world.memory.total), "the chart shows the memory freed"
