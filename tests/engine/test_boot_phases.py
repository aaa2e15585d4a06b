"""Boot timelines: phases in order, durations from the catalog (±jitter), fetching artifacts cold vs warm."""

from __future__ import annotations

import pytest

from vmsim.engine.events import ArtifactFetched, InstanceReady

UBUNTU_VM_PHASES = [
    "overlay",
    "vmm",
    "firmware",
    "bootloader",
    "kernel",
    "initrd",
    "systemd",
    "snapd seeding",
    "ssh keys",
    "cloud-init",
    "app",
]
CONTAINER_PHASES = ["create", "start", "app"]
MICROVM_PHASES = ["create", "vmm", "kernel", "init", "start", "app"]


def registry_mibps(mbps: float) -> float:
    return mbps * 1e6 / 8 / 2**20


def vm_nominal(cat, app: str, guest: str = "ubuntu-24.04", host: str = "laptop") -> list[tuple[str, float]]:
    g, a = cat.guests[guest], cat.apps[app]
    qemu = cat.hypervisors["qemu-kvm"]
    return (
        [("overlay", qemu.overlay_create_s.value), ("vmm", qemu.vmm_init_s.value)]
        + [(p.name, p.duration.value) for p in g.boot_phases if p.duration.value > 0]
        + [("app", a.start_s.value)]
    )


def container_nominal(cat, app: str) -> list[tuple[str, float]]:
    rt = cat.runtimes["containerd"]
    return [("create", rt.create_s.value), ("start", rt.start_s.value), ("app", cat.apps[app].start_s.value)]


def microvm_nominal(cat, app: str) -> list[tuple[str, float]]:
    g = cat.guests["microvm-linux"]
    return (
        [
            ("create", cat.runtimes["containerd"].create_s.value),
            ("vmm", cat.hypervisors["firecracker"].vmm_init_s.value),
        ]
        + [(p.name, p.duration.value) for p in g.boot_phases]
        + [("start", cat.runtimes["containerd"].microvm_guest_start_s.value)]
        + [("app", cat.apps[app].start_s.value)]
    )


def assert_timeline(cat, inst, nominal: list[tuple[str, float]]) -> None:
    """Phases in the nominal order, each within ±jitter of its figure, back to back, ready at the last end."""
    j = cat.jitter.value
    assert [p.name for p in inst.phases] == [name for name, _ in nominal]
    assert inst.phases[0].start_s == pytest.approx(inst.added_s, abs=1e-9)
    for prev, cur in zip(inst.phases, inst.phases[1:], strict=False):
        assert cur.start_s == pytest.approx(prev.end_s, abs=1e-9)
    for p, (name, nom) in zip(inst.phases, nominal, strict=True):
        took = p.end_s - p.start_s
        assert (1 - j) * nom - 1e-9 <= took <= (1 + j) * nom + 1e-9, (name, took, nom)
    total = sum(nom for _, nom in nominal)
    assert inst.state == "running"
    assert inst.ready_s == pytest.approx(inst.phases[-1].end_s, abs=1e-9)
    assert (1 - j) * total - 1e-9 <= inst.boot_s <= (1 + j) * total + 1e-9


def test_ubuntu_vm_boots_through_every_phase_in_order(cat, make_sim):
    sim = make_sim(worlds=("vm",), vm={"image_cached": True})
    sim.add_workload("nginx")
    sim.run_until(60)
    (inst,) = sim.snapshot().world("vm").instances
    nominal = vm_nominal(cat, "nginx")
    assert [name for name, _ in nominal] == UBUNTU_VM_PHASES
    assert_timeline(cat, inst, nominal)
    # The full guest boot is what a teacher expects: several seconds.
    assert inst.boot_s > 5.0


@pytest.mark.parametrize("guest", ["ubuntu-22.04", "debian-12", "alpine-3.22"])
def test_other_guests_boot_through_their_own_phases(cat, make_sim, guest):
    sim = make_sim(worlds=("vm",), vm={"image_cached": True, "guest_os": guest})
    sim.add_workload("redis")
    sim.run_until(60)
    (inst,) = sim.snapshot().world("vm").instances
    assert_timeline(cat, inst, vm_nominal(cat, "redis", guest))


