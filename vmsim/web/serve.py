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
import os
import signal
import sys
from pathlib import Path
from typing import Any

from vmsim.session.served import ServedLimits
from vmsim.web.addresses import class_urls
from vmsim.web.admission import (
    MAX_MESSAGE_BYTES,
    BadHostHeader,
    HostPolicy,
    clamp_size,
    is_local_name,
    parse_host_header,
    parse_message,
    same_origin,
)
from vmsim.web.guard import GUARD_GRACE_S, SIGKILL, guard_cli, signal_group
from vmsim.web.message_budget import MessageBudget
from vmsim.web.options import (
    INSTALL_HINT,
    MAX_SESSIONS_LIMIT,
    ServeConfig,
    bind_warning,
    cap_message,
    is_loopback,
    range_problem,
)
from vmsim.web.start_rate import DEFAULT_STARTS_PER_MINUTE, StartRate, rate_message

# Re-exported: callers and tests find the command's names here.
__all__ = ["GUARD_GRACE_S", "MAX_SESSIONS_LIMIT", "cap_message", "is_local_name"]

QUIT_GRACE_S = 2.0  # a closed tab's app gets this long to quit by itself ...
KILL_GRACE_S = 3.0  # ... then its group gets SIGTERM, and SIGKILL after this long (more than GUARD_GRACE_S)
SHUTDOWN_TIMEOUT_S = 5.0
HEARTBEAT_S = 30.0
REFUSED_HELD = 32  # refused tabs whose message stays open, beyond the cap


# ---------------------------------------------------------------------------------------------- arguments
def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Register ``vmsim serve`` on the CLI's subparsers (its options: vmsim.web.arguments)."""
    from vmsim.web.arguments import add_serve_parser

    p = add_serve_parser(subparsers)
    p.set_defaults(func=run)
    return p


# ---------------------------------------------------------------------------------------------- processes
def app_command(scenario: str, *options: str) -> list[str]:
    """The dashboard one browser tab runs (textual-serve's web driver is chosen through its environment)."""
    return [sys.executable, "-m", "vmsim", "tui", scenario, *options]


def guarded_command(server_pid: int, scenario: str, memory_mib: int | None = None, *options: str) -> list[str]:
    """The app command under its guard (which caps the app's memory): what the server starts for each tab."""
    cap = ["--memory-mib", str(memory_mib)] if memory_mib else []
    app = app_command(scenario, *options)
    return [sys.executable, "-m", "vmsim.web.serve", "--guard", str(server_pid), *cap, "--", *app]


