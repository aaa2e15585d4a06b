"""Commands at any time (add, remove, remove all, timed commands), fit(), snapshots and progress."""

from __future__ import annotations

import copy
import json
import math

import pytest

from vmsim.engine import UnknownAppError
from vmsim.output.words import ENGLISH

CACHED = {"vm": {"image_cached": True}, "container": {"cached_images": ("nginx", "redis")}}


def books(sim):
    """Memory and disk by category per world."""
    return {
        w.name: (dict(w.memory.by_category), dict(w.disk.by_category), w.memory.total_mib, w.disk.total_mib)
        for w in sim.snapshot().worlds
    }


def assert_books_equal(before, after):
    assert before.keys() == after.keys()
    for world in before:
        mem0, disk0, mt0, dt0 = before[world]
        mem1, disk1, mt1, dt1 = after[world]
        for cat_name in mem0:
            assert mem1[cat_name] == pytest.approx(mem0[cat_name], abs=1e-6), (world, cat_name)
        for cat_name in disk0:
            assert disk1[cat_name] == pytest.approx(disk0[cat_name], abs=1e-6), (world, cat_name)
        assert mt1 == pytest.approx(mt0, abs=1e-6) and dt1 == pytest.approx(dt0, abs=1e-6)


@pytest.mark.parametrize("remove_after_s", [0.0, 0.1, 0.2, 2.0, 4.0, 30.0])
def test_remove_instance_releases_exactly_what_it_took(make_sim, remove_after_s):
    sim = make_sim(**CACHED)
    sim.add_workload("redis")
    sim.run_until(30)
    before = books(sim)
    (new_id,) = sim.add_workload("nginx")
    sim.advance(remove_after_s)
    assert sim.remove_instance(new_id) is True
    sim.check_invariants()
    assert_books_equal(before, books(sim))
    snap = sim.snapshot()
    for w in snap.worlds:
        inst = {i.id: i for i in w.instances}
        assert inst[new_id].state == "stopped"
        assert inst[new_id].memory_mib == 0 and inst[new_id].disk_mib == 0
        assert inst["redis-1"].state == "running"
        assert [e.kind for e in w.events if e.instance == new_id][-1] == "stopped"
        assert w.cpu.boot_demand_cores == 0
    sim.run_until(90)  # nothing left over fires for the stopped instance
    assert_books_equal(before, books(sim))
    assert all(w.count("stopped") == 1 and w.count("running") == 1 for w in sim.snapshot().worlds)


def test_remove_instance_twice_or_unknown_returns_false(make_sim):
    sim = make_sim(**CACHED)
    (iid,) = sim.add_workload("nginx")
    assert sim.remove_instance(iid) is True
    assert sim.remove_instance(iid) is False
    assert sim.remove_instance("nginx-99") is False
    assert sum(1 for e in sim.snapshot().world("vm").events if e.kind == "stopped") == 1


def test_removing_a_booting_instance_frees_its_cores_for_the_others(make_sim):
    sim = make_sim(worlds=("container",), container={"cached_images": ("hello",)})
    ids = sim.add_workload("hello", 40)
    sim.advance(0.01)
    busy = sim.snapshot().world("container").cpu.boot_demand_cores
    for iid in ids[:20]:
        sim.remove_instance(iid)
    assert sim.snapshot().world("container").cpu.boot_demand_cores == pytest.approx(busy / 2)


def test_remove_during_a_pull_keeps_the_layers_coming(cat, make_sim):
    sim = make_sim(worlds=("container",))
    (iid,) = sim.add_workload("nginx")
    sim.run_until(1.0)
    assert sim.snapshot().world("container").instances[0].phase == "pull"
    sim.remove_instance(iid)
    sim.run_until(60)
    sim.check_invariants()
    w = sim.snapshot().world("container")
    assert w.instances[0].state == "stopped"
    assert len([e for e in w.events if e.kind == "fetched"]) == 2
    assert w.disk.get("image_layers") == pytest.approx(cat.images["nginx"].size_mib)
    assert w.disk.get("writable_layers") == 0
    # The next one starts warm.
    sim.add_workload("nginx")
    sim.run_until(70)
    assert [p.name for p in sim.snapshot().world("container").instances[1].phases] == ["create", "start", "app"]


