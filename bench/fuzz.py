"""Fuzz run, by hand: 10,000 generated scenario files and 10,000 random key sequences on the dashboard.

    python bench/fuzz.py                                   # both parts
    python bench/fuzz.py --files 10000 --sequences 0       # ~1 min on the project's 2-core machine
    nice python bench/fuzz.py --files 0 --sequences 1000 --first-seed 1000 --workers 3   # one batch of ten

Scenario files: the robustness suite's generator (tests/robustness/robustness_support.py: shipped scenarios
mutated, random scenarios, garbage, special files), each file also saved in one of five encodings by its index
(UTF-8, UTF-8 with a byte-order mark, UTF-16 with a mark, UTF-16 without one, EUC-KR when it can be), then
checked by the suite's contract: a clear ScenarioError naming the file, or a run that keeps its invariants and
renders. Key sequences: tests/tui/test_monkey_sequences.py's driver (20–30 keys at a size of their own, 1×1 to
300×100; every dialog, the command palette, lesson steps, the lower pane's views, scenarios and fuzzed files
typed into the open dialog, English and Korean), ``--sequences-per-session`` sequences on each dashboard, the
sessions spread over ``--workers`` processes. Prints how many ran, what they did, each failure with the steps
that led to it (seed, sequence, keys), and the time taken; exits 1 on any failure. The CI suite keeps short
fixed-seed versions of both.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import tempfile
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "robustness"), str(ROOT / "tests" / "tui")]

ENCODINGS = ["utf-8", "utf-8 with a byte-order mark", "utf-16 with a mark", "utf-16 without a mark", "euc-kr"]


def encoded(data: bytes, index: int) -> tuple[bytes, str]:
    """Case ``index``'s bytes in the encoding its index picks (as UTF-8 when they are not UTF-8 text)."""
    kind = ENCODINGS[index % len(ENCODINGS)]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data, "utf-8"
    if kind == "utf-8 with a byte-order mark":
        return b"\xef\xbb\xbf" + data, kind
    if kind == "utf-16 with a mark":
        return text.encode("utf-16", "surrogatepass"), kind
    if kind == "utf-16 without a mark":
        return text.encode("utf-16-le", "surrogatepass"), kind
    if kind == "euc-kr":
        try:
            return text.encode("cp949"), kind
        except UnicodeEncodeError:
            return data, "utf-8"
    return data, kind


def file_chunk(indices: range) -> dict:
    import robustness_support as rs

    stats: dict[str, int] = {}
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        for i in indices:
            case = rs.make_case(i)
            data, kind = encoded(case.data, i)
            path = Path(folder) / f"case-{i}.toml"
            path.write_bytes(data)
            try:
                with rs.deadline(rs.CASE_TIMEOUT_S):
                    outcome = rs.check_file(path)
                stats[f"{outcome.kind} ({kind})"] = stats.get(f"{outcome.kind} ({kind})", 0) + 1
            except (Exception, RecursionError) as exc:  # noqa: B014 - any escape is a failure to report
                failures.append(f"{case.describe()} [{kind}]: {type(exc).__name__}: {str(exc)[:200]}")
            finally:
                path.unlink(missing_ok=True)
    return {"stats": stats, "failures": failures, "ran": len(indices)}


def limit_memory(mib: int) -> None:
    """A worker's address space, bounded: a dashboard that grows without end fails with MemoryError (reported with its
    seed) instead of filling the machine (one grew to 16 GiB in a resize's reflow, seeds 3260-3289, and was killed)."""
    if mib > 0:
        resource.setrlimit(resource.RLIMIT_AS, (mib * 2**20, mib * 2**20))


