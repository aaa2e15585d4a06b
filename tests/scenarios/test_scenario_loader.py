"""Good scenario files: every documented key lands in the spec, and build_simulation schedules the events."""

from __future__ import annotations

import pytest

from vmsim.engine import ContainerSettings, MicroVmSettings, VmSettings, default_catalog
from vmsim.scenarios import build_host, build_simulation, load_scenario, parse_scenario, resolve, shipped_names

FULL = """
name = "Web stack"
description = "nginx, node, postgres and redis: four VMs against four containers"
seed = 7
duration_s = 120
worlds = ["vm", "container", "microvm"]

[host]
preset = "cloud-nested"
cpu_cores = 4
memory_gib = 8
disk_gib = 64

[vm]
guest_os = "debian-12"
memory_mib = 1024
vcpus = 1
disk = "preallocated"
clone = "linked"
image_cached = true
overcommit_ratio = 1.5
cpu_allocation_ratio = 4.0
ksm = true

[container]
registry_mbps = 250
cached_images = ["nginx", "node-web"]
memory_limit_mib = 512

[microvm]
memory_mib = 192
vcpus = 2
overcommit_ratio = 2.0

[[events]]
at_s = 10
add = "redis"
count = 3

[[events]]
at_s = 0
add = "nginx"

[[events]]
at_s = 20
grow = "redis"
memory_mib = 100

[[events]]
at_s = 30
remove = "redis-2"

[[events]]
at_s = 40
remove = "nginx"
"""


def write(tmp_path, text: str, name: str = "scenario.toml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_every_documented_key_is_read(tmp_path):
    path = write(tmp_path, FULL, "web.toml")
    spec = load_scenario(path)
    assert spec.name == "Web stack"
    assert spec.description.startswith("nginx, node")
    assert (spec.seed, spec.duration_s, spec.worlds) == (7, 120.0, ("vm", "container", "microvm"))
    assert (spec.source, spec.slug) == (path, "web")
    assert spec.host.preset == "cloud-nested"
    assert spec.host.overrides() == {"cpu_cores": 4, "memory_mib": 8 * 1024, "disk_mib": 64 * 1024}
    assert spec.vm == VmSettings(
        guest_os="debian-12",
        memory_mib=1024,
        vcpus=1,
        disk="preallocated",
        clone="linked",
        image_cached=True,
        overcommit_ratio=1.5,
        cpu_allocation_ratio=4.0,
        ksm=True,
    )
    # An app name in cached_images stands for its image.
    assert spec.container == ContainerSettings(
        registry_mbps=250, cached_images=("nginx", "node-web"), memory_limit_mib=512
    )
    assert spec.microvm == MicroVmSettings(memory_mib=192, vcpus=2, overcommit_ratio=2.0)
    # Events are sorted by time; the verbs map onto the engine's commands.
    assert [(e.at_s, e.verb, e.args) for e in spec.events] == [
        (0.0, "add_workload", ("nginx", 1)),
        (10.0, "add_workload", ("redis", 3)),
        (20.0, "grow_app", ("redis", 100)),
        (30.0, "remove_instance", ("redis-2",)),
        (40.0, "remove_app", ("nginx",)),
    ]


def test_build_simulation_uses_the_host_settings_and_events(tmp_path):
    spec = load_scenario(write(tmp_path, FULL))
    host = build_host(spec, default_catalog())
    assert (host.name, host.cpu_cores, host.memory_mib, host.disk_mib) == ("cloud-nested", 4, 8192.0, 65536.0)
    sim = build_simulation(spec)
    assert sim.seed == 7 and sim.scenario == "Web stack"
    assert list(sim.worlds) == ["vm", "container", "microvm"]
    sim.run_until(35)
    for w in sim.snapshot().worlds:
        added = [(i.id, i.added_s) for i in w.instances]
        assert added == [("nginx-1", 0.0), ("redis-1", 10.0), ("redis-2", 10.0), ("redis-3", 10.0)]
        assert {i.id: i.state for i in w.instances}["redis-2"] == "stopped"
    sim.run_until(45)
    for w in sim.snapshot().worlds:
        assert {i.id: i.state for i in w.instances}["nginx-1"] == "stopped"
    assert build_simulation(spec, seed=99).seed == 99


def test_defaults_for_a_minimal_file(tmp_path):
    spec = load_scenario(write(tmp_path, 'name = "tiny"\n'))
    assert spec.worlds == ("vm", "container")
    assert spec.seed == 0 and spec.duration_s == 60.0
    assert spec.host.preset == "laptop" and spec.host.overrides() == {}
    assert spec.vm == VmSettings() and spec.container == ContainerSettings() and spec.microvm == MicroVmSettings()
    assert spec.events == ()


def test_memory_mib_on_the_host_and_events_at_the_same_time_keep_file_order(tmp_path):
    text = (
        'name = "x"\n[host]\nmemory_mib = 3000\n'
        '[[events]]\nat_s = 5\nadd = "redis"\n[[events]]\nat_s = 5\nadd = "nginx"\n'
    )
    spec = load_scenario(write(tmp_path, text))
    assert spec.host.memory_mib == 3000
    assert [e.args[0] for e in spec.events] == ["redis", "nginx"]


def test_parse_scenario_takes_a_parsed_document():
    spec = parse_scenario({"name": "inline", "worlds": ["container"], "events": [{"at_s": 1, "add": "hello"}]})
    assert spec.worlds == ("container",)
    assert spec.source == "<memory>"
    assert spec.events[0].args == ("hello", 1)


def test_names_resolve_to_the_shipped_files_from_any_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in shipped_names():
        path, slug = resolve(name)
        assert path.is_file() and path.name == f"{name}.toml" and slug == name
        assert load_scenario(name).slug == name


def test_a_path_is_used_as_given(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mine.toml").write_text('name = "mine"\n', encoding="utf-8")
    assert load_scenario("mine.toml").name == "mine"
    assert load_scenario("./mine.toml").slug == "mine"


@pytest.mark.parametrize("name", shipped_names())
def test_shipped_files_round_trip_through_parse(name):
    import tomllib

    spec = load_scenario(name)
    path, _ = resolve(name)
    again = parse_scenario(tomllib.loads(path.read_text(encoding="utf-8")), spec.source, slug=name)
    assert again == spec
