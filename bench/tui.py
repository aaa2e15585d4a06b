"""Dashboard benchmark: start-up, CPU while animating, tick + repaint time and peak memory, each side by side
with a minimal Textual app (a Static "hello") measured in the same run as the floor.

Run by hand: ``python bench/tui.py`` (about a minute; ``--quick`` for a shorter run, ``--only start|cpu|scale``
for one part, ``--profile`` to print where the time goes in the tick + repaint at 1,000 per world). Prints a table.

Targets (issue 3, "Speed and cost"; issue 6 asks for this benchmark):
- Start: ``vmsim`` to its first full frame in at most 1.5x the time a minimal Textual app takes to its first frame.
- CPU: animating ``web-stack`` in real time at 120x40, at most 20 % of one core on average.
- Scale: with 1,000 instances per world, a tick plus repaint under 16 ms median; peak memory under 100 MiB.

How each figure is taken:
- Start and CPU run the real programs in fresh processes, each in its own pseudo-terminal (Python ``pty``) of
  120x40 that this script drains continuously, as a terminal would. Stdout *and* stderr go to the terminal
  (Textual draws on stderr). Start is the time from spawning the process to reading the end of its first full
  frame: the first frame showing the app's content ("t = " of the status line for vmsim, "hello" for the
  minimal app) followed by all 40 rows. vmsim is launched as users launch it: the ``vmsim`` console script with
  no arguments (the ``hello`` scenario). The runs alternate between the two apps after one unmeasured warm-up.
- CPU is the process's user + system CPU time (psutil) over ``--cpu-seconds`` of wall time, counted from the
  first full frame, divided by that wall time: % of one core. The minimal app runs at the same time, idle.
- Scale runs, per instance count, a fresh process with ``VmsimApp(...).run_test(size=(120, 40))`` on a big host
  (``server`` preset with enough cores, memory and disk that nothing is refused; VMs 512 MiB, linked clones, images
  cached). It adds 90 % of the instances through ``app.add_workload``, runs 60 simulated seconds (longer, in 10 s
  steps, until they are all running: 10,000 VMs share the cores), adds the last 10 % so they are booting (their boot
  bars animate: the costly case), then times ticks: ``app.advance(0.1)`` and the repaint it causes. Headless Textual
  skips turning the frame into terminal bytes, so the benchmark does that too (``render_segments``), as a real
  terminal run would. A tick's cost is the CPU time from the start of ``advance`` to the end of the last frame it
  caused (``time.process_time``; the process has one thread). It is not the wall time of ``await pilot.pause()``:
  that always sleeps at least 20 ms (Textual's ``wait_for_idle``), and Textual paces repaints to 60 Hz, so wall time
  measures the pacing, not the work. The wall-clock latency to the frame is printed for information. Peak memory is
  the process's peak RSS (``ru_maxrss``). The floor is the minimal app in the same harness, a tick being
  ``Static.update``.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import json
import os
import platform
import re
import resource
import select
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vmsim.scenarios import ScenarioSpec

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COLS, ROWS = 120, 40
START_RATIO = 1.5  # vmsim start ≤ 1.5 × the minimal app's
CPU_TARGET_PCT = 20.0
CPU_1000_TARGET_PCT = 10.0  # issue 17: animating at 1,000 instances per world
TICK_TARGET_MS = 16.0
TICK_TARGET_10K_MS = 33.0  # issue 17: tick + repaint at 10,000 instances per world, one frame at 30 fps
MEMORY_TARGET_MIB = 100.0  # up to 1,000 per world; at 10,000 the figure is reported, with no target


def tick_target(n: int) -> float:
    """The tick + repaint target at ``n`` instances per world (ms)."""
    return TICK_TARGET_10K_MS if n >= 10_000 else TICK_TARGET_MS


SCALE_COUNTS = (10, 100, 1000, 10000)

MINIMAL_APP = """
from textual.app import App, ComposeResult
from textual.widgets import Static


class Minimal(App):
    def compose(self) -> ComposeResult:
        yield Static("hello from a minimal Textual app", id="hello")


if __name__ == "__main__":
    Minimal().run()
