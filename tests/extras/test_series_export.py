"""The recorded time series as CSV: columns, order, values (vmsim.output.series_export)."""

from __future__ import annotations

import csv
import io
import math

import pytest

from vmsim.engine.simulation import SERIES_KINDS
from vmsim.output import series_export
from vmsim.output.series_export import SERIES_CSV_COLUMNS, render_series_csv
from vmsim.scenarios import build_simulation, load_scenario


def run_scenario(name: str, until: float | None = None):
    spec = load_scenario(name)
    sim = build_simulation(spec)
    sim.run_until(spec.duration_s if until is None else until)
    return sim


def read(text: str) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


@pytest.fixture(scope="module")
def hello():
    sim = run_scenario("hello")
    return sim, render_series_csv(sim)


def test_columns_and_kinds(hello):
    sim, text = hello
    header, rows = read(text)
    assert header == ["series", "world", "t_s", "value"] == list(SERIES_CSV_COLUMNS)
    assert text.splitlines()[0] == "series,world,t_s,value"
    assert {r["series"] for r in rows} == set(SERIES_KINDS)
    assert {r["world"] for r in rows} == {"vm", "container", "microvm"}
    # every kind of every world has rows
    assert {(r["series"], r["world"]) for r in rows} == {
        (k, w) for k in SERIES_KINDS for w in ("vm", "container", "microvm")
    }


def test_every_world_ends_ready_and_values_are_finite(hello):
    sim, text = hello
    _, rows = read(text)
    for world in ("vm", "container", "microvm"):
        ready = [r for r in rows if r["series"] == "ready" and r["world"] == world]
        assert float(ready[0]["value"]) == 0
        assert float(ready[-1]["value"]) == 1
        booting = [r for r in rows if r["series"] == "booting" and r["world"] == world]
        assert float(booting[-1]["value"]) == 0
    for r in rows:
        v, t = float(r["value"]), float(r["t_s"])
        assert math.isfinite(v) and math.isfinite(t)
        assert 0 <= t <= sim.now + 1e-9
        assert "e" not in r["value"].lower() and "," not in r["value"]
        if r["series"] in ("ready", "booting"):
            assert r["value"].isdigit()


def test_rows_sorted_by_series_world_time_and_end_at_the_run_end(hello):
    sim, text = hello
    _, rows = read(text)
    keys = [(r["series"], r["world"], float(r["t_s"])) for r in rows]
    assert keys == sorted(keys)
    last: dict[tuple[str, str], float] = {}
    for s, w, t in keys:
        last[(s, w)] = t
    assert all(t == pytest.approx(sim.now) for t in last.values())


def test_rows_at_the_same_moment_keep_the_recorded_order(hello):
    sim, text = hello
    _, rows = read(text)
    times, values = sim.series["touched_mib.vm"].points()
    got = [(float(r["t_s"]), float(r["value"])) for r in rows if r["series"] == "touched_mib" and r["world"] == "vm"]
    assert got[: len(times)] == [
        (pytest.approx(t, abs=1e-6), pytest.approx(v, abs=1e-6)) for t, v in zip(times, values, strict=True)
    ]
    assert times[0] == times[1] == 0.0  # two points at t = 0: host OS, then the VM's touched pages


def test_values_match_the_engine(hello):
    sim, text = hello
    _, rows = read(text)
    for name, series in sim.series.items():
        kind, world = name.split(".")
        mine = [r for r in rows if r["series"] == kind and r["world"] == world]
        times, values = series.points()
        assert len(mine) in (len(times), len(times) + 1)
        for r, t, v in zip(mine[: len(times)], times, values, strict=True):
            assert float(r["t_s"]) == pytest.approx(t, abs=1e-6)
            assert float(r["value"]) == pytest.approx(v, abs=1e-6)
        assert float(mine[-1]["value"]) == pytest.approx(values[-1], abs=1e-6)


def test_only_the_scenarios_worlds_and_a_short_run():
    sim = run_scenario("web-stack", until=3)
    _, rows = read(render_series_csv(sim))
    assert {r["world"] for r in rows} == {"vm", "container"}
    assert max(float(r["t_s"]) for r in rows) == pytest.approx(3.0)


def test_number_format():
    assert series_export._num(25753.899999999998) == "25753.9"
    assert series_export._num(1.0) == "1"
    assert series_export._num(0.0) == "0"
    assert series_export._num(-0.0000001) == "0"
    assert series_export._num(131072) == "131072"
    with pytest.raises(ValueError):
        series_export._num(math.nan)


def test_columns_are_documented():
    doc = series_export.__doc__ or ""
    for word in ("``series``", "``world``", "``t_s``", "``value``", *SERIES_KINDS):
        assert word in doc
