"""``vmsim serve`` against floods a stranger on the network can send: idle connections past the server's
file-descriptor limit, malformed requests, unfetched exports, one download fetched many times at once.
Servers run as in test_serve.py (process group reaped, tagged)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import select
import socket
import sys
import time
from types import SimpleNamespace

import pytest
from test_serve import SERVE, RawTab, needs_extra, wait_until
from test_serve_hardening import http_status

from vmsim.web.connections import PeerGate, per_address_cap
from vmsim.web.quiet_log import QuietRecords

# vmsim serve with its hard limit on open files set low, so a few hundred connections reach it.
LOW_FILES = [
    sys.executable,
    "-c",
    "import resource, runpy, sys; resource.setrlimit(resource.RLIMIT_NOFILE, (120, 120)); "
    "sys.argv = ['vmsim', *sys.argv[1:]]; runpy.run_module('vmsim', run_name='__main__')",
    *SERVE[3:],
]


@needs_extra
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="file-descriptor limits set as on Linux")
def test_idle_connections_past_the_descriptor_limit_do_not_stop_the_server(serve_vmsim):
    # (64 sessions: an address may hold 288 connections, so the 200 below meet the file limit, not that cap)
    served = serve_vmsim("hello", "--max-sessions", "64", command=LOW_FILES)
    idle = []
    for _ in range(200):  # more than the server can hold open (120): the rest wait in the kernel's queue
        with contextlib.suppress(OSError):
            idle.append(socket.create_connection(("127.0.0.1", served.port), timeout=0.5))
    time.sleep(2.0)  # the event loop meets "too many open files" and waits to accept again
    assert served.proc.poll() is None, served.output()
    for s in idle:
        s.close()
    wait_until(lambda: http_status(served.port)[0] == 200, 20, "the index to be served again", served.output)
    out = served.output()
    alive = served.proc.poll() is None and "cannot listen" not in out and "Traceback" not in out
    assert alive, out[-3000:]
    assert "out of system resource" in out, out[-3000:]  # (the limit was met: the test tested it)


def _connect(port: int, source: str) -> socket.socket:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(5)
    s.bind((source, 0))
    s.connect(("127.0.0.1", port))
    return s


def _answered(port: int, source: str) -> bool:
    """The index answered 200 (False while the connection is still refused: closed or reset unanswered)."""
    try:
        return http_status(port, source=source)[0] == 200
    except (OSError, IndexError):
        return False


@needs_extra
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="127.0.0.2 is this machine only on Linux")
def test_one_address_holding_idle_connections_cannot_take_the_classes_share(serve_vmsim):
    """Half-sent requests held the server's descriptors for its idle timeout: one address now holds at most
    4 a tab plus 32 (36 with --max-sessions 1); past that its connections are closed as they arrive."""
    served = serve_vmsim("hello", "--max-sessions", "1")
    cap = per_address_cap(1)
    assert (
        http_status(served.port, source="127.0.0.1")[0] == 200
    )  # (and the fixture's probe connections are gone by now)
    held = []
    for _ in range(cap + 1):
        held.append(_connect(served.port, "127.0.0.1"))
        held[-1].sendall(b"GET / HTTP/1.1\r\nHost: 127.")  # half a request, never finished
    closed: list[socket.socket] = []
    deadline = time.monotonic() + 10
    while not closed and time.monotonic() < deadline:
        closed = select.select(held, [], [], 0.5)[0]
    time.sleep(0.5)  # any other the server meant to close is closed by now too
    closed = select.select(held, [], [], 0)[0]
    assert len(closed) == 1, f"{len(closed)} of {cap + 1} closed: the cap is {cap}"
    with contextlib.suppress(ConnectionResetError):  # (a reset: it was closed with the half request unread)
        assert closed[0].recv(1) == b""
    assert http_status(served.port, source="127.0.0.2")[0] == 200  # another machine is served meanwhile
    for s in held[:3]:
        s.close()
    wait_until(lambda: _answered(served.port, "127.0.0.1"), 10, "a freed place to be taken", served.output)
    for s in held[3:]:
        s.close()
    assert "closed a connection from 127.0.0.1: it already holds 36" in served.output()
    assert served.proc.poll() is None and "Traceback" not in served.output()


def test_the_gate_counts_each_address_and_frees_its_places():
    gate = PeerGate(2)
    assert gate.admit("10.0.0.5") == "10.0.0.5" and gate.admit("10.0.0.5") == "10.0.0.5"
    assert gate.admit("10.0.0.5") is None and gate.refused == 1
    assert gate.admit("10.0.0.6") == "10.0.0.6"  # another address has places of its own
    # one IPv6 machine may take any address of its /64: they count as one
    assert gate.admit("2001:db8::1") == gate.admit("2001:db8::ffff") == "2001:db8::/64"
    assert gate.admit("2001:db8::2") is None
    gate.release("10.0.0.5")
    assert gate.admit("10.0.0.5") == "10.0.0.5"
    for key in ("10.0.0.5", "10.0.0.5", "10.0.0.6"):
        gate.release(key)
    assert "10.0.0.5" not in gate.open and "10.0.0.6" not in gate.open  # nothing kept for an address gone


@needs_extra
def test_a_machine_that_keeps_reopening_tabs_is_told_to_wait_and_starts_no_app(serve_vmsim):
    """A reload loop started 107 apps in 40 s: each address now starts --starts-per-minute in a burst."""
    served = serve_vmsim("hello", "--starts-per-minute", "2")
    for _ in range(2):
        tab = RawTab(served.port)
        tab.read_until("nginx-1")
        tab.close()
    third = RawTab(served.port)
    screen = third.read_until("--starts-per-minute", timeout=10)
    assert "faster than this server allows (2 a minute)" in screen and "reload this tab in" in screen
    third.close()
    wait_until(lambda: "refused a tab" in served.output(), 5, "the refusal in the log", served.output)
    output = served.output()
    started = output.count("started an app")
    assert started == 2, output
    served.wait_sessions_gone()
    assert served.stop() == 0


@needs_extra
def test_malformed_requests_cost_one_line_each_and_repeats_are_counted(serve_vmsim):
    served = serve_vmsim("hello")
    for _ in range(40):
        with socket.create_connection(("127.0.0.1", served.port), timeout=1) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\nX-\x01: 1\r\n\r\n")
            with contextlib.suppress(OSError):
                s.recv(4096)
    assert http_status(served.port)[0] == 200
    out = served.output()
    # (booleans first: pytest's explanation of a failed `in` on a long log is a quadratic diff)
    quiet = "Traceback" not in out and "locals" not in out
    assert quiet and len(out.encode()) < 8_000, out[:3000]  # 40 tracebacks with locals were ~200 KB


def test_quiet_records_cut_network_tracebacks_and_count_repeats():
    now = [100.0]
    quiet = QuietRecords(clock=lambda: now[0])

    def record(name: str, msg: str, level: int = logging.ERROR, error: Exception | None = None) -> logging.LogRecord:
        exc_info = (type(error), error, None) if error is not None else None
        return logging.LogRecord(name, level, __file__, 1, msg, None, exc_info)

    first = record("aiohttp.server", "Error handling request", error=ValueError("Invalid header token"))
    assert quiet.filter(first) and first.exc_info is None
    assert first.getMessage() == "Error handling request: ValueError: Invalid header token"
    for _ in range(5):
        assert not quiet.filter(record("aiohttp.server", "Error handling request", error=ValueError("x")))
    now[0] += 1.5
    later = record("aiohttp.server", "Error handling request", error=ValueError("x"))
    assert quiet.filter(later) and "(and 5 more like it" in later.getMessage()
    assert quiet.filter(record("vmsim.web.serve", "tab %d: started", logging.INFO))  # info: never held back
    kept = record("vmsim.app", "a bug of ours", error=RuntimeError("boom"))
    assert quiet.filter(kept) and kept.exc_info is not None  # not from the network: its traceback stays


class _Tab:
    def __init__(self, name: str) -> None:
        self.app_service_id = name
        self.asked: list[dict[str, object]] = []

    async def send_meta(self, meta: dict[str, object]) -> bool:
        self.asked.append(meta)
        return True


def test_unfetched_exports_are_bounded_per_tab_and_forgotten_when_it_closes():
    from vmsim.web.downloads import MAX_PENDING_PER_TAB, BoundedDownloads

    async def run() -> None:
        manager = BoundedDownloads()
        tab, other = _Tab("a"), _Tab("b")
        for n in range(100):
            await manager.create_download(
                app_service=tab, delivery_key=f"a{n}", file_name="x.json", open_method="download", mime_type="x"
            )
        await manager.create_download(
            app_service=other, delivery_key="b0", file_name="x.json", open_method="download", mime_type="x"
        )
        assert manager.pending("a") == [f"a{n}" for n in range(100 - MAX_PENDING_PER_TAB, 100)]
        await manager.cancel_app_downloads("a")
        assert manager.pending("a") == [] and manager.pending("b") == ["b0"]

    asyncio.run(run())


def test_a_download_is_sent_to_one_request_at_a_time():
    from vmsim.web.downloads import BoundedDownloads

    async def run() -> None:
        manager = BoundedDownloads()
        tab = _Tab("a")
        await manager.create_download(
            app_service=tab, delivery_key="k", file_name="x.json", open_method="download", mime_type="x"
        )
        await manager.get_download_metadata("k")
        stream = manager.download("k")
        sending = asyncio.ensure_future(stream.__anext__())
        await asyncio.sleep(0)  # it asked the tab for the first chunk
        with pytest.raises(KeyError):
            await manager.get_download_metadata("k")  # a second request at once: not found
        await manager.chunk_received("k", b"data")
        assert await sending == b"data"
        await manager.chunk_received("k", b"")  # the end
        with pytest.raises(StopAsyncIteration):
            await stream.__anext__()
        with pytest.raises(KeyError):
            await manager.get_download_metadata("k")  # sent and gone
        assert tab.asked and SimpleNamespace(**tab.asked[0]).key == "k"

    asyncio.run(run())


class _Transport:
    def __init__(self, peer: tuple[str, int] | None = ("10.0.0.5", 50000)) -> None:
        self.peer, self.closed, self.aborted = peer, False, False

    def get_extra_info(self, name: str):
        return self.peer if name == "peername" else None

    def close(self) -> None:
        self.closed = True

    def abort(self) -> None:
        self.aborted = True


class _Inner(asyncio.Protocol):
    def __init__(self) -> None:
        self.calls: list[tuple[str, object]] = []

    def connection_made(self, transport) -> None:
        self.calls.append(("made", transport))

    def data_received(self, data: bytes) -> None:
        self.calls.append(("data", data))

    def eof_received(self) -> bool | None:
        self.calls.append(("eof", None))
        return True

    def pause_writing(self) -> None:
        self.calls.append(("pause", None))

    def resume_writing(self) -> None:
        self.calls.append(("resume", None))

    def connection_lost(self, exc: Exception | None) -> None:
        self.calls.append(("lost", exc))


def test_the_gate_hands_every_call_to_the_servers_protocol_and_frees_its_place_once():
    gate = PeerGate(1)
    made: list[_Inner] = []
    factory = gate.protocols(lambda: made.append(_Inner()) or made[-1])
    first, transport = factory(), _Transport()
    first.connection_made(transport)
    inner = made[0]
    first.data_received(b"GET /")
    assert first.eof_received() is True
    first.pause_writing()  # flow control reaches aiohttp: a slow reader holds its writes back
    first.resume_writing()
    refused, other = factory(), _Transport()
    refused.connection_made(other)  # a second from the same address, past the cap of 1
    assert other.closed and len(made) == 1  # closed before any protocol of the server's was made
    refused.data_received(b"ignored")
    refused.connection_lost(None)
    assert gate.open == {"10.0.0.5": 1}  # the refused one gave back nothing it had not taken
    error = ConnectionResetError()
    first.connection_lost(error)
    first.connection_lost(error)  # (twice: counted once)
    assert gate.open == {}
    assert [name for name, _ in inner.calls] == ["made", "data", "eof", "pause", "resume", "lost"]
    assert inner.calls[0][1] is transport and inner.calls[-1][1] is error


def test_a_protocol_that_fails_to_start_gives_its_place_back_and_closes_the_connection():
    gate = PeerGate(1)

    def broken() -> asyncio.Protocol:
        raise TypeError("handler kwargs")

    protocol, transport = gate.protocols(broken)(), _Transport()
    with pytest.raises(TypeError):
        protocol.connection_made(transport)
    assert transport.aborted and gate.open == {}
    protocol.connection_lost(None)
    assert gate.open == {}
