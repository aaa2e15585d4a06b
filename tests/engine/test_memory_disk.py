"""Memory and disk by category after boot, computed from the catalog's figures."""

from __future__ import annotations

import pytest

from vmsim.engine.snapshot import MEMORY_CATEGORIES

GUEST_CATS = ("guest_kernel", "guest_services", "guest_page_cache", "apps", "reserved_idle")


def guest_parts(cat, guest_name: str, alloc: float, app_name: str, vcpus: int = 2) -> dict[str, float]:
    g, app = cat.guests[guest_name], cat.apps[app_name]
    kernel = cat.reserve_curve(g).at(alloc) + g.kernel_runtime_mib.value
    services = g.services_mib.value
    rss = app.rss_at(vcpus)  # an app with workers starts one per vCPU
    cache = max(0.0, min(g.page_cache_mib.value, alloc - kernel - services - rss))
    return {
        "guest_kernel": kernel,
        "guest_services": services,
        "guest_page_cache": cache,
        "apps": rss,
        "reserved_idle": alloc - kernel - services - cache - rss,
    }


def test_vm_memory_by_category_after_ready(cat, make_sim):
    n, alloc = 3, 2048
    sim = make_sim(worlds=("vm",), vm={"image_cached": True, "memory_mib": alloc})
    sim.add_workload("nginx", n)
    sim.run_until(60)
    w = sim.snapshot().world("vm")
    assert w.count("running") == n
    host = cat.hosts["laptop"]
    overhead = cat.hypervisors["qemu-kvm"].overhead_mib.value
    parts = guest_parts(cat, "ubuntu-24.04", alloc, "nginx")
    assert parts["guest_kernel"] == pytest.approx(50 + 2048 / 64 + 50)  # the distro curve (K + RAM/64) + runtime
    m = w.memory
    assert m.get("host_os") == host.host_os_memory_mib.value
    assert m.get("hypervisor") == pytest.approx(n * overhead)
    for category, mib in parts.items():
        assert m.get(category) == pytest.approx(n * mib), category
    assert sum(m.get(c) for c in GUEST_CATS) == pytest.approx(n * alloc)
    assert m.get("runtime") == m.get("shims") == m.get("shared_pages") == 0
    assert m.total_mib == pytest.approx(host.host_os_memory_mib.value + n * (alloc + overhead))
    assert m.capacity_mib == host.memory_mib.value
    assert w.memory_touched_mib == pytest.approx(m.total_mib - m.get("reserved_idle"))
    for inst in w.instances:
        assert inst.memory_mib == pytest.approx(alloc + overhead)


def test_vm_reserves_its_whole_allocation_at_admission(cat, make_sim):
    sim = make_sim(worlds=("vm",), vm={"image_cached": True})
    sim.add_workload("nginx")
    w = sim.snapshot().world("vm")
    assert w.instances[0].state == "booting"
    assert w.memory.get("reserved_idle") == 2048
    assert w.memory.get("hypervisor") == cat.hypervisors["qemu-kvm"].overhead_mib.value
    assert w.memory.get("guest_kernel") == 0


def test_container_memory_by_category_after_ready(cat, make_sim):
    n = 5
    sim = make_sim(worlds=("container",), container={"cached_images": ("nginx",)})
    sim.add_workload("nginx", n)
    sim.run_until(10)
    w = sim.snapshot().world("container")
    assert w.count("running") == n
    rt, app = cat.runtimes["containerd"], cat.apps["nginx"]
    private = app.private_at(cat.hosts["laptop"].cpu_cores.value)  # a master and one worker per host core
    m = w.memory
    # dockerd + containerd once for the host; one shim per container.
    assert m.get("runtime") == pytest.approx(rt.daemon_memory_mib.value)
    assert m.get("shims") == pytest.approx(n * rt.shim_memory_mib.value)
    assert m.get("apps") == pytest.approx(n * private)
    assert m.get("shared_pages") == pytest.approx(app.file_mib.value)  # counted once for the n containers
    for category in ("hypervisor", "guest_kernel", "guest_services", "guest_page_cache", "reserved_idle"):
        assert m.get(category) == 0
    expected_total = (
        cat.hosts["laptop"].host_os_memory_mib.value
        + rt.daemon_memory_mib.value
        + n * (rt.shim_memory_mib.value + private)
        + app.file_mib.value
    )
    assert m.total_mib == pytest.approx(expected_total)
    assert w.memory_touched_mib == pytest.approx(m.total_mib)
    for inst in w.instances:
        assert inst.memory_mib == pytest.approx(rt.shim_memory_mib.value + private)


