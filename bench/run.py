"""The engine-speed benchmark in one command (issue 17): throughput, scale, memory and rewind, before and after.

    python bench/run.py                          # this tree only
    python bench/run.py --baseline /work/main    # and another checkout, measured in the same run, alternating
    python bench/run.py --quick                  # 1,000 and 3,000 per world instead of 10,000 and 30,000,
                                                 # 100 hosts instead of 1,000

Every measurement runs in a fresh child process (``PYTHONPATH`` = the tree measured) so its peak RSS
(``ru_maxrss``) is its own. What is measured (the scenario of bench/engine.py): a host big enough that nothing is
refused (containers spread over 31 bridge networks where the tree has the 1,023-per-network limit), three worlds
(vm, container, microvm), N instances per world added evenly over 600 simulated seconds (nginx, redis, python-api,
node-web in turn), run to 660 s, then the JSON written to a file.

- **run s / json s / total s**: the engine's run to the end; ``render_json`` of the snapshot and writing it.
- **events**: world events the engine produced (added, ready, fetched, …; what the JSON's event lists hold);
  **actions**: timed actions the engine's clock ran (``Clock.processed`` where the tree has it, else counted in
  a second, untimed run). µs/event = run s / events; µs/action = run s / actions.
- **peak RSS MiB**: the child's ``ru_maxrss`` at the end (run and JSON); **peak at run end**: its ``ru_maxrss`` when
  the run ended, before the snapshot and the JSON (the engine's state and the run's own peak). The JSON is written
  with ``formats.write_json`` (in pieces) where the tree has it, else as one ``render_json`` string.
- **30k/10k**: the 30k run's total time over the 10k run's (linear is 3.0; target ≤ 3.3).
- **hosts**: the same, on a world of 1,000 hosts (64 cores, 256 GiB each; ``--quick``: 100) with 10 and then 30
  instances per host, placed by ``spread``; the 30/10 time ratio (linear is 3.0).
- **seek**: a session of N per world added at t = 0, run to 600 s, then ``Session.back(10)`` (the dashboard's
  ``,`` key), median of 3: made on the key ("back 10 s"), and with the dashboard's first snapshot after it and
  3,000 small objects as a repaint makes ("+ shown": where the garbage collection a restore brings on lands);
  then, where the tree has it, the rewind made in advance as the dashboard does while paused ("made ahead", on a
  worker thread there) and ``back(10)`` with it; the real dashboard (``run_test``) paused on that state, three
  presses of ``,`` each after waiting as a user would, from the key until the earlier moment is shown; and where the
  tree supports it ``vmsim run --seek-to`` timed by ``--timings``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
APPS = ("nginx", "redis", "python-api", "node-web")


# ---------------------------------------------------------------------------------------------- child side
def _host():  # type: ignore[no-untyped-def]
    from vmsim.engine import Host

    return Host(
        "bench",
        "benchmark host",
        cpu_cores=4096,
        memory_mib=64 * 2**20,
        disk_mib=2**32,
        host_os_memory_mib=1024,
        host_os_disk_mib=10240,
        disk_mibps=2000,
    )


def _settings():  # type: ignore[no-untyped-def]
    from vmsim.engine import Settings, VmSettings, default_catalog
    from vmsim.engine.machines import ContainerSettings

    vm = VmSettings(image_cached=True, memory_mib=512, guest_os="alpine-3.22", clone="linked")
    if "networks" in ContainerSettings._fields:  # one bridge network attaches 1,023: spread them over Docker's 31
        return Settings(default_catalog(), vm=vm, container=ContainerSettings(networks=31))
    return Settings(default_catalog(), vm=vm)  # a tree from before the bridge limit: nothing to spread


def _sim(per_world: int, duration_s: float, hosts: int = 1):  # type: ignore[no-untyped-def]
    from vmsim.engine import Simulation

    if hosts == 1:
        sim = Simulation(_host(), ("vm", "container", "microvm"), _settings(), seed=1, scenario="bench")
    else:
        from vmsim.engine import Host
        from vmsim.engine.machines import Cluster

        host = Host(
            "bench",
            "benchmark host",
            cpu_cores=64,
            memory_mib=256 * 1024,
            disk_mib=2**22,
            host_os_memory_mib=1024,
            host_os_disk_mib=10240,
            disk_mibps=2000,
        )
        cluster = Cluster(hosts, "spread", ())
        sim = Simulation(host, ("vm", "container", "microvm"), _settings(), seed=1, scenario="bench", cluster=cluster)
    step = duration_s / per_world
    for i in range(per_world):
        sim.at(i * step, "add_workload", APPS[i % len(APPS)], 1)
    return sim


def _count_actions(per_world: int, duration_s: float) -> int:
    """Timed actions run, for a tree whose clock does not count them (an untimed run with a counting step)."""
    from vmsim.engine.clock import Clock

    count = 0
    original = Clock.step

    def counting(self):  # type: ignore[no-untyped-def]
        nonlocal count
        count += 1
        return original(self)

    Clock.step = counting  # type: ignore[method-assign]
    try:
        _sim(per_world, duration_s).run_until(duration_s + 60)
    finally:
        Clock.step = original  # type: ignore[method-assign]
    return count


def child_throughput(per_world: int, count_actions: bool, hosts: int = 1) -> dict[str, object]:
    import gc

    from vmsim.output import formats

    duration_s = 600.0
    sim = _sim(per_world, duration_s, hosts)
    gc.collect()
    t0 = time.perf_counter()
    events = sim.run_until(duration_s + 60)
    t1 = time.perf_counter()
    run_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with tempfile.TemporaryFile("w", encoding="utf-8") as f:
        if hasattr(formats, "write_json"):  # streamed in pieces (a tree without it builds the whole string)
            formats.write_json(sim.snapshot(), f)
        else:
            f.write(formats.render_json(sim.snapshot()))
    t2 = time.perf_counter()
    actions = getattr(sim.clock, "processed", None)
    if actions is None and count_actions:
        actions = _count_actions(per_world, duration_s)
    return {
        "run_s": t1 - t0,
        "json_s": t2 - t1,
        "total_s": t2 - t0,
        "events": len(events),
        "actions": actions,
        "ready": sum(w.counts["running"] for w in sim.worlds.values()),
        "run_rss_mib": run_rss,
        "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _seek_spec():  # type: ignore[no-untyped-def]
    from vmsim.scenarios import load_scenario
    from vmsim.scenarios.spec import HostSpec

    base = load_scenario("hello")
    return base._replace(
        name="Rewind bench",
        host=HostSpec("server", cpu_cores=4096, memory_mib=64 * 2**20, disk_mib=2**32),
        vm=base.vm._replace(memory_mib=512, clone="linked", image_cached=True),
        events=(),
    )


def _repaint() -> None:
    """Allocations as a repaint makes them (a few thousand small objects): a collection that is due runs here."""
    _ = [[] for _ in range(3000)]


def child_seek(per_world: int, runs: int) -> dict[str, object]:
    from vmsim.session import Session

    session = Session(_seek_spec(), seed=1, paused=True)
    session.add_workload("nginx", per_world)
    t0 = time.perf_counter()
    session.seek(600.0)
    forward_s = time.perf_counter() - t0
    cold, shown, ahead, ahead_shown, prepare = [], [], [], [], []

    def back_and_show(start: float, until_back: list[float], until_shown: list[float]) -> None:
        """Rewind 10 s, then take the dashboard's first snapshot after it and a repaint's worth of small objects
        (where the garbage collection a restore brings on lands, unless the rewind did it itself)."""
        session.back(10.0)
        until_back.append(time.perf_counter() - start)
        session.snapshot(include_events=False)
        _repaint()
        until_shown.append(time.perf_counter() - start)
        assert abs(session.now - 590.0) < 1e-6

    for _ in range(runs):
        session.seek(600.0)  # cold: the rewind made on the key
        back_and_show(time.perf_counter(), cold, shown)
        if hasattr(session, "prepare_back"):  # made in advance while paused (the dashboard does it on a worker)
            session.seek(600.0)
            start = time.perf_counter()
            session.prepare_back(10.0)
            prepare.append(time.perf_counter() - start)
            back_and_show(time.perf_counter(), ahead, ahead_shown)

    def med(xs: list[float]) -> float | None:
        return statistics.median(xs) if xs else None

    return {
        "forward_s": forward_s,
        "back10_median_s": med(cold),
        "back10_worst_s": max(cold),
        "shown_median_s": med(shown),
        "prepare_median_s": med(prepare),
        "ahead_median_s": med(ahead),
        "ahead_shown_median_s": med(ahead_shown),
        "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def child_tui_seek(per_world: int, presses: int) -> dict[str, object]:
    """The real dashboard (``run_test``, 120×40) on the seek state, paused: ``presses`` of ``,``, each after waiting
    as a user would (until the tree has made the rewind in advance, where it does, else 2 s); the time from the key
    until the earlier moment is shown (the session at it, no rewind under way)."""
    import asyncio

    from vmsim.tui.app import VmsimApp

    async def run() -> list[float]:
        app = VmsimApp(_seek_spec(), seed=1, paused=True, animate=False)
        times = []
        async with app.run_test(size=(120, 40)) as pilot:
            app.add_workload("nginx", per_world)
            app.session.seek(600.0)
            app.refresh_view([], charts=True)
            session = app.session
            for _ in range(presses):
                if hasattr(session, "back_ready"):
                    while not session.back_ready(10.0):
                        await pilot.pause(0.01)
                else:
                    await pilot.pause(2.0)
                target = session.now - 10.0
                start = time.perf_counter()
                await pilot.press("comma")
                while app.seeking or abs(session.now - target) > 1e-6:
                    await pilot.pause(0.005)
                times.append(time.perf_counter() - start)
        return times

    times = asyncio.run(run())
    return {"key_median_s": statistics.median(times), "key_worst_s": max(times)}


def child_cli_seek() -> dict[str, object]:
    """``vmsim run hello --until 600 --seek-to 590 --timings``: the seek time it reports (stderr)."""
    import contextlib
    import io

    from vmsim.cli import main as climain

    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = climain(["run", "hello", "--until", "600", "--seek-to", "590", "--format", "json", "--timings"])
    return {"code": code, "stderr": err.getvalue().strip()}


# ---------------------------------------------------------------------------------------------- parent side
def measure(tree: Path, *args: str) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tree,
    )
    if out.returncode != 0:
        return {"error": out.stderr.strip().splitlines()[-1] if out.stderr.strip() else f"exit {out.returncode}"}
    return json.loads(out.stdout)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--baseline", type=Path, help="another checkout to measure in the same run (e.g. /work/main)")
    p.add_argument("--quick", action="store_true", help="1,000 and 3,000 per world")
    p.add_argument("--runs", type=int, default=1, help="throughput runs of each size and tree (median)")
    p.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.child:
        what, *rest = a.child
        if what == "throughput":
            result = child_throughput(int(rest[0]), rest[1] == "1", int(rest[2]) if len(rest) > 2 else 1)
        elif what == "seek":
            result = child_seek(int(rest[0]), int(rest[1]))
        elif what == "tui-seek":
            result = child_tui_seek(int(rest[0]), int(rest[1]))
        else:
            result = child_cli_seek()
        print(json.dumps(result))
        return 0

    small, large = (1000, 3000) if a.quick else (10000, 30000)
    trees = [("this tree", HERE)] + ([("baseline", a.baseline.resolve())] if a.baseline else [])
    print(
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, Python {sys.version.split()[0]}"
    )
    print(f"load average {os.getloadavg()[0]:.2f}; trees: " + ", ".join(f"{n} = {t}" for n, t in trees))
    rows: dict[str, dict[str, object]] = {name: {} for name, _ in trees}
    for n in (small, large):
        for _ in range(a.runs):
            for name, tree in trees:  # alternating, so both see the same machine
                r = measure(tree, "throughput", str(n), "1" if n == small else "0")
                rows[name].setdefault(n, []).append(r)  # type: ignore[union-attr]
    # A world of many hosts (issue 15): 10 and then 30 instances per host, the same spacing over 600 s
    many = 100 if a.quick else 1000
    cluster_rows = {
        name: {k: measure(tree, "throughput", str(many * k), "0", str(many)) for k in (10, 30)} for name, tree in trees
    }
    seeks = {name: measure(tree, "seek", str(small), "3") for name, tree in trees}
    tui_seeks = {name: measure(tree, "tui-seek", str(small), "3") for name, tree in trees}
    cli_seeks = {name: measure(tree, "cli") for name, tree in trees}

    def med(name: str, n: int, key: str) -> float:
        vals = [r[key] for r in rows[name][n] if key in r]  # type: ignore[index,union-attr]
        return statistics.median(vals) if vals else float("nan")  # type: ignore[arg-type]

    print()
    head = f"{'tree':<10} {'per world':>9} {'run s':>7} {'json s':>7} {'total s':>8} {'events':>8} {'µs/event':>9}"
    print(head + f" {'actions':>9} {'µs/action':>10} {'peak RSS MiB':>13} {'peak at run end':>16}")
    for name, _ in trees:
        for n in (small, large):
            r0 = rows[name][n][0]  # type: ignore[index]
            if "error" in r0:
                print(f"{name:<10} {n:>9,} error: {r0['error']}")
                continue
            run_s = med(name, n, "run_s")
            actions = r0.get("actions")
            act = f"{actions:>9,} {run_s / actions * 1e6:>10.2f}" if actions else f"{'-':>9} {'-':>10}"
            print(
                f"{name:<10} {n:>9,} {run_s:>7.3f} {med(name, n, 'json_s'):>7.3f} {med(name, n, 'total_s'):>8.3f} "
                f"{r0['events']:>8,} {run_s / r0['events'] * 1e6:>9.2f} {act} {med(name, n, 'rss_mib'):>13.0f}"
                f" {med(name, n, 'run_rss_mib'):>16.0f}"
            )
        print(
            f"{name:<10} {large // 1000}k/{small // 1000}k time ratio "
            f"{med(name, large, 'total_s') / med(name, small, 'total_s'):.2f}"
        )
    if a.baseline:
        ratio = med("baseline", small, "total_s") / med("this tree", small, "total_s")
        print(f"speed-up at {small:,} per world (total, baseline / this tree): {ratio:.2f}x")
    print()
    print(
        f"{'tree':<10} {'hosts':>6} {'per host':>8} {'per world':>9} {'run s':>7} {'json s':>7} {'total s':>8}"
        f" {'peak RSS MiB':>13}"
    )
    for name, _ in trees:
        by = cluster_rows[name]
        for k, r in by.items():
            if "error" in r:
                print(f"{name:<10} {many:>6,} {k:>8} error: {r['error']}")
                continue
            print(
                f"{name:<10} {many:>6,} {k:>8} {many * k:>9,} {r['run_s']:>7.3f} {r['json_s']:>7.3f} "
                f"{r['total_s']:>8.3f} {r['rss_mib']:>13.0f}"
            )
        if all("error" not in r for r in by.values()):
            print(f"{name:<10} {many:,} hosts: 30/10 per host time ratio {by[30]['total_s'] / by[10]['total_s']:.2f}")  # type: ignore[operator]
    print()
    print(
        f"{'tree':<10} {'seek: per world':>15} {'run to 600 s':>13} {'back 10 s':>10} {'worst':>6} {'+ shown':>8} "
        f"{'made ahead':>11} {'back 10 s':>10} {'+ shown':>8} {'RSS MiB':>8}"
    )

    def fmt(v: object, width: int) -> str:
        return f"{v:>{width}.3f}" if isinstance(v, float) else f"{'-':>{width}}"

    for name, _ in trees:
        s = seeks[name]
        if "error" in s:
            print(f"{name:<10} error: {s['error']}")
            continue
        print(
            f"{name:<10} {small:>15,} {s['forward_s']:>13.2f} {fmt(s['back10_median_s'], 10)} "
            f"{fmt(s['back10_worst_s'], 6)} {fmt(s.get('shown_median_s'), 8)} {fmt(s.get('prepare_median_s'), 11)} "
            f"{fmt(s.get('ahead_median_s'), 10)} {fmt(s.get('ahead_shown_median_s'), 8)} {s['rss_mib']:>8.0f}"
        )
    for name, _ in trees:
        k = tui_seeks[name]
        figures = (
            f"median {k['key_median_s']:.3f} s, worst {k['key_worst_s']:.3f} s" if "error" not in k else k["error"]
        )
        print(f"{name:<10} dashboard, paused, , at {small:,} per world (3 presses), key to shown: {figures}")
    for name, _ in trees:
        c = cli_seeks[name]
        print(f"{name:<10} vmsim run hello --until 600 --seek-to 590 --timings: {c.get('stderr') or c.get('error')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
