"""``vmsim host``: psutil's answers (replaced here) → readable figures and a [host] block that loads."""

from __future__ import annotations

import argparse
import json
import tomllib
from types import SimpleNamespace

import psutil
import pytest

from vmsim.cli.commands import host as host_command
from vmsim.engine import default_catalog
from vmsim.engine.hosts import LocalMachine
from vmsim.host import hostinfo
from vmsim.host import local as hosts
from vmsim.scenarios import build_simulation, parse_scenario
from vmsim.text import msg

GIB = 2**30
MIB = 2**20


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="vmsim")
    host_command.add_parser(p.add_subparsers(dest="command"))
    return p


@pytest.fixture
def machine(monkeypatch):
    """Replace psutil's answers; returns a setter for other machines."""

    def set_machine(cores, memory_bytes, disk_bytes):
        seen = {}

        def disk_usage(path):
            seen["path"] = path
            return SimpleNamespace(total=disk_bytes, used=0, free=disk_bytes, percent=0.0)

        monkeypatch.setattr(psutil, "cpu_count", lambda logical=True: cores)
        monkeypatch.setattr(psutil, "virtual_memory", lambda: SimpleNamespace(total=memory_bytes))
        monkeypatch.setattr(psutil, "disk_usage", disk_usage)
        return seen

    monkeypatch.setattr(hostinfo, "process_limits", lambda m: [])
    monkeypatch.setattr(hosts, "read_process_limits", lambda: hosts.ProcessLimits())  # this box's own limits
    # A typical 16 GiB laptop: the firmware and kernel keep ~400 MiB, a "512 GB" SSD is 476.8 GiB.
    set_machine(12, 16 * GIB - 412 * MIB, 512 * 10**9)
    return set_machine


def run(capsys, *argv):
    args = parser().parse_args(["host", *argv])
    code = args.func(args)
    out, err = capsys.readouterr()
    return code, out, err


def load_block(text: str):
    data = tomllib.loads(text)
    assert set(data) == {"host"}
    return parse_scenario({"name": "from vmsim host", **data}, source="<vmsim host>")