# ---------------------------------------------------------------------------------------------- the server
def _server_class() -> Any:
    """The textual-serve Server subclass (built on demand: textual-serve is an optional extra)."""
    import asyncio
    import logging
    from collections.abc import Awaitable, Callable

    import aiohttp_jinja2
    from aiohttp import WSCloseCode, WSMsgType, web
    from textual_serve.app_service import AppService
    from textual_serve.server import Server, to_int

    from vmsim.web import quiet_log
    from vmsim.web.connections import PeerGate, per_address_cap, serve_gated
    from vmsim.web.downloads import BoundedDownloads
    from vmsim.web.page import template_loader

    log = logging.getLogger("vmsim.web.serve")
    Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

    class Session(AppService):
        """One tab's app, started in a new session (so a process group of its own) and killed with it."""

        def __init__(self, argv: list[str], groups: set[int], limits: ServedLimits, **kwargs: Any) -> None:
            super().__init__(" ".join(argv), **kwargs)
            self.argv = argv
            self.groups = groups  # the server's list of groups that may still be alive
            self.limits = limits

        def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
            width, height = clamp_size(width, height)  # whatever the browser asked for
            env: dict[str, str] = super()._build_environment(width=width, height=height)
            env["VMSIM_FORCE_TUI"] = "1"  # stdout is a pipe to the server, not a terminal
            env.update(self.limits.environment())  # no paths typed on the server; exports as downloads
            return env

        async def start(self, width: int, height: int) -> None:
            await super().start(*clamp_size(width, height))

        async def set_terminal_size(self, width: int, height: int) -> None:
            await super().set_terminal_size(*clamp_size(width, height))

        async def _open_app_process(self, width: int = 80, height: int = 24) -> asyncio.subprocess.Process:
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
            self.download_manager = BoundedDownloads()
            self.listened = False  # set once the port is open: an OSError after that is not about --bind or --port
            self.config = config
            self.sessions: set[Session] = set()
            self.sockets: set[web.WebSocketResponse] = set()
            self.live_groups: set[int] = set()  # for the last-resort sweep after the loop has stopped
            self.started = 0
            self.start_rate = StartRate(config.starts_per_minute)
            self.gate = PeerGate(per_address_cap(config.max_sessions))

        # -- startup and shutdown
        async def _make_app(self) -> web.Application:
            # As textual-serve's, with the request check in front and without listings of /static/.
            app = web.Application(middlewares=[self._check_request])
            aiohttp_jinja2.setup(app, loader=template_loader(Path(self.templates_path)))  # no outside fonts
            app.add_routes(
                [
                    web.get("/", self.handle_index, name="index"),
                    web.get("/ws", self.handle_websocket, name="websocket"),
                    web.get("/download/{key}", self.handle_download, name="download"),
                    web.static("/static", self.statics_path, show_index=False, name="static"),
                ]
            )
            app.on_startup.append(self.on_startup)
            app.on_shutdown.append(self.on_shutdown)
            return app

        async def on_startup(self, app: web.Application) -> None:
            pass  # textual-serve prints its banner here, before it knows the port is free: see listening()

        def listening(self) -> None:
            """Called once the server listens."""
            self.listened = True
            host = f"[{self.host}]" if ":" in self.host else self.host
            if self.config.loopback:
                where = f"http://{host}:{self.port}/ (this machine only)"
            else:  # the addresses to write on the board (students' machines reach this one by one of them)
                urls = " or ".join(class_urls(self.host, self.port)) or f"http://<this machine's address>:{self.port}/"
                where = f"{urls} (listening on {host})"
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

        def initialize_logging(self) -> None:
            quiet_log.configure(self.debug)  # one plain line a record, never a traceback with locals

        def serve(self, debug: bool = False) -> None:
            """Serve until SIGINT/SIGTERM; raises OSError when the address cannot be used."""
            self.debug = debug
            quiet_log.raise_descriptor_limit()
            self.initialize_logging()
            loop = asyncio.new_event_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                with contextlib.suppress(NotImplementedError):  # Windows: Ctrl+C still ends the loop
                    loop.add_signal_handler(sig, self.request_exit)
            try:
                serve_gated(self._make_app(), host=self.host, port=self.port, gate=self.gate, listening=self.listening,
                            loop=loop, access_log=None, shutdown_timeout=SHUTDOWN_TIMEOUT_S)  # fmt: skip
            finally:
                self.sweep()

        def sweep(self) -> None:
            """Last resort, after the event loop: SIGKILL every group not yet seen to be dead."""
            for pgid in list(self.live_groups):
                signal_group(pgid, SIGKILL)
            self.live_groups.clear()

        # -- requests
        @web.middleware
        async def _check_request(self, request: web.Request, handler: Handler) -> web.StreamResponse:
            # Only this machine's names (and --allow-host names) are answered, on every bind: a web page
            # elsewhere cannot point its own host name at this server (DNS rebinding) and drive a session.
            try:
                host, _port = parse_host_header(request.headers.get("Host"))
            except BadHostHeader as exc:
                raise web.HTTPBadRequest(text=f"vmsim serve: {exc}\n") from None
            if not self.config.hosts.allows(host):
                raise web.HTTPForbidden(
                    text="vmsim serve: this server does not answer to that host name; the teacher can add it "
                    "with --allow-host\n"
                )
            return await handler(request)

        async def handle_index(self, request: web.Request) -> web.Response:
            # As textual-serve's, but the URLs follow the address the browser used, so a classmate's
            # browser reaching http://192.168.1.5:8000/ does not get told to connect to ws://0.0.0.0:8000/ws.
            origin = f"{request.scheme}://{request.host}"
            context = {
                "font_size": min(max(to_int(request.query.get("fontsize", "16"), 16), 6), 64),
                "app_websocket_url": ("wss" if request.scheme == "https" else "ws") + f"://{request.host}/ws",
                "config": {"static": {"url": f"{origin}/static/"}},
                "application": {"name": self.title},
            }
            return aiohttp_jinja2.render_template("app_index.html", request, context)

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            origin = request.headers.get("Origin")
            host, port = parse_host_header(request.headers.get("Host"))  # checked already by _check_request
            if origin is not None and not same_origin(origin, host, port, request.scheme):  # (browsers send it)
                raise web.HTTPForbidden(text="vmsim serve: a page from another site cannot open a session\n")
            # A ping every 30 s, a tab whose pong is 15 s late dropped (at 15 s, 2 of 30 tabs on a saturated
            # 2-core server were dropped while in use). Uncompressed and bounded: what a tab sends costs it as much
            # to send as the server to read.
            ws = web.WebSocketResponse(heartbeat=HEARTBEAT_S, max_msg_size=MAX_MESSAGE_BYTES, compress=False)
            await ws.prepare(request)
            self.sockets.add(ws)
            try:
                # Refused tabs keep their message on screen, but not without end: past a few dozen sockets
                # beyond the cap, a refused one is closed once told (each holds a file descriptor).
                hold = len(self.sockets) <= self.config.max_sessions + REFUSED_HELD
                if len(self.sessions) >= self.config.max_sessions:
                    text = cap_message(len(self.sessions), self.config.max_sessions)
                    await self._refuse(ws, text, hold, " Close it, or reload it once another tab is closed.")
                elif wait := self.start_rate.take(request.remote):
                    await self._refuse(ws, rate_message(wait, self.config.starts_per_minute), hold)
                else:
                    width, height = clamp_size(request.query.get("width", "80"), request.query.get("height", "24"))
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
                guarded_command(
                    os.getpid(), self.config.scenario, self.config.session_memory_mib, *self.config.app_options
                ),
                self.live_groups,
                ServedLimits(True, self.config.scenario_dir),
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
                    process = session._process
                    log.info(
                        "tab %d: closed (%d of %d open; app exit %s, websocket close code %s)",
                        number, len(self.sessions), self.config.max_sessions,
                        process.returncode if process is not None else None, ws.close_code,
                    )  # fmt: skip

        async def _refuse(self, ws: web.WebSocketResponse, text: str, hold: bool, advice: str = "") -> None:
            log.warning("refused a tab: %s", text)
            screen = f"\x1b[2J\x1b[H\x1b[1m{text}\x1b[0m\r\n\r\nThis tab did not start a dashboard.{advice}\r\n"
            await ws.send_bytes(screen.encode("utf-8"))
            if not hold:
                return
            budget = MessageBudget()
            async for message in ws:  # keep the message on screen until the tab goes (or the server stops)
                size = len(message.data) if message.type == WSMsgType.TEXT else 200
                if not budget.allow(size) or size >= 200:  # (only a ping is answered: nothing longer is read)
                    if budget.flooded:
                        break  # (a flood: closed)
                    continue
                parsed = parse_message(message.data)
                if parsed is not None and parsed[0] == "ping":
                    await ws.send_json(["pong", parsed[1]])

        async def _process_messages(self, websocket: web.WebSocketResponse, app_service: AppService) -> None:
            # As textual-serve's, but a malformed message is dropped (it raised, and printed a traceback),
            # and a resize is clamped like the first size.
            budget = MessageBudget()
            async for message in websocket:
                if message.type != WSMsgType.TEXT or not budget.allow(len(message.data)):
                    if budget.flooded:
                        break  # (the tab's socket is closed, and its app stopped, on the way out)
                    continue  # (over its budget, a tab's messages are dropped unread)
                parsed = parse_message(message.data)
                if parsed is None:
                    log.debug("dropped a malformed websocket message (%d characters)", len(message.data))
                    continue
                kind, data = parsed
                if kind == "stdin":
                    await app_service.send_bytes(str(data).encode("utf-8"))
                elif kind == "resize":
                    assert isinstance(data, tuple)
                    await app_service.set_terminal_size(int(data[0]), int(data[1]))
                elif kind == "ping":
                    await websocket.send_json(["pong", data])
                elif kind == "blur":
                    await app_service.blur()
                elif kind == "focus":
                    await app_service.focus()

    return VmsimServer


