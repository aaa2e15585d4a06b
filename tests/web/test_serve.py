"""``vmsim serve``: arguments, the session cap, no orphaned app processes, and the dashboard in a real browser.

Servers run as real processes, each in a process group of its own and with a unique ``VMSIM_TEST_TAG`` in its
environment. textual-serve copies the server's environment into every app it starts, so the tag finds the guards
and apps even after they were re-parented (the orphan case these tests are about). Teardown kills the server's
group and anything still tagged, so no test leaves a process behind, whatever it asserted.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import textwrap
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

from vmsim.cli.commands import serve as serve_command
from vmsim.scenarios import load_scenario
from vmsim.web import serve

# A tiny stand-alone runner of the serve command, for servers whose app command a test replaces.
_RUNNER = (
    "import argparse, sys; from vmsim.cli.commands import serve; p = argparse.ArgumentParser(prog='vmsim'); "
    "s = p.add_subparsers(); serve.add_parser(s); a = p.parse_args(sys.argv[1:]); raise SystemExit(a.func(a))"
)


SERVE = [sys.executable, "-m", "vmsim", "serve"]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]  # fmt: skip
START_TIMEOUT_S = 20.0  # the server listening
APP_TIMEOUT_S = 30.0  # a tab's app drawing its first screen (Textual starts in ~1 s; a busy CI box is slower)
GONE_TIMEOUT_S = serve.QUIT_GRACE_S + serve.KILL_GRACE_S + 3.0  # a closed tab's processes ending
ANSI = re.compile(r"\x1b(\[[0-9;?<=>!]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-B]|[=>78])")


def _have(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


# With VMSIM_REQUIRE_BROWSER=1 (for CI, after .ci/browser-deps) a missing prerequisite fails instead of skipping.
REQUIRE_BROWSER = bool(os.environ.get("VMSIM_REQUIRE_BROWSER"))
needs_extra = pytest.mark.skipif(
    not (_have("textual_serve") and _have("aiohttp")) and not REQUIRE_BROWSER,
    reason="the web extra is not installed (pip install 'vmsim[web]'; .ci/browser-deps installs it)",
)


# ---------------------------------------------------------------------------------------------- helpers
def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="vmsim")
    serve_command.add_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["serve", *argv])


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tagged(tag: str) -> list[psutil.Process]:
    """Live (not zombie) processes whose environment carries ``VMSIM_TEST_TAG=tag``."""
    found = []
    for proc in psutil.process_iter():
        try:
            if proc.environ().get("VMSIM_TEST_TAG") == tag and proc.status() != psutil.STATUS_ZOMBIE:
                found.append(proc)
        except psutil.Error:
            continue
    return found


def describe(procs: list[psutil.Process]) -> str:
    lines = []
    for p in procs:
        with contextlib.suppress(psutil.Error):
            lines.append(f"  {p.pid} {p.status()} {' '.join(p.cmdline())[:150]}")
    return "\n".join(lines) or "  (none)"


def wait_until(predicate, timeout: float, what: str, details=lambda: ""):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}\n{details()}")
        time.sleep(0.1)


def kill_tagged(tag: str) -> None:
    for p in tagged(tag):
        with contextlib.suppress(psutil.Error):
            p.kill()


@dataclass
class Served:
    """One ``vmsim serve`` process (in a process group of its own) and what it started."""

    proc: subprocess.Popen
    port: int
    tag: str
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def sessions(self) -> list[psutil.Process]:
        """Every guard and app this server started that is still alive (wherever it was re-parented)."""
        return [p for p in tagged(self.tag) if p.pid != self.proc.pid]

    def dashboards(self) -> list[psutil.Process]:
        """Only the apps (``python -m vmsim tui ...``), not their guards."""
        found = []
        for p in self.sessions():
            with contextlib.suppress(psutil.Error):
                cmd = p.cmdline()
                if "tui" in cmd and "--guard" not in cmd:
                    found.append(p)
        return found

    def details(self) -> str:
        return f"--- server output ---\n{self.output()}\n--- live session processes ---\n{describe(self.sessions())}"

    def wait_sessions_gone(self, timeout: float = GONE_TIMEOUT_S) -> None:
        wait_until(lambda: not self.sessions(), timeout, "every session process to end", self.details)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15.0) -> int:
        """Signal the server process only (its sessions are in groups of their own) and wait for it."""
        os.kill(self.proc.pid, sig)
        return self.proc.wait(timeout=timeout)

    def cleanup(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)
        kill_tagged(self.tag)


@pytest.fixture
def serve_vmsim(tmp_path):
    """``start(*args)`` runs ``vmsim serve *args --port FREE`` and returns once it accepts connections."""
    started: list[Served] = []

    def start(*args: str, command: list[str] = SERVE) -> Served:
        port = free_port()
        tag = uuid.uuid4().hex
        log = tmp_path / f"serve-{port}.log"
        # LC_ALL: the dashboard's texts are English whatever this machine's locale (the test reads them)
        env = {**os.environ, "VMSIM_TEST_TAG": tag, "PYTHONUNBUFFERED": "1", "LC_ALL": "C.UTF-8"}
        with log.open("wb") as out:  # a file, not a pipe: a pipe nobody reads would stall the server
            proc = subprocess.Popen(
                [*command, *args, "--port", str(port)],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=tmp_path,  # exports from a dashboard land here
                start_new_session=True,
            )
        served = Served(proc, port, tag, log)
        started.append(served)

        def listening() -> bool:
            if proc.poll() is not None:
                raise AssertionError(f"vmsim serve exited with {proc.returncode}:\n{served.output()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            except OSError:
                return False
            return True

        wait_until(listening, START_TIMEOUT_S, "vmsim serve to listen", served.output)
        return served

    yield start
    for served in started:
        served.cleanup()


class RawTab:
    """A browser tab reduced to its websocket (RFC 6455 by hand), so it can also vanish without a goodbye."""

    def __init__(
        self, port: int, origin: str | None = None, query: str = "width=160&height=40", extra: tuple[str, ...] = ()
    ) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=APP_TIMEOUT_S)
        key = base64.b64encode(os.urandom(16)).decode()
        headers = [
            f"GET /ws?{query} HTTP/1.1",
            f"Host: 127.0.0.1:{port}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {key}",
            "Sec-WebSocket-Version: 13",
        ]
        if origin:
            headers.append(f"Origin: {origin}")
        headers += extra
        self.sock.sendall(("\r\n".join(headers) + "\r\n\r\n").encode())
        self.buffer = b""
        while b"\r\n\r\n" not in self.buffer:
            chunk = self.sock.recv(4096)
            if not chunk:
                break
            self.buffer += chunk
        head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
        self.head = head
        self.status = int(head.split(b" ", 2)[1]) if head else 0
        self.received = b""

    def _frame(self) -> bytes | None:
        """One frame's payload from the buffer, or None when incomplete."""
        b = self.buffer
        if len(b) < 2:
            return None
        length, pos = b[1] & 0x7F, 2
        if length == 126:
            if len(b) < 4:
                return None
            length, pos = struct.unpack(">H", b[2:4])[0], 4
        elif length == 127:
            if len(b) < 10:
                return None
            length, pos = struct.unpack(">Q", b[2:10])[0], 10
        if len(b) < pos + length:
            return None
        self.buffer = b[pos + length :]
        return b[pos : pos + length] if b[0] & 0x0F in (1, 2, 0) else b""

    def read_until(self, text: str, timeout: float = APP_TIMEOUT_S) -> str:
        """Read frames until the screen text (escape codes removed) contains ``text``."""
        deadline = time.monotonic() + timeout
        while True:
            while (payload := self._frame()) is not None:  # frames may have come with the handshake
                self.received += payload
            if text in (screen := self.screen()):
                return screen
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {text!r} on the tab within {timeout:g} s; it shows:\n{screen[-2000:]!r}")
            self.sock.settimeout(min(left, 1.0))
            try:
                chunk = self.sock.recv(65536)
            except TimeoutError:
                continue
            if not chunk:
                raise AssertionError(f"the server closed the tab before {text!r} appeared:\n{screen[-2000:]!r}")
            self.buffer += chunk

    def screen(self) -> str:
        return ANSI.sub("", self.received.decode("utf-8", "replace"))

    def vanish(self) -> None:
        """Drop the connection with a TCP reset: no close frame, as when a laptop lid shuts mid-lesson."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()

    def send_text(self, text: str | bytes) -> None:
        """One masked text frame, as a browser sends it (the payload need not be valid JSON, or UTF-8)."""
        data = text.encode("utf-8") if isinstance(text, str) else text
        mask = os.urandom(4)
        if len(data) < 126:
            head = bytes([0x81, 0x80 | len(data)])
        elif len(data) < 65536:
            head = bytes([0x81, 0x80 | 126]) + struct.pack(">H", len(data))
        else:
            head = bytes([0x81, 0x80 | 127]) + struct.pack(">Q", len(data))
        self.sock.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def close(self) -> None:
        mask = os.urandom(4)
        payload = bytes(b ^ mask[i % 4] for i, b in enumerate(struct.pack(">H", 1000)))
        with contextlib.suppress(OSError):
            self.sock.sendall(b"\x88\x82" + mask + payload)  # a client's close frame, code 1000
        self.sock.close()


# ---------------------------------------------------------------------------------------------- no server
def test_missing_extra_says_how_to_install_it(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "textual_serve", None)
    monkeypatch.setitem(sys.modules, "textual_serve.server", None)
    monkeypatch.setattr(serve, "_serve", lambda config: pytest.fail("must not serve without the extra"))
    assert serve.run(parse("hello")) == 2
    err = capsys.readouterr().err
    assert "pip install 'vmsim[web]'" in err
    assert "textual-serve" in err


def test_default_bind_is_loopback_and_quiet(monkeypatch, capsys):
    seen = []
    monkeypatch.setattr(serve, "_serve", lambda config: seen.append(config) or 0)
    args = parse()
    assert (args.scenario, args.bind, args.port, args.max_sessions) == ("hello", "127.0.0.1", 8000, 8)
    assert serve.run(args) == 0
    assert capsys.readouterr().err == ""
    assert seen[0].loopback and seen[0].bind == "127.0.0.1" and seen[0].scenario == "hello"
    assert serve.run(parse("--bind", "localhost")) == 0
    assert capsys.readouterr().err == ""


def test_lang_opens_every_tab_in_that_language(monkeypatch, capsys):
    seen = []
    monkeypatch.setattr(serve, "_serve", lambda config: seen.append(config) or 0)
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    assert serve.run(parse("isolation", "--lang", "ko", "--step", "2")) == 0
    config = seen[-1]
    assert config.app_options == ("--step", "2", "--lang", "ko")
    assert serve.guarded_command(1, config.scenario, None, *config.app_options)[-4:] == ["--step", "2", "--lang", "ko"]
    korean = load_scenario("isolation").say("name", "ko")
    assert korean != load_scenario("isolation").say("name", "en") and config.title == f"vmsim — {korean}"
    assert serve.run(parse("isolation")) == 0  # without --lang, the tabs read the locale, as before
    assert seen[-1].app_options == ()


@pytest.mark.parametrize("address", ["0.0.0.0", "::"])
def test_bind_beyond_loopback_warns_who_can_reach_it(monkeypatch, capsys, address):
    seen = []
    monkeypatch.setattr(serve, "_serve", lambda config: seen.append(config) or 0)
    assert serve.run(parse("--bind", address, "--port", "8123")) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert err.startswith("vmsim: warning:")
    assert "every network interface of this machine, port 8123" in err
    assert "Everyone who can reach this machine on that address and port can open the dashboard" in err
    assert "no authentication" in err
    assert not seen[0].loopback


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--port", "0"], "0 is not a port number; give a whole number from 1 to 65535"),
        (["--port", "65536"], "65536 is not a port number"),
        (["--port", "http"], "'http' is not a port number"),
        (["--max-sessions", "0"], "0 is out of range; give 1 to 100 browser tabs"),
        (["--max-sessions", "101"], "101 is out of range"),
        (["--max-sessions", "many"], "'many' is not a whole number"),
    ],
)
def test_bad_numbers_exit_2_with_a_clear_message(capsys, argv, message):
    with pytest.raises(SystemExit) as exc:
        parse(*argv)
    assert exc.value.code == 2
    assert message in capsys.readouterr().err


def test_bad_numbers_in_a_namespace_are_caught_by_run_too(capsys):
    for port, sessions, message in [(0, 8, "--port 0"), (8000, 0, "--max-sessions 0"), (8000, 101, "101")]:
        args = argparse.Namespace(scenario="hello", port=port, bind="127.0.0.1", max_sessions=sessions)
        assert serve.run(args) == 2
        assert message in capsys.readouterr().err


def test_the_real_command_exits_2_on_a_bad_port():
    proc = subprocess.run([*SERVE, "--port", "0"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "is not a port number" in proc.stderr


@needs_extra
def test_a_port_in_use_exits_1_and_says_so(tmp_path):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = subprocess.run([*SERVE, "--port", str(port)], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert proc.returncode == 1
    assert f"something else uses port {port}: choose another --port" in proc.stderr
    assert "serving the dashboard" not in proc.stdout


def test_bad_scenario_exits_2_with_the_loaders_message(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(serve, "_serve", lambda config: pytest.fail("must not serve a bad scenario"))
    assert serve.run(parse("helo")) == 2
    assert "no such scenario (did you mean 'hello'?)" in capsys.readouterr().err
    bad = tmp_path / "broken.toml"
    bad.write_text('name = "x"\nduration_s = "long"\n', encoding="utf-8")
    assert serve.run(parse(str(bad))) == 2
    err = capsys.readouterr().err
    assert str(bad) in err and "duration_s" in err


def test_a_scenario_file_is_handed_to_the_apps_as_an_absolute_path(monkeypatch, tmp_path):
    seen = []
    monkeypatch.setattr(serve, "_serve", lambda config: seen.append(config) or 0)
    from vmsim.scenarios import load_scenario

    mine = tmp_path / "mine.toml"
    mine.write_bytes(Path(load_scenario("hello").source).read_bytes())
    monkeypatch.chdir(tmp_path)
    assert serve.run(parse("mine.toml")) == 0
    assert seen[0].scenario == str(mine.resolve())
    assert seen[0].title == "vmsim — Hello"


def test_cap_message():
    assert serve.cap_message(8, 8) == (
        "vmsim: the server has 8 sessions open; close a tab or restart with --max-sessions 16"
    )
    assert serve.cap_message(1, 1).startswith("vmsim: the server has 1 session open; ")
    assert serve.cap_message(80, 80).endswith("--max-sessions 100")
    assert "100 is the most one server allows" in serve.cap_message(100, 100)


def test_session_command_is_the_dashboard_under_its_guard():
    cmd = serve.guarded_command(4242, "hello")
    assert cmd[:5] == [sys.executable, "-m", "vmsim.web.serve", "--guard", "4242"]
    assert cmd[5:] == ["--", sys.executable, "-m", "vmsim", "tui", "hello"]
    capped = serve.guarded_command(4242, "hello", 1536)
    assert capped[5:8] == ["--memory-mib", "1536", "--"]


STUBBORN_APP = textwrap.dedent(
    """
    import signal, sys, time
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # like the orphans textual-serve leaves: SIGTERM is not enough
    print("app up", flush=True)
    while True:
        time.sleep(0.05)
    """
)

FAKE_SERVER = textwrap.dedent(
    """
    import os, subprocess, sys, time
    guard = subprocess.Popen([sys.executable, "-m", "vmsim.web.serve", "--guard", str(os.getpid()), "--",
                              sys.executable, "-c", sys.argv[1]])
    print(guard.pid, flush=True)
    time.sleep(120)
    """
)


@pytest.mark.parametrize("victim", ["server", "guard"])
def test_guard_takes_its_app_down_when_the_server_or_the_guard_dies(victim):
    """Drive the guard directly: the server (or the guard) is SIGKILLed; a SIGTERM-proof app must not survive."""
    if victim == "guard" and not sys.platform.startswith("linux"):
        pytest.skip("the app dies with its guard through PR_SET_PDEATHSIG, which only Linux has")
    tag = uuid.uuid4().hex
    env = {**os.environ, "VMSIM_TEST_TAG": tag}
    server = subprocess.Popen(
        [sys.executable, "-c", FAKE_SERVER, STUBBORN_APP], stdout=subprocess.PIPE, text=True, env=env,
        start_new_session=True,
    )  # fmt: skip
    try:
        guard_pid = int(server.stdout.readline())

        def app_up() -> list[psutil.Process]:
            return [p for p in tagged(tag) if p.pid not in (server.pid, guard_pid)]

        app = wait_until(app_up, 20, "the guarded app to start")[0]
        assert app.ppid() == guard_pid
        os.kill(server.pid if victim == "server" else guard_pid, signal.SIGKILL)
        # the guard polls every 0.25 s, then SIGTERM, then SIGKILL after GUARD_GRACE_S
        wait_until(
            lambda: not [p for p in tagged(tag) if p.pid != server.pid],
            serve.GUARD_GRACE_S + 10,  # a busy 2-core machine: the kill and the reaping can lag by seconds
            "the guard and its app to end",
            lambda: describe(tagged(tag)),
        )
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=5)
        server.stdout.close()
        kill_tagged(tag)


def test_guard_refuses_to_start_for_a_server_that_is_not_its_parent():
    # PID 1 is never our parent: a guard started by (or outliving) someone else exits at once.
    proc = subprocess.run(
        [sys.executable, "-m", "vmsim.web.serve", "--guard", "1", "--", sys.executable, "-c", "print('started')"],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert proc.returncode == 1
    assert "started" not in proc.stdout


# ---------------------------------------------------------------------------------------------- real server
@needs_extra
def test_session_cap_refuses_the_extra_tab_and_frees_the_slot(serve_vmsim):
    served = serve_vmsim("hello", "--max-sessions", "1")
    first = RawTab(served.port)
    assert first.status == 101
    first.read_until("nginx-1")
    assert len(served.dashboards()) == 1

    second = RawTab(served.port)
    assert second.status == 101
    screen = second.read_until("restart with --max-sessions 2", timeout=10)
    assert "vmsim: the server has 1 session open; close a tab or restart with --max-sessions 2" in screen
    assert len(served.dashboards()) == 1  # the refused tab started no process

    first.close()  # a tab closed properly: its app is asked to quit, its group killed after a grace
    wait_until(lambda: not served.dashboards(), GONE_TIMEOUT_S, "the closed tab's app to end", served.details)
    wait_until(lambda: "closed (0 of 1 open" in served.output(), 5, "the server to free the slot", served.details)
    second.close()
    third = RawTab(served.port)  # the slot is free again
    third.read_until("nginx-1")
    third.close()
    served.wait_sessions_gone()
    assert served.stop() == 0


@needs_extra
def test_no_app_outlives_a_vanished_tab_a_stopped_server_or_a_killed_one(serve_vmsim):
    served = serve_vmsim("hello", "--max-sessions", "3")

    # A page from another site, or a host name other than this machine's, gets nothing.
    foreign = RawTab(served.port, origin="http://evil.example")
    foreign.sock.close()
    assert foreign.status == 403
    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as s:
        s.sendall(f"GET / HTTP/1.1\r\nHost: evil.example:{served.port}\r\nConnection: close\r\n\r\n".encode())
        assert s.recv(64).split(b" ")[1] == b"403"

    tab = RawTab(served.port)
    tab.read_until("nginx-1")
    assert len(served.dashboards()) == 1
    tab.vanish()  # no close frame: the connection just resets
    served.wait_sessions_gone()

    # SIGTERM with a live tab: the server kills the session's group before it exits (two tabs: see the
    # stubborn-app test).
    tab = RawTab(served.port)
    tab.read_until("nginx-1")
    assert len(served.dashboards()) == 1
    assert served.stop(signal.SIGTERM) == 0
    served.wait_sessions_gone(timeout=3)  # already gone when the server exits; a little slack for reaping
    tab.close()

    # kill -9: nothing in the server runs any more; each guard sees its parent go and kills its app.
    killed = serve_vmsim("hello")
    tab = RawTab(killed.port)
    tab.read_until("nginx-1")
    assert len(killed.dashboards()) == 1
    killed.stop(signal.SIGKILL)
    killed.wait_sessions_gone(timeout=serve.GUARD_GRACE_S + 4)
    tab.close()


# The orphan textual-serve is known for, on purpose: an "app" that speaks textual-serve's protocol, then ignores
# both the quit request and SIGTERM. The server under test runs it (graces shortened) in place of the dashboard.
STUBBORN_WEB_APP = textwrap.dedent(
    """
    import signal, sys, time
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    out = sys.stdout.buffer
    text = b"stubborn app up"
    out.write(b"__GANGLION__\\n" + b"D" + len(text).to_bytes(4, "big") + text)
    out.flush()
    while True:  # never reads stdin, so never sees the quit
        time.sleep(0.05)
    """
)
STUBBORN_SERVER = [
    sys.executable,
    "-c",
    "import sys; from vmsim.web import serve; serve.QUIT_GRACE_S = serve.KILL_GRACE_S = 0.5; "
    f"serve.app_command = lambda scenario: [sys.executable, '-c', {STUBBORN_WEB_APP!r}]; "
    + _RUNNER.replace("import argparse, sys; from vmsim.web import serve; ", "import argparse; "),
    "serve",
]


@needs_extra
def test_an_app_that_ignores_quit_and_sigterm_is_killed(serve_vmsim):
    served = serve_vmsim("hello", command=STUBBORN_SERVER)
    tab = RawTab(served.port)
    tab.read_until("stubborn app up", timeout=15)
    tab.close()  # quit is ignored, so is SIGTERM: after the graces the whole group gets SIGKILL
    served.wait_sessions_gone(timeout=0.5 + 0.5 + 3)
    assert "ignored SIGTERM; killing it" in served.output()

    tabs = [RawTab(served.port), RawTab(served.port)]
    for t in tabs:
        t.read_until("stubborn app up", timeout=15)
    assert served.stop() == 0  # stopping the server takes them down too
    served.wait_sessions_gone(timeout=2)
    for t in tabs:
        t.close()


# ---------------------------------------------------------------------------------------------- the browser
def _browser_skip_reason() -> str | None:
    if not os.access(CHROMIUM, os.X_OK):
        return f"Debian's chromium is not installed at {CHROMIUM} (.ci/browser-deps installs it)"
    if not _have("playwright"):
        return "Python playwright is not installed (.ci/browser-deps installs it)"
    return None


@needs_extra
@pytest.mark.skipif(_browser_skip_reason() is not None and not REQUIRE_BROWSER, reason=str(_browser_skip_reason()))
def test_dashboard_in_a_real_browser(serve_vmsim, tmp_path):
    from playwright.sync_api import sync_playwright

    served = serve_vmsim("hello")
    received: list[bytes] = []  # what the page's terminal was sent: xterm.js draws on a canvas, not in the DOM

    def on_websocket(ws) -> None:
        ws.on("framereceived", lambda payload: received.append(payload if isinstance(payload, bytes) else b""))

    def screen_text() -> str:
        return ANSI.sub("", b"".join(received).decode("utf-8", "replace"))

    def wait_text(page, text: str, timeout: float = APP_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout
        while text not in screen_text():
            if time.monotonic() > deadline:
                raise AssertionError(f"no {text!r} in the browser within {timeout:g} s\n{served.details()}")
            page.wait_for_timeout(100)

    shot = Path(os.environ.get("VMSIM_WEB_SCREENSHOT") or tmp_path / "vmsim-serve.png")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 800},
            timeout=30_000,
        )
        try:
            page = context.new_page()
            page.set_default_timeout(30_000)
            page.on("websocket", on_websocket)
            asked: list[str] = []  # every request the page makes: none may leave this server (no outside fonts)
            page.on("request", lambda request: asked.append(request.url))
            page.goto(served.url)
            page.wait_for_selector("body.-first-byte", timeout=APP_TIMEOUT_S * 1000)
            wait_text(page, "Virtual machines")
            wait_text(page, "nginx-1")
            assert len(served.dashboards()) == 1
            assert asked and all(url.startswith(served.url) for url in asked), asked
            assert any(url.endswith(".ttf") for url in asked), asked  # the page's font, from the server's own copy
            page.click("#terminal")  # xterm.js needs focus before it sends keys
            page.keyboard.press("a")
            wait_text(page, "Add a workload", timeout=10)
            page.keyboard.press("Enter")  # adds the highlighted app (nginx, the scenario's) to every world
            wait_text(page, "nginx-2", timeout=10)
            page.wait_for_timeout(500)  # let the canvas paint the last frame
            shot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shot))
            print(f"\nscreenshot of the dashboard in Chromium: {shot}")
        finally:
            context.close()
    assert shot.stat().st_size > 10_000
    served.wait_sessions_gone()  # the closed browser's tab took its app down
    assert served.stop() == 0
    assert not served.sessions(), served.details()
