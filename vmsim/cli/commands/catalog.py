"""``vmsim catalog``: every default figure with its source."""

from __future__ import annotations

import argparse
import sys


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Register ``vmsim catalog``."""
    c = sub.add_parser("catalog", help="every default figure with its source")
    c.add_argument("--format", choices=["table", "json"], default="table")
    c.set_defaults(func=handle)
    return c


def handle(args: argparse.Namespace) -> int:
    """``vmsim catalog``."""
    from vmsim.engine import default_catalog
    from vmsim.output import formats

    sys.stdout.write(formats.render_catalog(default_catalog(), args.format))
    return 0
