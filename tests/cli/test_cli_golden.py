"""Golden JSON for ``vmsim run hello`` and byte-identical output across separate processes.

To update the golden file after an intended change, run ``vmsim run hello --format json > tests/cli/golden/hello.json``
and review the diff: every number in it should still be explainable from the catalog.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from vmsim.cli import main

GOLDEN = Path(__file__).parent / "golden" / "hello.json"


def test_hello_json_matches_the_golden_file(capsys):
    assert main(["run", "hello", "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    golden = GOLDEN.read_text(encoding="utf-8")
    assert json.loads(out) == json.loads(golden)  # a readable diff first ...
    assert out == golden  # ... then byte for byte


def test_golden_file_makes_sense():
    data = json.loads(GOLDEN.read_text(encoding="utf-8"))
    worlds = data["worlds"]
    assert data["scenario"] == "Hello" and data["time_s"] == 40.0
    boot = {name: w["instances"][0]["ready_s"] - w["instances"][0]["added_s"] for name, w in worlds.items()}
    assert boot["vm"] > 5.0 and boot["container"] < 1.0 and boot["microvm"] < 1.0
    for w in worlds.values():
        assert sum(w["memory_mib"]["by_category"].values()) == pytest.approx(w["memory_mib"]["total"])


def test_two_processes_print_byte_identical_json(tmp_path):
    cmd = [sys.executable, "-m", "vmsim", "run", "hello", "--format", "json"]
    first = subprocess.run(cmd, capture_output=True, cwd=tmp_path, timeout=120)
    second = subprocess.run(
        cmd, capture_output=True, cwd=tmp_path, timeout=120, env={**os.environ, "PYTHONHASHSEED": "12345"}
    )
    assert first.returncode == second.returncode == 0
    assert first.stdout == second.stdout
    assert first.stdout.decode("utf-8") == GOLDEN.read_text(encoding="utf-8")