def test_remove_app_stops_every_instance_of_that_app_only(make_sim):
    sim = make_sim(**CACHED)
    sim.add_workload("redis", 2)
    sim.run_until(60)
    only_redis = books(sim)
    sim.add_workload("nginx", 3)
    sim.run_until(61)  # some booting, some ready
    assert sim.remove_app("nginx") == 3
    sim.check_invariants()
    assert_books_equal(only_redis, books(sim))
    for w in sim.snapshot().worlds:
        assert {i.id: i.state for i in w.instances} == {
            "redis-1": "running",
            "redis-2": "running",
            "nginx-1": "stopped",
            "nginx-2": "stopped",
            "nginx-3": "stopped",
        }
    assert sim.remove_app("nginx") == 0


def test_unknown_app_names_are_refused_with_a_suggestion(make_sim):
    sim = make_sim()
    for call in (lambda: sim.add_workload("ngnix"), lambda: sim.remove_app("ngnix"), lambda: sim.grow_app("ngnix", 10)):
        with pytest.raises(UnknownAppError, match="did you mean 'nginx'"):
            call()
    assert all(not w.instances for w in sim.snapshot().worlds)


def test_bad_counts_and_worlds_are_refused(make_sim):
    sim = make_sim()
    with pytest.raises(ValueError):
        sim.add_workload("nginx", 0)
    with pytest.raises(ValueError):
        make_sim(worlds=("vm", "lxc"))
    with pytest.raises(ValueError):
        make_sim(worlds=())


@pytest.mark.parametrize("amount", [-100.0, math.nan, math.inf])
def test_grow_app_rejects_amounts_that_would_corrupt_the_books(make_sim, amount):
    # add_workload refuses count < 1; grow_app must likewise refuse a negative or non-finite amount
    # instead of driving memory categories negative or NaN ("nothing ever goes negative").
    sim = make_sim(worlds=("vm", "container"), **CACHED)
    sim.add_workload("redis")
    sim.run_until(60)
    with pytest.raises(ValueError):
        sim.grow_app("redis", amount)
    sim.check_invariants()


def test_ids_count_up_per_app_and_are_shared_by_the_worlds(make_sim):
    sim = make_sim(**CACHED)
    assert sim.add_workload("nginx", 2) == ["nginx-1", "nginx-2"]
    assert sim.add_workload("redis") == ["redis-1"]
    assert sim.add_workload("nginx") == ["nginx-3"]
    for w in sim.snapshot().worlds:
        assert [i.id for i in w.instances] == ["nginx-1", "nginx-2", "redis-1", "nginx-3"]


def test_timed_commands_run_at_their_time(make_sim):
    sim = make_sim(**CACHED)
    sim.at(5.0, "add_workload", "nginx", 2)
    sim.at(40.0, "remove_instance", "nginx-1")
    sim.at(50.0, "remove_app", "nginx")
    with pytest.raises(ValueError):
        sim.at(1.0, "reboot", "nginx-1")
    sim.run_until(4.9)
    assert all(not w.instances for w in sim.snapshot().worlds)
    sim.run_until(39)
    for w in sim.snapshot().worlds:
        assert [i.added_s for i in w.instances] == [5.0, 5.0]
        assert w.count("running") == 2
    sim.run_until(45)
    assert all(w.count("running") == 1 for w in sim.snapshot().worlds)
    sim.run_until(60)
    assert all(w.count("stopped") == 2 for w in sim.snapshot().worlds)
    assert [c.verb for c in sim.commands] == ["add_workload", "remove_instance", "remove_app"]
    assert [c.t_s for c in sim.commands] == [5.0, 40.0, 50.0]


def test_advance_returns_the_events_that_fired_in_order(make_sim):
    sim = make_sim(**CACHED)
    sim.add_workload("nginx")
    first = sim.advance(1.0)
    assert sim.now == 1.0
    assert [e.kind for e in first if e.world == "container"] == ["added", "ready"]
    assert all(e.t_s <= 1.0 for e in first)
    rest = sim.advance(30.0)
    assert [e.t_s for e in rest] == sorted(e.t_s for e in rest)
    assert {(e.world, e.kind) for e in rest} == {("vm", "ready")}
    assert sim.advance(10.0) == []
    assert sim.next_event_s() is None
    assert sim.advance(-5.0) == [] and sim.now == 41.0