def test_json_reads_and_rounds_psutils_answers(machine, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "--format", "json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["measured"]["cpu_cores"] == 12
    assert data["measured"]["memory_mib"] == pytest.approx(16 * 1024 - 412)
    assert data["measured"]["disk_mib"] == pytest.approx(round(512 * 10**9 / MIB, 1))
    assert data["measured"]["disk_path"] == str(tmp_path)
    assert data["scenario_host"] == {"preset": "laptop", "cpu_cores": 12, "memory_gib": 15.6, "disk_gib": 476.8}
    assert data["limits"] == [] and data["notes"] == []


def test_toml_block_loads_as_laptop_with_this_machines_hardware(machine, capsys):
    code, out, err = run(capsys, "--format", "toml")
    assert code == 0 and err == ""
    assert out.lstrip().startswith("#") and "read with psutil" in out and "[host]" in out
    assert 'preset = "laptop"' in out and "cpu_cores = 12" in out
    assert "memory_gib = 15.6" in out and "disk_gib = 476.8" in out
    spec = load_block(out)
    assert spec.host.preset == "laptop"
    assert spec.host.overrides() == {"cpu_cores": 12, "memory_mib": 15.6 * 1024, "disk_mib": 476.8 * 1024}
    sim = build_simulation(spec)
    assert (sim.host.cpu_cores, sim.host.memory_mib, sim.host.disk_mib) == (12, 15.6 * 1024, 476.8 * 1024)
    assert sim.host.host_os_memory_mib == default_catalog().hosts["laptop"].host_os_memory_mib.value


def test_text_is_readable_and_holds_the_same_block(machine, capsys):
    code, out, err = run(capsys)
    assert code == 0 and err == ""
    assert "measured here, not simulated" in out
    assert "12 (logical)" in out and "15.6 GiB" in out and "476.8 GiB" in out
    block = out[out.index("# This machine") :]
    assert load_block(block).host.cpu_cores == 12


def test_the_working_directorys_disk_is_read(machine, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    seen = machine(4, 8 * GIB, 100 * GIB)
    code, out, _ = run(capsys)
    assert code == 0 and seen["path"] == str(tmp_path) and str(tmp_path) in out


@pytest.mark.parametrize(
    ("cores", "memory", "disk", "preset", "keys"),
    [
        (None, 8 * GIB, 256 * GIB, "laptop", {"memory_gib": 8.0, "disk_gib": 256.0}),  # psutil may say None
        (2, 1900 * MIB, 20 * GIB, "small-cloud", {"memory_gib": 1.9, "disk_gib": 20.0}),  # disk < desktop OS
        (1, 1200 * MIB, 200 * GIB, "small-cloud", {"memory_gib": 1.2, "disk_gib": 200.0}),  # memory < desktop OS
        (1, 300 * MIB, 2 * GIB, "small-cloud", {}),  # smaller than any preset's OS: figures left out
        (8, 1536 * MIB, 100 * GIB, "small-cloud", {"memory_gib": 1.5, "disk_gib": 100.0}),  # exactly the OS
        (64, 503.7 * GIB, 3.5 * 2**40, "laptop", {"memory_gib": 503.7, "disk_gib": 3584.0}),
    ],
)
def test_every_machine_gives_a_block_that_loads(machine, capsys, cores, memory, disk, preset, keys):
    machine(cores, int(memory), int(disk))
    code, out, err = run(capsys, "--format", "toml")
    assert code == 0 and err == ""
    spec = load_block(out)
    assert spec.host.preset == preset
    assert spec.host.cpu_cores == (cores or 1)
    data = tomllib.loads(out)["host"]
    assert {k: v for k, v in data.items() if k in ("memory_gib", "disk_gib")} == keys
    if len(keys) < 2:
        assert "left out" in out
    if preset != "laptop":
        build_simulation(spec)  # and it builds


def test_gib_rounding():
    assert hostinfo.gib(16 * 1024 - 412) == 15.6
    assert hostinfo.gib(1024) == 1.0
    assert hostinfo.gib(300) == 0.29
    assert hostinfo.gib(1) == 0.01
    assert hostinfo.gib(0) == 0.0


def test_host_block_for_a_machine_value():
    block = hostinfo.host_block(LocalMachine(6, 32 * 1024.0, 1024 * 1024.0, "/"))
    assert block.as_dict() == {"preset": "laptop", "cpu_cores": 6, "memory_gib": 32.0, "disk_gib": 1024.0}


def test_process_limits_are_notes_not_errors():
    notes = hostinfo.process_limits(LocalMachine(10**6, 10.0**12, 10.0**12, "/"))
    assert isinstance(notes, list) and all(isinstance(n, str) for n in notes)


def test_limits_are_shown_in_text_and_json(machine, capsys, monkeypatch):
    monkeypatch.setattr(hostinfo, "process_limits", lambda m: [msg("host.limit.cpu", cores="2", path="/c/cpu.max")])
    _, out, _ = run(capsys, "--lang", "en")
    said = "a cgroup limits this process to 2 cores of CPU time (/c/cpu.max)"
    assert f"psutil reports the whole machine, but {said}. The figures above" in out
    _, out, _ = run(capsys, "--lang", "ko")
    assert "이 프로세스에는 다음 제한이 있어요: cgroup이 이 프로세스의 CPU 시간을 코어 2개 분량으로 제한해요" in out
    _, out, _ = run(capsys, "--format", "json", "--lang", "ko")
    assert json.loads(out)["limits"] == [said]  # the JSON stays English


def test_korean_text_and_block_comments_and_the_block_still_loads(machine, capsys):
    code, out, err = run(capsys, "--lang", "ko")
    assert code == 0 and err == ""
    assert "  CPU 코어  12개 (논리 코어)" in out and "  메모리    15.6 GiB" in out
    for english in ("logical", "measured here", "Paste this", "supplies what psutil"):
        assert english not in out, english
    block = out[out.index("# 'vmsim host'가") :]
    assert "# 논리 CPU 코어 12개, 메모리 15.6 GiB, 디스크 476.8 GiB" in block
    assert load_block(block).host.cpu_cores == 12
    code, toml_out, _ = run(capsys, "--format", "toml", "--lang", "ko")
    assert code == 0 and toml_out == block


def test_a_whole_number_of_gib_reads_the_same_in_the_text_and_the_block(machine, capsys):
    # The text said '252.0 GiB' where the block's comment said '252 GiB'.
    machine(2, 24 * GIB, 252 * GIB)
    _, out, _ = run(capsys, "--lang", "en")
    assert "  disk       252 GiB (258,048 MiB)" in out and "24 GiB memory, 252 GiB disk" in out


def test_a_vanished_working_directory_is_a_clear_error(machine, capsys, monkeypatch):
    def gone():
        raise FileNotFoundError(2, "No such file or directory")

    monkeypatch.setattr("os.getcwd", gone)
    code, out, err = run(capsys)
    assert code == 2 and out == ""
    assert "working directory" in err and "cd " in err and "Traceback" not in err


def test_an_unreadable_disk_is_a_clear_error(machine, capsys, monkeypatch):
    def denied(path):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(psutil, "disk_usage", denied)
    code, out, err = run(capsys)
    assert code == 2 and out == "" and "Permission denied" in err


def test_parser(capsys):
    p = parser()
    args = p.parse_args(["host"])
    assert args.format == "text" and args.func is host_command.handle
    with pytest.raises(SystemExit) as exc:
        p.parse_args(["host", "--format", "yaml"])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
