"""Adding a host to a running simulation: every world gains the same empty host, placement uses it, replay is exact."""

from __future__ import annotations

import pytest

from vmsim.engine import Host, Settings, Simulation, default_catalog
from vmsim.engine.machines import Cluster

WORLDS = ("vm", "container", "microvm")


def sim_of(hosts: int = 2, placement: str = "spread", names: tuple[str, ...] = ()) -> Simulation:
    cat = default_catalog()
    return Simulation(
        Host.from_preset(cat.hosts["laptop"]),
        worlds=WORLDS,
        settings=Settings(cat),
        seed=5,
        cluster=Cluster(hosts, placement, names),
    )


def test_a_new_host_is_empty_up_and_counted_in_every_world():
    sim = sim_of(2)
    sim.add_workload("nginx", 4)
    sim.run_until(30)
    before = {w.name: w.memory.total_mib for w in sim.snapshot().worlds}
    assert sim.add_host() == "host-3"
    sim.check_invariants()
    snap = sim.snapshot()
    assert snap.host.hosts == 3
    for w in snap.worlds:
        assert [h.name for h in w.hosts] == ["host-1", "host-2", "host-3"]
        new = w.hosts[-1]
        assert new.up and new.instances == ()
        # The new host brings its OS (and a runtime, in the container world) and its capacity, nothing else.
        assert w.memory.total_mib == pytest.approx(before[w.name] + new.memory.total_mib)
        assert w.memory.capacity_mib == pytest.approx(3 * snap.host.memory_mib)
        assert new.memory.total_mib < w.hosts[0].memory.total_mib


def test_spread_sends_the_next_instances_to_the_new_empty_host():
    sim = sim_of(2)
    sim.add_workload("nginx", 4)
    sim.run_until(30)
    sim.add_host()
    sim.add_workload("nginx", 2)
    sim.run_until(60)
    sim.check_invariants()
    for w in sim.snapshot().worlds:
        assert w.hosts[-1].instances == ("nginx-5", "nginx-6"), w.name


def test_pack_fills_the_new_host_only_when_the_others_are_full():
    sim = sim_of(1, "pack")
    sim.add_host()
    sim.add_workload("nginx", 1)
    sim.run_until(30)
    for w in sim.snapshot().worlds:
        assert [len(h.instances) for h in w.hosts] == [1, 0], w.name


def test_named_hosts_get_the_next_free_default_name_and_a_duplicate_is_refused():
    sim = sim_of(2, names=("ec2-a", "host-3"))
    assert sim.add_host() == "host-4"  # host-3 is taken by a named host
    assert sim.add_host("ec2-b") == "ec2-b"
    assert sim.cluster.host_names() == ("ec2-a", "host-3", "host-4", "ec2-b")
    with pytest.raises(ValueError, match="already a host 'ec2-b'"):
        sim.add_host("ec2-b")


def test_a_fault_can_name_the_new_host_and_a_replay_of_the_commands_is_identical():
    sim = sim_of(2)
    sim.add_workload("redis", 3)
    sim.run_until(20)
    sim.add_host()
    sim.add_workload("redis", 2)
    sim.run_until(40)
    sim.fault("host-down", host="host-3")
    sim.run_until(80)
    sim.check_invariants()
    down = [h for h in sim.snapshot().world("container").hosts if not h.up]
    assert [h.name for h in down] == ["host-3"]

    again = sim_of(2)
    for cmd in sim.commands:
        again.at(cmd.t_s, cmd.verb, *cmd.args)
    again.run_until(80)
    assert again.snapshot() == sim.snapshot()


def test_no_more_than_the_cluster_limit():
    sim = sim_of(1000)
    with pytest.raises(ValueError, match="at most 1,000 hosts"):
        sim.add_host()


@pytest.mark.parametrize("placement", ["spread", "pack"])
def test_a_one_host_world_grows_a_second_host_mid_boot_and_its_books_stay_balanced(placement):
    sim = sim_of(1, placement)
    sim.add_workload("nginx", 3)
    sim.run_until(2.0)  # the VMs are booting: their CPU work is under way on host-1
    before = {w.name: (w.memory, w.cpu.boot_demand_cores) for w in sim.snapshot().worlds}
    assert sim.add_host() == "host-2"
    sim.check_invariants()
    for w in sim.snapshot().worlds:
        host_1, host_2 = w.hosts
        assert host_1.memory == before[w.name][0]  # host-1 keeps exactly the books the world had
        assert w.cpu.boot_demand_cores == pytest.approx(before[w.name][1])  # its boot work still counts
        assert host_2.instances == () and host_2.up
    sim.add_workload("redis", 2)
    for t in range(4, 300, 2):  # the VM image downloads first (not cached here), then every VM boots
        sim.run_until(float(t))
        sim.check_invariants()
    snap = sim.snapshot()
    for w in snap.worlds:
        assert w.count("running") == 5, w.name
        assert w.memory.total_mib == pytest.approx(sum(h.memory.total_mib for h in w.hosts))
        assert w.cpu.boot_demand_cores == pytest.approx(0.0)
        if placement == "spread":
            assert w.hosts[1].instances == ("redis-1", "redis-2"), w.name
