"""A class of 30 on one ``vmsim serve``: 30 browser tabs (Playwright driving Debian's Chromium) open the dashboard
at once; the script measures the server side's and the browser's total memory and CPU.

Run by hand: ``python bench/serve_class.py`` (about two minutes; ``--tabs N``, ``--seconds S`` to change the
class size or the CPU window). Prints a table. Every dashboard runs its scenario in real time, as a student's does.

How each figure is taken:
- One ``vmsim serve hello --max-sessions N --starts-per-minute 0`` (every tab comes from this machine) in a
  process group of its own, with a unique tag in its environment (textual-serve copies it into every app), so the
  script finds the server, every guard and every app.
- One Chromium (``launch_persistent_context``, headless, Debian's ``/usr/bin/chromium``) opens N pages, one
  after another, each of 1280×800; a page counts as up once its websocket has received the dashboard's
  ``nginx-1`` row. The clock to "all N up" starts at the first ``goto``.
- After a 5 s settle, CPU is the user + system CPU time (psutil) of every process on each side over
  ``--seconds`` of wall time, divided by that wall time: % of one core (the machine has ``os.cpu_count()``).
- Memory is the sum over each side's processes of RSS (counts shared pages once per process, so it
  over-counts) and of PSS (shared pages split between the processes that share them: the fair total).
- Teardown closes the browser, SIGTERMs the server and checks that no tagged process is left (then SIGKILLs the
  group, whatever happened).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid

import psutil

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tagged(tag: str) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter():
        with contextlib.suppress(psutil.Error):
            if proc.environ().get("VMSIM_TEST_TAG") == tag and proc.status() != psutil.STATUS_ZOMBIE:
                found.append(proc)
    return found


def browser_processes(profile: str) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter():
        with contextlib.suppress(psutil.Error):
            if any(profile in part for part in proc.cmdline()):
                found.append(proc)
    return found


def cpu_seconds(procs: list[psutil.Process]) -> dict[int, float]:
    out = {}
    for p in procs:
        with contextlib.suppress(psutil.Error):
            t = p.cpu_times()
            out[p.pid] = t.user + t.system
    return out


def memory_mib(procs: list[psutil.Process]) -> tuple[float, float]:
    rss = pss = 0.0
    for p in procs:
        with contextlib.suppress(psutil.Error):
            info = p.memory_full_info()
            rss += info.rss
            pss += getattr(info, "pss", info.rss)
    return rss / 2**20, pss / 2**20


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tabs", type=int, default=30)
    ap.add_argument("--seconds", type=float, default=20.0, help="CPU window once every tab is up")
    args = ap.parse_args()

    from playwright.sync_api import sync_playwright

    port, tag = free_port(), uuid.uuid4().hex
    env = {**os.environ, "VMSIM_TEST_TAG": tag, "PYTHONUNBUFFERED": "1", "LC_ALL": "C.UTF-8"}
    log = tempfile.NamedTemporaryFile("w+b", prefix="serve-class-", suffix=".log", delete=False)  # noqa: SIM115
    server = subprocess.Popen(
        [sys.executable, "-m", "vmsim", "serve", "hello", "--max-sessions", str(args.tabs), "--starts-per-minute", "0",
         "--port", str(port)],
        stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True,
    )  # fmt: skip
    profile = tempfile.mkdtemp(prefix="serve-class-profile-")
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit(f"vmsim serve did not start; see {log.name}")
            time.sleep(0.1)

        with sync_playwright() as pw:
            context = pw.chromium.launch_persistent_context(
                profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
                viewport={"width": 1280, "height": 800}, timeout=60_000,
            )  # fmt: skip
            received: dict[int, bytearray] = {}
            pages = []
            t0 = time.monotonic()
            for i in range(args.tabs):
                page = context.new_page()
                buf = received.setdefault(i, bytearray())

                def on_ws(ws, buf=buf) -> None:  # noqa: ANN001
                    ws.on("framereceived", lambda payload: buf.extend(payload if isinstance(payload, bytes) else b""))

                page.on("websocket", on_ws)
                page.goto(f"http://127.0.0.1:{port}/", timeout=120_000)
                pages.append(page)
            up_deadline = time.monotonic() + 300
            while True:
                up = sum(1 for b in received.values() if b"nginx-1" in b)
                if up == args.tabs:
                    break
                if time.monotonic() > up_deadline:
                    raise SystemExit(f"only {up} of {args.tabs} tabs showed the dashboard; see {log.name}")
                pages[0].wait_for_timeout(200)
            all_up_s = time.monotonic() - t0

            apps = [p for p in tagged(tag) if "tui" in p.cmdline() and "--guard" not in p.cmdline()]
            pages[0].wait_for_timeout(5000)  # settle
            server_side = tagged(tag)
            browser = browser_processes(profile)
            before_s, before_b, w0 = cpu_seconds(server_side), cpu_seconds(browser), time.monotonic()
            pages[0].wait_for_timeout(args.seconds * 1000)
            after_s, after_b, wall = cpu_seconds(server_side), cpu_seconds(browser), time.monotonic() - w0
            cpu_s = sum(after_s[p] - before_s[p] for p in after_s if p in before_s) / wall * 100
            cpu_b = sum(after_b[p] - before_b[p] for p in after_b if p in before_b) / wall * 100
            rss_s, pss_s = memory_mib(server_side)
            rss_b, pss_b = memory_mib(browser)
            app_rss = sorted(memory_mib([a])[0] for a in apps)
            context.close()

        machine = f"{os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.1f} GiB"
        print(f"\n{args.tabs} tabs on one 'vmsim serve hello' ({machine}; load average {os.getloadavg()[0]:.1f})")
        print(f"all {args.tabs} dashboards up after {all_up_s:.1f} s; apps running: {len(apps)}")
        print(f"{'side':<34}{'processes':>10}{'RSS sum MiB':>14}{'PSS sum MiB':>14}{'CPU % of a core':>17}")
        print(f"{'server + guards + apps':<34}{len(server_side):>10}{rss_s:>14,.0f}{pss_s:>14,.0f}{cpu_s:>17,.0f}")
        print(f"{'Chromium (all its processes)':<34}{len(browser):>10}{rss_b:>14,.0f}{pss_b:>14,.0f}{cpu_b:>17,.0f}")
        if app_rss:
            mid = app_rss[len(app_rss) // 2]
            print(f"one app's RSS: median {mid:.0f} MiB, min {app_rss[0]:.0f}, max {app_rss[-1]:.0f}")
        print(f"CPU window {wall:.1f} s; server log: {log.name}")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(server.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=30)
        left = tagged(tag)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(server.pid, signal.SIGKILL)
        for p in tagged(tag):
            with contextlib.suppress(psutil.Error):
                p.kill()
        print(f"left after the server stopped: {len(left)} processes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
