"""Bad input at the command line: exit code 2, the message on stderr, nothing on stdout, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from vmsim.cli import main

BAD = """name = "Bad"
worlds = ["vm", "container"]

[[events]]
at_s = 0
add = "nginx"

[[events]]
at_s = 1
add = "redis"

[[events]]
at_s = 2
add = "ngnix"
count = -1
"""


def vmsim(*args: str, cwd: Path | None = None, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "vmsim", *args], capture_output=True, text=True, cwd=cwd, timeout=120, **kwargs
    )


@pytest.mark.parametrize("command", ["validate", "run"])
def test_bad_scenario_file_exits_2_with_the_message_on_stderr(tmp_path, command):
    path = tmp_path / "BAD.toml"
    path.write_text(BAD, encoding="utf-8")
    proc = vmsim(command, str(path), cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    add = next(line for line in lines if "events[2].add" in line)
    assert add.startswith(f"{path}: ") and "'ngnix'" in add and "did you mean 'nginx'?" in add
    # The count is only checked once the app is known; whichever lines appear all name the file.
    assert all(line.startswith(f"{path}: ") for line in lines)


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b'name = "x"\nseed = = 1\n', "not valid TOML"),
        (b'name = "x\xff"\n', "not UTF-8"),
        (b'name = "x"\nduration_s = nan\n', "duration_s: got nan"),
        (b'name = "x"\n[[events]]\nat_s = 0\nadd = "nginx"\ncount = true\n', "events[0].count: got True"),
    ],
)
def test_other_bad_files_exit_2_without_traceback(tmp_path, content, needle):
    path = tmp_path / "bad.toml"
    path.write_bytes(content)
    proc = vmsim("run", str(path))
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert needle in proc.stderr and str(path) in proc.stderr
    assert "Traceback" not in proc.stderr


def test_missing_folder_and_unknown_names(tmp_path, capsys):
    for target, needle in (
        (str(tmp_path / "none.toml"), "file not found"),
        (str(tmp_path), "folder"),
        ("helo", "did you mean 'hello'?"),
    ):
        assert main(["run", target]) == 2
        out, err = capsys.readouterr()
        assert out == ""
        assert needle in err and target in err
    assert main(["run", ""]) == 2  # an empty name is named as one, not left as an empty prefix
    assert capsys.readouterr().err.startswith("'': no such scenario")


@pytest.mark.skipif(not Path("/dev/zero").exists() or sys.platform != "linux", reason="needs Linux /dev/zero")
def test_an_endless_file_is_refused_not_read_forever(tmp_path):
    # /dev/zero reports size 0 but never ends: the 1 MiB limit must hold for what is actually read.
    import resource

    def limit_memory():
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    proc = vmsim("validate", "/dev/zero", preexec_fn=limit_memory)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    assert "/dev/zero" in proc.stderr
    assert "regular file" in proc.stderr or "1 MiB" in proc.stderr


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "hello", "--format", "xml"],
        ["run", "hello", "--until", "-1"],
        ["run", "hello", "--until", "nan"],
        ["run", "hello", "--seed", "abc"],
        ["run", "hello", "--seed", "-3"],
        ["run"],
        ["run", "hello", "--bogus"],
        ["fit", "nginx", "--vm-memory", "8"],
        ["fit", "nginx", "--format", "csv"],
    ],
)
def test_wrong_flags_exit_2(capsys, argv):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "usage:" in err and "error:" in err


def test_an_unknown_word_is_taken_as_a_scenario_and_named(capsys):
    # `vmsim NAME` opens the dashboard on NAME, so an unknown word is an unknown scenario.
    assert main(["frobnicate"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "frobnicate" in err and "no such scenario" in err and "hello" in err


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["rn", "hello"], "vmsim: unknown command 'rn' (did you mean run?)"),
        (["valdate", "x.toml"], "(did you mean validate?)"),
        (
            ["run", "hello", "--untill", "5"],
            "vmsim run: error: unrecognized arguments: --untill 5 (did you mean --until?)",
        ),
        (["catalog", "extra"], "usage: vmsim catalog"),
        # A control character in an argument is shown escaped, never sent to the terminal.
        (["run", "hello", "--\x1b[31m"], "unrecognized arguments: --\\x1b[31m"),
        # A 5,000-digit number is cut, not echoed whole.
        (["probe", "--runs", "9" * 5000], "'99999999999999999'... (5,000 characters) is out of range"),
    ],
)
def test_a_misspelt_command_or_option_is_named_with_the_one_meant(capsys, argv, needle):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    out, err = capsys.readouterr()
    assert out == "" and needle in err, err
    assert "\x1b" not in err and len(err) < 2000


@pytest.mark.parametrize(("word", "needle"), [("./run", "file not found"), ("hots", "did you mean 'hosts'?")])
def test_a_path_or_a_scenario_name_close_to_a_command_is_not_taken_for_one(capsys, word, needle):
    assert main([word]) == 2
    err = capsys.readouterr().err
    assert needle in err and "unknown command" not in err, err


def test_a_scenario_named_like_a_command_still_opens(capsys):
    # 'hosts' is a shipped scenario close to the command 'host': it is the scenario (here, its wrong flag is named).
    with pytest.raises(SystemExit):
        main(["hosts", "--pasued"])
    assert "vmsim tui: error: unrecognized arguments: --pasued (did you mean --paused?)" in capsys.readouterr().err


def test_wrong_flags_in_a_real_process_print_usage_not_a_traceback():
    proc = vmsim("run", "hello", "--until", "soon")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "usage:" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["fit", "ngnix"], "did you mean 'nginx'?"),
        (["fit", "nginx", "--host", "mars"], "unknown host 'mars'"),
        (["fit", "nginx", "--guest-os", "windows"], "unknown guest OS 'windows'"),
    ],
)
def test_fit_with_unknown_names_exits_2(capsys, argv, needle):
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert needle in err


def test_stdout_carries_only_data():
    proc = vmsim("run", "hello", "--format", "json")
    assert proc.returncode == 0
    assert proc.stderr == ""
    assert json.loads(proc.stdout)["scenario"] == "Hello"
    proc = vmsim("fit", "nginx", "--format", "json")
    assert proc.returncode == 0 and proc.stderr == ""
    assert json.loads(proc.stdout)["app"] == "nginx"


def test_an_export_dir_that_is_a_file_is_refused_at_start(capsys, tmp_path):
    # It was accepted, and the first export failed ("Not a directory") minutes into a class.
    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    assert main(["tui", "hello", "--export-dir", str(notes)]) == 2
    err = capsys.readouterr().err
    assert "--export-dir" in err and "not a folder" in err, err
    assert notes.read_text() == "mine"


def test_an_event_after_the_end_is_allowed_and_said_in_a_note(tmp_path, capsys):
    # validate said ok and run printed empty tables: the run ends at duration_s, before the event.
    late = tmp_path / "late.toml"
    late.write_text('name = "late"\nduration_s = 10\n[[events]]\nat_s = 99\nadd = "nginx"\n', encoding="utf-8")
    assert main(["validate", str(late)]) == 0
    out = capsys.readouterr().out
    assert "ok" in out and "events[0].at_s: 99 s is after the scenario's end (duration_s = 10)" in out
    assert main(["run", str(late)]) == 0
    err = capsys.readouterr().err
    assert "this run ends at t = 10 s, before 1 event of the scenario (the first at 99 s)" in err, err
    assert "--until 99" in err
    assert main(["run", str(late), "--until", "120"]) == 0  # long enough: it runs, and nothing to say
    assert "note" not in capsys.readouterr().err
