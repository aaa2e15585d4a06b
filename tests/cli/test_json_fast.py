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
