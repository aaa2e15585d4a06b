"""Determinism across processes: the same scenario and seed give byte-identical output.

Each shipped scenario runs through ``vmsim run NAME --format json`` (and ``--format csv``) in two
separate processes with different PYTHONHASHSEED values, so string-hash randomisation (set and
dict-of-set iteration order) cannot leak into results unnoticed. In-process determinism is covered
by tests/engine/test_determinism.py.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from robustness_support import BASE_SEED, LONG, random_scenario, sized, strict_json, to_toml

from vmsim.scenarios import ScenarioError, load_scenario, shipped_names

HASH_SEEDS = ("0", "4242")  # 0 disables randomisation; 4242 is a fixed, different one
FORMATS = ("json", "csv")


def run(args: list[str], hash_seed: str) -> tuple[int, bytes, bytes]:
    env = dict(os.environ, PYTHONHASHSEED=hash_seed)
    proc = subprocess.run([sys.executable, "-m", "vmsim", "run", *args], capture_output=True, timeout=120, env=env)
    return proc.returncode, proc.stdout, proc.stderr


def in_two_processes(args: list[str]) -> list[tuple[int, bytes, bytes]]:
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(lambda h: run(args, h), HASH_SEEDS))


def first_difference(a: bytes, b: bytes) -> str:
    i = next((k for k in range(min(len(a), len(b))) if a[k] != b[k]), min(len(a), len(b)))
    return f"first difference at byte {i}: {a[max(0, i - 80) : i + 80]!r} vs {b[max(0, i - 80) : i + 80]!r}"


CASES = [(name, fmt, ()) for name in shipped_names() for fmt in FORMATS]
if LONG:
    CASES += [(name, "json", ("--seed", str(s))) for name in shipped_names() for s in (0, 7, 2**63 - 1)]


@pytest.mark.parametrize(
    ("name", "fmt", "extra"), CASES, ids=[f"{n}-{f}{'-seed' + e[1] if e else ''}" for n, f, e in CASES]
)
def test_shipped_scenario_output_is_byte_identical_across_processes(name, fmt, extra):
    (code_a, out_a, err_a), (code_b, out_b, err_b) = in_two_processes([name, "--format", fmt, *extra])
    assert code_a == 0 and code_b == 0, (err_a + err_b)[-2000:]
    assert out_a, "no output"
    if fmt == "json":
        strict_json(out_a.decode())
    assert out_a == out_b, f"PYTHONHASHSEED {HASH_SEEDS[0]} vs {HASH_SEEDS[1]}: " + first_difference(out_a, out_b)


def test_every_shipped_scenario_is_covered():
    assert len(shipped_names()) >= 9
    assert {c[0] for c in CASES} == set(shipped_names())


def test_random_valid_scenarios_are_byte_identical_across_processes(tmp_path):
    # Scenarios nobody wrote by hand: random worlds, hosts, settings and events (seeded).
    wanted = sized(2, 60)
    rng = random.Random(f"{BASE_SEED}:determinism")
    paths = []
    while len(paths) < wanted:
        doc = random_scenario(rng)
        doc.pop("lesson", None)
        for ev in doc.get("events", []):
            ev["count"] = min(ev.get("count", 1), 20)  # keep each run short
        doc["duration_s"] = min(doc.get("duration_s", 60), 900)
        path = tmp_path / f"random-{len(paths)}.toml"
        path.write_text(to_toml(doc))
        try:
            spec = load_scenario(str(path))
        except ScenarioError:
            continue
        if spec.host.preset == "local" or not spec.events:
            continue  # "local" reads this machine: equal across processes, but not what is tested here
        paths.append(path)
    failures = []
    for path in paths:
        for fmt in FORMATS:
            (code_a, out_a, err_a), (code_b, out_b, err_b) = in_two_processes([str(path), "--format", fmt])
            if code_a != 0 or code_b != 0:
                failures.append(f"{path.name} {fmt}: exit {code_a}/{code_b}: {(err_a + err_b)[-300:]!r}")
            elif out_a != out_b:
                failures.append(f"{path.name} {fmt}: " + first_difference(out_a, out_b) + "\n" + path.read_text())
    assert not failures, "\n".join(failures)
