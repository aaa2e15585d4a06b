"""The one list of vmsim's commands: each name and the module that registers its parser and handles it.

Every command module exposes ``add_parser(subparsers)``, which adds the command's parser and sets its
handler as ``func`` (``handle(args) -> exit code``). Modules are imported only when their parser is
built, so ``vmsim`` (the dashboard) and ``vmsim run`` load no other command's dependencies.
"""

from __future__ import annotations

import argparse
import importlib
from typing import Protocol, cast

# In the order ``vmsim --help`` lists them.
COMMANDS: dict[str, str] = {
    "tui": "vmsim.cli.commands.tui",
    "run": "vmsim.cli.commands.run",
    "fit": "vmsim.cli.commands.fit",
    "scenarios": "vmsim.cli.commands.scenarios",
    "validate": "vmsim.cli.commands.validate",
    "catalog": "vmsim.cli.commands.catalog",
    "validate-model": "vmsim.cli.commands.validate_model",
    "host": "vmsim.cli.commands.host",
    "probe": "vmsim.cli.commands.probe",
    "report": "vmsim.cli.commands.report",
    "serve": "vmsim.cli.commands.serve",
    "build": "vmsim.cli.commands.build",
    "lesson": "vmsim.cli.commands.lesson",
    "worksheet": "vmsim.cli.commands.worksheet",
}


class CommandModule(Protocol):
    """What a command module provides."""

    def add_parser(
        self, subparsers: argparse._SubParsersAction[argparse.ArgumentParser]
    ) -> argparse.ArgumentParser: ...

    def handle(self, args: argparse.Namespace) -> int: ...


def command_module(name: str) -> CommandModule:
    """The module of command ``name`` (imported now)."""
    return cast(CommandModule, importlib.import_module(COMMANDS[name]))
