"""The command registry: one list of commands, a module each, and only the command in use is loaded."""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys

import pytest

from vmsim.cli.main import build_parser
from vmsim.cli.registry import COMMANDS


@pytest.mark.parametrize("name", list(COMMANDS))
def test_each_command_module_registers_its_parser_and_handler(name):
    module = importlib.import_module(COMMANDS[name])
    parser = argparse.ArgumentParser(prog="vmsim")
    sub = parser.add_subparsers(dest="command")
    module.add_parser(sub)
    assert list(sub.choices) == [name]
    assert sub.choices[name].get_default("func") is module.handle


def test_help_lists_every_command_in_the_registrys_order():
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert list(sub.choices) == list(COMMANDS)


@pytest.mark.parametrize("command", ["tui", "run"])
def test_building_one_commands_parser_loads_no_other_command(command):
    script = (
        "import json, sys; from vmsim.cli.main import build_parser; "
        f"build_parser({command!r}); "
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('vmsim.cli.commands.'))))"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == [COMMANDS[command]]