def test_fit_on_a_laptop_for_nginx(cat, make_sim):
    host, rt = cat.hosts["laptop"], cat.runtimes["containerd"]
    app = cat.apps["nginx"]
    sim = make_sim(vm={"memory_mib": 2048})
    fits = sim.fit("nginx")
    usable = host.memory_mib.value - host.host_os_memory_mib.value
    qemu = cat.hypervisors["qemu-kvm"].overhead_mib.value
    vm = fits["vm"]
    assert (vm.max_instances, vm.limited_by) == (math.floor(usable / (2048 + qemu)), "memory")
    assert vm.max_instances == math.floor((16384 - 1536) / (2048 + 30)) == 7
    per = dict(vm.per_instance)
    assert per["memory_mib"] == 2048 + qemu
    qemu = cat.hypervisors["qemu-kvm"]
    assert per["disk_mib"] == pytest.approx(qemu.overlay_mib.value + qemu.overlay_write_mib.value + app.installed_mib)

    ct = fits["container"]
    each = rt.shim_memory_mib.value + app.private_at(8)  # nginx: a master and a worker per core
    by_memory = math.floor((usable - rt.daemon_memory_mib.value - app.file_mib.value) / each)
    bridge = rt.bridge_max_containers.value
    # One bridge network attaches 1,023 containers: it binds before memory does.
    assert by_memory > bridge
    assert (ct.max_instances, ct.limited_by) == (bridge, "network")
    assert dict(ct.limits) == {**dict(ct.limits), "memory": by_memory, "network": bridge}
    assert ct.max_instances > 100 * vm.max_instances
    assert dict(ct.per_instance)["memory_mib"] == pytest.approx(each)
    assert dict(ct.per_instance)["disk_mib"] == rt.writable_layer_mib.value

    mv = fits["microvm"]
    fc = cat.hypervisors["firecracker"].overhead_mib.value
    shim = rt.microvm_shim_memory_mib.value  # the runtime's shim for each microVM
    expected = math.floor((usable - rt.daemon_memory_mib.value) / (256 + fc + shim))
    assert (mv.max_instances, mv.limited_by) == (expected, "memory") == (55, "memory")
    assert json.loads(json.dumps(vm.as_dict()))["max_instances"] == 7


def test_fit_agrees_with_admission(make_sim):
    sim = make_sim(**CACHED)
    fits = sim.fit("nginx")
    sim.add_workload("nginx", fits["vm"].max_instances)
    assert sim.fit("nginx")["vm"].max_instances == 0
    sim.add_workload("nginx")
    vm = sim.snapshot().world("vm")
    assert vm.count("booting") == fits["vm"].max_instances
    assert vm.instances[-1].state == "failed"


def test_fit_counts_what_is_already_running(make_sim):
    sim = make_sim(worlds=("vm",), vm={"image_cached": True})
    sim.add_workload("nginx", 2)
    sim.run_until(60)
    assert sim.fit("nginx")["vm"].max_instances == 7 - 2


def test_fit_of_containers_holds_when_they_all_run(make_sim):
    sim = make_sim(worlds=("container",), container={"cached_images": ("nginx",)})
    n = sim.fit("nginx")["container"].max_instances
    sim.add_workload("nginx", n)
    sim.run_until(600)
    w = sim.snapshot().world("container")
    assert w.count("running") == n
    assert not [e for e in w.events if e.kind == "killed"]
    assert sim.fit("nginx")["container"].max_instances == 0


def test_fit_reports_disk_when_disk_runs_out_first(cat, make_sim):
    sim = make_sim(worlds=("container",), disk_mib=cat.hosts["laptop"].host_os_disk_mib.value + 200.05)
    fit = sim.fit("nginx")["container"]
    free = 200.05 - cat.images["nginx"].size_mib
    assert (fit.max_instances, fit.limited_by) == (math.floor(free / 0.1), "disk")


