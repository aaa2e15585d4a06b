"""``vmsim serve`` on a classroom network (issue 18, items 1-4): terminal sizes clamped, a memory cap per tab,
host names checked on every bind, bad Host headers answered 400, no /static/ listings, and malformed websocket
messages dropped without a traceback. Servers run as in test_serve.py (process group reaped, tagged)."""

from __future__ import annotations

import re
import socket
import sys
import time

import psutil
import pytest
from test_serve import RawTab, needs_extra, parse

from vmsim.web import serve
from vmsim.web.addresses import class_urls
from vmsim.web.admission import (
    MAX_COLUMNS,
    MAX_MESSAGE_BYTES,
    MAX_ROWS,
    MIN_COLUMNS,
    MIN_ROWS,
    BadHostHeader,
    HostPolicy,
    clamp_size,
    machine_names,
    parse_host_header,
    parse_message,
    same_origin,
)
from vmsim.web.options import SESSION_MEMORY_MIB


# ---------------------------------------------------------------------------------------------- item 1
@pytest.mark.parametrize(
    ("width", "height", "expected"),
    [
        (160, 40, (160, 40)),
        (20000, 20000, (MAX_COLUMNS, MAX_ROWS)),
        ("20000", "20000", (MAX_COLUMNS, MAX_ROWS)),
        (0, -5, (MIN_COLUMNS, MIN_ROWS)),
        (1, 1, (MIN_COLUMNS, MIN_ROWS)),
        ("wide", None, (80, 24)),
        (1e300, float("nan"), (80, 24)),
        (True, [], (80, 24)),
        ("9" * 5000, "40", (80, 40)),
    ],
)
def test_terminal_sizes_are_clamped(width, height, expected):
    assert clamp_size(width, height) == expected


# ---------------------------------------------------------------------------------------------- item 3
@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("127.0.0.1:8000", ("127.0.0.1", 8000)),
        ("Example.ORG.", ("example.org", None)),
        ("[::1]:8000", ("::1", 8000)),
        ("[fe80::1]", ("fe80::1", None)),
    ],
)
def test_host_headers_parse(header, expected):
    assert parse_host_header(header) == expected


@pytest.mark.parametrize(
    "header", [None, "", "127.0.0.1:abc", "127.0.0.1:0", "127.0.0.1:99999", "[::1", "::1", "a b", "h:", "[::1]x"]
)
def test_bad_host_headers_are_refused(header):
    with pytest.raises(BadHostHeader):
        parse_host_header(header)


def test_host_policy_on_loopback_and_on_every_interface():
    local = HostPolicy.for_bind("127.0.0.1", loopback=True)
    assert local.allows("localhost") and local.allows("127.0.0.1") and local.allows("::1")
    assert not local.allows("evil.example") and not local.allows(socket.gethostname().lower())
    assert HostPolicy.for_bind("127.0.0.1", True, ["lab.example"]).allows("lab.example")

    everywhere = HostPolicy.for_bind("0.0.0.0", loopback=False, extra=["Classroom.Example."])
    assert everywhere.allows(socket.gethostname().lower())
    assert everywhere.allows("classroom.example")
    assert all(everywhere.allows(name) for name in machine_names())
    assert not everywhere.allows("evil.example") and not everywhere.allows("0.0.0.0")
    assert HostPolicy.for_bind("192.0.2.7", loopback=False).allows("192.0.2.7")


def test_same_origin_compares_host_and_port():
    assert same_origin("http://127.0.0.1:8000", "127.0.0.1", 8000, "http")
    assert same_origin("http://lab.example", "lab.example", None, "http")
    assert not same_origin("http://evil.example:8000", "127.0.0.1", 8000, "http")
    assert not same_origin("http://127.0.0.1:9000", "127.0.0.1", 8000, "http")
    assert not same_origin("not a url at all ::::", "127.0.0.1", 8000, "http")


@pytest.mark.parametrize(
    "text",
    ["", "not json", "{}", "[]", "[1, 2]", '["stdin", 5]', '["resize", 5]', '["nope", 1]', '["ping", {"a": 1}]',
     "[" * 100_000, '["stdin", "' + "x" * 20_000 + '"]', "\ud800", '["stdin", "\\ud800"]', '["ping", NaN]',
     '["ping", Infinity]', '["ping", "\\udfff"]', '["ping", true]', '["blur", "' + "x" * MAX_MESSAGE_BYTES + '"]'],
)  # fmt: skip
def test_malformed_messages_are_dropped(text):
    assert parse_message(text) is None


