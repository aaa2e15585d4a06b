"""The compact JSON of large runs is written straight from the snapshot: the same bytes as json.dumps of as_dict,
for every shipped scenario (refused, killed, booting and stopped instances, every event kind)."""

from __future__ import annotations

import json

import pytest

from vmsim.output import json_fast
from vmsim.output.formats import render_json, world_summary
from vmsim.output.words import ENGLISH
from vmsim.scenarios.loader import shipped_names
from vmsim.session import load_scenario, run_headless


def slow(snap) -> str:
    data = snap.as_dict(ENGLISH)
    for w in snap.worlds:
        data["worlds"][w.name]["summary"] = world_summary(w)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def summary(w):
    return {"summary": world_summary(w)}


@pytest.mark.parametrize("name", shipped_names())
@pytest.mark.parametrize("until", [3.0, None])
def test_the_fast_path_writes_the_same_bytes_as_json_dumps(name, until):
    snap = run_headless(load_scenario(name), until_s=until).state()
    assert json_fast.compact_json(snap, ENGLISH, summary) == slow(snap)


def test_a_field_the_fast_path_does_not_know_makes_it_take_the_slow_way(monkeypatch):
    snap = run_headless(load_scenario("boot-storm")).state()
    real = type(snap.worlds[0].instances[0]).as_dict
    monkeypatch.setattr(type(snap.worlds[0].instances[0]), "as_dict", lambda i, w: {**real(i, w), "host": "h1"})
    text = json_fast.compact_json(snap, ENGLISH, summary)
    assert text == slow(snap) and '"host":"h1"' in text


def test_large_runs_use_it():
    snap = run_headless(load_scenario("scale-out")).state()
    n = sum(len(w.instances) for w in snap.worlds)
    text = render_json(snap)
    if n > 600:
        assert text == slow(snap)
    else:
        assert text.startswith("{\n  ")  # small runs stay indented


def _reference(x: float) -> str:
    r = repr(round(x, 6))
    return {"inf": "Infinity", "-inf": "-Infinity", "nan": "NaN"}.get(r, r)


def test_six_decimals_match_repr_of_round_at_and_around_every_edge():
    import math
    import random

    rng = random.Random(17)
    edges = [0.0, -0.0, 1e-4, 1e9, 5e-05, 0.5e-6, 1.5e-6, 2.5e-6, 0.0001000005, 999999999.9999995, 12.0, 0.1 + 0.2]
    xs = edges + [math.nextafter(e, d) for e in edges for d in (-math.inf, math.inf)]
    xs += [math.inf, -math.inf, math.nan, 1e16, 123456789012.5, -3.25, -1e-7, 0, 5, -2, 10**12]  # ints too
    xs += [rng.uniform(0, 1000) for _ in range(20_000)]  # simulated seconds and MiB
    xs += [10 ** rng.uniform(-9, 12) for _ in range(20_000)]  # every magnitude
    xs += [rng.randrange(10**9) / 10**6 + rng.choice((0, 5e-7, -5e-7)) for _ in range(20_000)]  # ties
    for x in xs:
        assert json_fast.six(x) == _reference(x), x
