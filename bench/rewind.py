"""Rewind benchmark, by hand: how long the dashboard's worst rewind (the ',' key) blocks, measured on the session.

    python bench/rewind.py                    # 100, 1,000 and 3,300 instances per world (3 worlds: 9,900)
    python bench/rewind.py --counts 1000 --at 600 --runs 5

Each count: the ``hello`` scenario's three worlds on a ``server`` host big enough that nothing is refused (as
bench/tui.py's scale part), N instances of nginx added per world at t = 0 (through ``Session.add_workload``, so
they are user commands a rewind replays), run to ``--at`` seconds, then ``Session.back(10)``: the rewind replays
every command from t = 0 to ``--at`` − 10 s. Its wall time (``time.perf_counter``) is what the dashboard's UI thread
waits today (issue 18, item 17: vmsim/tui/app.py calls it on the UI thread). Median and worst of ``--runs``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def spec():
    from vmsim.scenarios import load_scenario
    from vmsim.scenarios.spec import HostSpec

    base = load_scenario("hello")
    return base._replace(
        name="Rewind bench",
        host=HostSpec("server", cpu_cores=4096, memory_mib=64 * 2**20, disk_mib=2**32),
        vm=base.vm._replace(memory_mib=512, clone="linked", image_cached=True),
        events=(),
    )


def measure(per_world: int, at_s: float, runs: int) -> dict[str, float]:
    from vmsim.session import Session

    session = Session(spec(), seed=1, paused=True)
    session.add_workload("nginx", per_world)
    start = time.perf_counter()
    session.seek(at_s)
    forward_s = time.perf_counter() - start
    instances = sum(len(w.instances) for w in session.sim.snapshot().worlds)
    times = []
    for _ in range(runs):
        session.seek(at_s)
        start = time.perf_counter()
        session.back(10.0)
        times.append(time.perf_counter() - start)
        assert abs(session.now - (at_s - 10.0)) < 1e-6
    return {
        "instances": instances,
        "forward": forward_s,
        "median": statistics.median(times),
        "worst": max(times),
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--counts", type=int, nargs="+", default=[100, 1000, 3300], help="instances per world")
    p.add_argument("--at", type=float, default=600.0, help="simulated seconds before rewinding")
    p.add_argument("--runs", type=int, default=3)
    a = p.parse_args()
    head = ("per world", "instances", "run to t (s)", "rewind 10 s, median (s)", "worst (s)")
    print(f"{head[0]:>9}  {head[1]:>9}  {head[2]:>12}  {head[3]:>23}  {head[4]:>9}")
    for n in a.counts:
        r = measure(n, a.at, a.runs)
        print(f"{n:>9,}  {r['instances']:>9,}  {r['forward']:>12.2f}  {r['median']:>23.2f}  {r['worst']:>9.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