def test_a_tabs_budget_drops_a_flood_and_refills_with_time():
    from vmsim.web.message_budget import MessageBudget

    now = [0.0]
    budget = MessageBudget(messages_per_s=10, bytes_per_s=1000, clock=lambda: now[0])
    assert sum(budget.allow(1) for _ in range(50)) == 20  # a burst of two seconds' worth, then nothing
    now[0] += 0.5
    assert sum(budget.allow(1) for _ in range(50)) == 5  # half a second refills five
    now[0] += 10
    assert budget.allow(2000) and not budget.allow(1)  # bytes too: 2,000 spent, none left
    assert budget.dropped == 76 and not budget.flooded
    assert sum(budget.allow(1) for _ in range(3000)) == 0 and budget.flooded


def test_good_messages_pass_and_resizes_are_clamped():
    assert parse_message('["stdin", "a"]') == ("stdin", "a")
    assert parse_message('["resize", {"width": 20000, "height": 20000}]') == ("resize", (MAX_COLUMNS, MAX_ROWS))
    assert parse_message('["ping", "1700000000"]') == ("ping", "1700000000")
    assert parse_message('["focus"]') == ("focus", None)


def test_allow_host_and_scenarios_reach_the_config(monkeypatch, tmp_path, capsys):
    seen = []
    monkeypatch.setattr(serve, "_serve", lambda config: seen.append(config) or 0)
    assert serve.run(parse("--bind", "0.0.0.0", "--allow-host", "lab.example", "--scenarios", str(tmp_path))) == 0
    assert seen[0].hosts.allows("lab.example") and seen[0].scenario_dir == tmp_path.resolve()
    assert serve.run(parse("--scenarios", str(tmp_path / "missing"))) == 2
    assert "is not a folder" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------- a real server
def http_status(port: int, path: str = "/", host: str | None = None, source: str | None = None) -> tuple[int, bytes]:
    """GET ``path`` (``source``: the loopback address to come from, as another machine would)."""
    address = (source, 0) if source else None
    with socket.create_connection(("127.0.0.1", port), timeout=10, source_address=address) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: {host or f'127.0.0.1:{port}'}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return int(data.split(b" ", 2)[1]), data


@needs_extra
def test_every_bind_checks_the_host_header(serve_vmsim):
    served = serve_vmsim("hello", "--bind", "0.0.0.0", "--allow-host", "classroom.example")
    port = served.port
    assert http_status(port, host=f"evil.example:{port}")[0] == 403  # DNS rebinding: refused on 0.0.0.0 too
    assert http_status(port, host=f"classroom.example:{port}")[0] == 200
    assert http_status(port, host=f"{socket.gethostname()}:{port}")[0] == 200
    assert http_status(port, host=f"127.0.0.1:{port}")[0] == 200
    assert http_status(port, host="127.0.0.1:abc")[0] == 400  # was a 500
    assert http_status(port, host="[::1")[0] == 400
    assert "Traceback" not in served.output()


@needs_extra
def test_static_folders_are_not_listed(serve_vmsim):
    served = serve_vmsim("hello")
    for path in ("/static/", "/static/js/", "/static/css/"):
        status, body = http_status(served.port, path)
        assert status in (403, 404), (path, status)
        assert b"Index of" not in body
    assert http_status(served.port, "/static/js/textual.js")[0] == 200  # files still are served


@needs_extra
def test_malformed_websocket_messages_print_no_traceback(serve_vmsim):
    served = serve_vmsim("hello")
    tab = RawTab(served.port)
    tab.read_until("nginx-1")
    for text in ("not json", "{}", "[]", "[1]", '["stdin", 5]', '["resize", "big"]', "[" * 10_000, '["ping", {}]'):
        tab.send_text(text)
    tab.send_text('["stdin", "a"]')  # still a working tab: the add dialog opens
    tab.read_until("Add a workload", timeout=20)
    assert len(served.dashboards()) == 1
    tab.close()
    served.wait_sessions_gone()
    assert "Traceback" not in served.output(), served.output()

    broken = RawTab(served.port)  # not even UTF-8: the socket closes (a protocol error), quietly
    broken.read_until("nginx-1")
    broken.send_text(b"\xff\xfe")
    served.wait_sessions_gone()
    broken.close()
    assert "Traceback" not in served.output(), served.output()


