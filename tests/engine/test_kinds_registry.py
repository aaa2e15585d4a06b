"""The kinds registry is the one place that lists the kinds: a new kind registers there and runs."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import vmsim.engine
from vmsim.engine import WORLD_KINDS, Simulation
from vmsim.engine.kinds import KINDS
from vmsim.engine.kinds.container import ContainerKind
from vmsim.engine.world import World

ENGINE = Path(vmsim.engine.__file__).resolve().parent
KIND_NAMES = ("vm", "container", "microvm")


class SandboxKind(ContainerKind):
    """A fourth kind for the test: containers in a sandbox that costs 40 MiB and 0.5 s more each."""

    name = "sandbox"
    label = "Sandboxes"
    memory_phases = frozenset({"create", "sandbox", "app"})

    def plan(self, inst, add, disk_mib):
        super().plan(inst, add, disk_mib)
        add("sandbox", "cpu", 0.5, 1.0)

    def after_phase(self, inst, phase):
        if phase == "sandbox":
            self.node.hold_memory(inst, "shims", 40.0)  # a per-sandbox process, on its host
            return True
        return super().after_phase(inst, phase)


@pytest.fixture
def sandbox(monkeypatch):
    monkeypatch.setitem(KINDS, SandboxKind.name, SandboxKind)
    return SandboxKind.name


def test_the_registry_lists_the_three_kinds_in_display_order():
    assert tuple(KINDS) == WORLD_KINDS == KIND_NAMES
    assert all(KINDS[name].name == name for name in KINDS)


def test_a_fourth_kind_registered_in_the_registry_runs(make_sim, sandbox):
    sim = Simulation(
        make_sim().host, worlds=("container", sandbox), settings=make_sim().settings, seed=1, scenario="sandbox"
    )
    sim.add_workload("nginx", 3)
    for t in (1, 5, 30, 120):
        sim.run_until(t)
        sim.check_invariants()
    snap = sim.snapshot()
    assert [w.name for w in snap.worlds] == ["container", sandbox]
    box, plain = snap.world(sandbox), snap.world("container")
    assert box.label == "Sandboxes" and isinstance(sim.worlds[sandbox], World)
    assert box.count("running") == plain.count("running") == 3
    assert all("sandbox" in [p.name for p in i.phases] for i in box.instances)
    assert box.memory.get("shims") == pytest.approx(plain.memory.get("shims") + 3 * 40.0)
    assert box.memory.get("runtime") == plain.memory.get("runtime")  # the host's daemons, once
    assert {e.world for e in box.events} == {sandbox}
    assert sim.fit("nginx")[sandbox].max_instances > 0


def test_adding_a_kind_changes_no_other_world(make_sim, sandbox):
    def run(worlds):
        sim = Simulation(make_sim().host, worlds=worlds, settings=make_sim().settings, seed=4)
        sim.add_workload("nginx", 5)
        sim.run_until(60)
        return sim.snapshot().world("container")

    assert run(("container",)) == run(("container", sandbox))


def test_unknown_kinds_are_refused_by_the_registry(make_sim):
    with pytest.raises(ValueError, match="sandbox"):
        Simulation(make_sim().host, worlds=("container", "sandbox"), settings=make_sim().settings)


def test_no_engine_module_outside_the_kinds_names_a_kind():
    offenders = []
    for path in sorted(ENGINE.rglob("*.py")):
        if "kinds" in path.relative_to(ENGINE).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in KIND_NAMES:
                offenders.append(f"{path.relative_to(ENGINE)}:{node.lineno} {node.value!r}")
    assert offenders == []


def test_each_kind_module_imports_no_other_kind():
    for name in KIND_NAMES:
        text = (ENGINE / "kinds" / f"{name}.py").read_text(encoding="utf-8")
        others = [o for o in KIND_NAMES if o != name and f"vmsim.engine.kinds.{o} " in text + " "]
        assert others == [], f"kinds/{name}.py imports {others}"
