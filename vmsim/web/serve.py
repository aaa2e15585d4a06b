"""``vmsim serve``: the dashboard in a web browser, through textual-serve (the optional ``web`` extra).

Every browser tab gets its own app process. Three things textual-serve 1.1 does not do are done here:

* **A cap on live sessions.** The server counts the tabs that have an app; a tab beyond ``--max-sessions``
  gets a one-screen message instead of an app (no process is started for it).
* **No app outlives its tab.** Each tab's app runs under a small guard process (``python -m vmsim.web.serve
  --guard SERVER_PID -- python -m vmsim tui SCENARIO``) started in a new session, so the guard and the app
  form one process group. When the tab goes (closed, reloaded, or the connection dropped), the server
  asks the app to quit, and after a short grace kills the whole group: SIGTERM, then SIGKILL.
* **No app outlives the server.** On SIGINT/SIGTERM the server kills every session's group before it
  exits; if the server dies without cleaning up (``kill -9``), each guard notices (Linux
  ``PR_SET_PDEATHSIG``, and polling its parent pid everywhere) and kills its app. The app itself gets
  ``PR_SET_PDEATHSIG(SIGKILL)`` towards its guard, so killing a guard never strands its app either.

textual-serve and aiohttp are imported only when the server starts: the rest of vmsim never needs them.
"""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import os
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

DEFAULT_PORT = 8000
DEFAULT_BIND = "127.0.0.1"
DEFAULT_MAX_SESSIONS = 8  # each tab is one app process of ~45 MB that keeps part of a core busy
MAX_SESSIONS_LIMIT = 100
INSTALL_HINT = "pip install 'vmsim[web]'"

QUIT_GRACE_S = 2.0  # a closed tab's app gets this long to quit by itself ...
KILL_GRACE_S = 3.0  # ... then its group gets SIGTERM, and SIGKILL after this long
GUARD_GRACE_S = 2.0  # the guard's own SIGTERM → SIGKILL grace for its app (shorter than KILL_GRACE_S)
GUARD_POLL_S = 0.25
SHUTDOWN_TIMEOUT_S = 5.0
POSIX = os.name == "posix"
SIGKILL = getattr(signal, "SIGKILL", signal.SIGTERM)  # Windows has neither SIGKILL nor process groups


def _range_problem(port: object, max_sessions: object) -> str | None:
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
    return bool(infos) and all(ipaddress.ip_address(info[4][0].split("%")[0]).is_loopback for info in infos)


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