def test_shared_pages_are_per_image_not_per_container(cat, make_sim):
    sim = make_sim(worlds=("container",), container={"cached_images": ("nginx", "redis")})
    sim.add_workload("nginx", 4)
    sim.add_workload("redis", 3)
    sim.run_until(10)
    m = sim.snapshot().world("container").memory
    assert m.get("shared_pages") == pytest.approx(cat.apps["nginx"].file_mib.value + cat.apps["redis"].file_mib.value)


def test_the_same_app_costs_the_same_inside_a_vm_and_a_container(cat, make_sim):
    # Inside one VM the app's whole RSS counts; one container's private part plus the shared file pages
    # add up to the same RSS: the difference between the worlds is what surrounds the app.
    sim = make_sim(worlds=("vm", "container"), vm={"image_cached": True}, container={"cached_images": ("redis",)})
    sim.add_workload("redis")
    sim.run_until(60)
    snap = sim.snapshot()
    vm, ct = snap.world("vm").memory, snap.world("container").memory
    assert vm.get("apps") == pytest.approx(cat.apps["redis"].rss_mib)
    assert ct.get("apps") + ct.get("shared_pages") == pytest.approx(cat.apps["redis"].rss_mib)


def test_microvm_memory_by_category_after_ready(cat, make_sim):
    n, alloc = 2, 256
    sim = make_sim(worlds=("microvm",), container={"cached_images": ("nginx",)}, microvm={"memory_mib": alloc})
    sim.add_workload("nginx", n)
    sim.run_until(10)
    w = sim.snapshot().world("microvm")
    assert w.count("running") == n
    overhead = cat.hypervisors["firecracker"].overhead_mib.value
    shim = cat.runtimes["containerd"].microvm_shim_memory_mib.value
    m = w.memory
    assert m.get("hypervisor") == pytest.approx(n * overhead)
    # Each microVM's runtime shim (firecracker-containerd runs one per VM) sits beside its VMM, outside the guest.
    assert shim > 0 and m.get("shims") == pytest.approx(n * shim)
    for category, mib in guest_parts(cat, "microvm-linux", alloc, "nginx", vcpus=1).items():
        assert m.get(category) == pytest.approx(n * mib), category
    assert sum(m.get(c) for c in GUEST_CATS) == pytest.approx(n * alloc)
    for inst in w.instances:
        assert inst.memory_mib == pytest.approx(alloc + overhead + shim)
    # A fit counts the shim in what each more microVM needs.
    fit = sim.fit("nginx")["microvm"]
    assert dict(fit.per_instance)["memory_mib"] == pytest.approx(alloc + overhead + shim)


def test_a_microvm_shim_is_freed_with_its_microvm_and_vms_have_none(cat, make_sim):
    sim = make_sim(worlds=("vm", "microvm"), vm={"image_cached": True}, container={"cached_images": ("nginx",)})
    sim.add_workload("nginx")
    sim.run_until(40)
    snap = sim.snapshot()
    assert snap.world("vm").memory.get("shims") == 0
    mv = snap.world("microvm")
    assert mv.memory.get("shims") == pytest.approx(cat.runtimes["containerd"].microvm_shim_memory_mib.value)
    sim.remove_instance(mv.instances[0].id)
    sim.run_until(41)
    assert sim.snapshot().world("microvm").memory.get("shims") == 0


def test_snapshot_lists_every_memory_category_in_order(make_sim):
    w = make_sim(worlds=("container",)).snapshot().world("container")
    assert tuple(name for name, _ in w.memory.by_category) == MEMORY_CATEGORIES


