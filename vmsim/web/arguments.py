"""The options of ``vmsim serve`` (their limits: vmsim.web.options)."""

from __future__ import annotations

import argparse

from vmsim.web import options
from vmsim.web.options import (
    DEFAULT_BIND,
    DEFAULT_MAX_SESSIONS,
    DEFAULT_PORT,
    DEFAULT_SCENARIO,
    INSTALL_HINT,
    MAX_SESSIONS_LIMIT,
)
from vmsim.web.start_rate import DEFAULT_STARTS_PER_MINUTE


def add_serve_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Register ``vmsim serve`` on the CLI's subparsers."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "serve",
        help="serve the dashboard in a web browser (needs: " + INSTALL_HINT + ")",
        description="Serve the dashboard to web browsers through textual-serve. Every browser tab runs its own "
        "simulation in its own process. Listens on 127.0.0.1 (this machine only) unless --bind says otherwise.",
    )
    p.add_argument("scenario", nargs="?", default=DEFAULT_SCENARIO, help="a shipped scenario name or a .toml path")
    p.add_argument(
        "--port", type=options.port, default=DEFAULT_PORT, help=f"TCP port to listen on (default {DEFAULT_PORT})"
    )
    p.add_argument(
        "--bind",
        default=DEFAULT_BIND,
        metavar="ADDR",
        help=f"address to listen on (default {DEFAULT_BIND}, this machine only; 0.0.0.0 means every network "
        "interface, with no authentication)",
    )
    p.add_argument(
        "--max-sessions",
        type=options.max_sessions,
        default=DEFAULT_MAX_SESSIONS,
        metavar="N",
        help=f"browser tabs that may run an app at once, 1-{MAX_SESSIONS_LIMIT} (default {DEFAULT_MAX_SESSIONS})",
    )
    p.add_argument(
        "--starts-per-minute",
        type=options.starts_per_minute,
        default=DEFAULT_STARTS_PER_MINUTE,
        metavar="N",
        help=f"dashboards one address may start a minute, in a burst of N, then one every 60/N s (default "
        f"{DEFAULT_STARTS_PER_MINUTE}; 0: no limit). A tab started too soon is told how long to wait",
    )
    p.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="also answer to this host name (repeatable): the names a browser may use besides this machine's own "
        "host name and addresses (for example a DNS alias or a port-forwarding name)",
    )
    p.add_argument(
        "--scenarios",
        metavar="DIR",
        help="a folder of the teacher's .toml scenarios to offer in every tab's open dialog, besides the shipped "
        "ones (tabs cannot open any other file on this machine)",
    )
    p.add_argument(
        "--step",
        type=options.lesson_step,
        metavar="N",
        help="open a lesson at step N in every tab, its question up, as steps 1..N-1 left it",
    )
    p.add_argument(
        "--lang",
        choices=["en", "ko"],
        help="the language every tab's dashboard opens in (default: from LC_ALL or LANG; each tab can switch)",
    )
    return p
