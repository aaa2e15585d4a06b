"""Limits: admission, warnings, boot failures, OOM killers, overcommit, vCPU ratio, KSM, boot storms."""

from __future__ import annotations

import math

import pytest

from vmsim.output.words import event_text, fmt_mib, reason_text


def states(world):
    return {i.id: i.state for i in world.instances}


def test_vm_admission_is_refused_when_the_memory_commit_is_exhausted(cat, make_sim):
    host = cat.hosts["laptop"]
    overhead = cat.hypervisors["qemu-kvm"].overhead_mib.value
    each = 2048 + overhead
    fits = math.floor((host.memory_mib.value - host.host_os_memory_mib.value) / each)
    assert fits == 7  # (16 GiB - 1.5 GiB host OS) / (2 GiB + 30 MiB resident QEMU)
    sim = make_sim(worlds=("vm",), vm={"image_cached": True, "memory_mib": 2048})
    sim.add_workload("nginx", fits + 1)
    w = sim.snapshot().world("vm")
    assert w.count("booting") == fits
    refused = w.instances[-1]
    assert refused.state == "failed"
    assert reason_text(refused.reason).startswith("refused: ")
    assert refused.memory_mib == 0 and refused.disk_mib == 0
    free = host.memory_mib.value - host.host_os_memory_mib.value - fits * each
    (event,) = [e for e in w.events if e.kind == "refused"]
    assert event.instance == refused.id
    assert fmt_mib(each) in event_text(event, "en") and f"{fmt_mib(free)} free" in event_text(event, "en")
    assert w.memory.total_mib == pytest.approx(host.host_os_memory_mib.value + fits * each)
    sim.run_until(60)
    assert sim.snapshot().world("vm").count("running") == fits


def test_disk_full_refuses_a_container_that_would_not_fit(cat, make_sim):
    host_os_disk = cat.hosts["laptop"].host_os_disk_mib.value
    sim = make_sim(worlds=("container",), disk_mib=host_os_disk + 100)
    sim.add_workload("nginx")
    w = sim.snapshot().world("container")
    (inst,) = w.instances
    assert inst.state == "failed"
    assert "disk full" in reason_text(inst.reason)
    need = cat.images["nginx"].size_mib + cat.runtimes["containerd"].writable_layer_mib.value
    (event,) = [e for e in w.events if e.kind == "refused"]
    assert fmt_mib(need) in event_text(event, "en") and fmt_mib(100) + " free" in event_text(event, "en")
    assert w.disk.total_mib == pytest.approx(host_os_disk)


def test_disk_full_refuses_a_vm(cat, make_sim):
    host_os_disk = cat.hosts["laptop"].host_os_disk_mib.value
    image = cat.guests["ubuntu-24.04"].image_download_mib.value
    sim = make_sim(worlds=("vm",), vm={"image_cached": True, "clone": "copy"}, disk_mib=host_os_disk + image + 1000)
    sim.add_workload("nginx")
    w = sim.snapshot().world("vm")
    assert w.instances[0].state == "failed"
    disk = cat.guests["ubuntu-24.04"].installed_disk_mib.value + cat.apps["nginx"].installed_mib
    (event,) = [e for e in w.events if e.kind == "refused"]
    assert "disk full" in event_text(event, "en")
    assert fmt_mib(disk) in event_text(event, "en") and fmt_mib(1000) + " free" in event_text(event, "en")
    assert w.memory.get("reserved_idle") == 0 and w.memory.get("hypervisor") == 0


def test_allocation_below_recommended_boots_with_one_warning(cat, make_sim):
    g = cat.guests["ubuntu-24.04"]
    alloc = 768
    assert g.min_boot_memory_mib.value <= alloc < g.recommended_memory_mib.value
    sim = make_sim(worlds=("vm",), vm={"image_cached": True, "memory_mib": alloc})
    sim.add_workload("nginx", 3)
    sim.run_until(60)
    w = sim.snapshot().world("vm")
    warnings = [e for e in w.events if e.kind == "warning"]
    assert len(warnings) == 1
    assert warnings[0].instance == "nginx-1"
    assert fmt_mib(alloc) in event_text(warnings[0], "en")
    assert fmt_mib(g.recommended_memory_mib.value) in event_text(warnings[0], "en")
    assert w.count("running") == 3


