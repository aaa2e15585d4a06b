"""Every shipped scenario loads, runs to its end with balanced books, and shows what it says it shows."""

from __future__ import annotations

import math

import pytest

from vmsim.engine import Simulation, default_catalog
from vmsim.output.words import reason_text
from vmsim.scenarios import build_simulation, load_scenario, shipped_names

REQUIRED = {
    "hello",
    "web-stack",
    "scale-out",
    "boot-storm",
    "cold-vs-warm",
    "laptop-limits",
    "shared-layers",
    "microvm",
    "oom",
}


def run(name: str, step_s: float = 0.5):
    """Run a shipped scenario to its end in steps, checking the invariants after every step."""
    spec = load_scenario(name)
    # Lesson scenarios play their steps' actions as `vmsim run` does.
    sim = build_simulation(spec, play_lesson=True)
    sim.check_invariants()
    while sim.now < spec.duration_s:
        sim.run_until(min(spec.duration_s, sim.now + step_s))
        sim.check_invariants()
    return spec, sim, sim.snapshot()


def test_the_required_presets_are_shipped():
    assert REQUIRED <= set(shipped_names())
    assert shipped_names() == sorted(shipped_names())


@pytest.mark.parametrize("name", shipped_names())
def test_shipped_scenario_runs_to_its_end_with_invariants_holding(name):
    spec, sim, snap = run(name)
    assert spec.slug == name
    assert spec.name and spec.description
    assert snap.time_s == spec.duration_s
    assert [w.name for w in snap.worlds] == [w for w in ("vm", "container", "microvm") if w in spec.worlds]
    for w in snap.worlds:
        assert w.instances, f"{name}: {w.name} has no instances"
        assert w.count("booting") == 0 and w.count("pending") == 0, f"{name}: {w.name} still booting at the end"
        assert w.count("running") >= 1
        assert w.disk.total_mib <= w.disk.capacity_mib
        assert w.memory_touched_mib <= snap.host.memory_mib * snap.host.hosts  # every host of the world
        assert w.memory.total_mib == pytest.approx(sum(mib for _, mib in w.memory.by_category))
        assert w.disk.total_mib == pytest.approx(sum(mib for _, mib in w.disk.by_category))


def test_hello_gives_results_a_teacher_can_defend():
    _, _, snap = run("hello")
    vm, ct, mv = (snap.world(n).instances[0] for n in ("vm", "container", "microvm"))
    assert (vm.state, ct.state, mv.state) == ("running", "running", "running")
    assert vm.boot_s > 5.0  # the full guest boot: seconds
    assert ct.boot_s < 1.0  # a warm container: well under a second
    assert mv.boot_s < 1.0  # a microVM: a fraction of a second
    assert vm.boot_s > 10 * ct.boot_s
    # The VM commits its whole allocation; the container only what its process uses.
    assert vm.memory_mib >= 2048 and ct.memory_mib < 20
    assert snap.world("vm").memory.total_mib > snap.world("container").memory.total_mib + 1900
    # The VM's base image and its overlay (first-boot writes) against one image's layers.
    assert snap.world("vm").disk.total_mib > snap.world("container").disk.total_mib + 500


def test_scale_out_runs_the_vm_world_out_of_memory():
    cat = default_catalog()
    spec, _, snap = run("scale-out")
    host = cat.hosts[spec.host.preset]
    adds = sum(e.args[1] for e in spec.events if e.verb == "add_workload")
    fits = math.floor(
        (host.memory_mib.value - host.host_os_memory_mib.value)
        / (spec.vm.memory_mib + cat.hypervisors[spec.vm.hypervisor].overhead_mib.value)
    )
    assert fits < adds
    vm, ct = snap.world("vm"), snap.world("container")
    assert vm.count("running") == fits
    assert vm.count("failed") == adds - fits
    assert all("refused" in (reason_text(i.reason) or "") for i in vm.instances if i.state == "failed")
    assert ct.count("running") == adds


def test_laptop_limits_fits_every_container_but_few_vms():
    spec, _, snap = run("laptop-limits")
    adds = sum(e.args[1] for e in spec.events if e.verb == "add_workload")
    assert snap.world("container").count("running") == adds
    assert snap.world("vm").count("running") < adds / 10


