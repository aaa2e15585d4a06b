"""``vmsim serve`` against floods a stranger on the network can send: idle connections past the server's
file-descriptor limit, malformed requests, unfetched exports, one download fetched many times at once.
Servers run as in test_serve.py (process group reaped, tagged)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import sys
import time
from types import SimpleNamespace

import pytest
from test_serve import SERVE, RawTab, needs_extra, wait_until
from test_serve_hardening import http_status

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
    served = serve_vmsim("hello", command=LOW_FILES)
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
