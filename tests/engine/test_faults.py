"""Failure domains: each fault is one event per world, its affected ids exactly the instances it reached."""

from __future__ import annotations

import pytest

from vmsim.engine import Settings, Simulation, VmSettings, default_catalog, make_host
from vmsim.engine.events import FAULTS
from vmsim.engine.machines import Cluster

WORLDS = ("vm", "container", "microvm")


def running_sim(hosts: int = 3, app: str = "nginx", count: int = 6, **container) -> Simulation:
    cat = default_catalog()
    settings = Settings(cat, vm=VmSettings(image_cached=True))
    if container:
        settings = settings._replace(container=settings.container._replace(**container))
    sim = Simulation(make_host(cat, "laptop"), WORLDS, settings, seed=5, cluster=Cluster(hosts))
    sim.add_workload(app, count)
    sim.run_until(60)
    assert all(w.counts["running"] == count for w in sim.worlds.values())
    return sim


def last(sim: Simulation, world: str):
    """The world's latest fault event."""
    return [e for e in sim.snapshot().world(world).events if e.kind in FAULTS][-1]


def on_host(sim: Simulation, world: str, host: str) -> list[str]:
    return [i.id for i in sim.snapshot().world(world).instances if i.host == host and i.state == "running"]


def state(sim: Simulation, world: str, instance: str) -> str:
    return next(i.state for i in sim.snapshot().world(world).instances if i.id == instance)


def test_host_down_stops_every_instance_there_and_replaces_them_on_the_others():
    sim = running_sim()
    before = {w: on_host(sim, w, "host-2") for w in WORLDS}
    assert all(len(ids) == 2 for ids in before.values())
    sim.fault("host-down", host="host-2")
    sim.check_invariants()
    for w in WORLDS:
        event = last(sim, w)
        assert event.kind == "host-down" and list(event.affected) == before[w]
        assert all(state(sim, w, i) == "killed" for i in before[w])
    sim.run_until(120)
    sim.check_invariants()
    snap = sim.snapshot()
    for w in WORLDS:
        world = snap.world(w)
        replacements = [i for i in world.instances if i.replaces is not None]
        assert sorted(i.replaces for i in replacements) == sorted(before[w])
        assert all(i.host in ("host-1", "host-3") and i.state == "running" for i in replacements)
        (down,) = [h for h in world.hosts if h.name == "host-2"]
        assert not down.up
        assert down.memory.total_mib == pytest.approx(sim.host.host_os_memory_mib + down.memory.get("runtime"))
    # Containers start from the layers already on the surviving hosts: about a second, not a VM boot.
    boot = {w: max(i.ready_s - i.added_s for i in snap.world(w).instances if i.replaces) for w in WORLDS}
    assert boot["container"] < 1.5 < 10 < boot["vm"]


def test_a_host_down_refuses_new_instances_only_when_no_host_is_up():
    sim = running_sim(hosts=1, count=1)
    sim.fault("host-down", host="host-1")
    (new,) = sim.add_workload("nginx")
    for w in sim.snapshot().worlds:
        inst = next(i for i in w.instances if i.id == new)
        assert inst.state == "failed" and inst.host is None and "host-1" in str(inst.reason)


def test_a_host_kernel_panic_stops_every_container_on_the_host_but_one_guest_only():
    sim = running_sim()
    neighbours = on_host(sim, "container", "host-1")
    assert "nginx-1" in neighbours and len(neighbours) == 2
    sim.fault("kernel-panic", instance="nginx-1")
    sim.check_invariants()
    assert list(last(sim, "container").affected) == neighbours
    assert all(state(sim, "container", i) == "killed" for i in neighbours)
    for w in ("vm", "microvm"):
        assert last(sim, w).kind == "kernel-panic" and last(sim, w).affected == ("nginx-1",)
        assert [i for i in on_host(sim, w, "host-1")] == [i for i in neighbours if i != "nginx-1"]