def sequence_session(seed: int, sequences: int) -> dict:
    """One session of ``sequences`` key sequences from ``seed``: what it did, or its failure and how to replay it."""
    import test_monkey_sequences as monkey

    log: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        try:
            tally = asyncio.run(monkey.run_sequences(seed, sequences, Path(folder), log))
            return {"seed": seed, "tally": vars(tally), "failure": None}
        except BaseException as exc:  # noqa: BLE001 - any escape is a failure to report
            tail = "".join(traceback.format_exception(exc)[-4:])
            where = log[-1] if log else f"seed {seed}, starting"
            steps = "\n      ".join(monkey.TRAIL)
            done = {"sequences": len(log), "keys": 0, "sizes": set()}
            return {"seed": seed, "tally": done, "failure": f"{where}: {type(exc).__name__}\n      {steps}\n{tail}"}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--files", type=int, default=10_000)
    p.add_argument("--sequences", type=int, default=10_000)
    p.add_argument("--sequences-per-session", type=int, default=25)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--first-seed", type=int, default=1000)
    p.add_argument("--memory-mib", type=int, default=3072, help="each worker's address space (0: no limit)")
    a = p.parse_args()
    failed = 0
    with ProcessPoolExecutor(max_workers=a.workers, initializer=limit_memory, initargs=(a.memory_mib,)) as pool:
        if a.files:
            start = time.perf_counter()
            parts = [range(k, a.files, a.workers) for k in range(a.workers)]
            results = list(pool.map(file_chunk, parts))
            stats: dict[str, int] = {}
            for r in results:
                for k, v in r["stats"].items():
                    stats[k] = stats.get(k, 0) + v
            failures = [f for r in results for f in r["failures"]]
            ran = sum(r["ran"] for r in results)
            print(f"scenario files: {ran:,} ran in {time.perf_counter() - start:,.0f} s, {len(failures)} failures")
            for k in sorted(stats):
                print(f"  {k:<45} {stats[k]:>6,}")
            for f in failures[:20]:
                print("  FAIL", f)
            failed += len(failures)
        if a.sequences:
            start = time.perf_counter()
            sessions = max(1, -(-a.sequences // a.sequences_per_session))
            seeds = list(range(a.first_seed, a.first_seed + sessions))
            counts = [min(a.sequences_per_session, a.sequences - i * a.sequences_per_session) for i in range(sessions)]
            totals: dict[str, int] = {}
            sizes: set[tuple[int, int]] = set()
            screens: dict[str, int] = {}
            failures = []
            futures = [pool.submit(sequence_session, seed, count) for seed, count in zip(seeds, counts, strict=True)]
            for n, future in enumerate(as_completed(futures), 1):
                r = future.result()
                for k, v in r["tally"].items():
                    if k == "sizes":
                        sizes |= v
                    elif k == "screens":
                        for name, count in v.items():
                            screens[name] = screens.get(name, 0) + count
                    else:
                        totals[k] = totals.get(k, 0) + v
                if r["failure"]:
                    failures.append(r["failure"])
                    print("  FAIL", r["failure"], flush=True)
                if n % 10 == 0:
                    print(f"  {n}/{sessions} sessions, {time.perf_counter() - start:,.0f} s", flush=True)
            took = time.perf_counter() - start
            tiny = sorted(s for s in sizes if s[0] < 40 or s[1] < 12)
            print(
                f"key sequences: {totals.get('sequences', 0):,} in {sessions} sessions (seeds {seeds[0]}-{seeds[-1]}), "
                f"{totals.get('keys', 0):,} keys, {totals.get('fast', 0):,} sent in one moment, "
                f"{totals.get('resizes', 0):,} resizes to {len(sizes)} sizes ({len(tiny)} below 40x12, "
                f"smallest {min(sizes) if sizes else '-'}, largest {max(sizes) if sizes else '-'}), "
                f"{totals.get('clicks', 0):,} clicks, {totals.get('opened_files', 0):,} fuzzed files opened, "
                f"{totals.get('quits', 0):,} quits, "
                f"{totals.get('asking', 0):,} steps while a lesson's question waited, "
                f"in {took:,.0f} s; {len(failures)} failures"
            )
            on_top = ", ".join(f"{k} {v:,}" for k, v in sorted(screens.items()))
            print(f"  steps taken with each screen on top: {on_top}")
            failed += len(failures)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
