"""How many connections one address may hold open on ``vmsim serve``, and the loop that serves behind that cap.

Each open connection costs the server a file descriptor until it goes: a script that opens connections and
sends half a request (or nothing) kept them for aiohttp's idle timeout, and enough of them from one laptop left
none for the class's tabs. Here every connection passes a gate as it is accepted: an address (an IPv6 client by
its /64 network, as :mod:`vmsim.web.start_rate` counts it) already holding ``per_address`` connections has the
new one closed before aiohttp reads a byte of it. A browser holds a few per tab (the page's requests and the
tab's websocket), so the cap is set well above a whole class's worth (:func:`per_address_cap`): even a class
behind one proxy address gets in, and one machine can no longer take every descriptor the server has.

aiohttp's ``run_app`` offers no hook where connections are accepted, so :func:`serve_gated` runs the same
steps with a site of its own (``GatedSite``): the runner set up, the site started, then, on
``GracefulExit`` or Ctrl+C, the runner cleaned up (the app's ``on_shutdown`` included), every task left
cancelled and the loop closed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from vmsim.web.start_rate import client_key

if TYPE_CHECKING:
    from aiohttp import web

log = logging.getLogger("vmsim.web.connections")

IDLE_TIMEOUT_S = 30.0  # a connection with no request in progress is closed after this long (aiohttp: 75 s)


def per_address_cap(max_sessions: int) -> int:
    """Connections one address may hold: four a tab the server admits (page, assets, websocket, a spare), and 32
    more, so a whole class behind one address still gets in."""
    return 4 * max_sessions + 32


class PeerGate:
    """Counts each address's open connections; refuses one past ``per_address``."""

    def __init__(self, per_address: int) -> None:
        self.per_address = per_address
        self.open: dict[str, int] = {}  # address key → connections open now (an address with none is dropped)
        self.refused = 0

    def admit(self, address: str | None) -> str | None:
        """The key the connection from ``address`` is counted under, or None when it is refused."""
        key = client_key(address)
        held = self.open.get(key, 0)
        if held >= self.per_address:
            self.refused += 1
            log.warning("closed a connection from %s: it already holds %d, the most one address may", key, held)
            return None
        self.open[key] = held + 1
        return key

    def release(self, key: str) -> None:
        """A connection counted under ``key`` has closed."""
        held = self.open.get(key, 0) - 1
        if held > 0:
            self.open[key] = held
        else:
            self.open.pop(key, None)

    def protocols(self, make: Callable[[], asyncio.Protocol]) -> Callable[[], asyncio.Protocol]:
        """A protocol factory for ``loop.create_server``: each connection behind this gate, then ``make()``'s."""
        return lambda: GatedProtocol(self, make)


class GatedProtocol(asyncio.Protocol):
    """One accepted connection: closed at once when its address holds too many, else handed to aiohttp's
    protocol (made only then), which gets every call the transport makes."""

    def __init__(self, gate: PeerGate, make: Callable[[], asyncio.Protocol]) -> None:
        self._gate = gate
        self._make = make
        self._inner: asyncio.Protocol | None = None
        self._key: str | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        peer = transport.get_extra_info("peername")
        self._key = self._gate.admit(peer[0] if isinstance(peer, tuple) and peer else None)
        if self._key is None:
            transport.close()  # at once, unread and unanswered
            return
        try:
            self._inner = self._make()
            self._inner.connection_made(transport)
        except BaseException:  # the place is given back and the connection closed, not left open and counted
            self._gate.release(self._key)
            self._key, self._inner = None, None
            transport.abort()  # type: ignore[attr-defined]
            raise

    def data_received(self, data: bytes) -> None:
        if self._inner is not None:
            self._inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self._inner.eof_received() if self._inner is not None else None

    def pause_writing(self) -> None:
        if self._inner is not None:
            self._inner.pause_writing()

    def resume_writing(self) -> None:
        if self._inner is not None:
            self._inner.resume_writing()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._key is not None:
            self._gate.release(self._key)
            self._key = None
        if self._inner is not None:
            inner, self._inner = self._inner, None
            inner.connection_lost(exc)


def serve_gated(
    app: Awaitable[web.Application],
    *,
    host: str,
    port: int,
    gate: PeerGate,
    listening: Callable[[], None],
    loop: asyncio.AbstractEventLoop,
    shutdown_timeout: float,
    **runner_options: Any,
) -> None:
    """Serve ``app`` on ``host:port`` behind ``gate`` until ``GracefulExit`` (or Ctrl+C); ``listening()`` once the
    port is open. An ``OSError`` from opening it (the port in use) is raised, after the loop is closed."""
    from aiohttp import web  # (the web extra: imported only when serving)

    class GatedSite(web.BaseSite):
        """A TCP site whose connections pass the gate before aiohttp sees them."""

        __slots__ = ()

        @property
        def name(self) -> str:
            return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

        async def start(self) -> None:
            await super().start()
            server = self._runner.server
            assert server is not None  # (set up by the runner before any site starts)
            running = asyncio.get_running_loop()
            self._server = await running.create_server(gate.protocols(server), host, port, backlog=128)

    async def main() -> None:
        runner = web.AppRunner(
            await app,
            handle_signals=False,
            shutdown_timeout=shutdown_timeout,
            keepalive_timeout=IDLE_TIMEOUT_S,
            **runner_options,
        )
        await runner.setup()
        try:
            await GatedSite(runner).start()
            listening()
            await asyncio.Event().wait()  # until cancelled
        finally:
            await runner.cleanup()

    asyncio.set_event_loop(loop)
    task = loop.create_task(main())
    try:
        loop.run_until_complete(task)
    except (web.GracefulExit, KeyboardInterrupt):
        pass
    finally:
        try:
            if not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    loop.run_until_complete(task)
        finally:
            _cancel_the_rest(loop)
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()


def _cancel_the_rest(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel every task still pending and wait for them, as ``run_app`` does before it closes its loop."""
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in pending:
        task.cancel()
    if not pending:
        return
    loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    for task in pending:  # a task that failed rather than stopped is reported (in the server's log), not lost
        if not task.cancelled() and task.exception() is not None:
            loop.call_exception_handler(
                {"message": "a task failed as the server stopped", "exception": task.exception(), "task": task}
            )
