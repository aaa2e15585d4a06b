"""``vmsim fit``, ``scenarios``, ``validate``, ``catalog`` and ``--version``."""

from __future__ import annotations

import json
import math
import os

import pytest
from cli_support import run_cli

from vmsim import __version__
from vmsim.cli import main
from vmsim.engine import default_catalog
from vmsim.scenarios import load_scenario, shipped_names


def test_fit_json_schema_and_values(capsys):
    cat = default_catalog()
    code, out, err = run_cli(capsys, "fit", "nginx", "--format", "json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert set(data) == {"app", "host", "worlds"}
    assert data["app"] == "nginx"
    assert data["host"] == cat.hosts["laptop"].label
    assert set(data["worlds"]) == {"vm", "container", "microvm"}
    for fit in data["worlds"].values():
        assert set(fit) == {"max_instances", "limited_by", "per_instance", "limits"}
        assert isinstance(fit["max_instances"], int)
        assert fit["limited_by"] in {"memory", "disk", "cpu", "vcpus", "allocation", "memory limit", "network"}
        assert fit["max_instances"] == min(fit["limits"].values())
        assert fit["limits"][fit["limited_by"]] == fit["max_instances"]
        # Six decimals at most, as the run's JSON (the microVM's 256 + 2.2 + 8.65 printed as 266.84999999999997).
        assert all(round(v, 6) == v and len(repr(v)) < 12 for v in fit["per_instance"].values()), fit["per_instance"]
    assert data["worlds"]["vm"]["max_instances"] == math.floor((16384 - 1536) / (2048 + 30)) == 7
    assert data["worlds"]["vm"]["limited_by"] == "memory"
    assert data["worlds"]["vm"]["per_instance"]["memory_mib"] == 2048 + 30
    rt, app = cat.runtimes["containerd"], cat.apps["nginx"]
    assert data["worlds"]["container"]["limits"]["memory"] == math.floor(
        (16384 - 1536 - rt.daemon_memory_mib.value - app.file_mib.value)
        / (rt.shim_memory_mib.value + app.private_at(8))
    )
    # One bridge network: the container world no longer claims room for 2,000+ nginx.
    assert data["worlds"]["container"]["max_instances"] == 1023
    assert data["worlds"]["container"]["limited_by"] == "network"


def test_fit_options_change_the_answer(capsys):
    cat = default_catalog()
    _, out, _ = run_cli(capsys, "fit", "nginx", "--vm-memory", "4096", "--format", "json")
    assert json.loads(out)["worlds"]["vm"]["max_instances"] == math.floor((16384 - 1536) / (4096 + 30))
    _, out, _ = run_cli(capsys, "fit", "redis", "--host", "cloud-nested", "--format", "json")
    small = cat.hosts["cloud-nested"]
    data = json.loads(out)
    assert data["host"] == small.label
    assert data["worlds"]["vm"]["max_instances"] == math.floor(
        (small.memory_mib.value - small.host_os_memory_mib.value) / (2048 + 30)
    )
    _, out, _ = run_cli(capsys, "fit", "nginx", "--guest-os", "alpine-3.22", "--format", "json")
    _, default_out, _ = run_cli(capsys, "fit", "nginx", "--format", "json")
    qemu = cat.hypervisors["qemu-kvm"]
    alpine, ubuntu = json.loads(out)["worlds"]["vm"], json.loads(default_out)["worlds"]["vm"]
    assert alpine["per_instance"]["disk_mib"] == pytest.approx(
        qemu.overlay_mib.value + qemu.overlay_write_mib.value + cat.apps["nginx"].installed_mib
    )
    # The guest's base image is fetched once: Alpine's is smaller, so more overlays fit on the disk.
    assert alpine["limits"]["disk"] > ubuntu["limits"]["disk"]


def test_fit_table(capsys):
    code, out, _ = run_cli(capsys, "fit", "nginx")
    assert code == 0
    assert out.startswith("How many nginx fit on Laptop")
    lines = out.splitlines()
    vm_line = next(line for line in lines if line.startswith("Virtual machines "))
    assert " 7 " in vm_line and "memory" in vm_line


def test_scenarios_lists_every_shipped_preset(capsys):
    code, out, _ = run_cli(capsys, "scenarios")
    assert code == 0
    for name in shipped_names():
        line = next(line for line in out.splitlines() if line.startswith(name + " "))
        assert load_scenario(name).description in line
    code, out, _ = run_cli(capsys, "scenarios", "--format", "json")
    rows = json.loads(out)
    assert [r["name"] for r in rows] == shipped_names()
    for r in rows:
        spec = load_scenario(r["name"])
        assert r == {
            "name": r["name"],
            "title": spec.name,
            "worlds": list(spec.worlds),
            "description": spec.description,
        }


def test_validate_good_files_exits_zero(capsys, tmp_path):
    good = tmp_path / "good.toml"
    good.write_text('name = "Good"\n[[events]]\nat_s = 0\nadd = "nginx"\n', encoding="utf-8")
    code, out, err = run_cli(capsys, "validate", str(good), "hello")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{good}: ok") and "'Good'" in lines[0] and "1 event," in lines[0]
    assert "ok" in lines[1] and "'Hello'" in lines[1]


def test_validate_one_bad_among_good_exits_two(capsys, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "Bad"\nseed = -4\n', encoding="utf-8")
    code, out, err = run_cli(capsys, "validate", "hello", str(bad))
    assert code == 2
    assert "ok" in out and str(bad) not in out
    assert f"{bad}: seed: got -4" in err


def test_catalog_lists_every_figure_with_its_value_and_source(capsys):
    cat = default_catalog()
    code, out, _ = run_cli(capsys, "catalog")
    assert code == 0
    table, sources = out.split("\nSources:\n")
    lines = table.splitlines()
    for name, fig in cat.figures():
        line = next((line for line in lines if line.startswith(name + " ")), None)
        assert line is not None, name
        value = line[len(name) :].split()[0]
        # The figure itself, written out as a student reads it: 2097152, not 2.09715e+06 (which also loses digits).
        assert float(value) == fig.value and "e" not in value, (name, value)
        assert ("modelling choice" if fig.is_model else fig.source) in line
    curves = {kr.source for kr in cat.kernel_reserves.values()}
    used = {fig.source for _, fig in cat.figures() if not fig.is_model} | curves
    for key in used:
        assert f"[{key}] {cat.sources[key]}" in sources


def test_catalog_json(capsys):
    cat = default_catalog()
    code, out, _ = run_cli(capsys, "catalog", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert [f["name"] for f in data["figures"]] == [name for name, _ in cat.figures()]
    assert all(f["source"] in data["sources"] for f in data["figures"])
    assert data["sources"] == cat.sources


def test_catalog_shows_the_kernel_reserve_curve(capsys):
    # The guest kernel reserve (FC-DATA) sets every VM's guest-kernel memory: as a default figure it must
    # be shown by `vmsim catalog` with its source, like every other figure.
    cat = default_catalog()
    _, out, _ = run_cli(capsys, "catalog")
    assert "kernel_reserve" in out
    kr_lines = [line for line in out.splitlines() if "kernel_reserve" in line]
    assert any(cat.kernel_reserves["minimal"].source in line for line in kr_lines)
    assert any("kernel_reserve.distro.at_2048_mib" in line for line in kr_lines)
    _, out, _ = run_cli(capsys, "catalog", "--format", "json")
    assert "kernel_reserve" in out


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    out, _ = capsys.readouterr()
    assert out.strip() == f"vmsim {__version__}"


def test_scenarios_on_a_terminal_wraps_each_description_under_itself(capsys, monkeypatch):
    # At 80 columns the table ran to ~180 and the terminal broke it mid-word ('Contain' / 'ers').
    from vmsim.cli.commands import scenarios
    from vmsim.output.formats import columns

    monkeypatch.setattr(scenarios, "terminal_columns", lambda: 80)
    code, out, _ = run_cli(capsys, "scenarios", "--lang", "ko")
    assert code == 0
    lines = out.splitlines()
    assert max(columns(line) for line in lines) <= 80
    monkeypatch.setattr(scenarios, "terminal_columns", lambda: None)  # a pipe or a file: one line each
    _, whole, _ = run_cli(capsys, "scenarios", "--lang", "ko")
    assert len(whole.splitlines()) < len(lines)
    start = lines[2].index(lines[2].split()[2])  # the description column
    joined = {}
    for line in lines[2:]:
        name = line[:start].split()
        if name:
            key = name[0]
            joined[key] = line[start:].strip()
        else:
            joined[key] += " " + line.strip()
    for line in whole.splitlines()[2:]:
        name = line.split()[0]
        assert line.endswith(joined[name]), name


def test_fit_on_this_machine_reads_as_one_sentence(capsys):
    code, out, _ = run_cli(capsys, "fit", "nginx", "--host", "local", "--lang", "en")
    assert code == 0 and out.startswith("How many nginx fit on this machine: "), out[:80]


@pytest.mark.skipif(os.name != "posix", reason="a pseudo-terminal")
def test_the_dashboard_is_drawn_on_the_terminal_when_stderr_goes_to_a_file(tmp_path):
    """Textual draws on stderr: 'vmsim 2>log' drew the dashboard into the file and left the terminal blank."""
    import pty
    import subprocess
    import sys

    script = (
        "import os, sys\n"
        "from vmsim.cli.commands.tui import drawn_on_the_terminal\n"
        "with drawn_on_the_terminal():\n"
        "    os.write(2, b'DRAWN')\n"  # as Textual writes its frames
        "os.write(2, b'AFTER')\n"
    )
    log = tmp_path / "err.txt"
    leader, follower = pty.openpty()
    with log.open("wb") as err:
        done = subprocess.run([sys.executable, "-c", script], stdin=follower, stdout=follower, stderr=err, timeout=60)
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 1024)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    assert done.returncode == 0
    assert b"DRAWN" in seen and b"AFTER" not in seen
    assert log.read_bytes() == b"AFTER"


def test_the_dashboard_command_runs_the_app_inside_drawn_on_the_terminal(monkeypatch, tmp_path):
    import contextlib

    from vmsim.cli.commands import tui
    from vmsim.tui.app import VmsimApp

    entered: list[str] = []

    @contextlib.contextmanager
    def recorded():
        entered.append("in")
        yield
        entered.append("out")

    monkeypatch.setattr(tui, "drawn_on_the_terminal", recorded)
    monkeypatch.setattr(VmsimApp, "run", lambda self: entered.append("run"))
    monkeypatch.setenv("VMSIM_FORCE_TUI", "1")
    assert main(["tui", "hello", "--export-dir", str(tmp_path)]) == 0
    assert entered == ["in", "run", "out"]