def test_boot_storm_is_slower_than_a_single_boot():
    _, _, snap = run("boot-storm")
    storm_sim = build_simulation(load_scenario("boot-storm"))
    # The same host and settings with one instance instead of fifty.
    single = Simulation(storm_sim.host, worlds=("vm",), settings=storm_sim.settings, seed=storm_sim.seed)
    single.add_workload("python-api")
    single.run_until(120)
    alone = single.snapshot().world("vm").instances[0].boot_s
    storm = [i.boot_s for i in snap.world("vm").instances]
    assert len(storm) == 50
    assert max(storm) > alone


def test_cold_vs_warm_second_start_is_warm():
    _, _, snap = run("cold-vs-warm")
    vm1, vm2 = snap.world("vm").instances
    ct1, ct2 = snap.world("container").instances
    assert vm1.phases[0].name == "download" and vm2.phases[0].name != "download"
    assert ct1.phases[0].name == "pull" and ct2.phases[0].name != "pull"
    assert vm2.boot_s < vm1.boot_s and ct2.boot_s < ct1.boot_s
    assert ct2.boot_s < 1.0


def test_shared_layers_stores_the_debian_base_once():
    cat = default_catalog()
    spec, _, snap = run("shared-layers")
    apps = [e.args[0] for e in spec.events if e.verb == "add_workload"]
    layers = {layer.id: layer.size_mib for a in apps for layer in cat.apps[a].image.layers}
    naive = sum(layer.size_mib for a in apps for layer in cat.apps[a].image.layers)
    ct = snap.world("container")
    assert ct.disk.get("image_layers") == pytest.approx(sum(layers.values()))
    assert ct.disk.get("image_layers") < naive
    assert len([e for e in ct.events if e.kind == "fetched"]) == len(layers)
    vm = snap.world("vm")
    # Each VM's overlay holds its first boot's writes and its app, on one shared base image.
    assert vm.disk.get("vm_disks") > len(apps) * cat.hypervisors["qemu-kvm"].overlay_write_mib.value


def test_shared_layers_starts_both_worlds_with_nothing_cached_and_says_so():
    """A fair start: had only the VM image been cached, the containers would look slower for a download."""
    spec, _, snap = run("shared-layers")
    assert spec.vm.image_cached is False and spec.container.cached_images == ()
    assert all(i.phases[0].name == "download" for i in snap.world("vm").instances)
    assert all(i.phases[0].name == "pull" for i in snap.world("container").instances)
    assert "Nothing cached in either world" in spec.texts["description"]["en"]
    assert "두 쪽 모두 캐시 없이" in spec.texts["description"]["ko"]


def test_oom_kills_vms_by_their_allocation_and_containers_by_their_limit():
    _, _, snap = run("oom")
    for name, marker in (("vm", "guest OOM killer"), ("container", "cgroup")):
        w = snap.world(name)
        redis = [i for i in w.instances if i.app == "redis"]
        assert redis and all(i.state == "killed" for i in redis)
        assert all(marker in reason_text(i.reason) for i in redis)
        assert [i.state for i in w.instances if i.app == "python-api"] == ["running"]
    first_kill = {n: min(e.t_s for e in snap.world(n).events if e.kind == "killed") for n in ("vm", "container")}
    assert first_kill["vm"] < first_kill["container"]  # the VM's fixed allocation stops it earlier


def test_microvm_scenario_boots_microvms_almost_as_fast_as_containers():
    _, _, snap = run("microvm")
    # The lesson's first python-api starts alone: compare the three worlds on it.
    vm, ct, mv = (snap.world(w).instances[0].boot_s for w in ("vm", "container", "microvm"))
    # The microVM adds its kernel's boot and the container's start inside it: tenths of a second, not seconds.
    assert ct < mv < ct + 0.5 < 10 < vm
    # Its second step adds twenty more: only seven 2 GiB VMs fit on the laptop (2 GiB + 30 MiB QEMU each);
    # every microVM and container runs.
    assert snap.world("vm").count("running") == 7
    assert snap.world("microvm").count("running") == snap.world("container").count("running") == 21


def test_web_stack_adds_its_apps_at_their_times():
    spec, _, snap = run("web-stack")
    expected = [(e.args[0], e.at_s) for e in spec.events]
    for w in snap.worlds:
        assert [(i.app, i.added_s) for i in w.instances] == expected
        assert w.count("running") == len(expected)