def test_recommended_allocation_gives_no_warning(cat, make_sim):
    rec = cat.guests["ubuntu-24.04"].recommended_memory_mib.value
    sim = make_sim(worlds=("vm",), vm={"image_cached": True, "memory_mib": rec})
    sim.add_workload("nginx", 2)
    sim.run_until(60)
    w = sim.snapshot().world("vm")
    assert [e for e in w.events if e.kind == "warning"] == []
    assert w.count("running") == 2


def test_allocation_below_the_boot_minimum_fails_with_the_reason(cat, make_sim):
    g = cat.guests["ubuntu-24.04"]
    alloc = g.min_boot_memory_mib.value / 2
    sim = make_sim(worlds=("vm",), vm={"image_cached": True, "memory_mib": alloc})
    sim.add_workload("nginx")
    sim.run_until(60)
    w = sim.snapshot().world("vm")
    (inst,) = w.instances
    assert inst.state == "failed"
    assert inst.ready_s is None
    assert "out of memory while booting" in reason_text(inst.reason)
    assert fmt_mib(alloc) in reason_text(inst.reason) and fmt_mib(g.min_boot_memory_mib.value) in reason_text(
        inst.reason
    )
    assert inst.phases[-1].name == "initrd"  # the initrd is unpacked into RAM: that is where it runs out
    (event,) = [e for e in w.events if e.kind == "failed"]
    assert event.t_s == inst.phases[-1].end_s
    assert w.memory.total_mib == cat.hosts["laptop"].host_os_memory_mib.value
    assert inst.memory_mib == 0


def test_microvm_below_its_boot_minimum_fails_at_init(cat, make_sim):
    g = cat.guests["microvm-linux"]
    sim = make_sim(
        worlds=("microvm",),
        container={"cached_images": ("hello",)},
        microvm={"memory_mib": g.min_boot_memory_mib.value / 2},
    )
    sim.add_workload("hello")
    sim.run_until(10)
    (inst,) = sim.snapshot().world("microvm").instances
    assert inst.state == "failed"
    assert inst.phases[-1].name == "init"
    assert fmt_mib(g.min_boot_memory_mib.value) in reason_text(inst.reason)


def test_app_bigger_than_its_vm_is_killed_by_the_guest_oom_killer(cat, make_sim):
    g, app = cat.guests["alpine-3.22"], cat.apps["java-spring"]
    alloc = g.min_boot_memory_mib.value
    kernel = cat.reserve_curve(g).at(alloc) + g.kernel_runtime_mib.value
    assert kernel + g.services_mib.value + app.rss_mib > alloc
    sim = make_sim(worlds=("vm",), vm={"image_cached": True, "guest_os": "alpine-3.22", "memory_mib": alloc})
    sim.add_workload("java-spring")
    sim.run_until(60)
    w = sim.snapshot().world("vm")
    (inst,) = w.instances
    assert inst.state == "killed"
    assert inst.phases[-1].name == "app"
    assert "guest OOM killer" in reason_text(inst.reason) and fmt_mib(app.rss_mib) in reason_text(inst.reason)
    assert [e.kind for e in w.events if e.instance == inst.id][-1] == "killed"
    # Only the app died: the VM goes on holding its allocation and QEMU's overhead until it is removed.
    host_os = cat.hosts["laptop"].host_os_memory_mib.value
    overhead = cat.hypervisors["qemu-kvm"].overhead_mib.value
    assert w.memory.total_mib == pytest.approx(host_os + alloc + overhead)
    assert inst.memory_mib == pytest.approx(alloc + overhead)
    assert sim.remove_instance(inst.id)
    assert sim.snapshot().world("vm").memory.total_mib == host_os


