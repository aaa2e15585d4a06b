"""Scenario fuzzing in process: mutated and random scenario files through the loader and the engine.

The contract, for every file: ``load_scenario`` raises a ScenarioError whose every line names the
file, or returns a spec that builds a Simulation which runs to its duration with its books balanced
(``check_invariants``) and renders to strict JSON, CSV and a table. Any other exception, or a case
running past CASE_TIMEOUT_S, is a bug in vmsim. See docs/robustness.md for the profiles.
"""

from __future__ import annotations

import copy
import math
import time
import tomllib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from robustness_support import (
    APPS,
    CASE_TIMEOUT_S,
    GUESTS,
    HOSTS,
    IMAGES,
    INSTANCE_BUDGET,
    KNOWN_KEYS,
    SHIPPED,
    WORLDS,
    Outcome,
    check_error_message,
    check_file,
    checkpoints,
    deadline,
    in_parallel,
    report,
    run_cases_parallel,
    sized,
    strict_json,
    within_budget,
)

from vmsim.output import formats
from vmsim.scenarios import ScenarioError, build_simulation, parse_scenario
from vmsim.scenarios.loader import MAX_FILE_BYTES, load_scenario


# ------------------------------------------------------------------------------------------ random files
@pytest.mark.parametrize("chunk", range(sized(1, 10)))
def test_fuzzed_scenario_files_load_or_fail_cleanly(tmp_path, chunk):
    """Thousands of mutated shipped scenarios, random scenarios and garbage files (seeded)."""
    per_chunk = sized(1_000, 5_000)
    result = run_cases_parallel(range(chunk * per_chunk, (chunk + 1) * per_chunk), tmp_path)
    stats = result["stats"]
    print(f"chunk {chunk}: {stats} in {result['seconds']:.1f} s")
    assert not result["failures"], report(result)
    # The fuzzer must reach both sides of the contract, or it tests nothing.
    assert stats.get("error", 0) > per_chunk // 3, stats
    assert stats.get("ran", 0) > per_chunk // 10, stats


# ------------------------------------------------------------------------------------------ systematic sweep
SWEEP_VALUES = [
    None,  # the key deleted
    "string",
    "",
    True,
    [],
    {},
    [1, 2],
    {"a": 1},
    0,
    -1,
    -0.0,
    1,
    2.5,
    5e-324,
    1e-320,
    math.nextafter(0.0, 1.0) * 2**20,
    1e308,
    -1e308,
    float("inf"),
    float("-inf"),
    float("nan"),
    10**30,
    -(10**30),
    2**63,
    10**4000,
    "x" * 100_000,
    "nginx",
]


def _leaves(doc, path=()):
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from _leaves(v, (*path, k))
    elif isinstance(doc, list) and doc and all(isinstance(x, dict) for x in doc):
        for i, v in enumerate(doc):
            yield from _leaves(v, (*path, i))
    if path:
        yield path


def _set(doc, path, value):
    where = doc
    for p in path[:-1]:
        where = where[p]
    if value is None:
        del where[path[-1]]
    else:
        where[path[-1]] = value


def check_document(doc, source: str, horizon_s: float = math.inf) -> Outcome:
    """The contract for a parsed document (no file): ScenarioError naming the source, or a run
    (to the scenario's duration, or ``horizon_s`` if that is sooner)."""
    try:
        spec = parse_scenario(doc, source)
    except ScenarioError as exc:
        check_error_message(exc, source)
        return Outcome("error")
    spec, cut = within_budget(spec)
    try:
        sim = build_simulation(spec)
    except ScenarioError as exc:
        check_error_message(exc, source)
        return Outcome("refused-at-build")
    sim.check_invariants()
    for t in checkpoints(spec):
        if t > horizon_s:
            break
        sim.run_until(t)
        sim.check_invariants()
    sim.run_until(min(spec.duration_s, horizon_s))
    sim.check_invariants()
    snap = sim.snapshot()
    strict_json(formats.render_json(snap))
    formats.render_csv(snap)
    return Outcome("ran-cut" if cut else "ran")


SWEEP_MAX_EVENTS = sized(2, 1000)  # events and lesson steps after the first few repeat the same keys
SWEEP_HORIZON_S = sized(10, 10**7)  # CI: the loader is the target here; full runs are the random fuzzer's job


