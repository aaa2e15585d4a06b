"""The error a command raises for input the user can fix."""

from __future__ import annotations


class CliError(Exception):
    """A problem the user can fix; printed without a traceback, exit code 2."""