def _serve(config: ServeConfig) -> int:
    import errno

    server = _server_class()(config)
    try:
        server.serve()
    except OSError as exc:
        if server.listened:  # it was serving: this is not about the address
            print(f"vmsim: the server stopped: {exc.strerror or exc}", file=sys.stderr)
            return 1
        advice = {
            errno.EADDRINUSE: f"something else uses port {config.port}: choose another --port",
            errno.EADDRNOTAVAIL: f"{config.bind} is not an address of this machine: check --bind",
            errno.EACCES: "ports below 1024 need administrator rights: choose --port 1024 or above",
        }.get(exc.errno or 0, "check --bind and --port")
        print(f"vmsim: cannot listen on {config.bind}:{config.port} ({exc.strerror or exc}); {advice}", file=sys.stderr)
        return 1
    return 0


def run(args: argparse.Namespace) -> int:
    """``vmsim serve``: 0 after a clean stop, 1 when the address cannot be used, 2 for bad input."""
    problem = range_problem(args.port, args.max_sessions)
    if problem:
        print(f"vmsim: {problem}", file=sys.stderr)
        return 2

    from vmsim.session import ScenarioError, load_scenario, resolve
    from vmsim.text import default_lang

    try:
        spec = load_scenario(args.scenario)
        path, _slug = resolve(args.scenario)
    except ScenarioError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    step = getattr(args, "step", None)
    if step is not None and not (spec.lesson and step <= len(spec.lesson) + 1):
        print(f"vmsim: --step {step}: {args.scenario!r} has no step {step}; open it with 'vmsim lesson "
              f"{args.scenario}' to see its steps", file=sys.stderr)  # fmt: skip
        return 2
    chosen = getattr(args, "lang", None)
    lang = chosen or default_lang()
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

    scenario_dir = None
    if getattr(args, "scenarios", None):
        scenario_dir = Path(args.scenarios).expanduser().resolve()
        if not scenario_dir.is_dir():
            print(f"vmsim: --scenarios {args.scenarios!r} is not a folder; name the folder of your .toml files",
                  file=sys.stderr)  # fmt: skip
            return 2
    extra = [name.strip() for name in getattr(args, "allow_host", None) or [] if name.strip()]

    config = ServeConfig(
        scenario=scenario,
        title=f"vmsim — {spec.say('name', lang)}",  # the language the served dashboard opens in
        bind=args.bind,
        port=args.port,
        max_sessions=args.max_sessions,
        loopback=loopback,
        hosts=HostPolicy.for_bind(args.bind, loopback, extra),
        scenario_dir=scenario_dir,
        app_options=(*(("--step", str(step)) if step is not None else ()), *(("--lang", lang) if chosen else ())),
        starts_per_minute=getattr(args, "starts_per_minute", DEFAULT_STARTS_PER_MINUTE),
    )
    return _serve(config)


if __name__ == "__main__":  # the per-session guard: python -m vmsim.web.serve --guard SERVER_PID -- COMMAND...
    raise SystemExit(guard_cli(sys.argv[1:]))
