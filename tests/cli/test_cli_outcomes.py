"""How a run ends when the input or the environment is hostile: bounded numbers, a narrow terminal encoding,
Ctrl-C during start-up, and a crash inside a command or the dashboard (issue 18, items 10, 12, 13, 16)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from vmsim import scenarios as scenarios_package
from vmsim.cli.main import main

EXIT_CRASHED, EXIT_INTERRUPTED = 70, 130  # vmsim.cli.outcome: an internal error, Ctrl-C


def vmsim(
    *args: str, env: dict[str, str] | None = None, encoding: str = "utf-8", **kwargs
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "vmsim", *args],
        capture_output=True,
        encoding=encoding,
        errors="replace",
        timeout=120,
        env={**os.environ, **(env or {})},
        **kwargs,
    )


# ---------------------------------------------------------------------------------------------- item 16
@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "hello", "--seed", str(10**100)], "give a seed from 0 to 9223372036854775807"),
        (["run", "hello", "--seed", str(2**63)], "give a seed from 0 to 9223372036854775807"),
        (["run", "hello", "--seed", "-1"], "the seed must be 0 or more"),
        (["run", "hello", "--seed", "9" * 5000], "out of range: too long"),
        (["run", "hello", "--until", "1e7"], "from 0 to 1,000,000"),
        (["run", "hello", "--until", "nan"], "from 0 to 1,000,000"),
        (["fit", "nginx", "--vm-memory", "1e30"], "give 16 to 4,194,304 MiB"),
        (["fit", "nginx", "--vm-memory", "inf"], "give 16 to 4,194,304 MiB"),
        (["fit", "nginx", "--vm-memory", "8"], "a VM needs at least 16 MiB"),
        (["tui", "hello", "--speed", "1000"], "give 0.1 to 100"),
        (["tui", "hello", "--speed", "0"], "give 0.1 to 100"),
        (["tui", "hello", "--seed", str(10**30)], "give a seed from 0"),
        (["report", "hello", "--seed", str(10**30), "--out", "x.html"], "give a seed from 0"),
        (["report", "hello", "--until", "1e9", "--out", "x.html"], "from 0 to 1,000,000"),
        (["probe", "--runs", str(10**30)], "give --runs 1 to 50"),
        (["serve", "--starts-per-minute", "-5"], "give 0 (no limit) to 600 a minute"),
    ],
)
def test_every_numeric_flag_is_bounded(capsys, argv, message):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_the_bounds_themselves_are_accepted(capsys):
    assert main(["run", "hello", "--seed", str(2**63 - 1), "--until", "1", "--format", "json"]) == 0
    assert main(["fit", "nginx", "--vm-memory", "16", "--format", "json"]) == 0
    capsys.readouterr()


def test_a_huge_seed_through_the_real_command_exits_2():
    proc = vmsim("run", "hello", "--seed", str(10**100))
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "out of range" in proc.stderr and "Traceback" not in proc.stderr


# ---------------------------------------------------------------------------------------------- item 12
KOREAN = 'name = "안녕 hello"\ndescription = "한국어 설명"\n[[events]]\nat_s = 0\nadd = "nginx"\n'


@pytest.mark.parametrize("command", [["run", "{f}"], ["run", "{f}", "--format", "json"], ["validate", "{f}"]])
def test_korean_text_on_a_cp1252_terminal_degrades_with_one_warning(tmp_path, command):
    f = tmp_path / "ko.toml"
    f.write_text(KOREAN, encoding="utf-8")
    proc = vmsim(*[a.format(f=f) for a in command], env={"PYTHONIOENCODING": "cp1252"}, encoding="cp1252")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "?? hello" in proc.stdout or "\\uc548\\ub155 hello" in proc.stdout  # json escapes; text replaces
    warnings = [line for line in proc.stderr.splitlines() if "warning" in line]
    if "?? hello" in proc.stdout:
        assert len(warnings) == 1
        assert "cp1252" in warnings[0] and "replaced with '?'" in warnings[0]


def test_korean_errors_on_a_cp1252_terminal(tmp_path):
    f = tmp_path / "나쁨.toml"
    f.write_text('name = "x"\nduration_s = "long"\n', encoding="utf-8")
    env = {"PYTHONIOENCODING": "cp1252", "LANG": "ko_KR.UTF-8", "LC_ALL": "ko_KR.UTF-8"}
    proc = vmsim("run", str(f), env=env, encoding="cp1252")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "duration_s" in proc.stderr


def test_a_utf8_terminal_gets_no_warning(tmp_path):
    f = tmp_path / "ko.toml"
    f.write_text(KOREAN, encoding="utf-8")
    proc = vmsim("run", str(f), env={"PYTHONIOENCODING": "utf-8"})
    assert proc.returncode == 0
    assert "안녕 hello" in proc.stdout
    assert "warning" not in proc.stderr


# ---------------------------------------------------------------------------------------------- item 13
def test_ctrl_c_while_starting_exits_130_quietly(monkeypatch, capsys):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(scenarios_package, "load_scenario", interrupted)
    assert main(["run", "hello"]) == EXIT_INTERRUPTED
    out, err = capsys.readouterr()
    assert out == "" and err == ""


def test_ctrl_c_while_the_guard_is_imported_exits_130(monkeypatch):
    """SIGINT 50 ms into start-up on a busy machine landed while main() imported its own guard: a traceback."""

    class Interrupting:
        def find_spec(self, name, path=None, target=None):
            if name == "vmsim.cli.outcome":
                raise KeyboardInterrupt
            return None

    monkeypatch.delitem(sys.modules, "vmsim.cli.outcome")
    monkeypatch.setattr(sys, "meta_path", [Interrupting(), *sys.meta_path])
    assert main(["run", "hello"]) == EXIT_INTERRUPTED


@pytest.mark.skipif(os.name != "posix", reason="SIGINT to a child process")
@pytest.mark.parametrize("delay_s", [0.05, 0.15, 0.3, 0.6])
def test_sigint_at_any_moment_of_start_up_gives_no_traceback(delay_s):
    proc = subprocess.Popen(
        [sys.executable, "-m", "vmsim", "run", "hello", "--until", "1000000"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(delay_s)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert "Traceback" not in err, err
    assert "KeyboardInterrupt" not in err
    assert proc.returncode in (EXIT_INTERRUPTED, 0, -signal.SIGINT), err  # 0 only if it finished first


# ---------------------------------------------------------------------------------------------- item 10
def test_a_crash_in_a_command_exits_non_zero_with_a_log(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))

    def broken(*args, **kwargs):
        raise RuntimeError("boom in a command")

    monkeypatch.setattr(scenarios_package, "load_scenario", broken)
    assert main(["run", "hello"]) == EXIT_CRASHED
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.startswith("vmsim: internal error (RuntimeError: boom in a command); the details are in ")
    logs = list((tmp_path / "state" / "vmsim").glob("crash-*.log"))
    assert len(logs) == 1 and str(logs[0]) in err
    assert "Traceback" in logs[0].read_text(encoding="utf-8") and "boom in a command" in logs[0].read_text()


def test_a_crash_inside_the_dashboard_exits_non_zero_with_a_log(monkeypatch, capsys, tmp_path):
    """Textual catches an exception in the app, prints it and returns: vmsim used to exit 0 then."""
    from textual.app import App

    from vmsim.tui.app import VmsimApp
    from vmsim.tui.screens.main import MainScreen

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("VMSIM_FORCE_TUI", "1")
    monkeypatch.setattr(VmsimApp, "run", lambda self, **kw: App.run(self, headless=True, size=(100, 30)))

    def broken_compose(self):
        raise ValueError("boom in the dashboard")

    monkeypatch.setattr(MainScreen, "compose", broken_compose)
    assert main(["tui", "hello", "--paused"]) == EXIT_CRASHED
    err = capsys.readouterr().err
    assert "Traceback" not in err and "boom in the dashboard" in err
    logs = list((tmp_path / "state" / "vmsim").glob("crash-*.log"))
    assert len(logs) == 1 and str(logs[0]) in err
    assert "boom in the dashboard" in logs[0].read_text(encoding="utf-8")


def test_a_dashboard_that_quits_normally_exits_0_and_writes_no_log(monkeypatch, tmp_path):
    from textual.app import App

    from vmsim.tui.app import VmsimApp

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("VMSIM_FORCE_TUI", "1")

    def run_and_quit(self, **kw):
        self.call_later(self.exit)
        return App.run(self, headless=True, size=(100, 30))

    monkeypatch.setattr(VmsimApp, "run", run_and_quit)
    assert main(["tui", "hello", "--paused"]) == 0
    assert not (tmp_path / "state" / "vmsim").exists() or not list((tmp_path / "state" / "vmsim").iterdir())