def _sweep(tasks: list[tuple[str, tuple]]) -> tuple[dict[str, int], list[str]]:
    """Every SWEEP_VALUES value at each (scenario, key path) of ``tasks``: outcomes and failures."""
    failures = []
    outcomes: dict[str, int] = {}
    for name, path in tasks:
        base = tomllib.loads(SHIPPED[name].decode())
        for value in SWEEP_VALUES:
            doc = copy.deepcopy(base)
            _set(doc, path, value)
            try:
                with deadline(CASE_TIMEOUT_S):
                    kind = check_document(doc, f"{name}.toml", SWEEP_HORIZON_S).kind
                outcomes[kind] = outcomes.get(kind, 0) + 1
            except Exception as exc:  # noqa: BLE001 - every failure is collected and reported
                failures.append(f"{name}.toml {path} = {value!r:.60}: {type(exc).__name__}: {str(exc)[:200]}")
    return outcomes, failures


def test_every_key_of_every_shipped_scenario_with_every_bad_value():
    """Each leaf of each shipped scenario replaced by each value of SWEEP_VALUES (or deleted)."""
    tasks = [
        (name, path)
        for name, raw in SHIPPED.items()
        for path in _leaves(tomllib.loads(raw.decode()))
        if not (path[0] in ("events", "lesson") and len(path) > 1 and path[1] >= SWEEP_MAX_EVENTS)
    ]
    outcomes: dict[str, int] = {}
    failures: list[str] = []
    for part_outcomes, part_failures in in_parallel(_sweep, [tasks[k::2] for k in range(2)]):
        for k, v in part_outcomes.items():
            outcomes[k] = outcomes.get(k, 0) + v
        failures += part_failures
    print(f"{len(tasks)} key paths x {len(SWEEP_VALUES)} values: {outcomes}")
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(sorted(failures)[:40])
    assert outcomes.get("error", 0) > 500 and outcomes.get("ran", 0) > 100, outcomes


# ------------------------------------------------------------------------------------------ hypothesis
any_value = st.recursive(
    st.one_of(
        st.booleans(),
        st.integers(),
        st.floats(),  # NaN, infinities, subnormals and signed zeros included
        st.text(max_size=30),
        st.sampled_from(APPS + IMAGES + GUESTS + HOSTS + WORLDS),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(KNOWN_KEYS) | st.text(max_size=8), inner, max_size=4),
    ),
    max_leaves=12,
)


def maybe(valid):
    """Mostly a valid value, sometimes anything at all."""
    return st.one_of(valid, valid, valid, any_value)


pos = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)
event = st.one_of(
    st.fixed_dictionaries(
        {"at_s": maybe(pos), "add": maybe(st.sampled_from(APPS))}, optional={"count": maybe(st.integers(1, 20))}
    ),
    st.fixed_dictionaries(
        {"at_s": maybe(pos), "grow": maybe(st.sampled_from(APPS)), "memory_mib": maybe(st.floats(0, 1e4))}
    ),
    st.fixed_dictionaries(
        {"at_s": maybe(pos), "remove": maybe(st.sampled_from(APPS) | st.sampled_from(APPS).map(lambda a: a + "-1"))}
    ),
    any_value,
)
documents = st.fixed_dictionaries(
    {"name": maybe(st.text(min_size=1, max_size=40))},
    optional={
        "seed": maybe(st.integers(0, 2**63 - 1)),
        "duration_s": maybe(st.floats(min_value=0, max_value=600, exclude_min=True)),
        "worlds": maybe(st.lists(st.sampled_from(WORLDS), min_size=1, max_size=3, unique=True)),
        "host": maybe(
            st.fixed_dictionaries(
                {"preset": maybe(st.sampled_from(HOSTS))},
                optional={
                    "cpu_cores": maybe(st.integers(1, 4096)),
                    "memory_gib": maybe(st.floats(0, 65536)),
                    "disk_gib": maybe(st.floats(0, 1 << 20)),
                },
            )
        ),
        "vm": maybe(
            st.fixed_dictionaries(
                {},
                optional={
                    "guest_os": maybe(st.sampled_from(GUESTS)),
                    "memory_mib": maybe(st.floats(16, 16384)),
                    "vcpus": maybe(st.integers(1, 512)),
                    "overcommit_ratio": maybe(st.floats(1, 100)),
                    "cpu_allocation_ratio": maybe(st.floats(0, 1000)),
                    "image_cached": maybe(st.booleans()),
                    "ksm": maybe(st.booleans()),
                    "clone": maybe(st.sampled_from(["copy", "linked"])),
                    "disk": maybe(st.sampled_from(["thin", "preallocated"])),
                },
            )
        ),
        "container": maybe(
            st.fixed_dictionaries(
                {},
                optional={
                    "registry_mbps": maybe(st.floats(0, 1e6)),
                    "cached_images": maybe(st.lists(st.sampled_from(IMAGES + APPS), max_size=4)),
                    "memory_limit_mib": maybe(st.floats(0, 1 << 30)),
                },
            )
        ),
        "microvm": maybe(
            st.fixed_dictionaries(
                {},
                optional={
                    "memory_mib": maybe(st.floats(16, 4096)),
                    "vcpus": maybe(st.integers(1, 512)),
                    "overcommit_ratio": maybe(st.floats(1, 100)),
                },
            )
        ),
        "events": maybe(st.lists(event, max_size=6)),
    },
)


