"""Random command sequences (hypothesis): the books balance after every step, nothing goes negative or over."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vmsim.engine import default_catalog
from vmsim.engine.machines import Cluster

CAT = default_catalog()
APPS = sorted(CAT.apps)
IMAGES = sorted(CAT.images)
GUESTS = [g for g in CAT.guests if g != "microvm-linux"]

# derandomize: the same examples on every run, so a failure is reproducible and never flaky in CI.
SETTINGS = settings(
    max_examples=100,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

ops = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.sampled_from(APPS), st.integers(1, 10)),
        st.tuples(st.just("remove"), st.integers(0, 60)),
        st.tuples(st.just("remove_app"), st.sampled_from(APPS)),
        st.tuples(st.just("grow"), st.sampled_from(APPS), st.sampled_from([1.0, 64.0, 500.0, 2000.0])),
        st.tuples(st.just("advance"), st.sampled_from([0.0, 0.01, 0.1, 0.5, 2.0, 10.0, 60.0])),
    ),
    min_size=3,
    max_size=40,
)


def configs(
    overcommit,
    memory=(None, 2048.0, 3000.0, 6000.0),
    vm_memory=(128.0, 256.0, 512.0, 1024.0, 2048.0),
    vm_disk=("thin", "preallocated"),
):
    return st.fixed_dictionaries(
        {
            "host": st.sampled_from(["laptop", "small-cloud", "cloud-nested"]),
            "cluster": st.builds(
                Cluster, st.sampled_from([1, 1, 2, 3]), st.sampled_from(["spread", "pack"]), st.just(())
            ),
            "memory_mib": st.sampled_from(memory),
            "disk_extra_mib": st.sampled_from([None, 2000.0, 4000.0, 10000.0]),
            "worlds": st.lists(st.sampled_from(["vm", "container", "microvm"]), min_size=1, max_size=3, unique=True),
            "seed": st.integers(0, 1000),
            "vm": st.fixed_dictionaries(
                {
                    "guest_os": st.sampled_from(GUESTS),
                    "memory_mib": st.sampled_from(vm_memory),
                    "vcpus": st.sampled_from([1, 2, 4]),
                    "disk": st.sampled_from(vm_disk),
                    "clone": st.sampled_from(["copy", "linked"]),
                    "image_cached": st.booleans(),
                    "overcommit_ratio": overcommit,
                    "cpu_allocation_ratio": st.sampled_from([None, 1.0, 2.0]),
                    "ksm": st.booleans(),
                }
            ),
            "container": st.fixed_dictionaries(
                {
                    "registry_mbps": st.sampled_from([10.0, 100.0, 1000.0]),
                    "cached_images": st.lists(st.sampled_from(IMAGES), max_size=3, unique=True).map(tuple),
                    "memory_limit_mib": st.sampled_from([None, 64.0, 512.0]),
                }
            ),
            "microvm": st.fixed_dictionaries(
                {
                    "memory_mib": st.sampled_from([64.0, 128.0, 256.0, 512.0]),
                    "overcommit_ratio": overcommit,
                }
            ),
        }
    )


def build(make_sim, cfg):
    hw = {}
    if cfg["memory_mib"] is not None:
        hw["memory_mib"] = cfg["memory_mib"]
    if cfg["disk_extra_mib"] is not None:  # a small disk: room for the cached images, then little more
        hw["disk_mib"] = CAT.hosts[cfg["host"]].host_os_disk_mib.value + cfg["disk_extra_mib"]
    return make_sim(
        host=cfg["host"],
        worlds=cfg["worlds"],
        seed=cfg["seed"],
        vm=cfg["vm"],
        container=cfg["container"],
        microvm=cfg["microvm"],
        cluster=cfg.get("cluster"),
        **hw,
    )


def check(sim, last_now):
    sim.check_invariants()
    snap = sim.snapshot()
    assert snap.time_s >= last_now
    for w in snap.worlds:
        counts = dict(w.counts)
        assert all(n >= 0 for n in counts.values()), counts
        assert sum(counts.values()) == len(w.instances)
        for ledger in (w.memory, w.disk):
            assert all(mib >= 0 and math.isfinite(mib) for _, mib in ledger.by_category)
            total = sum(mib for _, mib in ledger.by_category)
            assert abs(ledger.total_mib - total) <= 1e-6 * max(1.0, ledger.total_mib)
        assert w.disk.total_mib <= w.disk.capacity_mib + 1e-6
        assert w.memory_touched_mib <= w.memory.capacity_mib + 1e-6
        for h in w.hosts:
            assert h.memory_touched_mib <= snap.host.memory_mib + 1e-6, h.name
        # A VM whose app its own guest's OOM killer stopped goes on running; removing it later stops the VM: the one
        # instance that may end twice (killed by its guest, then stopped).
        guest_killed = {
            e.instance
            for e in w.events
            if e.kind == "killed" and str(getattr(e, "reason", ("",))[0]).startswith("reason.guest_oom")
        }
        ends = [
            e.instance
            for e in w.events
            if e.kind in ("refused", "failed", "killed", "stopped")
            and not (e.kind == "stopped" and e.instance in guest_killed)
        ]
        assert len(ends) == len(set(ends)), "an instance ended twice"
        for inst in w.instances:
            assert 0.0 <= w.progress(inst) <= 1.0
            assert inst.memory_mib >= -1e-9 and inst.disk_mib >= -1e-9
            # Ended instances hold nothing, except a VM whose app its own guest OOM killer stopped: the VM
            # itself goes on running (and holding its allocation) until it is removed.
            guest_oom = inst.state == "killed" and inst.reason and inst.reason[0].startswith("reason.guest_oom")
            if inst.state not in ("pending", "booting", "running") and not guest_oom:
                assert inst.memory_mib == 0 and inst.disk_mib == 0
            if inst.state == "running":
                assert inst.ready_s is not None and inst.ready_s >= inst.added_s
    return snap.time_s


def play(sim, commands):
    ids: list[str] = []
    now = check(sim, 0.0)
    for op in commands:
        verb = op[0]
        if verb == "add":
            ids += sim.add_workload(op[1], op[2])
        elif verb == "remove":
            if ids:
                sim.remove_instance(ids[op[1] % len(ids)])
        elif verb == "remove_app":
            sim.remove_app(op[1])
        elif verb == "grow":
            sim.grow_app(op[1], op[2])
        else:
            sim.advance(op[1])
        now = check(sim, now)
    sim.advance(120)
    check(sim, now)
    return sim.snapshot()


@SETTINGS
@given(cfg=configs(st.just(1.0)), commands=ops)
def test_invariants_hold_after_every_random_command(make_sim, cfg, commands):
    play(build(make_sim, cfg), commands)


@SETTINGS
@given(
    cfg=configs(st.sampled_from([2.0, 3.0]), memory=(2048.0,), vm_memory=(128.0, 256.0), vm_disk=("thin",)),
    commands=ops,
)
def test_invariants_hold_with_overcommitted_guests(make_sim, cfg, commands):
    # Small hosts and small guests: overcommit lets many guests in, so host memory really runs short.
    play(build(make_sim, cfg), commands)


@settings(max_examples=30, deadline=None, database=None, derandomize=True)
@given(cfg=configs(st.just(1.0)), commands=ops)
def test_random_runs_are_deterministic(make_sim, cfg, commands):
    assert play(build(make_sim, cfg), commands) == play(build(make_sim, cfg), commands)