def test_ten_containers_of_one_image_use_barely_more_disk_than_one(cat, make_sim):
    def disk_after(n):
        sim = make_sim(worlds=("container",), container={"cached_images": ("nginx",)})
        sim.add_workload("nginx", n)
        sim.run_until(10)
        return sim.snapshot().world("container").disk

    one, ten = disk_after(1), disk_after(10)
    writable = cat.runtimes["containerd"].writable_layer_mib.value
    assert ten.total_mib - one.total_mib == pytest.approx(9 * writable)
    assert ten.get("image_layers") == one.get("image_layers") == pytest.approx(cat.images["nginx"].size_mib)
    assert ten.get("writable_layers") == pytest.approx(10 * writable)
    assert ten.get("host_os") == cat.hosts["laptop"].host_os_disk_mib.value


def test_ten_vms_use_ten_vm_disks_and_one_base_image(cat, make_sim):
    sim = make_sim(host="server", worlds=("vm",), vm={"image_cached": True, "clone": "copy"})
    sim.add_workload("nginx", 10)
    sim.run_until(120)
    w = sim.snapshot().world("vm")
    assert w.count("running") == 10
    g = cat.guests["ubuntu-24.04"]
    each = g.installed_disk_mib.value + cat.apps["nginx"].installed_mib
    assert w.disk.get("vm_disks") == pytest.approx(10 * each)
    assert w.disk.get("base_images") == g.image_download_mib.value
    assert w.disk.total_mib == pytest.approx(
        cat.hosts["server"].host_os_disk_mib.value + g.image_download_mib.value + 10 * each
    )
    for inst in w.instances:
        assert inst.disk_mib == pytest.approx(each)


def test_preallocated_vm_disks_take_the_full_virtual_size(cat, make_sim):
    sim = make_sim(worlds=("vm",), vm={"image_cached": True, "disk": "preallocated", "clone": "copy"})
    sim.add_workload("nginx", 2)
    g = cat.guests["ubuntu-24.04"]
    each = max(g.virtual_disk_mib.value, g.installed_disk_mib.value + cat.apps["nginx"].installed_mib)
    assert sim.snapshot().world("vm").disk.get("vm_disks") == pytest.approx(2 * each)


@pytest.mark.parametrize("clone", [None, "overlay", "linked"])
def test_overlays_store_the_first_boot_writes_and_the_app_on_top_of_the_shared_base(cat, make_sim, clone):
    sim = make_sim(worlds=("vm",), vm={"image_cached": True, **({"clone": clone} if clone else {})})
    sim.add_workload("nginx", 3)
    qemu = cat.hypervisors["qemu-kvm"]
    each = qemu.overlay_mib.value + qemu.overlay_write_mib.value + cat.apps["nginx"].installed_mib
    w = sim.snapshot().world("vm")
    assert w.disk.get("vm_disks") == pytest.approx(3 * each)
    assert w.disk.get("base_images") == cat.guests["ubuntu-24.04"].image_download_mib.value
    sim.run_until(60)
    inst = sim.snapshot().world("vm").instances[0]
    assert inst.phases[0].name == "overlay" and inst.phases[0].end_s < 0.2
    assert "disk copy" not in [p.name for p in inst.phases]


def test_microvm_kernel_is_on_disk_from_the_start(cat, make_sim):
    w = make_sim(worlds=("microvm",)).snapshot().world("microvm")
    assert w.disk.get("base_images") == cat.guests["microvm-linux"].image_download_mib.value


def test_uncached_vm_image_takes_disk_as_soon_as_the_download_starts(cat, make_sim):
    sim = make_sim(worlds=("vm",))
    assert sim.snapshot().world("vm").disk.get("base_images") == 0
    sim.add_workload("nginx")
    assert sim.snapshot().world("vm").disk.get("base_images") == cat.guests["ubuntu-24.04"].image_download_mib.value