@settings(
    max_examples=sized(200, 5_000),
    deadline=None,
    database=None,
    derandomize=True,  # the same examples every run: a failure in CI reproduces by hand
    suppress_health_check=list(HealthCheck),
)
@given(doc=documents)
def test_hypothesis_documents_load_or_fail_cleanly(doc):
    with deadline(CASE_TIMEOUT_S):
        check_document(doc, "hypothesis.toml")


# ------------------------------------------------------------------------------------------ special files
def test_a_50_mb_file_is_refused_quickly_without_being_read(tmp_path):
    path = tmp_path / "huge.toml"
    line = b"# " + b"x" * 1021 + b"\n"
    with path.open("wb") as fh:
        fh.write(b'name = "huge"\n')
        for _ in range(50 * 1024):
            fh.write(line)
    assert path.stat().st_size > 50 * 2**20
    start = time.perf_counter()
    with pytest.raises(ScenarioError) as info:
        load_scenario(str(path))
    assert time.perf_counter() - start < 1.0
    assert str(path) in str(info.value) and "1 MiB" in str(info.value)


SPECIAL_FILES = {
    "empty": (b"", "error"),
    "only comments": (b"# only a comment\n# and another\n", "error"),
    "only whitespace": (b"\n\n   \n\t\n", "error"),
    "only a byte-order mark": (b"\xef\xbb\xbf", "error"),
    "NUL bytes": (b"\x00" * 100, "error"),
    "a PNG header": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "error"),
    "an ELF header": (b"\x7fELF\x02\x01\x01\x00", "error"),
    "invalid UTF-8": (b'name = "x"\n' + b"\xff\xfe" * 10, "error"),
    "an encoded surrogate": (b'name = "\xed\xa0\x80"\n', "error"),
    "a duplicate key": (b'name = "x"\nname = "y"\n', "error"),
    "a duplicate table": (b'name = "x"\n[vm]\n[vm]\n', "error"),
    "CRLF line endings": (b'name = "x"\r\nseed = 1\r\n', "ran"),
    "bare CR line endings": (b'name = "x"\rseed = 1\r', "error"),
    "a 900 kB string": (b'name = "' + b"x" * 900_000 + b'"\n', "error"),
    "100,000 open brackets": (b'name = "x"\nseed = ' + b"[" * 100_000 + b"\n", "error"),
    "50,000 open inline tables": (b'name = "x"\nseed = ' + b"{a=" * 50_000 + b"\n", "error"),
    "an array of 100,000 worlds": (b'name = "x"\nworlds = [' + b'"vm",' * 100_000 + b"]\n", "error"),
    # Keys are echoed unescaped into messages (reader.Reader.table: "unknown key"): a newline breaks
    # the one-line-per-problem format, an escape sequence reaches the terminal. Found by hypothesis.
    "a quoted key with a newline": (b'name = "x"\n"a\\nb" = 1\n', "error"),
    "a quoted key with an escape sequence": (b'name = "x"\n[vm]\n"\\u001b[2J" = 1\n', "error"),
}


@pytest.mark.parametrize("what", list(SPECIAL_FILES))
def test_files_that_are_not_scenarios(tmp_path, what):
    content, expected = SPECIAL_FILES[what]
    path = tmp_path / "special.toml"
    path.write_bytes(content)
    with deadline(CASE_TIMEOUT_S):
        outcome = check_file(path)
    assert outcome.kind == expected, what


