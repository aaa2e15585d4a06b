"""``vmsim run``: table, JSON and CSV output, --until, --seed, --out."""

from __future__ import annotations

import csv
import io
import json
import os
import stat

import pytest
from cli_support import run_cli

from vmsim.output import formats
from vmsim.scenarios import build_simulation, load_scenario


def expected_snapshot(name="hello", until=None, seed=None):
    spec = load_scenario(name)
    sim = build_simulation(spec, seed=seed, play_lesson=True)
    sim.run_until(spec.duration_s if until is None else until)
    return sim.snapshot()


def test_run_json_is_the_snapshot_contract(capsys):
    code, out, err = run_cli(capsys, "run", "hello", "--format", "json")
    assert code == 0 and err == ""
    data = json.loads(out)
    snap = expected_snapshot()
    assert data["scenario"] == "Hello" and data["seed"] == 1 and data["time_s"] == 40.0
    assert data["host"]["cpu_cores"] == 8
    assert data["host"]["memory_mib"] == 16384 and data["host"]["disk_mib"] == 524288
    assert set(data["worlds"]) == {"vm", "container", "microvm"}
    for w in snap.worlds:
        jw = data["worlds"][w.name]
        assert jw["memory_mib"]["total"] == pytest.approx(w.memory.total_mib)
        assert jw["memory_mib"]["by_category"] == {k: pytest.approx(v) for k, v in w.memory.by_category}
        assert jw["disk_mib"]["total"] == pytest.approx(w.disk.total_mib)
        assert sum(jw["memory_mib"]["by_category"].values()) == pytest.approx(jw["memory_mib"]["total"])
        assert sum(jw["disk_mib"]["by_category"].values()) == pytest.approx(jw["disk_mib"]["total"])
        (inst,) = jw["instances"]
        assert set(inst) >= {"id", "app", "state", "ready_s", "phases", "memory_mib", "disk_mib", "reason"}
        assert (inst["id"], inst["app"], inst["state"], inst["reason"]) == ("nginx-1", "nginx", "running", None)
        assert inst["ready_s"] == pytest.approx(w.instances[0].ready_s, abs=1e-6)
        assert [p["name"] for p in inst["phases"]] == [p.name for p in w.instances[0].phases]
        assert all(set(p) == {"name", "start_s", "end_s"} for p in inst["phases"])
        assert [e["kind"] for e in jw["events"]] == [e.kind for e in w.events]
        assert all(set(e) == {"t_s", "kind", "instance", "message", "affected"} for e in jw["events"])
    assert out == formats.render_json(snap)


def test_run_table_shows_each_world_and_each_instance_phases(capsys):
    code, out, err = run_cli(capsys, "run", "hello")
    assert code == 0 and err == ""
    snap = expected_snapshot()
    assert out.startswith("Hello — seed 1, t = 40.00 s")
    for label in ("Virtual machines", "Containers", "MicroVMs"):
        assert label in out
    for row in (
        "instances ready",
        "median time to ready",
        "max time to ready",
        "memory committed",
        "memory in use",
        "disk used",
        "hypervisor",
        "reserved, untouched",
        "writable layers",
    ):
        assert row in out, row
    assert out.count("1 of 1") == 3
    for w in snap.worlds:
        for p in w.instances[0].phases:
            assert p.name in out
        assert f"{w.instances[0].boot_s:.2f} s" in out