def test_the_disk_says_how_much_of_a_download_has_arrived(cat, make_sim):
    sim = make_sim(worlds=("vm",))
    sim.add_workload("nginx")
    size = cat.guests["ubuntu-24.04"].image_download_mib.value
    arrived = []
    for _ in range(400):
        disk = sim.snapshot().world("vm").disk
        if not disk.arriving:
            break
        ((category, held, got),) = disk.arriving
        assert (category, held) == ("base_images", size)
        arrived.append(got)
        sim.advance(0.25)
    assert len(arrived) > 10, "the download should take a while"
    assert arrived[0] < arrived[len(arrived) // 2] < arrived[-1] < size  # it grows, and is held whole meanwhile
    assert sim.snapshot().world("vm").disk.get("base_images") == size
    assert "arriving" not in sim.snapshot().world("vm").disk.as_dict()  # the JSON is unchanged


def test_layers_being_pulled_are_arriving_on_the_disk(make_sim):
    sim = make_sim(worlds=("container",), container={"cached_images": ()})
    sim.add_workload("nginx")
    disk = sim.snapshot().world("container").disk
    assert [c for c, _, _ in disk.arriving] == ["image_layers"]
    ((_, held, got),) = disk.arriving
    assert held == disk.get("image_layers") and 0 <= got < held
    sim.advance(600)
    assert sim.snapshot().world("container").disk.arriving == ()


def test_a_refused_microvm_names_its_shim_beside_the_vmm(cat, make_sim):
    sim = make_sim(
        worlds=("microvm",), host="cloud-nested", container={"cached_images": ("hello",)}, microvm={"memory_mib": 1024}
    )
    sim.add_workload("hello", 5)
    sim.run_until(5)
    refused = [i for i in sim.snapshot().world("microvm").instances if i.state == "failed"]
    assert refused
    outer = refused[0].reason
    assert outer.code == "reason.refused_prefix"
    (reason,) = (v for _, v in outer.params if hasattr(v, "code"))  # the refusal's own reason
    params = dict(reason.params)
    assert reason.code == "reason.no_memory_shim"
    assert params["shim_mib"] == cat.runtimes["containerd"].microvm_shim_memory_mib.value
    assert params["overhead_mib"] == cat.hypervisors["firecracker"].overhead_mib.value
    assert params["need_mib"] == pytest.approx(1024 + params["overhead_mib"] + params["shim_mib"])


def test_moving_memory_is_bit_for_bit_two_holds(make_sim):
    # World.move_memory(inst, src, dst, mib) is hold_memory(-mib in src) then hold_memory(mib in dst), in one call.
    import random

    worlds = []
    for _ in range(2):
        sim = make_sim(worlds=("vm",), vm={"image_cached": True, "memory_mib": 2048})
        sim.add_workload("redis", 2)
        sim.run_until(60)
        worlds.append(sim.worlds["vm"])
    rng = random.Random(3)
    cats = ("reserved_idle", "apps", "guest_page_cache")
    for _ in range(300):
        src, dst = rng.sample(cats, 2)
        mib = rng.uniform(-50.0, 50.0) / 3.0
        index = rng.randrange(2)
        moved, held = worlds[0].instances[index], worlds[1].instances[index]
        worlds[0].move_memory(moved, src, dst, mib)
        worlds[1].hold_memory(held, src, -mib)
        worlds[1].hold_memory(held, dst, mib)
        assert moved.mem == held.mem
    a, b = worlds
    assert (a.memory.total, dict(a.memory.items())) == (b.memory.total, dict(b.memory.items()))
    node_a, node_b = a.nodes[0], b.nodes[0]
    assert (node_a.memory.total, dict(node_a.memory.items())) == (node_b.memory.total, dict(node_b.memory.items()))
    assert a.touched_mib() == b.touched_mib()


def test_a_host_that_went_down_is_not_downloading(cat, make_sim):
    from vmsim.engine.machines import Cluster

    sim = make_sim(worlds=("vm",), cluster=Cluster(2, "spread", ()))
    sim.add_workload("nginx", 2)  # one per host: each host downloads the guest image
    size = cat.guests["ubuntu-24.04"].image_download_mib.value
    ((_, held, _),) = sim.snapshot().world("vm").disk.arriving
    assert held == 2 * size
    sim.advance(1.0)
    sim.fault("host-down", host="host-1")
    sim.advance(1.0)
    ((_, held, _),) = sim.snapshot().world("vm").disk.arriving
    assert held == size  # only host-2's download is on its way
