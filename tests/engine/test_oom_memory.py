"""The oom scenario: apps already killed hold no memory as apps and count in nobody's memory in use."""

from __future__ import annotations

import pytest

from vmsim.scenarios import build_simulation, load_scenario


def test_oom_scenario_counts_only_the_live_apps_memory(cat):
    spec = load_scenario("oom")
    sim = build_simulation(spec, seed=spec.seed)
    sim.run_until(spec.duration_s)
    sim.check_invariants()
    snap = sim.snapshot()
    python_api = cat.apps["python-api"]
    for world in snap.worlds:
        states = {i.id: i.state for i in world.instances}
        # Every redis was killed (a VM's guest OOM killer, a container's cgroup); python-api runs on.
        assert states == {"redis-1": "killed", "redis-2": "killed", "redis-3": "killed", "python-api-1": "running"}
        live_apps = python_api.rss_mib if world.name == "vm" else python_api.private_mib.value
        assert world.memory.get("apps") == pytest.approx(live_apps), world.name
    vm = snap.world("vm")
    alloc = spec.vm.memory_mib
    # The VMs whose app died stay committed (each its whole allocation) until someone removes them...
    assert vm.memory.total_mib >= cat.hosts["laptop"].host_os_memory_mib.value + 4 * alloc
    # ... but what they touched for redis is idle again: in use is the four guests, python-api and QEMU.
    assert vm.memory_touched_mib < vm.memory.total_mib - 3 * (alloc / 2)


def test_a_vm_whose_app_was_killed_frees_the_app_memory_but_keeps_its_allocation(cat, make_sim):
    alloc = 2048
    sim = make_sim(worlds=("vm",), vm={"image_cached": True, "memory_mib": alloc})
    sim.add_workload("redis")
    sim.run_until(60)
    before = sim.snapshot().world("vm")
    sim.grow_app("redis", alloc)  # more than the guest has: its OOM killer stops redis
    sim.check_invariants()
    after = sim.snapshot().world("vm")
    assert after.instances[0].state == "killed"
    assert after.memory.get("apps") == pytest.approx(0, abs=1e-6)
    assert after.memory.total_mib == pytest.approx(before.memory.total_mib)  # still committed
    # The guest evicted its page cache for redis before the kill: in use is the host OS, QEMU, kernel and services.
    m = after.memory
    kept = sum(m.get(c) for c in ("host_os", "hypervisor", "guest_kernel", "guest_services"))
    assert m.get("guest_page_cache") == pytest.approx(0, abs=1e-6)
    assert after.memory_touched_mib == pytest.approx(kept)
    assert after.memory_touched_mib < before.memory_touched_mib - cat.apps["redis"].rss_mib