def test_ten_thousand_events_load_and_run(tmp_path):
    # The loader's limit is 10,000 events: exactly at the limit loads and runs.
    events = "".join(f'[[events]]\nat_s = {i * 0.01:.2f}\nremove = "hello-{i}"\n' for i in range(9_999))
    path = tmp_path / "many.toml"
    path.write_text('name = "many"\n[[events]]\nat_s = 0\nadd = "hello"\n' + events)
    assert path.stat().st_size < MAX_FILE_BYTES
    with deadline(CASE_TIMEOUT_S):
        assert check_file(path).kind == "ran"
    path.write_text(
        'name = "many"\n[[events]]\nat_s = 0\nadd = "hello"\n[[events]]\nat_s = 0\nadd = "hello"\n' + events
    )
    with deadline(CASE_TIMEOUT_S):
        assert check_file(path).kind == "error"  # 10,001


def test_budget_is_meaningful():
    # within_budget() must keep small scenarios whole: only files asking for more are cut.
    spec = parse_scenario(tomllib.loads(SHIPPED["boot-storm"].decode()), "boot-storm.toml")
    assert 50 * len(spec.worlds) <= INSTANCE_BUDGET
    assert within_budget(spec) == (spec, False)


# ------------------------------------------------------------------------------------------ regressions
# Inputs the fuzzer found. Each is the smallest file that shows the bug; see docs/robustness.md.
def _loads_or_refuses(tmp_path, text: str | bytes) -> Outcome:
    path = tmp_path / "regression.toml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    with deadline(CASE_TIMEOUT_S):
        return check_file(path)


def test_regression_a_decimal_integer_over_4300_digits_is_a_scenario_error(tmp_path):
    # Found by the random fuzzer: tomllib raises ValueError (Python's int-to-string digit limit),
    # not TOMLDecodeError, so it escaped load_scenario as a traceback (exit 1).
    assert _loads_or_refuses(tmp_path, 'name = "x"\nseed = ' + "7" * 4301 + "\n").kind == "error"


def test_regression_a_hex_integer_over_4300_digits_is_a_scenario_error(tmp_path):
    # Found by the random fuzzer: tomllib parses 0xfff... fine, but the error message's repr() of the
    # value raises ValueError (errors.show).
    assert _loads_or_refuses(tmp_path, 'name = "x"\nseed = 0x' + "f" * 3600 + "\n").kind == "error"


def test_regression_a_table_nested_1000_deep_is_a_scenario_error(tmp_path):
    # [name.a.a.a...] builds a 1000-deep table without recursion in tomllib; repr() of it for the
    # message raises RecursionError (errors.show).
    assert _loads_or_refuses(tmp_path, "[" + ".".join(["name"] + ["a"] * 1000) + "]\n").kind == "error"


def test_regression_the_slowest_registry_still_runs(tmp_path):
    # Found by the random fuzzer and the sweep: registry_mbps = 5e-324 passes "above 0", but the
    # Mbit/s -> MiB/s conversion (Settings.registry_mibps) underflows to 0.0 and the first pull divides
    # by zero (World._fetch). 1e-320 instead gives an infinite download that never ends.
    text = (
        'name = "x"\nworlds = ["container"]\n[container]\nregistry_mbps = 5e-324\n[[events]]\nat_s = 0\nadd = "nginx"\n'
    )
    assert _loads_or_refuses(tmp_path, text).kind in ("ran", "error")


def test_regression_validate_refuses_what_run_refuses(tmp_path):
    # Found by the random fuzzer: the loader only checks that host memory exceeds the host OS's own
    # (400 MiB on small-cloud), but the container runtime needs 110 MiB more, which World refuses and
    # build_simulation turns into a ScenarioError. So `vmsim validate` says "ok" and `vmsim run`
    # exits 2 on the same file.
    path = tmp_path / "tiny-host.toml"
    path.write_text('name = "x"\nworlds = ["container"]\n[host]\npreset = "small-cloud"\nmemory_mib = 403\n')
    try:
        spec = load_scenario(str(path))
    except ScenarioError:
        return  # refused by the loader: validate and run agree
    build_simulation(spec).check_invariants()  # accepted by the loader: must build


# A long dotted key (tomllib is quadratic in them) is a hang regression through the CLI:
# see test_fuzz_cli.py::test_regression_small_files_never_hang.