def test_container_phases_are_create_start_app(cat, make_sim):
    sim = make_sim(worlds=("container",), container={"cached_images": ("nginx",)})
    sim.add_workload("nginx")
    sim.run_until(10)
    (inst,) = sim.snapshot().world("container").instances
    assert [n for n, _ in container_nominal(cat, "nginx")] == CONTAINER_PHASES
    assert_timeline(cat, inst, container_nominal(cat, "nginx"))
    assert inst.boot_s < 1.0


def test_microvm_phases_are_create_vmm_kernel_init_start_app(cat, make_sim):
    sim = make_sim(worlds=("microvm",), container={"cached_images": ("nginx",)})
    sim.add_workload("nginx")
    sim.run_until(10)
    (inst,) = sim.snapshot().world("microvm").instances
    assert [n for n, _ in microvm_nominal(cat, "nginx")] == MICROVM_PHASES
    assert_timeline(cat, inst, microvm_nominal(cat, "nginx"))
    assert inst.boot_s < 1.0


def test_jitter_really_varies_the_durations(cat, make_sim):
    sim = make_sim(worlds=("vm",), vm={"image_cached": True}, seed=4)
    sim.add_workload("nginx")
    sim.run_until(60)
    (inst,) = sim.snapshot().world("vm").instances
    off = [abs((p.end_s - p.start_s) - nom) for p, (_, nom) in zip(inst.phases, vm_nominal(cat, "nginx"), strict=True)]
    assert max(off) > 1e-6


def test_ready_event_carries_the_boot_time(make_sim):
    sim = make_sim(worlds=("container",), container={"cached_images": ("redis",)})
    sim.add_workload("redis")
    fired = sim.run_until(5)
    ready = [e for e in fired if isinstance(e, InstanceReady)]
    assert len(ready) == 1
    (inst,) = sim.snapshot().world("container").instances
    assert ready[0].instance == "redis-1"
    assert ready[0].t_s == inst.ready_s
    assert ready[0].boot_s == pytest.approx(inst.ready_s - inst.added_s)


def test_a_full_copy_is_the_slow_path_and_linked_is_the_overlay(cat, make_sim):
    g = cat.guests["ubuntu-24.04"]
    disk = g.installed_disk_mib.value + cat.apps["nginx"].installed_mib
    for clone, first in (("linked", vm_nominal(cat, "nginx")[:1]), ("copy", [("disk copy", disk / 2000.0)])):
        sim = make_sim(worlds=("vm",), vm={"image_cached": True, "clone": clone})
        sim.add_workload("nginx")
        sim.run_until(60)
        (inst,) = sim.snapshot().world("vm").instances
        assert_timeline(cat, inst, first + vm_nominal(cat, "nginx")[1:])


def test_uncached_vm_downloads_its_image_first_at_registry_bandwidth(cat, make_sim):
    sim = make_sim(worlds=("vm",), vm={"image_cached": False}, container={"registry_mbps": 100})
    sim.add_workload("nginx")
    sim.run_until(120)
    w = sim.snapshot().world("vm")
    (inst,) = w.instances
    image = cat.guests["ubuntu-24.04"].image_download_mib.value
    assert inst.phases[0].name == "download"
    assert inst.phases[0].end_s == pytest.approx(image / registry_mibps(100), rel=1e-9)
    assert [p.name for p in inst.phases[1:]] == UBUNTU_VM_PHASES
    fetched = [e for e in w.events if isinstance(e, ArtifactFetched)]
    assert len(fetched) == 1
    assert fetched[0].size_mib == image
    assert w.disk.get("base_images") == image


def test_second_vm_waits_for_the_same_download(cat, make_sim):
    sim = make_sim(worlds=("vm",))
    sim.add_workload("nginx")
    sim.run_until(1.0)
    sim.add_workload("nginx")
    sim.run_until(150)
    w = sim.snapshot().world("vm")
    ends = [i.phases[0].end_s for i in w.instances]
    assert [i.phases[0].name for i in w.instances] == ["download", "download"]
    assert ends[0] == ends[1]
    assert len([e for e in w.events if e.kind == "fetched"]) == 1
    assert w.disk.get("base_images") == cat.guests["ubuntu-24.04"].image_download_mib.value