@needs_extra
def test_a_tab_gets_no_compression_and_a_message_too_long_closes_its_socket_alone(serve_vmsim):
    """A 4 MB message of one repeated number, compressed to 4 KB, cost the server 0.2 s to parse: a few refused
    sockets sending those stalled every tab for minutes. A lone surrogate in the keys ended a tab with a
    traceback."""
    served = serve_vmsim("hello")
    tab = RawTab(served.port, extra=("Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits",))
    assert tab.status == 101 and b"permessage-deflate" not in tab.head.lower()
    tab.read_until("nginx-1")
    tab.send_text('["stdin", "\\ud800"]')  # JSON for a lone surrogate: dropped, the tab goes on
    tab.send_text('["ping", NaN]')
    tab.send_text('["stdin", "a"]')
    tab.read_until("Add a workload", timeout=20)
    assert "Traceback" not in served.output(), served.output()
    other = RawTab(served.port)
    other.read_until("nginx-1")
    tab.send_text('["blur", [' + ",".join(["1e5"] * (MAX_MESSAGE_BYTES // 4)) + "]]")  # longer than allowed
    deadline = time.monotonic() + 20
    while len(served.dashboards()) > 1 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(served.dashboards()) == 1, "the socket that sent too much is closed, with its app"
    other.send_text('["stdin", "a"]')  # the other tab still answers
    other.read_until("Add a workload", timeout=20)
    for each in (tab, other):
        each.close()
    served.wait_sessions_gone()
    assert "Traceback" not in served.output(), served.output()


@needs_extra
def test_a_flood_of_messages_closes_the_tab_that_sends_it(serve_vmsim):
    """Past its budget a tab's messages are dropped unread; a tab that keeps flooding is closed, with its app."""
    served = serve_vmsim("hello")
    tab = RawTab(served.port)
    tab.read_until("nginx-1")
    assert len(served.dashboards()) == 1
    for _ in range(5000):  # in one go: a few hundred fit the budget's burst, the rest are a flood
        tab.send_text('["ping", "x"]')
    deadline = time.monotonic() + 20
    while served.dashboards() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert served.dashboards() == []
    tab.close()
    served.wait_sessions_gone()
    assert "Traceback" not in served.output(), served.output()


@needs_extra
def test_a_huge_terminal_request_is_clamped_and_memory_is_capped(serve_vmsim):
    served = serve_vmsim("hello")
    tab = RawTab(served.port, query="width=20000&height=20000")
    tab.read_until("nginx-1")
    app = served.dashboards()[0]
    env = app.environ()
    assert (env["COLUMNS"], env["ROWS"]) == (str(MAX_COLUMNS), str(MAX_ROWS))
    if sys.platform.startswith("linux"):
        assert app.rlimit(psutil.RLIMIT_AS)[0] == SESSION_MEMORY_MIB * 2**20
    tab.send_text('["resize", {"width": 20000, "height": 20000}]')
    tab.send_text('["stdin", "a"]')
    tab.read_until("Add a workload", timeout=20)
    assert app.memory_info().rss < 400 * 2**20, app.memory_info()
    assert app.is_running()
    tab.close()
    served.wait_sessions_gone()


def test_the_class_is_told_the_addresses_that_reach_the_server():
    interfaces = {
        "docker0": [(socket.AF_INET, "172.17.0.1")],
        "br-3f2a9c": [(socket.AF_INET, "172.18.0.1")],
        "lo": [(socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")],
        "eth0": [(socket.AF_INET, "192.168.1.5"), (socket.AF_INET6, "fe80::1%eth0"), (socket.AF_INET6, "2001:db8::5")],
        "virbr0": [(socket.AF_INET, "192.168.122.1")],
        "wlp2s0": [(socket.AF_INET, "10.0.0.7"), (getattr(socket, "AF_PACKET", 17), "aa:bb")],
        "enp0s31f6": [(socket.AF_INET, "10.1.1.9")],
    }

    def urls(bind: str, primary: str | None = "10.0.0.7", down: frozenset[str] = frozenset({"enp0s31f6"})):
        return class_urls(bind, 8000, interfaces, set(down), primary)

    # 0.0.0.0: the default route's address first, then the other real interfaces, virtual bridges last (4 at most);
    # not loopback, not link-local, not an interface that is down, no IPv6
    assert urls("0.0.0.0") == [
        "http://10.0.0.7:8000/",
        "http://192.168.1.5:8000/",
        "http://172.18.0.1:8000/",
        "http://172.17.0.1:8000/",
    ]
    assert urls("0.0.0.0", primary=None)[:2] == ["http://192.168.1.5:8000/", "http://10.0.0.7:8000/"]
    # '::' listens on IPv6 only (asyncio sets IPV6_V6ONLY): only what an IPv6 browser reaches
    assert urls("::", primary=None) == ["http://[2001:db8::5]:8000/"]
    assert urls("192.168.1.5") == ["http://192.168.1.5:8000/"]
    assert urls("[2001:db8::5]") == ["http://[2001:db8::5]:8000/"]
    assert class_urls("0.0.0.0", 8000, {"lo": [(socket.AF_INET, "127.0.0.1")]}, set(), None) == []


@needs_extra
def test_the_served_page_fetches_its_font_from_this_server_not_from_google():
    from pathlib import Path

    from textual_serve.server import Server

    from vmsim.web.page import local_template

    source = (Path(Server("x").templates_path) / "app_index.html").read_text(encoding="utf-8")
    assert "fonts.googleapis.com" in source  # (textual-serve's page as shipped: what is replaced)
    page = local_template(source)
    assert "googleapis" not in page and not re.search(r"""(?:href|src)\s*=\s*["']?https?://""", page)
    assert "{{ config.static.url }}fonts/RobotoMono-VariableFont_wght.ttf" in page