"""
MINIMAL_MARKER = b"hello from a minimal"
VMSIM_MARKER = b"t = "  # the status line's clock: drawn only once the first snapshot is shown
MINIMAL_QUIT = b"\x11"  # ctrl+q
VMSIM_QUIT = b"q"

ESCAPES = re.compile(rb"\x1b\[[0-9;?<>=$]*[ -/]*[@-~]|\x1b[P\]X^_][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")


# ---------------------------------------------------------------------------------------------- programs
def vmsim_argv(*args: str) -> list[str]:
    """The real ``vmsim`` console script next to this interpreter (else on PATH, else ``python -m vmsim``)."""
    script = Path(sys.executable).parent / "vmsim"
    if script.exists():
        return [str(script), *args]
    found = shutil.which("vmsim")
    if found:
        return [found, *args]
    return [sys.executable, "-m", "vmsim", *args]


def minimal_argv() -> list[str]:
    return [sys.executable, "-c", MINIMAL_APP]


def child_env() -> dict[str, str]:
    """What every measured process gets on top of this one's environment.

    - PYTHONPATH: the vmsim of the tree this file is in, even when another one is installed.
    - Bytecode: an installed vmsim has its .pyc compiled at install time, as Textual's are. A checkout run with
      PYTHONDONTWRITEBYTECODE=1 would compile every vmsim module on every start (and not Textual's), which is
      not what users see; so both apps read and write bytecode in one cache outside the source tree
      (PYTHONPYCACHEPREFIX), filled by the unmeasured warm-up runs.
    """
    return {
        "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p),
        "PYTHONPYCACHEPREFIX": str(Path(tempfile.gettempdir()) / "vmsim-bench-pycache"),
    }


# ---------------------------------------------------------------------------------------------- pseudo-terminal
class PtyApp:
    """A program in its own pseudo-terminal of COLS×ROWS whose output is read (and kept) as a terminal would."""

    def __init__(self, argv: list[str], marker: bytes, quit_key: bytes) -> None:
        self.marker = marker
        self.quit_key = quit_key
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("COLUMNS", "LINES", "PYTHONDONTWRITEBYTECODE") and not k.startswith("TEXTUAL")
        }
        env.update(TERM="xterm-256color", COLORTERM="truecolor")
        env.update(child_env())
        self.t_spawn = time.perf_counter()
        self.proc = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,  # Textual draws on stderr: it must reach the terminal
            env=env,
            cwd=ROOT,
            start_new_session=True,
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),  # this script starts no threads
        )
        os.close(slave)
        self.buffer = bytearray()
        self.bytes_read = 0
        self.first_frame_s: float | None = None  # seconds from spawn to the end of the first full frame
        self.first_frame_cpu_s = 0.0  # CPU seconds (user + system) the process had used by then
        self.closed = False

    def feed(self, data: bytes, now: float) -> None:
        self.bytes_read += len(data)
        if self.first_frame_s is not None:
            return
        self.buffer += data
        text = ESCAPES.sub(b"", bytes(self.buffer))
        at = text.find(self.marker)
        if at >= 0 and text.count(b"\r\n", at) >= ROWS - 1:
            self.first_frame_s = now - self.t_spawn
            self.first_frame_cpu_s = process_cpu_s(self.proc.pid)
            self.buffer.clear()

    def output_tail(self) -> str:
        return ESCAPES.sub(b"", bytes(self.buffer[-3000:])).decode("utf-8", "replace")

    def stop(self) -> None:
        """Quit with the app's key; terminate, then kill, this one process if it does not go."""
        if self.proc.poll() is None:
            try:
                os.write(self.master, self.quit_key)
                # Keep reading while it quits: an app blocked on a full terminal cannot see the key.
                pump([self], lambda: self.proc.poll() is not None, timeout=3)
            except (OSError, TimeoutError, RuntimeError):
                pass
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=3)
        if not self.closed:
            os.close(self.master)
            self.closed = True


def process_cpu_s(pid: int) -> float:
    """User + system CPU seconds of one process."""
    import psutil

    t = psutil.Process(pid).cpu_times()
    return t.user + t.system


def pump(apps: list[PtyApp], until: Callable[[], bool], timeout: float) -> None:
    """Drain every terminal until ``until()`` is true or ``timeout`` seconds pass."""
    end = time.perf_counter() + timeout
    while not until():
        left = end - time.perf_counter()
        if left <= 0:
            raise TimeoutError
        live = [a for a in apps if not a.closed and a.proc.poll() is None]
        if not live:
            raise RuntimeError("the program exited")
        ready, _, _ = select.select([a.master for a in live], [], [], min(left, 0.05))
        now = time.perf_counter()
        for a in live:
            if a.master in ready:
                try:
                    data = os.read(a.master, 1 << 16)
                except OSError:
                    data = b""
                if data:
                    a.feed(data, now)