def expected_pull_end(cat, app: str, mbps: float) -> float:
    """Two layers downloading side by side on one link, then each unpacked alone on the (idle) cores."""
    rt = cat.runtimes["containerd"]
    bw = registry_mibps(mbps)
    layers = cat.apps[app].image.layers
    assert len(layers) == 2
    small, large = sorted(layers, key=lambda layer: layer.size_mib)
    d_small = small.size_mib * rt.compressed_ratio.value / bw
    d_large = large.size_mib * rt.compressed_ratio.value / bw
    unpack = rt.unpack_mibps.value
    return max(2 * d_small + small.size_mib / unpack, d_small + d_large + large.size_mib / unpack)


def test_cold_container_pulls_every_layer_once(cat, make_sim):
    sim = make_sim(worlds=("container",), container={"registry_mbps": 100})
    sim.add_workload("nginx")
    sim.run_until(60)
    w = sim.snapshot().world("container")
    (inst,) = w.instances
    assert [p.name for p in inst.phases] == ["pull", *CONTAINER_PHASES]
    assert inst.phases[0].end_s == pytest.approx(expected_pull_end(cat, "nginx", 100), rel=1e-9)
    fetched = [e for e in w.events if isinstance(e, ArtifactFetched)]
    layers = cat.apps["nginx"].image.layers
    assert sorted(e.artifact for e in fetched) == sorted(f"layer {layer.id}" for layer in layers)
    assert sorted(e.size_mib for e in fetched) == sorted(layer.size_mib for layer in layers)
    assert w.disk.get("image_layers") == pytest.approx(sum(layer.size_mib for layer in layers))


def test_second_container_of_a_pulled_image_starts_warm(cat, make_sim):
    sim = make_sim(worlds=("container",))
    sim.add_workload("nginx")
    sim.run_until(30)
    sim.add_workload("nginx")
    sim.run_until(40)
    w = sim.snapshot().world("container")
    first, second = w.instances
    assert first.phases[0].name == "pull"
    assert [p.name for p in second.phases] == CONTAINER_PHASES
    assert second.boot_s < 1.0 < first.boot_s
    assert len([e for e in w.events if e.kind == "fetched"]) == len(cat.apps["nginx"].image.layers)


def test_container_added_during_a_pull_joins_it(cat, make_sim):
    sim = make_sim(worlds=("container",))
    sim.add_workload("nginx")
    sim.run_until(1.0)
    sim.add_workload("nginx")
    sim.run_until(30)
    w = sim.snapshot().world("container")
    first, second = w.instances
    assert second.phases[0].name == "pull"
    assert second.phases[0].start_s == 1.0
    assert second.phases[0].end_s == first.phases[0].end_s
    assert len([e for e in w.events if e.kind == "fetched"]) == 2


def test_images_on_one_base_store_and_pull_the_base_layer_once(cat, make_sim):
    sim = make_sim(worlds=("container",))
    sim.add_workload("nginx")
    sim.add_workload("redis")
    sim.run_until(60)
    w = sim.snapshot().world("container")
    assert w.count("running") == 2
    layer_ids = {layer.id for app in ("nginx", "redis") for layer in cat.apps[app].image.layers}
    assert layer_ids == {"debian-trixie-slim", "nginx-1.31", "redis-8"}
    assert w.disk.get("image_layers") == pytest.approx(sum(cat.layers[i].size_mib for i in layer_ids))
    assert sorted(e.artifact for e in w.events if e.kind == "fetched") == sorted(f"layer {i}" for i in layer_ids)


def test_cached_images_are_on_disk_from_the_start_and_skip_the_pull(cat, make_sim):
    sim = make_sim(worlds=("container", "microvm"), container={"cached_images": ("nginx",)})
    for name in ("container", "microvm"):
        assert sim.snapshot().world(name).disk.get("image_layers") == pytest.approx(cat.images["nginx"].size_mib)
    sim.add_workload("nginx")
    sim.run_until(10)
    for w in sim.snapshot().worlds:
        assert "pull" not in [p.name for p in w.instances[0].phases]
        assert not [e for e in w.events if e.kind == "fetched"]


def test_a_cached_app_name_caches_its_image(cat, make_sim):
    # Scenario files may name an app; the engine gets image names. node-web's image has three layers.
    sim = make_sim(worlds=("container",), container={"cached_images": ("node-web",)})
    assert sim.snapshot().world("container").disk.get("image_layers") == pytest.approx(cat.images["node-web"].size_mib)
