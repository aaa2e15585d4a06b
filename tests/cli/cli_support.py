"""What the command-line tests share: one command run in process, its exit code and what it printed."""

from __future__ import annotations

from vmsim.cli import main


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    """``vmsim ARGV…``: (exit code, stdout, stderr), argparse's own refusals and help (SystemExit) included."""
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err
