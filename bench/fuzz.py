"""Fuzz run, by hand: 10,000 generated scenario files and 10,000 random key presses on the dashboard.

    python bench/fuzz.py                  # both parts (~25 min on the project's 2-core machine)
    python bench/fuzz.py --files 10000 --keys 0
    python bench/fuzz.py --files 0 --keys 10000 --keys-per-session 250

Scenario files: the robustness suite's generator (tests/robustness/robustness_support.py: shipped scenarios
mutated, random scenarios, garbage, special files), each file also saved in one of five encodings by its index
(UTF-8, UTF-8 with a byte-order mark, UTF-16 with a mark, UTF-16 without one, EUC-KR when it can be), then
checked by the suite's contract: a clear ScenarioError naming the file, or a run that keeps its invariants and
renders. Keys: tests/tui/test_monkey.py's driver (every key in every screen, dialogs opened often, sizes from 1×1
to 300×100, pairs of keys sent in one moment, the too-small screen wired in), one seeded session per
``--keys-per-session`` keys, sessions split over two processes. Prints how many ran, failures and the time taken.
The CI suite keeps short fixed-seed versions of both.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
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


def key_session(seed: int, keys: int) -> dict:
    import test_monkey

    with tempfile.TemporaryDirectory() as folder:
        try:
            done = asyncio.run(test_monkey.run_monkey(seed, keys, Path(folder)))
            return {"seed": seed, "done": done, "failure": None}
        except BaseException as exc:  # noqa: BLE001 - any escape is a failure to report
            tail = "".join(traceback.format_exception(exc)[-3:])
            return {"seed": seed, "done": {"keys": keys}, "failure": f"seed {seed}: {type(exc).__name__}: {tail}"}


def key_chunk(args: tuple[list[int], int]) -> list[dict]:
    seeds, keys = args
    return [key_session(seed, keys) for seed in seeds]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--files", type=int, default=10_000)
    p.add_argument("--keys", type=int, default=10_000)
    p.add_argument("--keys-per-session", type=int, default=250)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--first-seed", type=int, default=1000)
    a = p.parse_args()
    failed = 0
    with ProcessPoolExecutor(max_workers=a.workers) as pool:
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
        if a.keys:
            start = time.perf_counter()
            sessions = max(1, a.keys // a.keys_per_session)
            seeds = list(range(a.first_seed, a.first_seed + sessions))
            parts = [(seeds[k :: a.workers], a.keys_per_session) for k in range(a.workers)]
            results = [r for chunk in pool.map(key_chunk, parts) for r in chunk]
            totals: dict[str, int] = {}
            for r in results:
                for k, v in r["done"].items():
                    totals[k] = totals.get(k, 0) + v
            failures = [r["failure"] for r in results if r["failure"]]
            took = time.perf_counter() - start
            print(
                f"keys: {totals.get('keys', 0):,} keys in {len(results)} sessions (seeds {seeds[0]}-{seeds[-1]}), "
                f"{totals.get('resizes', 0):,} resizes, {totals.get('fast pairs', 0):,} pairs sent at once, "
                f"{totals.get('clicks', 0):,} clicks, in {took:,.0f} s; {len(failures)} failures"
            )
            for f in failures[:20]:
                print("  FAIL", f)
            failed += len(failures)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
