"""Engine soak: long random operation sequences over hours of simulated time, books checked after each.

Each sequence is reproducible from its config index and VMSIM_FUZZ_SEED. Operations: add random apps
in random counts, remove instances (live, ended and unknown ids), remove whole apps, grow apps by
positive finite amounts (memory pressure), advance by sizes from nothing to an hour, run exactly to
the next event, and schedule commands for later. After every operation: ``check_invariants()`` and
the checks below; every so often, a snapshot rendered to strict JSON.
"""

from __future__ import annotations

import gc
import math
import random
import time

import pytest
from robustness_support import APPS, BASE_SEED, CAT, GUESTS, IMAGES, in_parallel, sized, strict_json

from vmsim.engine import ContainerSettings, Host, MicroVmSettings, Settings, Simulation, VmSettings
from vmsim.output import formats

# "local" depends on the machine: not reproducible elsewhere.
HOST_PRESETS = ["laptop", "small-cloud", "cloud-nested", "server"]
WORLD_SETS = [
    ("vm",),
    ("container",),
    ("microvm",),
    ("vm", "container"),
    ("vm", "microvm"),
    ("container", "microvm"),
    ("vm", "container", "microvm"),
]
SEQUENCES = sized(12, 60)
OPS_PER_SEQUENCE = sized(300, 1_500)
MIN_SIMULATED_S = 3 * 3600  # every sequence covers at least three simulated hours
LIVE_CAP = sized(250, 1_000)  # beyond this many live instances per world, the sequence removes some
WALL_BUDGET_S = sized(30, 600)  # one sequence taking longer than this is a performance failure


def make_config(index: int) -> dict:
    rng = random.Random(f"{BASE_SEED}:soak:{index}")
    preset = HOST_PRESETS[index % len(HOST_PRESETS)]
    worlds = WORLD_SETS[index % len(WORLD_SETS)]
    p = CAT.hosts[preset]
    hw: dict = {}
    if rng.random() < 0.35:  # a tight host: pressure and refusals come early
        hw["memory_mib"] = p.host_os_memory_mib.value + rng.choice([512, 2048, 6000])
    if rng.random() < 0.25:
        hw["disk_mib"] = p.host_os_disk_mib.value + rng.choice([1500, 4000, 20000])
    if rng.random() < 0.2:
        hw["cpu_cores"] = rng.choice([1, 2, 64])
    return {
        "index": index,
        "preset": preset,
        "worlds": worlds,
        "seed": rng.randrange(2**32),
        "hw": hw,
        "vm": VmSettings(
            guest_os=rng.choice(GUESTS),
            memory_mib=rng.choice([64, 256, 512, 1024, 2048, 4096]),
            vcpus=rng.choice([1, 2, 4]),
            disk=rng.choice(["thin", "preallocated"]),
            clone=rng.choice(["copy", "linked"]),
            image_cached=rng.random() < 0.5,
            overcommit_ratio=rng.choice([1.0, 1.0, 1.5, 3.0]),
            cpu_allocation_ratio=rng.choice([None, None, 1.0, 4.0]),
            ksm=rng.random() < 0.4,
        ),
        "container": ContainerSettings(
            registry_mbps=rng.choice([1.0, 50.0, 100.0, 1000.0]),
            cached_images=tuple(rng.sample(IMAGES, rng.randint(0, 4))),
            memory_limit_mib=rng.choice([None, None, 64.0, 512.0, 4096.0]),
        ),
        "microvm": MicroVmSettings(
            memory_mib=rng.choice([64, 128, 256, 1024]),
            vcpus=rng.choice([1, 2]),
            overcommit_ratio=rng.choice([1.0, 2.0]),
        ),
    }


def build(cfg: dict) -> Simulation:
    settings = Settings(CAT, vm=cfg["vm"], container=cfg["container"], microvm=cfg["microvm"])
    host = Host.from_preset(CAT.hosts[cfg["preset"]], **cfg["hw"])
    return Simulation(host, worlds=cfg["worlds"], settings=settings, seed=cfg["seed"])


