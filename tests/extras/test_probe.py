"""``vmsim probe``: real processes started here, measured, beside the catalog's container figures."""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import signal
import subprocess
import sys
import time

import psutil
import pytest

from vmsim.cli.commands import probe as probe_command
from vmsim.engine import default_catalog
from vmsim.host import probe
from vmsim.text import render

pytestmark = pytest.mark.skipif(os.name != "posix", reason="vmsim probe's programs are POSIX ones")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="vmsim")
    probe_command.add_parser(p.add_subparsers(dest="command"))
    return p


def children() -> set[int]:
    return {c.pid for c in psutil.Process().children(recursive=True)}


def run(capsys, *argv):
    args = parser().parse_args(["probe", *argv])
    code = args.func(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def probed_json():
    """One --runs 2 probe for the module (it starts real processes)."""
    before = children()
    args = parser().parse_args(["probe", "--runs", "2", "--format", "json"])
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = args.func(args)
    return code, out.getvalue(), err.getvalue(), time.perf_counter() - t0, before


def test_json_structure_and_measurements(probed_json):
    code, out, err, elapsed, _ = probed_json
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {"runs", "machine", "measured", "model", "problems"}
    assert data["runs"] == 2
    keys = {m["key"] for m in data["measured"]}
    assert {"python.create_s", "python.start_exit_s", "python_idle.rss_mib"} <= keys
    if os.access("/bin/true", os.X_OK):
        assert {"true.create_s", "true.start_exit_s"} <= keys
    for m in data["measured"]:
        assert m["from"] == "measured here"
        assert m["runs"] == 2 and len(m["samples"]) == 2
        for x in (m["median"], m["min"], m["max"], *m["samples"]):
            assert isinstance(x, float) and math.isfinite(x) and x > 0
        assert m["min"] <= m["median"] <= m["max"]
        assert m["unit"] in ("s", "MiB")
    by = {m["key"]: m for m in data["measured"]}
    # A process starts in well under the timeout, and exiting takes longer than being created.
    assert by["python.start_exit_s"]["median"] < probe.CHILD_TIMEOUT_S
    assert by["python.create_s"]["median"] <= by["python.start_exit_s"]["median"]
    # A live interpreter holds at least a MiB, and less than a few hundred.
    assert 1 < by["python_idle.rss_mib"]["median"] < 500
    if "python_idle.uss_mib" in by:
        assert by["python_idle.uss_mib"]["median"] <= by["python_idle.rss_mib"]["median"]
    assert elapsed < 10, "two runs must be quick"


def test_model_rows_equal_the_catalog(probed_json):
    _, out, _, _, _ = probed_json
    model = {f["key"]: f for f in json.loads(out)["model"]}
    cat = default_catalog()
    rt = cat.runtimes["containerd"]
    start = model["container_start_s"]
    assert start["value"] == rt.create_s.value + rt.start_s.value
    assert start["figures"] == ["runtimes.containerd.create_s", "runtimes.containerd.start_s"]
    assert start["from"] == f"vmsim model (source {rt.create_s.source})"
    shim = model["shim_memory_mib"]
    assert shim["value"] == rt.shim_memory_mib.value and shim["unit"] == "MiB"
    assert shim["from"] == f"vmsim model (source {rt.shim_memory_mib.source})"
    hello = cat.apps["hello"]
    assert model["hello.rss_mib"]["value"] == hello.private_mib.value + hello.file_mib.value == hello.rss_mib
    assert model["hello.start_s"]["value"] == hello.start_s.value
    assert model["hello.start_s"]["from"] == f"vmsim model (source {hello.start_s.source})"
    for f in model.values():
        assert f["from"].startswith("vmsim model (source")
        assert all(s in cat.sources for s in f["sources"])


def test_every_child_is_reaped(probed_json):
    *_, before = probed_json
    assert children() <= before
    for pid in children() - before:  # pragma: no cover - only on failure
        assert psutil.Process(pid).status() != psutil.STATUS_ZOMBIE


def test_table_labels_every_row(capsys):
    before = children()
    code, out, err = run(capsys, "--runs", "1")
    assert code == 0
    assert "starting real processes" in err  # progress goes to stderr, data to stdout
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("what"))
    rows = []
    for line in lines[header + 2 :]:
        if not line.strip():
            break
        rows.append(line)
    measured = [r for r in rows if r.endswith("measured here")]
    model = [r for r in rows if "vmsim model (source " in r]
    assert len(measured) + len(model) == len(rows)
    assert len(measured) >= 4 and len(model) == len(probe.model_figures())
    assert any("container start" in r and "300 ms" in r and "SHARMA" in r for r in model)
    assert children() <= before


