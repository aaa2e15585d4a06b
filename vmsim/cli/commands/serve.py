"""``vmsim serve [SCENARIO]``: serve the dashboard to web browsers (the web extra: textual-serve)."""

from __future__ import annotations

import argparse

from vmsim.cli.scenario_options import DEFAULT_SCENARIO
from vmsim.web import serve as web_serve


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a port number; give a whole number from 1 to 65535"
        ) from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port number; give a whole number from 1 to 65535")
    return value


def _max_sessions(text: str) -> int:
    limit = web_serve.MAX_SESSIONS_LIMIT
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number; give 1 to {limit} browser tabs") from None
    if not 1 <= value <= limit:
        raise argparse.ArgumentTypeError(
            f"{value} is out of range; give 1 to {limit} browser tabs (each one runs its own app)"
        )
    return value


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Register ``vmsim serve``."""
    p = sub.add_parser(
        "serve",
        help="serve the dashboard in a web browser (needs: " + web_serve.INSTALL_HINT + ")",
        description="Serve the dashboard to web browsers through textual-serve. Every browser tab runs its own "
        "simulation in its own process. Listens on 127.0.0.1 (this machine only) unless --bind says otherwise.",
    )
    p.add_argument("scenario", nargs="?", default=DEFAULT_SCENARIO, help="a shipped scenario name or a .toml path")
    p.add_argument(
        "--port",
        type=_port,
        default=web_serve.DEFAULT_PORT,
        help=f"TCP port to listen on (default {web_serve.DEFAULT_PORT})",
    )
    p.add_argument(
        "--bind",
        default=web_serve.DEFAULT_BIND,
        metavar="ADDR",
        help=f"address to listen on (default {web_serve.DEFAULT_BIND}, this machine only; 0.0.0.0 means every "
        "network interface, with no authentication)",
    )
    p.add_argument(
        "--max-sessions",
        type=_max_sessions,
        default=web_serve.DEFAULT_MAX_SESSIONS,
        metavar="N",
        help=f"browser tabs that may run an app at once, 1-{web_serve.MAX_SESSIONS_LIMIT} "
        f"(default {web_serve.DEFAULT_MAX_SESSIONS})",
    )
    p.set_defaults(func=handle)
    return p


def handle(args: argparse.Namespace) -> int:
    """``vmsim serve``: 0 after a clean stop, 1 when the address cannot be used, 2 for bad input."""
    return web_serve.run(args)
