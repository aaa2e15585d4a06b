"""One rule for a scenario argument: a path ends in .toml or holds a path separator; anything else names a shipped
scenario, whatever the current folder holds. When a bare name also matches a file here, the shipped scenario
opens and a note on stderr says how to open the file (./NAME)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from vmsim.scenarios import ScenarioError, load_scenario
from vmsim.scenarios.loader import is_path, resolve, shipped_dir

ROOT = Path(__file__).resolve().parent.parent.parent
OOM = (shipped_dir() / "oom.toml").read_text(encoding="utf-8")


def vmsim(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LANG": "C.UTF-8", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "vmsim", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=60
    )


@pytest.mark.parametrize(
    ("arg", "path"),
    [
        ("hello", False),
        ("my-scenario", False),
        ("hello.toml", True),
        ("./hello", True),
        ("lessons/oom", True),
        ("C:\\lessons\\oom", True),
        ("~/oom.toml", True),
    ],
)
def test_the_rule(arg, path):
    assert is_path(arg) is path


@pytest.mark.parametrize("local", ["hello", "hello.toml"])
def test_a_bare_name_opens_the_shipped_scenario_even_with_a_file_of_that_name_here(tmp_path, monkeypatch, local):
    (tmp_path / local).write_text(OOM, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert resolve("hello") == (shipped_dir() / "hello.toml", "hello")
    assert load_scenario("hello").name == "Hello"
    assert load_scenario(f"./{local}").name == "Out of memory"  # the file, written as a path


def test_a_folder_named_like_a_shipped_scenario_changes_nothing(tmp_path, monkeypatch):
    (tmp_path / "hello").mkdir()
    monkeypatch.chdir(tmp_path)
    assert load_scenario("hello").name == "Hello"


def test_the_command_line_says_which_it_opened_and_how_to_open_the_other(tmp_path):
    (tmp_path / "hello").write_text(OOM, encoding="utf-8")
    (tmp_path / "density.toml").write_text(OOM, encoding="utf-8")
    done = vmsim(tmp_path, "run", "hello", "--format", "json", "--until", "1")
    assert done.returncode == 0, done.stderr
    assert '"scenario": "Hello"' in done.stdout  # stdout stays data; the note is on stderr
    assert "opened the shipped scenario hello" in done.stderr and "write ./hello" in done.stderr
    done = vmsim(tmp_path, "validate", "density", "./hello", "density.toml")
    assert done.returncode == 0, done.stderr
    assert "write ./density.toml" in done.stderr
    assert done.stdout.count("'Out of memory'") == 2 and "'Density'" in done.stdout
    quiet = vmsim(tmp_path, "validate", "oom")
    assert quiet.returncode == 0 and "opened the shipped" not in quiet.stderr


def test_a_bare_name_that_is_no_shipped_scenario_points_at_the_file_here(tmp_path, monkeypatch):
    (tmp_path / "mine").write_text(OOM, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ScenarioError) as caught:
        load_scenario("mine")
    assert "no such scenario" in str(caught.value) and "write ./mine" in str(caught.value)
    done = vmsim(tmp_path, "run", "mine")
    assert done.returncode == 2 and "write ./mine" in done.stderr and "Traceback" not in done.stderr
    assert vmsim(tmp_path, "run", "./mine", "--until", "1").returncode == 0


def test_a_toml_name_is_always_a_path(tmp_path):
    done = vmsim(tmp_path, "validate", "hello.toml")  # no such file here: not the shipped hello
    assert done.returncode == 2 and "hello.toml: file not found" in done.stderr