def test_a_child_over_its_timeout_is_killed_and_reaped(monkeypatch):
    monkeypatch.setattr(probe, "CHILD_TIMEOUT_S", 0.2)
    before = children()
    t0 = time.perf_counter()
    with pytest.raises(subprocess.TimeoutExpired):
        probe.time_start_exit((sys.executable, "-c", "import time; time.sleep(30)"))
    assert time.perf_counter() - t0 < 5
    assert children() <= before


def test_a_child_that_never_gets_ready_is_killed(monkeypatch):
    monkeypatch.setattr(probe, "CHILD_TIMEOUT_S", 0.3)
    before = children()
    with pytest.raises(OSError, match="did not become ready"):
        probe.memory_alive((sys.executable, "-c", "import time; time.sleep(30)"), handshake=True)
    assert children() <= before


def test_a_failing_program_is_reported_not_raised(monkeypatch):
    monkeypatch.setattr(
        probe,
        "_programs",
        lambda: {"true": ("/bin/false",), "python": (sys.executable, "-c", "pass"), "sleep": None, "python_idle": None},
    )
    measured, said = probe.measure(2)
    problems = [render(p, "en") for p in said]
    assert {m.key for m in measured} == {"python.create_s", "python.start_exit_s"}
    assert any("exited with status 1" in p for p in problems)
    assert any("sleep" in p and "not measured" in p for p in problems)
    korean = [render(p, "ko") for p in said]
    assert "이 컴퓨터에서 'sleep' 프로그램을 찾지 못해서 작은 프로그램의 메모리를 재지 않았어요" in korean


def test_the_time_budget_stops_further_runs():
    measured, problems = probe.measure(3, budget_s=-1)
    assert measured == [] and any("time budget" in render(p, "en") for p in problems)


@pytest.mark.parametrize("value", ["0", "51", "-3", "x", "2.5"])
def test_runs_out_of_range_is_a_clear_usage_error(capsys, value):
    with pytest.raises(SystemExit) as exc:
        parser().parse_args(["probe", "--runs", value])
    assert exc.value.code == 2
    assert "--runs 1 to 50" in capsys.readouterr().err


def test_run_checks_runs_itself(capsys):
    code = probe_command.handle(argparse.Namespace(runs=500, format="table"))
    _, err = capsys.readouterr()
    assert code == 2 and "--runs" in err


def test_defaults():
    args = parser().parse_args(["probe"])
    assert args.runs == 5 and args.format == "table" and args.func is probe_command.handle


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_mid_probe_reaps_every_child(sig):
    """``kill PID`` while ``sleep 30`` is alive: the probe kills and reaps it, then exits 128 + the signal."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "vmsim", "probe", "--runs", "50"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    sleeper = None
    try:
        me = psutil.Process(proc.pid)
        deadline = time.monotonic() + 30
        while sleeper is None and time.monotonic() < deadline:
            for child in me.children(recursive=True):
                with contextlib.suppress(psutil.Error):
                    command = child.cmdline()  # empty for a child caught between fork and exec
                    if command and os.path.basename(command[0]) == "sleep":
                        sleeper = child
            time.sleep(0.005)
        assert sleeper is not None, "the probe never started its sleep child"
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=30)
        assert proc.returncode == 128 + sig, err
        assert "Traceback" not in err
        assert f"stopped by signal {int(sig)}" in err
        with pytest.raises(psutil.NoSuchProcess):
            sleeper.status()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if sleeper is not None:  # only when the test failed: leave nothing behind
            with contextlib.suppress(psutil.Error):
                sleeper.kill()


def test_the_signal_handlers_are_restored_after_a_run():
    before = signal.getsignal(signal.SIGTERM)
    with probe.signals_end_the_run():
        assert signal.getsignal(signal.SIGTERM) is not before
    assert signal.getsignal(signal.SIGTERM) is before


def test_the_table_and_its_notes_in_korean_and_the_json_in_english(capsys):
    code, out, err = run(capsys, "--runs", "1", "--lang", "ko")
    assert code == 0 and "실제 프로세스를 띄우고 있어요" in err
    assert out.startswith("컨테이너는 프로세스예요.") and "항목" in out and "여기서 잰 값" in out
    assert "vmsim 모델 (출처 SHARMA)" in out and "컨테이너 시작: 런타임 create + start" in out
    for english in ("measured here", "vmsim model", "A container is a process", "RSS counts"):
        assert english not in out, english
    code, out, _ = run(capsys, "--runs", "1", "--format", "json", "--lang", "ko")
    data = json.loads(out)
    assert {row["from"] for row in data["measured"]} == {"measured here"}
    assert any(row["what"] == "container start: runtime create + start" for row in data["model"])
