"""One Docker bridge network attaches at most 1,023 containers; more networks take more; fit names the limit."""

from __future__ import annotations

from vmsim.output.words import reason_text


def test_a_container_beyond_the_bridge_limit_is_refused_with_that_reason(cat, make_sim):
    cap = int(cat.runtimes["containerd"].bridge_max_containers.value)
    assert cap == 1023
    sim = make_sim(host="server", worlds=("container",), container={"cached_images": ("hello",)})
    sim.add_workload("hello", cap + 5)
    sim.run_until(120)
    w = sim.snapshot().world("container")
    assert w.count("running") == cap
    refused = [i for i in w.instances if i.state == "failed"]
    assert len(refused) == 5
    text = reason_text(refused[0].reason)
    assert "bridge network full" in text and "1023" in text
    fit = sim.fit("hello")["container"]
    assert (fit.max_instances, fit.limited_by) == (0, "network")
    sim.check_invariants()


def test_a_stopped_container_frees_its_port(cat, make_sim):
    cap = int(cat.runtimes["containerd"].bridge_max_containers.value)
    sim = make_sim(host="server", worlds=("container",), container={"cached_images": ("hello",)})
    sim.add_workload("hello", cap)
    sim.run_until(120)
    assert sim.fit("hello")["container"].max_instances == 0
    first = sim.snapshot().world("container").instances[0].id
    assert sim.remove_instance(first)
    assert sim.fit("hello")["container"].max_instances == 1


def test_more_networks_attach_more_containers(cat, make_sim):
    cap = int(cat.runtimes["containerd"].bridge_max_containers.value)
    sim = make_sim(host="server", worlds=("container",), container={"cached_images": ("hello",), "networks": 2})
    fit = sim.fit("hello")["container"]
    assert dict(fit.limits)["network"] == 2 * cap
    sim.add_workload("hello", cap + 5)
    sim.run_until(120)
    assert sim.snapshot().world("container").count("running") == cap + 5


def test_fit_names_memory_when_it_binds_before_the_bridge(make_sim):
    fit = make_sim(worlds=("container",)).fit("java-spring")["container"]
    limits = dict(fit.limits)
    assert fit.limited_by == "memory" and limits["memory"] < limits["network"] == 1023