def test_a_guest_kernel_panic_reaches_one_guest_and_no_container():
    sim = running_sim()
    sim.fault("guest-kernel-panic", instance="nginx-2", reboot=True)
    assert last(sim, "container").kind == "guest-kernel-panic" and last(sim, "container").affected == ()
    assert state(sim, "container", "nginx-2") == "running"
    sim.run_until(120)
    for w in ("vm", "microvm"):
        assert state(sim, w, "nginx-2") == "killed"
        (again,) = [i for i in sim.snapshot().world(w).instances if i.replaces == "nginx-2"]
        assert again.host == "host-2" and again.state == "running"  # rebooted where it was


def test_an_escape_exposes_every_container_on_the_host_but_one_guest():
    sim = running_sim()
    neighbours = on_host(sim, "container", "host-3")
    sim.fault("escape", instance="nginx-3")
    snap = sim.snapshot()
    exposed = {w: [i.id for i in snap.world(w).instances if i.exposed] for w in WORLDS}
    assert exposed["container"] == neighbours and len(neighbours) == 2
    assert exposed["vm"] == exposed["microvm"] == ["nginx-3"]
    assert all(i.state == "running" for w in snap.worlds for i in w.instances)  # exposed, not killed
    assert list(last(sim, "container").affected) == neighbours


def test_a_noisy_container_pushes_the_host_oom_killer_onto_its_neighbours():
    sim = running_sim(hosts=2, app="java-spring", count=4)
    victims = [i for i in on_host(sim, "container", "host-1") if i != "java-spring-1"]
    host_1 = sim.snapshot().world("container").hosts[0]
    over = host_1.memory.free_mib + 50  # more than the host has left, less than a neighbour frees
    sim.fault("noisy-neighbour", instance="java-spring-1", memory_mib=over)
    sim.check_invariants()
    assert state(sim, "container", "java-spring-1") == "running"
    assert victims and all(state(sim, "container", i) == "killed" for i in victims)
    assert list(last(sim, "container").affected) == ["java-spring-1", *victims]
    # In a VM it fills its own guest: the guest's OOM killer stops its own app, nobody else's.
    for w in ("vm", "microvm"):
        assert last(sim, w).affected == ("java-spring-1",) and state(sim, w, "java-spring-1") == "killed"
        assert all(state(sim, w, i) == "running" for i in victims)


def test_a_noisy_container_with_a_memory_limit_stops_itself():
    sim = running_sim(hosts=2, app="redis", count=4, memory_limit_mib=512)
    sim.fault("noisy-neighbour", instance="redis-1", memory_mib=15000)
    assert last(sim, "container").affected == ("redis-1",)
    assert [i.state for i in sim.snapshot().world("container").instances].count("killed") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("host-dwn",), "did you mean 'host-down'"),
        (("host-down",), "needs a host of the cluster"),
        (("escape",), "needs an instance id"),
    ],
)
def test_bad_faults_are_refused_with_a_reason(args, message):
    sim = running_sim(count=1)
    with pytest.raises(ValueError, match=message):
        sim.fault(*args)


def test_faults_replay_the_same_bytes():
    from vmsim.output.formats import render_json

    def run() -> str:
        sim = running_sim()
        sim.at(70, "fault", "host-down", "host-1", None, False, None)
        sim.at(80, "fault", "kernel-panic", None, "nginx-2", False, None)
        sim.run_until(130)
        return render_json(sim.snapshot())

    assert run() == run()


def test_a_panicked_guest_reboots_while_a_replacement_elsewhere_boots_for_the_first_time():
    """A guest that boots again on its own host reboots (≈10 s: cloud-init's first-boot work is done); a VM placed
    anew after its host went down boots for the first time (≈25 s). Both booted as first boots before."""
    sim = running_sim()
    at = sim.now
    sim.fault("guest-kernel-panic", instance="nginx-2", reboot=True)
    sim.fault("host-down", host="host-3")
    sim.run_until(at + 120)
    vms = sim.snapshot().world("vm").instances
    (rebooted,) = [i for i in vms if i.replaces == "nginx-2"]
    fresh = [i for i in vms if i.replaces is not None and i.replaces != "nginx-2"]
    assert fresh and rebooted.ready_s is not None
    reboot_s = rebooted.ready_s - rebooted.added_s
    first_s = min(i.ready_s - i.added_s for i in fresh if i.ready_s is not None)
    assert 8.0 <= reboot_s <= 15.0
    assert first_s >= 18.0
