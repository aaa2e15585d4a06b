"""``vmsim serve [SCENARIO]``: serve the dashboard to web browsers (the web extra: textual-serve).

The options and their limits live with the server (``vmsim.web.options``), which checks them again for a
server started without this parser."""

from __future__ import annotations

import argparse


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Register ``vmsim serve``."""
    from vmsim.web import serve as web_serve

    parser: argparse.ArgumentParser = web_serve.add_parser(sub)
    parser.set_defaults(func=handle)
    return parser


def handle(args: argparse.Namespace) -> int:
    """``vmsim serve``: 0 after a clean stop, 1 when the address cannot be used, 2 for bad input."""
    from vmsim.web import serve as web_serve

    return int(web_serve.run(args))