def check(sim: Simulation, last_now: float, where: str, instances: bool = True) -> float:
    """The engine's own invariants, plus what an observer relies on (per instance when ``instances``)."""
    try:
        sim.check_invariants()
    except AssertionError as exc:
        raise AssertionError(f"{where}: check_invariants: {exc}") from None
    now = sim.now
    assert math.isfinite(now) and now >= last_now, f"{where}: time went from {last_now} to {now}"
    for world in sim.worlds.values():
        assert all(n >= 0 for n in world.counts.values()), f"{where}: {world.kind} counts {world.counts}"
        assert math.isfinite(world.memory.total) and math.isfinite(world.disk.total), where
        demand = world.cpu_demand()
        assert demand >= -1e-9 and math.isfinite(demand), f"{where}: cpu demand {demand}"
        for inst in world.instances if instances else ():
            if inst.state == "running":
                assert inst.ready_s is not None and inst.ready_s >= inst.added_s - 1e-9, f"{where}: {inst.id}"
    nxt = sim.next_event_s()
    assert nxt is None or (nxt >= now - 1e-9 and not math.isnan(nxt)), f"{where}: next event at {nxt}, now {now}"
    return now


def play(cfg: dict, ops: int) -> dict:
    """One soak sequence; returns a summary (raises on the first broken invariant)."""
    rng = random.Random(f"{BASE_SEED}:soak-ops:{cfg['index']}")
    sim = build(cfg)
    start = time.perf_counter()
    ids: list[str] = []
    counts = {"add": 0, "remove": 0, "remove_app": 0, "grow": 0, "advance": 0, "to_next": 0, "at": 0}
    now = check(sim, 0.0, "start")
    for step in range(ops):
        r = rng.random()
        live = max(sum(w.counts[s] for s in ("pending", "booting", "running")) for w in sim.worlds.values())
        if live > LIVE_CAP:
            r = 0.3  # a remove
        if r < 0.22:
            app = rng.choice(APPS)
            count = rng.choice([1, 1, 2, 3, 5, 10, 25, 60])
            ids += sim.add_workload(app, count)
            what = f"add_workload({app!r}, {count})"
            counts["add"] += 1
        elif r < 0.34:
            target = rng.choice(ids) if ids and rng.random() < 0.9 else f"{rng.choice(APPS)}-{rng.randint(0, 10**6)}"
            sim.remove_instance(target)
            what = f"remove_instance({target!r})"
            counts["remove"] += 1
        elif r < 0.38:
            app = rng.choice(APPS)
            sim.remove_app(app)
            what = f"remove_app({app!r})"
            counts["remove_app"] += 1
        elif r < 0.48:
            app = rng.choice(APPS)
            mib = rng.choice([1e-6, 0.5, 16.0, 128.0, 700.0, 3000.0, rng.uniform(1, 20000), 1e6])
            sim.grow_app(app, mib)
            what = f"grow_app({app!r}, {mib!r})"
            counts["grow"] += 1
        elif r < 0.56:
            nxt = sim.next_event_s()
            if nxt is not None:
                sim.run_until(nxt)  # land exactly on an event boundary
            what = f"run_until(next event {nxt!r})"
            counts["to_next"] += 1
        elif r < 0.60:
            verb = rng.choice(["add_workload", "remove_app", "grow_app"])
            args: tuple = (rng.choice(APPS),)
            if verb == "add_workload":
                args += (rng.randint(1, 8),)
            elif verb == "grow_app":
                args += (rng.uniform(1, 500),)
            at = sim.now + rng.choice([0.0, 0.01, 1.0, 30.0, 900.0])
            sim.at(at, verb, *args)
            what = f"at({at!r}, {verb!r}, {args!r})"
            counts["at"] += 1
        else:
            dt = rng.choice([0.0, 1e-9, 0.001, 0.05, 0.3, 1.0, 5.0, 30.0, 120.0, 600.0, 1800.0, 3600.0])
            if rng.random() < 0.3:
                dt = rng.expovariate(1 / 200)
            sim.advance(dt)
            what = f"advance({dt!r})"
            counts["advance"] += 1
        now = check(sim, now, f"config {cfg['index']} step {step}: {what}", instances=step % 10 == 0)
        if step % 50 == 0:
            strict_json(formats.render_json(sim.snapshot()))
        if time.perf_counter() - start > WALL_BUDGET_S:
            raise AssertionError(f"config {cfg['index']}: step {step} after {WALL_BUDGET_S} s of wall time")
    if sim.now < MIN_SIMULATED_S:
        sim.advance(MIN_SIMULATED_S - sim.now)
        now = check(sim, now, f"config {cfg['index']}: the final advance")
    snap = sim.snapshot()
    strict_json(formats.render_json(snap))
    formats.render_csv(snap)
    return {"index": cfg["index"], "simulated_s": sim.now, "instances": len(ids), "ops": counts}


