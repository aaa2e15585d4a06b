"""What the command line prints about names it was given, and where it writes: a file name holding an escape sequence
is named, not obeyed; ``--out`` never replaces the scenario it reads; ``--out -`` is stdout."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from vmsim.cli import main
from vmsim.scenarios.loader import shipped_dir

HELLO = shipped_dir() / "hello.toml"
LESSON = shipped_dir() / "vm-vs-container.toml"


@pytest.mark.parametrize(
    ("argv", "source"),
    [
        (["run", "{path}", "--until", "1", "--out", "{path}"], HELLO),
        (["report", "{path}", "--until", "1", "--out", "{path}"], HELLO),
        (["worksheet", "{path}", "--out", "{path}"], LESSON),
        (["lesson", "{path}", "--out", "{path}"], LESSON),
    ],
)
def test_out_never_replaces_the_scenario_it_reads(capsys, tmp_path, monkeypatch, argv, source):
    monkeypatch.chdir(tmp_path)
    shutil.copy(source, tmp_path / "s.toml")
    before = (tmp_path / "s.toml").read_bytes()
    assert main([a.replace("{path}", "./s.toml") for a in argv]) == 2
    err = capsys.readouterr().err
    assert "that is the scenario being read" in err and "Traceback" not in err
    assert (tmp_path / "s.toml").read_bytes() == before
    # Another name for the same file is the same file.
    (tmp_path / "alias.toml").symlink_to(tmp_path / "s.toml")
    if argv[0] in ("run", "worksheet", "lesson"):  # (report refuses a link as its target anyway)
        aliased = [argv[0], "./alias.toml", *argv[2:-1], "./s.toml"]
        assert main(aliased) == 2
        assert "that is the scenario being read" in capsys.readouterr().err
    assert (tmp_path / "s.toml").read_bytes() == before


@pytest.mark.parametrize("command", ["run", "report"])
def test_out_never_replaces_a_dockerfile_the_scenario_reads(capsys, tmp_path, command):
    scenarios = Path(__file__).resolve().parents[2] / "scenarios"
    shutil.copy(scenarios / "dockerfile-app.toml", tmp_path / "app.toml")
    shutil.copytree(scenarios / "build", tmp_path / "build")
    dockerfile = tmp_path / "build" / "node-good" / "Dockerfile"
    before = dockerfile.read_bytes()
    assert main([command, str(tmp_path / "app.toml"), "--until", "1", "--out", str(dockerfile)]) == 2
    err = capsys.readouterr().err
    assert "that is a Dockerfile the scenario reads" in err and "Traceback" not in err
    assert dockerfile.read_bytes() == before


def test_out_dash_is_stdout_and_an_empty_out_is_refused(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["run", "hello", "--until", "1", "--out", "-"]) == 0
    assert capsys.readouterr().out.startswith("Hello")
    assert not (tmp_path / "-").exists()
    assert main(["run", "hello", "--until", "1", "--out", ""]) == 2
    assert "--out needs a file name" in capsys.readouterr().err


ESC_NAME = "o\x1b]0;PWN\x07.toml"


def test_a_file_name_with_an_escape_sequence_is_named_not_obeyed(capsys, tmp_path):
    bad = tmp_path / ESC_NAME
    bad.write_text('name = "x"\nduraton_s = 3\n', encoding="utf-8")
    good = tmp_path / "ok\x1b[2J.toml"
    shutil.copy(HELLO, good)
    assert main(["validate", str(bad), str(good)]) == 2
    out, err = capsys.readouterr()
    for text in (out, err):
        assert "\x1b" not in text and "\x07" not in text
    assert "o\\x1b]0;PWN\\x07.toml: duraton_s" in err and "ok\\x1b[2J.toml: ok" in out
    assert main(["run", "\x1b[31mnope"]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\\x1b[31mnope: no such scenario" in err


def test_written_says_the_name_escaped(capsys, tmp_path):
    target = tmp_path / "r\x1b]0;X\x07.txt"
    assert main(["run", "hello", "--until", "1", "--out", str(target)]) == 0
    err = capsys.readouterr().err
    assert target.exists() and "\x1b" not in err and "r\\x1b]0;X\\x07.txt" in err


@pytest.mark.parametrize("mark", ["\u202e", "\u2066", "\u2069"])
def test_direction_marks_in_a_scenarios_text_are_refused(capsys, tmp_path, mark):
    path = tmp_path / "s.toml"
    path.write_text(f'name = "abc{mark}def"\n', encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"U+{ord(mark):04X}" in err and mark not in err


def test_a_dockerfile_problem_shows_a_control_character_escaped_not_deleted(capsys, tmp_path: Path):
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.22\n\x1b[31mRUN echo\n", encoding="utf-8")
    assert main(["build", str(tmp_path / "Dockerfile")]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "unknown instruction '\\x1b[31MRUN'" in err


@pytest.mark.parametrize(
    "argv", [["fit", "nginx", "--host", "local"], ["run", "hello", "--host", "local", "--until", "1"]]
)
def test_the_local_host_in_a_deleted_working_directory_says_so(capsys, monkeypatch, argv):
    import os

    def gone() -> str:
        raise FileNotFoundError(2, "No such file or directory")

    monkeypatch.setattr(os, "getcwd", gone)
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "the working directory no longer exists" in err and "cd into an existing folder" in err, err
