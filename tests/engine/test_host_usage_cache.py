"""A world's hosts in a snapshot are kept between snapshots until the host changes: a world of 1,000 hosts
refreezes only the ones that changed. The kept figures must always equal freshly computed ones."""

from __future__ import annotations

from vmsim.engine import Host, Settings, Simulation, default_catalog
from vmsim.engine.machines import Cluster
from vmsim.engine.observation import _host_usage


def sim_of(hosts: int) -> Simulation:
    cat = default_catalog()
    return Simulation(
        Host.from_preset(cat.hosts["laptop"]),
        worlds=("vm", "container", "microvm"),
        settings=Settings(cat),
        seed=3,
        cluster=Cluster(hosts, "spread", ()),
    )


def _fresh(sim):
    return {name: tuple(_host_usage(n) for n in world.nodes) for name, world in sim.worlds.items()}


def test_kept_host_figures_equal_fresh_ones_through_boots_growth_faults_and_deploys():
    sim = sim_of(4)
    sim.add_workload("nginx", 6)
    sim.add_workload("redis", 3)
    for t in (0.2, 1.0, 5.0, 12.0, 30.0):
        sim.run_until(t)
        for world in sim.snapshot().worlds:
            assert world.hosts == _fresh(sim)[world.name], (t, world.name)
    sim.grow_app("redis", 64)
    sim.fault("kernel-panic", instance="nginx-2")
    sim.fault("host-down", host="host-3")
    sim.deploy("nginx", "image", "2")
    for t in (31.0, 35.0, 60.0, 120.0):
        sim.run_until(t)
        for world in sim.snapshot().worlds:
            assert world.hosts == _fresh(sim)[world.name], (t, world.name)


def test_an_unchanged_host_is_not_frozen_again():
    sim = sim_of(3)
    sim.add_workload("nginx", 3)
    sim.run_until(60.0)
    first = {w.name: w.hosts for w in sim.snapshot().worlds}
    second = {w.name: w.hosts for w in sim.snapshot().worlds}
    for name, hosts in first.items():
        assert all(a is b for a, b in zip(hosts, second[name], strict=True)), name
    sim.add_workload("nginx", 1)  # one host changes
    third = {w.name: w.hosts for w in sim.snapshot().worlds}
    for name, hosts in second.items():
        kept = sum(a is b for a, b in zip(hosts, third[name], strict=True))
        assert kept == len(hosts) - 1, name