# ---------------------------------------------------------------------------------------------- processes
def set_parent_death_signal(sig: int) -> bool:
    """Linux: have the kernel send ``sig`` to this process when its parent dies. False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        return libc.prctl(pr_set_pdeathsig, int(sig), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def signal_group(pgid: int, sig: int) -> bool:
    """Send ``sig`` to a process group; False when the group is gone (or not ours)."""
    try:
        if hasattr(os, "killpg"):
            os.killpg(pgid, sig)
        else:  # pragma: no cover - Windows: no groups, so only the guard itself (pid == pgid) is reached
            os.kill(pgid, sig)
    except OSError:  # ProcessLookupError: nothing left in the group; PermissionError: not ours
        return False
    return True


def app_command(scenario: str) -> list[str]:
    """The dashboard one browser tab runs (textual-serve's web driver is chosen through its environment)."""
    return [sys.executable, "-m", "vmsim", "tui", scenario]


def guarded_command(server_pid: int, scenario: str) -> list[str]:
    """The app command under its guard: what the server starts for each tab."""
    return [sys.executable, "-m", "vmsim.web.serve", "--guard", str(server_pid), "--", *app_command(scenario)]


def _end_child(child: subprocess.Popen, grace_s: float) -> None:
    if child.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            child.terminate()
        try:
            child.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                child.kill()
            child.wait()


def guard_main(server_pid: int, argv: list[str], poll_s: float = GUARD_POLL_S, grace_s: float = GUARD_GRACE_S) -> int:
    """Run ``argv`` as a child and make sure it dies with this guard, its parent server, or its session.

    The child inherits stdin/stdout/stderr (textual-serve's pipes) untouched; the guard never reads them.
    """
    stopping: list[int] = []

    def on_signal(signum: int, _frame: object) -> None:
        stopping.append(signum)

    for name in ("SIGTERM", "SIGINT", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), on_signal)
    set_parent_death_signal(signal.SIGTERM)
    if os.getppid() != server_pid:  # the server died before the line above took effect
        return 1
    try:
        child = subprocess.Popen(argv, preexec_fn=(lambda: set_parent_death_signal(SIGKILL)) if POSIX else None)
    except OSError as exc:
        print(f"vmsim: cannot start {argv[0]}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    while True:
        try:
            code = child.wait(timeout=poll_s)
        except subprocess.TimeoutExpired:
            pass
        else:
            return code if code >= 0 else 128 - code
        if stopping or os.getppid() != server_pid:
            _end_child(child, grace_s)
            return 128 + (stopping[0] if stopping else signal.SIGTERM)


def _guard_cli(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m vmsim.web.serve", description="internal: the guard of one app session")
    p.add_argument("--guard", type=int, required=True, metavar="SERVER_PID")
    p.add_argument("command", nargs=argparse.REMAINDER)
    args = p.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        p.error("give the command to guard after --")
    return guard_main(args.guard, command)


# ---------------------------------------------------------------------------------------------- the server
@dataclass(frozen=True)
class ServeConfig:
    """Everything the server needs, validated."""

    scenario: str  # as handed to 'vmsim tui' (an absolute path for a file given by path)
    title: str
    bind: str
    port: int
    max_sessions: int
    loopback: bool


def _server_class():
    """The textual-serve Server subclass (built on demand: textual-serve is an optional extra)."""
    import asyncio
    import logging

    import aiohttp_jinja2
    from aiohttp import WSCloseCode, WSMsgType, web
    from textual_serve.app_service import AppService
    from textual_serve.server import Server, to_int

    log = logging.getLogger("vmsim.web.serve")

    class Session(AppService):
        """One tab's app, started in a new session (so a process group of its own) and killed with it."""

        def __init__(self, argv: list[str], groups: set[int], **kwargs) -> None:
            super().__init__(" ".join(argv), **kwargs)
            self.argv = argv
            self.groups = groups  # the server's list of groups that may still be alive

        def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
            env = super()._build_environment(width=width, height=height)
            env["VMSIM_FORCE_TUI"] = "1"  # stdout is a pipe to the server, not a terminal
            return env

        async def _open_app_process(self, width: int = 80, height: int = 24):
            # As textual-serve's, but without a shell and with start_new_session: pid == pgid.
            self._process = process = await asyncio.create_subprocess_exec(
                *self.argv,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                env=self._build_environment(width=width, height=height),
                start_new_session=True,
            )
            self.groups.add(process.pid)
            assert process.stdin is not None
            self._stdin = process.stdin
            return process

        async def run(self) -> None:
            await super().run()
            # The app is gone (quit with 'q', crashed or killed): end the tab's session too, so the
            # browser says so and the slot is free for another tab.
            with contextlib.suppress(Exception):
                await self.remote_close()

        async def stop(self) -> None:
            """Ask the app to quit; after QUIT_GRACE_S kill its whole group. Never hangs."""
            task, self._task = self._task, None
            if task is not None:
                with contextlib.suppress(Exception):
                    await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
                if not task.done():
                    with contextlib.suppress(Exception):  # the app may be gone already
                        await asyncio.wait_for(self.send_meta({"type": "quit"}), QUIT_GRACE_S)
                    await asyncio.wait({task}, timeout=QUIT_GRACE_S)
            await self.kill()
            if task is not None and not task.done():
                await asyncio.wait({task}, timeout=1.0)  # the pipes close once the group is dead
                task.cancel()

        async def kill(self) -> None:
            """SIGTERM the session's group, SIGKILL it after KILL_GRACE_S; then sweep it once more."""
            process = self._process
            if process is None:
                return
            if process.returncode is None:
                signal_group(process.pid, signal.SIGTERM)
                try:
                    await asyncio.wait_for(process.wait(), KILL_GRACE_S)
                except TimeoutError:
                    log.warning("session %s ignored SIGTERM; killing it", process.pid)
            # The group outlives its leader (the guard) only if something in it survived: kill that too.
            # A group id is not reused while any member lives, so this cannot reach another program.
            signal_group(process.pid, SIGKILL)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(process.wait(), 1.0)
            self.groups.discard(process.pid)

    class VmsimServer(Server):
        """textual-serve's Server with a session cap, process-group cleanup and same-origin checks."""

        def __init__(self, config: ServeConfig) -> None:
            super().__init__("vmsim tui", host=config.bind, port=config.port, title=config.title)
            self.config = config
            self.sessions: set[Session] = set()
            self.sockets: set[web.WebSocketResponse] = set()
            self.live_groups: set[int] = set()  # for the last-resort sweep after the loop has stopped
            self.started = 0

        # -- startup and shutdown
        async def _make_app(self) -> web.Application:
            app = await super()._make_app()
            app.middlewares.append(self._check_request)
            return app

        async def on_startup(self, app: web.Application) -> None:
            pass  # textual-serve prints its banner here, before it knows the port is free: see listening()

        def listening(self, *_aiohttp_banner: object) -> None:
            """Called by aiohttp once it listens."""
            host = f"[{self.host}]" if ":" in self.host else self.host
            if self.config.loopback:
                where = f"http://{host}:{self.port}/ (this machine only)"
            else:
                where = f"http://<this machine's address>:{self.port}/ (listening on {host})"
            print(
                f"vmsim: serving the dashboard ({self.config.title}) at {where}\n"
                f"vmsim: each browser tab runs its own simulation; at most {self.config.max_sessions} at once. "
                "Press Ctrl+C to stop.",
                flush=True,
            )

        async def on_shutdown(self, app: web.Application) -> None:
            await asyncio.gather(*(s.kill() for s in list(self.sessions)), return_exceptions=True)
            for ws in list(self.sockets):
                with contextlib.suppress(Exception):
                    await ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutdown")

        def serve(self, debug: bool = False) -> None:
            """Serve until SIGINT/SIGTERM; raises OSError when the address cannot be used."""
            self.debug = debug
            self.initialize_logging()
            loop = asyncio.new_event_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                with contextlib.suppress(NotImplementedError):  # Windows: Ctrl+C still ends run_app
                    loop.add_signal_handler(sig, self.request_exit)
            try:
                web.run_app(
                    self._make_app(),
                    host=self.host,
                    port=self.port,
                    handle_signals=False,
                    loop=loop,
                    print=self.listening,
                    access_log=None,
                    shutdown_timeout=SHUTDOWN_TIMEOUT_S,
                )
            finally:
                self.sweep()

        def sweep(self) -> None:
            """Last resort, after the event loop: SIGKILL every group not yet seen to be dead."""
            for pgid in list(self.live_groups):
                signal_group(pgid, SIGKILL)
            self.live_groups.clear()

        # -- requests
        @web.middleware
        async def _check_request(self, request: web.Request, handler):
            # Served on loopback, only loopback names are answered: a web page elsewhere cannot point its
            # own host name at 127.0.0.1 (DNS rebinding) and drive a session.
            if self.config.loopback and not _is_local_name(request.url.host or ""):
                raise web.HTTPForbidden(text="vmsim serve: this server only answers to localhost / 127.0.0.1\n")
            return await handler(request)

        async def handle_index(self, request: web.Request) -> web.Response:
            # As textual-serve's, but the URLs follow the address the browser used, so a classmate's
            # browser reaching http://192.168.1.5:8000/ does not get told to connect to ws://0.0.0.0:8000/ws.
            origin = f"{request.scheme}://{request.host}"
            context = {
                "font_size": to_int(request.query.get("fontsize", "16"), 16),
                "app_websocket_url": ("wss" if request.scheme == "https" else "ws") + f"://{request.host}/ws",
                "config": {"static": {"url": f"{origin}/static/"}},
                "application": {"name": self.title},
            }
            return aiohttp_jinja2.render_template("app_index.html", request, context)

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            origin = request.headers.get("Origin")
            if origin is not None and not _same_origin(origin, request):
                # Browsers always send Origin: another site's page must not open a session here.
                raise web.HTTPForbidden(text="vmsim serve: a page from another site cannot open a session\n")
            ws = web.WebSocketResponse(heartbeat=15)
            await ws.prepare(request)
            self.sockets.add(ws)
            try:
                if len(self.sessions) >= self.config.max_sessions:
                    await self._refuse(ws)
                else:
                    width = to_int(request.query.get("width", "80"), 80)
                    height = to_int(request.query.get("height", "24"), 24)
                    await self._run_session(ws, width, height)
            except asyncio.CancelledError:
                pass
            except Exception as exc:  # a broken socket must never take the server down
                log.exception(exc)
            finally:
                self.sockets.discard(ws)
                with contextlib.suppress(Exception):
                    await ws.close()
            return ws

        async def _run_session(self, ws: web.WebSocketResponse, width: int, height: int) -> None:
            session = Session(
                guarded_command(os.getpid(), self.config.scenario),
                self.live_groups,
                write_bytes=ws.send_bytes,
                write_str=ws.send_str,
                close=ws.close,
                download_manager=self.download_manager,
                debug=self.debug,
            )
            self.sessions.add(session)
            self.started += 1
            number = self.started
            try:
                await session.start(width, height)
                log.info("tab %d: started an app (%d of %d open)", number, len(self.sessions), self.config.max_sessions)
                await self._process_messages(ws, session)
            finally:
                # A task of its own: even when this handler is cancelled, the app's group is stopped and
                # reaped (and only then leaves the server's last-resort list).
                try:
                    await asyncio.shield(asyncio.ensure_future(session.stop()))
                finally:
                    self.sessions.discard(session)
                    log.info("tab %d: closed (%d of %d open)", number, len(self.sessions), self.config.max_sessions)

        async def _refuse(self, ws: web.WebSocketResponse) -> None:
            text = cap_message(len(self.sessions), self.config.max_sessions)
            log.warning("refused a tab: %s", text)
            screen = (
                "\x1b[2J\x1b[H\x1b[1m"
                + text
                + "\x1b[0m\r\n\r\nThis tab did not start a dashboard. Close it, or reload it once another tab "
                "is closed.\r\n"
            )
            await ws.send_bytes(screen.encode("utf-8"))
            async for message in ws:  # keep the message on screen until the tab goes (or the server stops)
                if message.type == WSMsgType.TEXT:
                    with contextlib.suppress(ValueError, TypeError, IndexError):
                        envelope = message.json()
                        if envelope[0] == "ping":
                            await ws.send_json(["pong", envelope[1]])

    return VmsimServer


def _is_local_name(host: str) -> bool:
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _same_origin(origin: str, request) -> bool:
    from yarl import URL

    try:
        o = URL(origin)
    except ValueError:
        return False
    return (o.host or "").lower() == (request.url.host or "").lower() and o.port == request.url.port


def _serve(config: ServeConfig) -> int:
    import errno

    server = _server_class()(config)
    try:
        server.serve()
    except OSError as exc:
        advice = {
            errno.EADDRINUSE: f"something else uses port {config.port}: choose another --port",
            errno.EADDRNOTAVAIL: f"{config.bind} is not an address of this machine: check --bind",
            errno.EACCES: "ports below 1024 need administrator rights: choose --port 1024 or above",
        }.get(exc.errno, "check --bind and --port")
        print(f"vmsim: cannot listen on {config.bind}:{config.port} ({exc.strerror or exc}); {advice}", file=sys.stderr)
        return 1
    return 0


def run(args: argparse.Namespace) -> int:
    """``vmsim serve``: 0 after a clean stop, 1 when the address cannot be used, 2 for bad input."""
    problem = _range_problem(args.port, args.max_sessions)
    if problem:
        print(f"vmsim: {problem}", file=sys.stderr)
        return 2

    from vmsim.session import ScenarioError, load_scenario, resolve

    try:
        spec = load_scenario(args.scenario)
        path, _slug = resolve(args.scenario)
    except ScenarioError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    # A file given by path is passed on absolute (and so never mistaken for an option); a shipped name as is.
    scenario = str(path.resolve()) if path == Path(args.scenario) else args.scenario

    try:
        import aiohttp_jinja2  # noqa: F401
        import textual_serve.server  # noqa: F401
    except ImportError as exc:
        print(
            f"vmsim: 'vmsim serve' needs the optional web extra (textual-serve), which is not installed ({exc}).\n"
            f"Install it with:  {INSTALL_HINT}",
            file=sys.stderr,
        )
        return 2

    try:
        loopback = is_loopback(args.bind)
    except (OSError, UnicodeError) as exc:
        print(f"vmsim: --bind {args.bind!r} is not an address of this machine ({exc}); try 127.0.0.1", file=sys.stderr)
        return 2
    if not loopback:
        print(bind_warning(args.bind, args.port), file=sys.stderr, flush=True)

    config = ServeConfig(
        scenario=scenario,
        title=f"vmsim — {spec.name}",
        bind=args.bind,
        port=args.port,
        max_sessions=args.max_sessions,
        loopback=loopback,
    )
    return _serve(config)


if __name__ == "__main__":  # the per-session guard: python -m vmsim.web.serve --guard SERVER_PID -- COMMAND...
    raise SystemExit(_guard_cli(sys.argv[1:]))