def test_grow_inside_a_vm_uses_free_memory_then_the_page_cache_then_the_guest_oom_killer(cat, make_sim):
    alloc = 2048
    sim = make_sim(worlds=("vm",), vm={"image_cached": True, "memory_mib": alloc})
    sim.add_workload("redis")
    sim.run_until(60)
    g, app = cat.guests["ubuntu-24.04"], cat.apps["redis"]
    kernel = cat.reserve_curve(g).at(alloc) + g.kernel_runtime_mib.value
    cache = g.page_cache_mib.value
    idle = alloc - kernel - g.services_mib.value - cache - app.rss_mib

    assert sim.grow_app("redis", 1000) == 1
    m = sim.snapshot().world("vm").memory
    assert m.get("apps") == pytest.approx(app.rss_mib + 1000)
    assert m.get("reserved_idle") == pytest.approx(idle - 1000)
    assert m.get("guest_page_cache") == pytest.approx(cache)

    # Exactly what is left (idle + page cache) still fits: the guest evicts its cache.
    sim.grow_app("redis", idle - 1000 + cache)
    w = sim.snapshot().world("vm")
    assert w.instances[0].state == "running"
    assert w.memory.get("guest_page_cache") == pytest.approx(0, abs=1e-6)
    assert w.memory.get("reserved_idle") == pytest.approx(0, abs=1e-6)
    assert w.memory.get("apps") == pytest.approx(alloc - kernel - g.services_mib.value)

    sim.grow_app("redis", 1)
    w = sim.snapshot().world("vm")
    (inst,) = w.instances
    assert inst.state == "killed"
    assert "guest OOM killer" in reason_text(inst.reason) and fmt_mib(alloc) in reason_text(inst.reason)
    overhead = cat.hypervisors["qemu-kvm"].overhead_mib.value
    assert w.memory.total_mib == pytest.approx(cat.hosts["laptop"].host_os_memory_mib.value + alloc + overhead)
    assert sim.remove_instance(inst.id)
    assert sim.snapshot().world("vm").memory.total_mib == cat.hosts["laptop"].host_os_memory_mib.value
    sim.check_invariants()


def test_container_over_its_memory_limit_is_killed_by_its_cgroup(cat, make_sim):
    limit = 1024
    app = cat.apps["redis"]
    rt = cat.runtimes["containerd"]
    sim = make_sim(worlds=("container",), container={"cached_images": ("redis",), "memory_limit_mib": limit})
    sim.add_workload("redis")
    sim.run_until(10)
    grow = limit - app.rss_mib - 1
    sim.grow_app("redis", grow)
    w = sim.snapshot().world("container")
    assert w.instances[0].state == "running"
    assert w.memory.get("apps") == pytest.approx(app.private_mib.value + grow)
    sim.grow_app("redis", 2)
    w = sim.snapshot().world("container")
    (inst,) = w.instances
    assert inst.state == "killed"
    assert "cgroup" in reason_text(inst.reason) and fmt_mib(limit) in reason_text(inst.reason)
    assert w.memory.get("apps") == 0 and w.memory.get("shared_pages") == 0
    assert w.memory.get("runtime") == rt.daemon_memory_mib.value
    assert w.memory.get("shims") == 0  # the killed container's shim went with it
    sim.check_invariants()


def test_container_whose_app_starts_over_its_limit_is_killed_at_start(cat, make_sim):
    sim = make_sim(worlds=("container",), container={"cached_images": ("java-spring",), "memory_limit_mib": 64})
    sim.add_workload("java-spring")
    sim.run_until(10)
    (inst,) = sim.snapshot().world("container").instances
    assert inst.state == "killed"
    assert inst.ready_s is None
    assert "limit" in reason_text(inst.reason) and fmt_mib(cat.apps["java-spring"].rss_mib) in reason_text(inst.reason)


