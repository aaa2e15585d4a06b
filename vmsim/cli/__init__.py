"""The command line: ``vmsim [COMMAND] …``; every command parses its flags and calls the layers below."""

from vmsim.cli.main import main

__all__ = ["main"]