def test_run_csv_has_one_row_per_instance_per_world(capsys):
    code, out, _ = run_cli(capsys, "run", "web-stack", "--format", "csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert tuple(rows[0]) == formats.CSV_COLUMNS
    snap = expected_snapshot("web-stack")
    expected = [(w.name, i.id) for w in snap.worlds for i in w.instances]
    assert [(r[0], r[1]) for r in rows[1:]] == expected
    assert len(rows) - 1 == sum(len(w.instances) for w in snap.worlds) == 8
    col = {name: i for i, name in enumerate(formats.CSV_COLUMNS)}
    instances = [i for w in snap.worlds for i in w.instances]
    for r, inst in zip(rows[1:], instances, strict=True):
        assert len(r) == len(formats.CSV_COLUMNS)
        assert r[col["app"]] == inst.app and r[col["state"]] == inst.state
        assert float(r[col["ready_s"]]) == pytest.approx(inst.ready_s, abs=1e-6)
        assert float(r[col["boot_s"]]) == pytest.approx(inst.boot_s, abs=1e-6)
        assert float(r[col["memory_mib"]]) == pytest.approx(inst.memory_mib, abs=1e-3)
        phases = dict(item.split("=") for item in r[col["phases"]].split(";"))
        assert list(phases) == [p.name for p in inst.phases]
        for p in inst.phases:
            assert float(phases[p.name]) == pytest.approx(p.end_s - p.start_s, abs=1e-6)


def test_run_until_stops_early(capsys):
    code, out, _ = run_cli(capsys, "run", "hello", "--until", "0.2", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["time_s"] == 0.2
    for w in data["worlds"].values():
        (inst,) = w["instances"]
        assert inst["state"] == "booting" and inst["ready_s"] is None
        assert inst["phases"][-1]["end_s"] is None
    assert out == formats.render_json(expected_snapshot(until=0.2))


def test_run_until_beyond_the_duration(capsys):
    code, out, _ = run_cli(capsys, "run", "hello", "--until", "45", "--format", "json")
    assert code == 0 and json.loads(out)["time_s"] == 45.0


def test_run_seed_overrides_the_scenario_seed(capsys):
    _, default, _ = run_cli(capsys, "run", "hello", "--format", "json")
    code, seeded, _ = run_cli(capsys, "run", "hello", "--seed", "5", "--format", "json")
    assert code == 0
    assert json.loads(seeded)["seed"] == 5
    assert seeded != default
    assert seeded == formats.render_json(expected_snapshot(seed=5))


def test_run_out_writes_the_file_and_keeps_stdout_empty(capsys, tmp_path):
    _, expected, _ = run_cli(capsys, "run", "hello", "--format", "json")
    target = tmp_path / "results" / "hello.json"
    code, out, err = run_cli(capsys, "run", "hello", "--format", "json", "--out", str(target))
    assert code == 0
    assert out == ""
    assert str(target) in err
    assert target.read_text(encoding="utf-8") == expected
    assert sorted(p.name for p in target.parent.iterdir()) == ["hello.json"]  # no temporary left behind


def test_run_out_replaces_an_existing_file_whole(capsys, tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old content that is much longer than nothing\n" * 1000, encoding="utf-8")
    code, out, _ = run_cli(capsys, "run", "hello", "--format", "csv", "--out", str(target))
    assert code == 0 and out == ""
    assert target.read_text(encoding="utf-8") == formats.render_csv(expected_snapshot())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_out_names_the_format_when_format_is_not_given(capsys, tmp_path):
    # 'vmsim run hello --out result.csv' writes CSV, as its name says, not the table
    for name, format in (("r.csv", "csv"), ("r.json", "json"), ("r.txt", "table"), ("r.dat", "table")):
        _, expected, _ = run_cli(capsys, "run", "hello", "--format", format)
        code, out, _ = run_cli(capsys, "run", "hello", "--out", str(tmp_path / name))
        assert code == 0 and out == ""
        assert (tmp_path / name).read_text(encoding="utf-8") == expected, name
    code, _, _ = run_cli(capsys, "run", "hello", "--series", "--out", str(tmp_path / "s.csv"))
    assert code == 0 and (tmp_path / "s.csv").read_text(encoding="utf-8").startswith("series,world,t_s,value")


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (("run", "hello", "--format", "json", "--out", "r.csv"), "--format csv"),
        (("run", "hello", "--format", "table", "--out", "r.JSON"), "--format json"),
        (("lesson", "density", "--format", "text", "--out", "l.json"), "--format json"),
        (("worksheet", "density", "--format", "md", "--out", "w.html"), "--format html"),
    ],
)
def test_a_format_the_out_name_contradicts_is_refused_and_nothing_is_written(capsys, tmp_path, monkeypatch, argv, says):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(capsys, *argv, "--lang", "en")
    assert code == 2 and out == ""
    suffix = "." + argv[-1].rsplit(".", 1)[1].lower()
    assert f"--out {argv[-1]} names a {suffix} file" in err
    assert says in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []
    code, _, err = run_cli(capsys, *argv, "--lang", "ko")
    assert code == 2 and says in err and "확장자" in err


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_run_out_file_gets_the_usual_permissions(capsys, tmp_path):
    # An output file should be created like any other file (0666 less the umask), not private to its
    # owner as a bare temporary file is: results are meant to be shared.
    old = os.umask(0o022)
    try:
        target = tmp_path / "shared.json"
        code, _, _ = run_cli(capsys, "run", "hello", "--format", "json", "--out", str(target))
        plain = tmp_path / "plain.txt"
        plain.write_text("x", encoding="utf-8")
    finally:
        os.umask(old)
    assert code == 0
    assert stat.S_IMODE(target.stat().st_mode) == stat.S_IMODE(plain.stat().st_mode) == 0o644


def test_run_a_scenario_by_path(capsys, tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(
        'name = "Mine"\nduration_s = 5\nworlds = ["container"]\n'
        '[container]\ncached_images = ["redis"]\n[[events]]\nat_s = 0\nadd = "redis"\ncount = 2\n',
        encoding="utf-8",
    )
    code, out, _ = run_cli(capsys, "run", str(path), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["scenario"] == "Mine" and list(data["worlds"]) == ["container"]
    assert [i["state"] for i in data["worlds"]["container"]["instances"]] == ["running", "running"]