def test_vm_limit_and_container_limit_side_by_side(make_sim):
    sim = make_sim(
        worlds=("vm", "container"),
        vm={"image_cached": True, "memory_mib": 2048},
        container={"cached_images": ("redis",), "memory_limit_mib": 3072},
    )
    sim.add_workload("redis")
    sim.run_until(60)
    sim.grow_app("redis", 2500)  # more than the VM has left, less than the container limit
    snap = sim.snapshot()
    assert snap.world("vm").instances[0].state == "killed"
    assert snap.world("container").instances[0].state == "running"


def test_without_limits_the_host_oom_killer_kills_the_largest_container(cat, make_sim):
    sim = make_sim(host="small-cloud", worlds=("container",), container={"cached_images": ("redis", "nginx")})
    sim.add_workload("redis")
    sim.add_workload("nginx", 2)
    sim.run_until(10)
    host_mem = cat.hosts["small-cloud"].memory_mib.value
    headroom = host_mem - sim.snapshot().world("container").memory_touched_mib
    assert headroom > 1000
    sim.grow_app("redis", headroom / 2)  # fits
    w = sim.snapshot().world("container")
    assert w.count("running") == 3
    # Each nginx grows by 3/8 of the original headroom: the first fits, the second does not.
    # The OOM killer picks the largest container (redis), not the one that asked last.
    sim.grow_app("nginx", headroom * 3 / 8)
    w = sim.snapshot().world("container")
    assert states(w) == {"redis-1": "killed", "nginx-1": "running", "nginx-2": "running"}
    (event,) = [e for e in w.events if e.kind == "killed"]
    assert event.instance == "redis-1"
    assert "host out of memory" in event_text(event, "en")
    assert w.memory_touched_mib <= host_mem
    sim.check_invariants()


def test_ksm_lowers_touched_memory_but_not_committed(cat, make_sim):
    def world(ksm, n):
        sim = make_sim(worlds=("vm",), vm={"image_cached": True, "ksm": ksm})
        sim.add_workload("nginx", n)
        sim.run_until(60)
        return sim.snapshot().world("vm")

    off, on = world(False, 4), world(True, 4)
    g = cat.guests["ubuntu-24.04"]
    saved = cat.ksm_merge_fraction.value * (g.kernel_runtime_mib.value + g.services_mib.value) * 3
    assert off.ksm_saved_mib == 0
    assert on.ksm_saved_mib == pytest.approx(saved)
    assert on.memory.total_mib == off.memory.total_mib
    assert off.memory_touched_mib - on.memory_touched_mib == pytest.approx(saved)
    assert world(True, 1).ksm_saved_mib == 0  # nothing to merge with


def test_overcommit_ratio_admits_more_vms_than_memory(cat, make_sim):
    host = cat.hosts["laptop"]
    each = 2048 + cat.hypervisors["qemu-kvm"].overhead_mib.value
    usable = host.memory_mib.value - host.host_os_memory_mib.value
    for ratio in (1.0, 1.5):
        sim = make_sim(worlds=("vm",), vm={"image_cached": True, "overcommit_ratio": ratio})
        sim.add_workload("nginx", 12)
        sim.run_until(60)
        w = sim.snapshot().world("vm")
        expected = math.floor(usable * ratio / each)
        assert w.count("running") == expected
        assert w.count("failed") == 12 - expected
        assert w.memory.total_mib == pytest.approx(host.host_os_memory_mib.value + expected * each)
        assert w.memory_touched_mib <= host.memory_mib.value
    assert w.memory.total_mib > host.memory_mib.value  # 1.5: committed beyond the physical memory