def test_fit_reports_the_allocation_when_the_app_cannot_fit_one_vm(make_sim):
    sim = make_sim(worlds=("vm",), vm={"guest_os": "alpine-3.22", "memory_mib": 128})
    fit = sim.fit("java-spring")["vm"]
    assert (fit.max_instances, fit.limited_by) == (0, "allocation")


def test_snapshots_are_immutable_values(make_sim):
    sim = make_sim(**CACHED)
    sim.add_workload("nginx", 2)
    sim.advance(0.2)
    snap = sim.snapshot()
    frozen = copy.deepcopy(snap)
    assert snap == frozen
    sim.advance(30)
    sim.remove_instance("nginx-1")
    assert snap == frozen  # later changes do not leak into an earlier snapshot
    assert snap != sim.snapshot()
    with pytest.raises(AttributeError):
        snap.time_s = 99  # type: ignore[misc]
    with pytest.raises(AttributeError):
        snap.worlds[0].instances[0].state = "running"  # type: ignore[misc]
    assert isinstance(snap.worlds, tuple) and isinstance(snap.worlds[0].instances, tuple)
    assert hash(snap) == hash(frozen), "a value: hashable, equal copies hash alike"
    with pytest.raises(TypeError):
        snap.worlds[0].clocks["host-1/cpu"] = 0.0  # type: ignore[index]


def test_snapshot_shows_the_current_phase_and_its_progress(cat, make_sim):
    sim = make_sim(worlds=("container",), container={"cached_images": ("nginx",)})
    sim.add_workload("nginx")
    t = 0.05
    sim.run_until(t)
    then = sim.snapshot().world("container")
    inst = then.instances[0]
    assert (inst.state, inst.phase) == ("booting", "create")
    assert inst.phases[-1] == ("create", 0.0, None)
    sim.run_until(10)
    later = sim.snapshot().world("container")
    done = later.instances[0]
    create = done.phases[0]
    assert then.progress(inst) == pytest.approx(t / (create.end_s - create.start_s))
    assert (done.phase, later.progress(done)) == (None, 1.0)
    assert all(p.end_s is not None for p in done.phases)


def test_snapshot_json_form_is_serialisable_and_follows_the_contract(make_sim):
    sim = make_sim(**CACHED)
    sim.add_workload("nginx")
    sim.run_until(30)
    data = json.loads(json.dumps(sim.snapshot().as_dict(ENGLISH)))
    assert set(data) >= {"scenario", "seed", "time_s", "host", "worlds"}
    assert set(data["host"]) >= {"cpu_cores", "memory_mib", "disk_mib"}
    assert set(data["worlds"]) == {"vm", "container", "microvm"}
    for world in data["worlds"].values():
        inst = world["instances"][0]
        assert set(inst) >= {"id", "app", "state", "ready_s", "phases", "memory_mib", "disk_mib", "reason"}
        assert set(inst["phases"][0]) == {"name", "start_s", "end_s"}
        assert set(world["memory_mib"]) >= {"total", "by_category"}
        assert set(world["disk_mib"]) >= {"total", "by_category"}
        assert set(world["events"][0]) == {"t_s", "kind", "instance", "message", "affected"}
        assert world["events"][0]["affected"] == [world["events"][0]["instance"]]
        assert [h["name"] for h in world["hosts"]] == ["host-1"]
        assert world["hosts"][0]["instances"] == [i["id"] for i in world["instances"]]
        assert world["hosts"][0]["memory_mib"] == world["memory_mib"]
        assert {i["host"] for i in world["instances"]} == {"host-1"}


def test_time_series_follow_the_world(make_sim):
    sim = make_sim(**CACHED)
    sim.add_workload("nginx", 3)
    sim.run_until(60)
    snap = sim.snapshot()
    for w in snap.worlds:
        assert sim.series[f"memory_mib.{w.name}"].value_at(sim.now) == pytest.approx(w.memory.total_mib)
        assert sim.series[f"disk_mib.{w.name}"].value_at(sim.now) == pytest.approx(w.disk.total_mib)
        assert sim.series[f"ready.{w.name}"].value_at(sim.now) == 3
        assert sim.series[f"booting.{w.name}"].value_at(sim.now) == 0
        ts, _ = sim.series[f"ready.{w.name}"].points()
        assert list(ts) == sorted(ts)
