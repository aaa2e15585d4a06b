"""What the command-line tests share: one command run in process, its exit code and what it printed."""

from __future__ import annotations

from vmsim.cli import main


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    """``vmsim ARGV…``: (exit code, stdout, stderr)."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err