def _play_many(indices: list[int]) -> list[tuple[int, str | None, dict | None]]:
    out = []
    for i in indices:
        try:
            out.append((i, None, play(make_config(i), OPS_PER_SEQUENCE)))
        except Exception as exc:  # noqa: BLE001 - every failing sequence is reported
            out.append((i, f"{type(exc).__name__}: {exc}", None))
    return out


def test_random_operation_sequences_keep_the_books_balanced():
    indices = list(range(SEQUENCES))
    results = [r for part in in_parallel(_play_many, [indices[k::2] for k in range(2)]) for r in part]
    failures = [f"config {i}: {err}" for i, err, _ in results if err]
    assert not failures, f"{len(failures)} of {SEQUENCES} sequences broke (VMSIM_FUZZ_SEED={BASE_SEED}):\n" + "\n".join(
        failures
    )
    summaries = [s for _, _, s in results if s]
    assert all(s["simulated_s"] >= MIN_SIMULATED_S for s in summaries)
    assert sum(s["ops"]["grow"] for s in summaries) > 0 and sum(s["ops"]["add"] for s in summaries) > 0
    print(f"{len(summaries)} sequences, {sum(s['simulated_s'] for s in summaries) / 3600:.0f} simulated hours")


def test_every_host_preset_and_world_set_is_soaked():
    configs = [make_config(i) for i in range(SEQUENCES)]
    assert {c["preset"] for c in configs} == set(HOST_PRESETS)
    assert {c["worlds"] for c in configs} == set(WORLD_SETS)


@pytest.mark.parametrize("index", [0, 5])
def test_a_soak_sequence_replays_identically(index):
    cfg = make_config(index)
    ops = sized(120, 1_000)

    def final():
        rng = random.Random(f"{BASE_SEED}:replay:{index}")
        sim = build(cfg)
        for _ in range(ops):
            r = rng.random()
            if r < 0.3:
                sim.add_workload(rng.choice(APPS), rng.randint(1, 6))
            elif r < 0.4:
                sim.grow_app(rng.choice(APPS), rng.uniform(1, 2000))
            elif r < 0.5:
                sim.remove_app(rng.choice(APPS))
            else:
                sim.advance(rng.choice([0.01, 0.5, 3.0, 60.0, 900.0]))
        return formats.render_json(sim.snapshot())

    assert final() == final()


# Host memory pressure at scale (World._host_pressure used to rescan every live instance per boot step)
# is a hang regression through the CLI: test_fuzz_cli.py::test_regression_small_files_never_hang.


def test_regression_memory_stays_bounded_under_repeated_growth():
    # A long session keeps growing apps (a cache filling). The memory the engine keeps must grow with
    # the number of commands, not with commands x instances. Found while checking the OOM-killer heap
    # (World._oom_heap): every memory change pushes an entry and stale entries are dropped only when
    # they reach the top, so 500 grows over 200 running containers left ~100,000 entries behind
    # (10,000 grows over 13,000 containers: over a hundred million).
    sim = build(
        {
            "preset": "server",
            "worlds": ("container",),
            "seed": 1,
            "hw": {},
            "vm": VmSettings(),
            "container": ContainerSettings(cached_images=("nginx",)),
            "microvm": MicroVmSettings(),
        }
    )
    sim.add_workload("nginx", 200)
    sim.advance(120)
    assert sim.worlds["container"].counts["running"] == 200
    grows = 500
    gc.collect()
    before = len(gc.get_objects())
    for _ in range(grows):
        sim.grow_app("nginx", 0.001)
        sim.advance(0.1)
    sim.check_invariants()
    gc.collect()
    grown = len(gc.get_objects()) - before
    assert grown < 20 * grows, f"{grown:,} more live objects after {grows} grows of 200 running containers"