def time_to_first_frame(argv: list[str], marker: bytes, quit_key: bytes) -> tuple[float, float]:
    """(wall seconds, CPU seconds) from spawning ``argv`` to the end of its first full frame."""
    app = PtyApp(argv, marker, quit_key)
    try:
        pump([app], lambda: app.first_frame_s is not None, timeout=30)
    except (TimeoutError, RuntimeError) as exc:
        raise SystemExit(f"no first frame from {argv[0]}: {exc}\n{app.output_tail()}") from None
    finally:
        app.stop()
    assert app.first_frame_s is not None
    return app.first_frame_s, app.first_frame_cpu_s


def bench_start(runs: int) -> dict[str, object]:
    """Median seconds to the first full frame, vmsim and the minimal app alternating, after a warm-up of each."""
    vm_argv = vmsim_argv()
    time_to_first_frame(vm_argv, VMSIM_MARKER, VMSIM_QUIT)
    time_to_first_frame(minimal_argv(), MINIMAL_MARKER, MINIMAL_QUIT)
    vm, mini = [], []
    for _ in range(runs):
        vm.append(time_to_first_frame(vm_argv, VMSIM_MARKER, VMSIM_QUIT))
        mini.append(time_to_first_frame(minimal_argv(), MINIMAL_MARKER, MINIMAL_QUIT))
    return {
        "vmsim": [w for w, _ in vm],
        "minimal": [w for w, _ in mini],
        "vmsim_cpu": [c for _, c in vm],
        "minimal_cpu": [c for _, c in mini],
        "command": " ".join([Path(vm_argv[0]).name, *vm_argv[1:]]),
    }


CPU_1000_SCENARIO = """
name = "CPU bench: 1,000 nginx per world"
seed = 1
duration_s = 600
worlds = ["vm", "container", "microvm"]

[host]
preset = "server"
cpu_cores = 4096
memory_gib = 4096
disk_gib = 65536

[vm]
memory_mib = 512
clone = "linked"
image_cached = true

[container]
cached_images = ["nginx"]

[[events]]
at_s = 0
add = "nginx"
count = 900

[[events]]
at_s = 10
add = "nginx"
count = 100
"""


def bench_cpu(seconds: float, scenario: str = "web-stack") -> dict[str, object]:
    """% of one core while ``vmsim tui SCENARIO`` animates in real time, and the minimal app idle, side by side."""
    import psutil

    vm = PtyApp(vmsim_argv("tui", scenario), VMSIM_MARKER, VMSIM_QUIT)
    mini = PtyApp(minimal_argv(), MINIMAL_MARKER, MINIMAL_QUIT)
    apps = [vm, mini]
    try:
        pump(apps, lambda: all(a.first_frame_s is not None for a in apps), timeout=30)
        procs = [psutil.Process(a.proc.pid) for a in apps]

        def cpu(p: psutil.Process) -> float:
            t = p.cpu_times()
            return t.user + t.system

        t0 = time.perf_counter()
        c0 = [cpu(p) for p in procs]
        b0 = [a.bytes_read for a in apps]
        windows: list[float] = []  # vmsim's % in successive 5 s windows, to see booting vs steady
        w_t, w_c = t0, c0[0]
        end = t0 + seconds
        while (now := time.perf_counter()) < end:
            try:
                pump(apps, lambda: False, timeout=min(end - now, w_t + 5 - now))
            except TimeoutError:
                pass
            now = time.perf_counter()
            if now - w_t >= 5 - 1e-3:
                c = cpu(procs[0])
                windows.append((c - w_c) / (now - w_t) * 100)
                w_t, w_c = now, c
        t1 = time.perf_counter()
        c1 = [cpu(p) for p in procs]
        rss = [p.memory_info().rss / 2**20 for p in procs]
    except (TimeoutError, RuntimeError) as exc:
        raise SystemExit(f"CPU benchmark failed: {exc}\n{vm.output_tail()}") from None
    finally:
        for a in apps:
            a.stop()
    wall = t1 - t0
    return {
        "vmsim_pct": (c1[0] - c0[0]) / wall * 100,
        "minimal_pct": (c1[1] - c0[1]) / wall * 100,
        "windows_pct": windows,
        "kib_per_s": [(a.bytes_read - b) / wall / 1024 for a, b in zip(apps, b0, strict=True)],
        "rss_mib": rss,
        "seconds": wall,
    }


