"""The OOM killer's pick (memory.OomQueue): queued lazily, it must still name the instance a scan would."""

from __future__ import annotations

import random

from vmsim.engine.memory import OomQueue, oom_rank_mib
from vmsim.engine.world import Instance


def _scan(instances: list[Instance]) -> Instance | None:
    # What the killer charges, largest first; the youngest (highest seq) of equals.
    holding = [i for i in instances if i.mem]
    return max(holding, key=lambda i: (oom_rank_mib(i), i.seq)) if holding else None


def test_the_largest_is_what_a_scan_finds_after_any_changes(cat):
    app = cat.apps["nginx"]
    rng = random.Random(7)
    instances: list[Instance] = []
    queue = OomQueue(instances)
    asked = 0
    for step in range(3_000):
        if len(instances) < 40 and rng.random() < 0.2:
            instances.append(Instance(f"i{step}", app, len(instances), 0.0))
        if not instances:
            continue
        inst = rng.choice(instances)
        roll = rng.random()
        if roll < 0.1:
            inst.mem.clear()  # released (ended)
        elif roll < 0.2:
            inst.mem["reserved_idle"] = rng.choice((0.0, 512.0))  # untouched guest RAM: not charged
        else:
            # Sizes from a small set, so equal sizes (the youngest wins) and a return to an old size both happen.
            inst.mem[rng.choice(("apps", "shims", "guest_kernel"))] = rng.choice((0.0, 16.0, 32.0, 64.0))
        inst.oom_hidden_mib = rng.choice((0.0, 0.0, 8.0))
        queue.changed(inst)
        if rng.random() < 0.3:
            asked += 1
            assert queue.largest() is _scan(instances), f"step {step}"
    assert asked > 500


def test_changes_cost_nothing_until_the_killer_asks_and_the_queue_stays_bounded(cat):
    app = cat.apps["nginx"]
    instances = [Instance(f"i{n}", app, n, 0.0) for n in range(50)]
    queue = OomQueue(instances)
    for n in range(20_000):
        inst = instances[n % 50]
        inst.mem["apps"] = float(n)
        queue.changed(inst)
        if n % 1_000 == 999:
            assert queue.largest() is _scan(instances)
        # Never more queued than there are instances, however many changes; the heap is rebuilt when stale.
        assert len(queue._changed) <= 50
        assert len(queue._heap) <= 4 * 50 + 64 + 50
