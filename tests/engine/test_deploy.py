"""Deploying a new version to many servers: by hand one after another (and drifting), or from one image."""

from __future__ import annotations

import pytest

from vmsim.engine import Settings, Simulation, VmSettings, default_catalog, make_host
from vmsim.engine.deploy import figure, restart_s
from vmsim.engine.machines import Cluster

WORLDS = ("vm", "container", "microvm")


def fleet(hosts: int, per_host: int = 2, seed: int = 4) -> Simulation:
    cat = default_catalog()
    settings = Settings(cat, vm=VmSettings(image_cached=True))
    sim = Simulation(make_host(cat, "server"), WORLDS, settings, seed=seed, cluster=Cluster(hosts))
    sim.add_workload("node-web", hosts * per_host)
    sim.run_until(60)
    assert all(w.counts["running"] == hosts * per_host for w in sim.worlds.values())
    return sim


def deployed(sim: Simulation, world: str):
    return [e for e in sim.snapshot().world(world).events if e.kind == "deployed"]


def test_by_hand_walks_the_hosts_one_after_another():
    sim = fleet(4)
    took = sim.deploy("node-web", "by-hand", "2.0")
    sim.run_until(60 + max(took.values()) + 1)
    per_container_host = figure("connect_s") + figure("checkout_s") + figure("docker_build_s") + figure("set_env_s")
    world = sim.worlds["container"]
    restarts = sum(restart_s(world, i) for i in world.nodes[0].instances)
    events = deployed(sim, "container")
    assert [e.host for e in events] == ["host-1", "host-2", "host-3", "host-4"]
    assert [e.elapsed_s for e in events] == pytest.approx([(k + 1) * (per_container_host + restarts) for k in range(4)])
    # In a VM world the person works inside each VM's guest: twice the VMs, twice the time.
    per_vm = sum(figure(k) for k in ("connect_s", "install_runtime_s", "install_packages_s", "set_env_s", "restart_s"))
    assert deployed(sim, "vm")[-1].elapsed_s == pytest.approx(4 * 2 * per_vm)


def test_by_hand_grows_with_the_hosts_and_by_image_far_more_slowly():
    def took(hosts: int, method: str) -> float:
        return fleet(hosts).deploy("node-web", method, "2.0")["container"]

    assert took(10, "by-hand") == pytest.approx(10 * took(1, "by-hand"))
    assert took(10, "image") < 1.2 * took(1, "image") < took(10, "by-hand") / 5


def test_an_image_deploy_ships_one_version_that_works_everywhere():
    sim = fleet(5, per_host=3)
    took = sim.deploy("node-web", "image", "2.0")
    sim.run_until(60 + max(took.values()) + 1)
    for w in sim.snapshot().worlds:
        assert all(i.version == "2.0" and i.works for i in w.instances)
        assert {e.host for e in deployed(sim, w.name)} == {f"host-{k}" for k in range(1, 6)}
    # max_unavailable restarts that many at once per host: fewer rounds, sooner done.
    faster = fleet(5, per_host=3).deploy("node-web", "image", "2.0", max_unavailable=3)
    assert faster["container"] < took["container"]


def test_by_hand_drifts_some_servers_and_the_seed_decides_which():
    def outcome(seed: int) -> list[tuple[str, str | None, bool]]:
        sim = fleet(10, seed=seed)
        took = sim.deploy("node-web", "by-hand", "2.0")
        sim.run_until(60 + max(took.values()) + 1)
        return [(i.id, i.version, i.works) for i in sim.snapshot().world("container").instances]

    first = outcome(4)
    assert first == outcome(4)
    assert any(not works for _, _, works in first) and any(works for _, _, works in first)
    assert any(outcome(s) != first for s in (5, 6, 7))


def test_a_rollback_is_a_deploy_of_the_previous_version():
    sim = fleet(3)
    took = sim.deploy("node-web", "image", "2.0")
    sim.run_until(60 + took["container"] + 1)
    back = sim.deploy("node-web", "image", "1.0", hosts=["host-2"])
    sim.run_until(sim.now + back["container"] + 1)
    versions = {i.host: i.version for i in sim.snapshot().world("container").instances}
    assert versions == {"host-1": "2.0", "host-2": "1.0", "host-3": "2.0"}
    assert deployed(sim, "container")[-1].version == "1.0" and deployed(sim, "container")[-1].host == "host-2"


def test_a_deploy_with_a_bad_host_or_method_is_refused():
    sim = fleet(2)
    with pytest.raises(ValueError, match="did you mean 'host-2'"):
        sim.deploy("node-web", "image", "2.0", hosts=["host-22"])
    with pytest.raises(ValueError, match="method must be one of by-hand, image"):
        sim.deploy("node-web", "by-ssh", "2.0")