# ---------------------------------------------------------------------------------------------- scale (worker)
def scale_spec() -> ScenarioSpec:
    """The ``hello`` scenario's three worlds on a ``server`` host big enough that nothing is refused (containers
    spread over Docker's 31 bridge networks: one network attaches at most 1,023)."""
    from vmsim.scenarios import load_scenario
    from vmsim.scenarios.spec import HostSpec

    spec = load_scenario("hello")
    return spec._replace(
        name="Scale bench",
        host=HostSpec("server", cpu_cores=4096, memory_mib=64 * 2**20, disk_mib=2**32),
        vm=spec.vm._replace(memory_mib=512, clone="linked", image_cached=True),
        container=spec.container._replace(networks=31),
        events=(),
    )


async def scale_worker(per_world: int, ticks: int, profile: bool) -> dict[str, object]:
    """In this (fresh) process: time ticks + repaints of the dashboard with ``per_world`` instances per world,
    or of the minimal app when ``per_world`` is 0."""
    from textual._compositor import CompositorUpdate

    if per_world:
        from vmsim.tui.app import VmsimApp

        app = VmsimApp(scale_spec(), seed=1, animate=False)
    else:
        namespace: dict[str, object] = {"__name__": "minimal"}
        exec(MINIMAL_APP, namespace)  # our own constant: the same app as the start and CPU runs
        app = namespace["Minimal"]()  # type: ignore[operator]

    frames: list[tuple[float, float]] = []  # (wall, cpu) at the end of each frame
    original = app._display

    def display(screen: object, renderable: object) -> None:
        original(screen, renderable)
        if renderable is None:
            return
        if app.is_headless and isinstance(renderable, CompositorUpdate):
            renderable.render_segments(app.console)  # the terminal bytes a real run would write
        frames.append((time.perf_counter(), time.process_time()))

    app._display = display  # type: ignore[method-assign]
    settle = 0.04  # more than two of Textual's 60 Hz screen-update periods
    result: dict[str, object] = {"per_world": per_world}
    async with app.run_test(size=(COLS, ROWS)) as pilot:
        if per_world:
            late = max(1, per_world // 10)
            app.add_workload("nginx", per_world - late)
            app.advance(60.0)
            # ... until every one is running (10,000 VMs on the bench host's 4,096 cores take longer than 60 s)
            while any(dict(w.counts)["booting"] for w in app.snapshot.worlds) and app.snapshot.time_s < 600:
                app.advance(10.0)
            app.add_workload("nginx", late)
            app.advance(0.2)

            def tick(i: int) -> None:
                app.advance(0.1)
        else:
            from textual.widgets import Static

            hello = app.query_one("#hello", Static)

            def tick(i: int) -> None:
                hello.update(f"hello from a minimal Textual app, tick {i}")

        await pilot.pause()
        await asyncio.sleep(settle)
        if per_world:
            result["states_at_start"] = {w.name: dict(w.counts) for w in app.snapshot.worlds}
        profiler = None
        if profile:
            import cProfile

            profiler = cProfile.Profile()
        cpu_ms: list[float] = []
        latency_ms: list[float] = []
        for i in range(ticks + 5):
            n0 = len(frames)
            w0, c0 = time.perf_counter(), time.process_time()
            if profiler:
                profiler.enable()
            tick(i)
            c_tick = time.process_time()
            await asyncio.sleep(settle)
            if profiler:
                profiler.disable()
            if i < 5:  # warm-up
                continue
            if len(frames) > n0:
                cpu_ms.append((frames[-1][1] - c0) * 1e3)
                latency_ms.append((frames[-1][0] - w0) * 1e3)
            else:
                cpu_ms.append((c_tick - c0) * 1e3)
        if per_world:
            result["states_at_end"] = {w.name: dict(w.counts) for w in app.snapshot.worlds}
    result.update(
        tick_ms=statistics.median(cpu_ms),
        tick_p90_ms=statistics.quantiles(cpu_ms, n=10)[-1],
        latency_ms=statistics.median(latency_ms) if latency_ms else float("nan"),
        frames_per_tick=len(latency_ms) / len(cpu_ms),
        peak_rss_mib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    )
    if profiler:
        import io
        import pstats

        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
        stats.print_stats(r"vmsim|textual/(_compositor|widget|_styles_cache|css)", 40)
        result["profile"] = out.getvalue()
    return result


def bench_scale(counts: tuple[int, ...], ticks: int, profile: bool) -> dict[int, dict[str, object]]:
    """Each count (and 0 = the minimal app) in a fresh process, so its peak RSS is its own."""
    results: dict[int, dict[str, object]] = {}
    runs = [(n, False) for n in (0, *counts)] + ([(max(counts), True)] if profile else [])
    with tempfile.TemporaryDirectory() as tmp:
        for n, profiled in runs:
            out = Path(tmp) / f"{n}-{profiled}.json"
            cmd = [sys.executable, __file__, "--scale-worker", str(n), "--ticks", str(ticks), "--out", str(out)]
            if profiled:  # a separate run: the profiler's overhead must not reach the figures
                cmd.append("--profile")
            env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | child_env()
            proc = subprocess.run(cmd, cwd=ROOT, env=env, timeout=120, capture_output=True, text=True)
            if proc.returncode != 0:
                raise SystemExit(f"scale worker {n} failed:\n{proc.stdout}\n{proc.stderr}")
            if profiled:
                results[n]["profile"] = json.loads(out.read_text())["profile"]
            else:
                results[n] = json.loads(out.read_text())
    return results


# ---------------------------------------------------------------------------------------------- report
def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def machine() -> str:
    from importlib.metadata import version

    return (
        f"{os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {platform.machine()}, "
        f"Python {platform.python_version()}, Textual {version('textual')}, rich {version('rich')}, "
        f"{platform.system()} {platform.release()}; load average {os.getloadavg()[0]:.2f} "
        "(other work on the machine makes the wall-clock figures noisier)"
    )


def print_table(rows: list[list[str]]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for j, r in enumerate(rows):
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))))
        if j == 0:
            print("  ".join("-" * w for w in widths))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="5 start runs, 10 s of CPU, 20 ticks")
    parser.add_argument("--only", choices=["start", "cpu", "scale"], action="append", help="run only this part")
    parser.add_argument("--runs", type=int, help="start-up runs of each app (default 7; at least 5)")
    parser.add_argument("--cpu-seconds", type=float, help="seconds of animation measured (default 20)")
    parser.add_argument("--ticks", type=int, help="ticks timed per instance count (default 50)")
    parser.add_argument("--profile", action="store_true", help="print cProfile of the ticks at the largest count")
    parser.add_argument("--scale-worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    runs = args.runs or (5 if args.quick else 7)
    cpu_seconds = args.cpu_seconds or (10.0 if args.quick else 20.0)
    ticks = args.ticks or (20 if args.quick else 50)

    if args.scale_worker is not None:
        result = asyncio.run(scale_worker(args.scale_worker, ticks, args.profile))
        Path(args.out).write_text(json.dumps(result))
        return

    parts = args.only or ["start", "cpu", "scale"]
    print(f"machine: {machine()}")
    rows = [["measure", "vmsim", "minimal Textual app", "target", "result"]]
    t_all = time.perf_counter()

    if "start" in parts:
        start = bench_start(max(runs, 1))
        vm, mini = statistics.median(start["vmsim"]), statistics.median(start["minimal"])
        vm_cpu, mini_cpu = statistics.median(start["vmsim_cpu"]), statistics.median(start["minimal_cpu"])
        print(f"start to first full frame, {runs} runs each ('{start['command']}' vs the minimal app), ms:")
        for name in ("vmsim", "minimal"):
            print(
                f"  {name:<8} wall "
                + " ".join(f"{x * 1e3:.0f}" for x in start[name])
                + "; CPU "
                + " ".join(f"{x * 1e3:.0f}" for x in start[f"{name}_cpu"])
            )
        rows.append(
            [
                f"start to first full frame, median of {runs} (ms)",
                f"{vm * 1e3:.0f} ({vm / mini:.2f}x)",
                f"{mini * 1e3:.0f}",
                f"<= {START_RATIO}x minimal ({mini * START_RATIO * 1e3:.0f})",
                verdict(vm <= START_RATIO * mini),
            ]
        )
        rows.append(
            [
                f"  same, CPU time used by then, median of {runs} (ms)",
                f"{vm_cpu * 1e3:.0f} ({vm_cpu / mini_cpu:.2f}x)",
                f"{mini_cpu * 1e3:.0f}",
                f"<= {START_RATIO}x minimal ({mini_cpu * START_RATIO * 1e3:.0f})",
                verdict(vm_cpu <= START_RATIO * mini_cpu),
            ]
        )

    if "cpu" in parts:
        cpu = bench_cpu(cpu_seconds)
        print(
            f"CPU over {cpu['seconds']:.1f} s at {COLS}x{ROWS}: vmsim by 5 s window "
            + ", ".join(f"{w:.0f} %" for w in cpu["windows_pct"])
            + f"; terminal output vmsim {cpu['kib_per_s'][0]:.0f} KiB/s, minimal {cpu['kib_per_s'][1]:.1f} KiB/s; "
            f"RSS vmsim {cpu['rss_mib'][0]:.0f} MiB, minimal {cpu['rss_mib'][1]:.0f} MiB"
        )
        rows.append(
            [
                f"CPU animating web-stack, {COLS}x{ROWS}, {cpu['seconds']:.0f} s (% of one core)",
                f"{cpu['vmsim_pct']:.1f}",
                f"{cpu['minimal_pct']:.1f} (idle)",
                f"<= {CPU_TARGET_PCT:.0f}",
                verdict(cpu["vmsim_pct"] <= CPU_TARGET_PCT),
            ]
        )
        # 1,000 nginx per world (900 at once, 100 more at 10 s): the dashboard animating their boots
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "cpu-1000.toml"
            path.write_text(CPU_1000_SCENARIO, encoding="utf-8")
            big = bench_cpu(cpu_seconds, str(path))
        print(
            "CPU at 1,000 per world by 5 s window " + ", ".join(f"{w:.0f} %" for w in big["windows_pct"]) + "; "
            f"RSS vmsim {big['rss_mib'][0]:.0f} MiB"
        )
        rows.append(
            [
                f"CPU animating 1,000 per world, {COLS}x{ROWS}, {big['seconds']:.0f} s (% of one core)",
                f"{big['vmsim_pct']:.1f}",
                f"{big['minimal_pct']:.1f} (idle)",
                f"<= {CPU_1000_TARGET_PCT:.0f}",
                verdict(big["vmsim_pct"] <= CPU_1000_TARGET_PCT),
            ]
        )

    if "scale" in parts:
        scale = bench_scale(SCALE_COUNTS, ticks, args.profile)
        floor = scale[0]
        for n in SCALE_COUNTS:
            r = scale[n]
            print(
                f"scale {n:>5,}/world: tick+repaint median {r['tick_ms']:.1f} ms, p90 {r['tick_p90_ms']:.1f} ms, "
                f"frame latency {r['latency_ms']:.1f} ms, frames/tick {r['frames_per_tick']:.2f}; "
                f"at start {r['states_at_start']}"
            )
        print(
            f"minimal floor: tick+repaint median {floor['tick_ms']:.2f} ms, latency {floor['latency_ms']:.1f} ms, "
            f"peak RSS {floor['peak_rss_mib']:.0f} MiB"
        )
        for n in SCALE_COUNTS:
            r = scale[n]
            rows.append(
                [
                    f"tick + repaint, {n:,} per world, median of {ticks} (ms CPU)",
                    f"{r['tick_ms']:.2f}",
                    f"{floor['tick_ms']:.2f}",
                    f"< {tick_target(n):.0f}",
                    verdict(r["tick_ms"] < tick_target(n)),
                ]
            )
        for n in SCALE_COUNTS:
            r = scale[n]
            rows.append(
                [
                    f"peak RSS, {n:,} per world (MiB)",
                    f"{r['peak_rss_mib']:.0f}",
                    f"{floor['peak_rss_mib']:.0f}",
                    f"< {MEMORY_TARGET_MIB:.0f}" if n <= 1000 else "(reported)",
                    verdict(r["peak_rss_mib"] < MEMORY_TARGET_MIB) if n <= 1000 else "—",
                ]
            )
        if args.profile:
            print(scale[max(SCALE_COUNTS)].get("profile", ""))

    print()
    print_table(rows)
    print(f"\n(benchmark took {time.perf_counter() - t_all:.0f} s; load average now {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