def test_overcommitted_vm_admission_never_touches_more_than_host_memory(cat, make_sim):
    # Every admitted VM's hypervisor overhead is real, touched host memory. With an overcommit ratio the
    # commit check no longer bounds it: admission must still keep touched memory within the host
    # (refuse, or let the host OOM killer act), as it does for every later phase.
    host = cat.hosts["small-cloud"]
    sim = make_sim(
        host="small-cloud",
        worlds=("vm",),
        vm={"image_cached": True, "guest_os": "alpine-3.22", "memory_mib": 128, "overcommit_ratio": 3.0},
    )
    sim.add_workload("hello", 40)
    w = sim.snapshot().world("vm")
    assert w.memory_touched_mib <= host.memory_mib.value
    sim.check_invariants()
    sim.run_until(200)
    assert sim.snapshot().world("vm").memory_touched_mib <= host.memory_mib.value
    sim.check_invariants()


def test_cpu_allocation_ratio_limits_vms_by_vcpus(cat, make_sim):
    cores = cat.hosts["laptop"].cpu_cores.value
    vm = {"image_cached": True, "memory_mib": 512, "vcpus": 2}
    sim = make_sim(worlds=("vm",), vm={**vm, "cpu_allocation_ratio": 1.0})
    sim.add_workload("hello", 6)
    w = sim.snapshot().world("vm")
    admitted = int(cores * 1.0 // 2)
    assert w.count("booting") == admitted
    refused = [e for e in w.events if e.kind == "refused"]
    assert len(refused) == 6 - admitted
    assert all("vCPUs" in event_text(e, "en") for e in refused)
    fit = sim.fit("hello")["vm"]
    assert (fit.max_instances, fit.limited_by) == (0, "vcpus")

    sim = make_sim(worlds=("vm",), vm={**vm, "cpu_allocation_ratio": 2.0})
    sim.add_workload("hello", 6)
    assert sim.snapshot().world("vm").count("booting") == 6

    sim = make_sim(worlds=("vm",), vm=vm)  # no ratio: vCPUs may be overcommitted freely
    sim.add_workload("hello", 6)
    assert sim.snapshot().world("vm").count("booting") == 6


def test_boot_storm_of_50_vms_on_8_cores_is_slower_than_one_vm(cat, make_sim):
    settings = {"image_cached": True, "clone": "linked"}

    def boots(n):
        sim = make_sim(worlds=("vm",), vm=settings, memory_mib=512 * 1024)
        sim.add_workload("nginx", n)
        sim.run_until(600)
        w = sim.snapshot().world("vm")
        assert w.count("running") == n
        return [i.boot_s for i in w.instances]

    (alone,) = boots(1)
    storm = boots(50)
    g = cat.guests["ubuntu-24.04"]
    # Core-seconds each VM needs (phase × cores it keeps busy); 8 cores cannot do 50 VMs' worth faster.
    work = (
        cat.hypervisors["qemu-kvm"].vmm_init_s.value
        + sum(p.duration.value * p.cpu for p in g.boot_phases)
        + cat.apps["nginx"].start_s.value * cat.app_start_cpu.value
    )
    cores = cat.hosts["laptop"].cpu_cores.value
    lower_bound = (1 - cat.jitter.value) * 50 * work / cores
    assert max(storm) >= lower_bound
    assert min(storm) > alone
    assert max(storm) > 2 * alone


def test_containers_booting_together_share_the_cores_too(cat, make_sim):
    def boot_max(n):
        sim = make_sim(worlds=("container",), container={"cached_images": ("hello",)})
        sim.add_workload("hello", n)
        sim.run_until(600)
        return max(i.boot_s for i in sim.snapshot().world("container").instances)

    assert boot_max(200) > 5 * boot_max(1)


def test_a_host_disk_too_small_for_what_is_stored_at_start_is_not_silently_over_capacity(cat, make_sim):
    # Host OS plus a cached guest image that do not fit the disk: refuse the configuration, or keep the
    # books within capacity; never start a world already over its disk.
    host_os_disk = cat.hosts["laptop"].host_os_disk_mib.value
    try:
        sim = make_sim(worlds=("vm",), vm={"image_cached": True}, disk_mib=host_os_disk + 100)
    except ValueError:
        return
    sim.check_invariants()
    w = sim.snapshot().world("vm")
    assert w.disk.total_mib <= w.disk.capacity_mib
