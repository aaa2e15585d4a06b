"""``vmsim serve``'s options: their defaults, types and bounds, and what it says about them."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass, field
from pathlib import Path

from vmsim.text.parsing import refuse, shown
from vmsim.web.admission import HostPolicy
from vmsim.web.start_rate import DEFAULT_STARTS_PER_MINUTE, MAX_STARTS_PER_MINUTE

DEFAULT_SCENARIO = "hello"  # the same default as 'vmsim tui' (not imported: vmsim.cli imports this module)
DEFAULT_PORT = 8000
DEFAULT_BIND = "127.0.0.1"
DEFAULT_MAX_SESSIONS = 8  # each tab is one app process of ~45 MB that keeps part of a core busy
MAX_SESSIONS_LIMIT = 100
INSTALL_HINT = "pip install 'vmsim[web]'"
# Each tab's app may map at most this much (RLIMIT_AS, set by its guard). A dashboard at the largest allowed
# terminal (MAX_COLUMNS × MAX_ROWS) maps ~500 MiB, most of it untouched thread stacks and allocator arenas.
SESSION_MEMORY_MIB = 1536


def port(text: str) -> int:
    try:
        value = int(text) if len(text) <= 20 else 0
    except ValueError:
        raise refuse("arg.port", value=shown(text)) from None
    if not 1 <= value <= 65535:
        raise refuse("arg.port", value=value if len(text) <= 20 else shown(text))
    return value


def max_sessions(text: str) -> int:
    try:
        value = int(text) if len(text) <= 20 else MAX_SESSIONS_LIMIT + 1
    except ValueError:
        raise refuse("arg.sessions_not", value=shown(text), high=MAX_SESSIONS_LIMIT) from None
    if not 1 <= value <= MAX_SESSIONS_LIMIT:
        raise refuse("arg.sessions_range", value=value if len(text) <= 20 else shown(text), high=MAX_SESSIONS_LIMIT)
    return value


def starts_per_minute(text: str) -> int:
    try:
        value = int(text) if len(text) <= 6 else -1
    except ValueError:
        value = -1
    if not 0 <= value <= MAX_STARTS_PER_MINUTE:
        raise refuse("arg.starts", value=shown(text), high=MAX_STARTS_PER_MINUTE)
    return value


def range_problem(port: object, max_sessions: object) -> str | None:
    """The same checks as the argument types, for a Namespace built without the parser."""
    if not isinstance(port, int) or not 1 <= port <= 65535:
        return f"--port {port!r} is not a port number; give a whole number from 1 to 65535"
    if not isinstance(max_sessions, int) or not 1 <= max_sessions <= MAX_SESSIONS_LIMIT:
        return f"--max-sessions {max_sessions!r} is out of range; give 1 to {MAX_SESSIONS_LIMIT} browser tabs"
    return None


def is_loopback(address: str) -> bool:
    """True when ``address`` (an IP or a host name) only ever means this machine. Raises OSError if unknown."""
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        pass
    infos = socket.getaddrinfo(address, None, proto=socket.IPPROTO_TCP)
    return bool(infos) and all(ipaddress.ip_address(str(info[4][0]).split("%")[0]).is_loopback for info in infos)


def bind_warning(address: str, port: int) -> str:
    """What ``vmsim serve --bind ADDR`` prints when ADDR is reachable from other machines."""
    where = "every network interface of this machine" if address in ("0.0.0.0", "::", "[::]") else address
    return (
        f"vmsim: warning: listening on {where}, port {port}. Everyone who can reach this machine on that address "
        f"and port can open the dashboard and start sessions (up to --max-sessions): there is no authentication "
        f"and no encryption. Use it on a network you trust, and stop the server (Ctrl+C) when you are done."
    )


def cap_message(open_sessions: int, limit: int) -> str:
    """What a browser tab beyond ``--max-sessions`` shows instead of a dashboard."""
    session_s = "session" if open_sessions == 1 else "sessions"
    if limit >= MAX_SESSIONS_LIMIT:
        advice = f"close a tab ({MAX_SESSIONS_LIMIT} is the most one server allows)"
    else:
        advice = f"close a tab or restart with --max-sessions {min(MAX_SESSIONS_LIMIT, max(limit * 2, limit + 1))}"
    return f"vmsim: the server has {open_sessions} {session_s} open; {advice}"


@dataclass(frozen=True)
class ServeConfig:
    """Everything the server needs, validated."""

    scenario: str  # as handed to 'vmsim tui' (an absolute path for a file given by path)
    title: str
    bind: str
    port: int
    max_sessions: int
    loopback: bool
    hosts: HostPolicy = field(default_factory=lambda: HostPolicy(frozenset()))
    scenario_dir: Path | None = None  # the teacher's folder, offered in every tab's open dialog
    session_memory_mib: int = SESSION_MEMORY_MIB
    app_options: tuple[str, ...] = ()  # more options for every tab's 'vmsim tui' (a lesson's --step)
    starts_per_minute: int = DEFAULT_STARTS_PER_MINUTE  # app starts per client address (0: no limit)


def lesson_step(text: str) -> int:
    """A lesson step for every tab to open, counted from 1 (as 'vmsim tui --step')."""
    try:
        value = int(text) if len(text) <= 6 else 0
    except ValueError:
        raise refuse("arg.step_not", value=shown(text)) from None
    if not 1 <= value <= 201:
        raise refuse("arg.step_range", value=shown(text))
    return value
