"""Shared pieces of the robustness suite: the profile, a scenario-file fuzzer and the contract checks.

Every generated case is a pure function of ``(base seed, index)``, so a failure reported as
``case 1234 (seed 20240601)`` can be written back to a file and replayed:

    python tests/robustness/robustness_support.py case 1234 > case.toml
    python -m vmsim validate case.toml

The fuzzer knows the scenario schema (vmsim/scenarios/schema.py) only to aim its mutations: it
starts from the shipped scenarios and from random, mostly valid, documents, then breaks them at
the level of parsed values (wrong types, out-of-range and non-finite numbers, missing and unknown
keys, deep nesting, long strings, many events) and at the level of bytes (invalid UTF-8, binary
garbage, truncation, duplicate lines, giant literals).
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
import math
import multiprocessing
import os
import random
import signal
import string
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vmsim.engine import default_catalog
from vmsim.output import formats, result_tables
from vmsim.scenarios import ScenarioError, build_simulation, load_scenario, schema
from vmsim.scenarios.loader import MAX_FILE_BYTES, shipped_dir

# ------------------------------------------------------------------------------------------ profile
PROFILE = os.environ.get("VMSIM_ROBUSTNESS", "ci").strip().lower() or "ci"
if PROFILE not in ("ci", "long"):
    raise RuntimeError(f"VMSIM_ROBUSTNESS must be 'ci' or 'long', not {PROFILE!r}")
LONG = PROFILE == "long"

#: The base seed of every generator in the suite; change it to explore new cases.
BASE_SEED = int(os.environ.get("VMSIM_FUZZ_SEED", "20240601"))


def sized(ci: int, long: int) -> int:
    """A size for the current profile (the only thing the profile changes)."""
    return long if LONG else ci


CAT = default_catalog()
APPS = sorted(CAT.apps)
IMAGES = sorted(CAT.images)
GUESTS = sorted(g for g in CAT.guests if g != "microvm-linux")
HOSTS = sorted(CAT.hosts)
WORLDS = ["vm", "container", "microvm"]
# Lessons ([[lesson]] steps) are newer than the rest of the schema: aimed at only when the loader knows them.
HAS_LESSON = "lesson" in schema.TOP_KEYS
LESSON_VIEWS = list(getattr(schema, "LESSON_VIEWS", ()))
LESSON_HIGHLIGHTS = list(getattr(schema, "LESSON_HIGHLIGHTS", ()))

#: Instance-worlds (instances added x worlds) one in-process case may simulate. A case asking for
#: more keeps its events up to this budget; the cost of the largest files is measured separately
#: (test_fuzz_cli.py::test_a_small_file_cannot_ask_for_unbounded_work).
INSTANCE_BUDGET = sized(1_500, 5_000)
#: Wall seconds one in-process case may take before it counts as a hang.
CASE_TIMEOUT_S = 10.0

SHIPPED: dict[str, bytes] = {p.stem: p.read_bytes() for p in sorted(shipped_dir().glob("*.toml"))}


# ------------------------------------------------------------------------------------------ TOML writer
def _key(k: str) -> str:
    if k and all(c in string.ascii_letters + string.digits + "_-" for c in k):
        return k
    return _str(k)


def _str(s: str) -> str:
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif o < 0x20 or o == 0x7F:
            out.append(f"\\u{o:04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def toml_value(v: Any) -> str:
    """One value, inline (tables as inline tables)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v) if abs(v) < 10**4000 else hex(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return _str(v)
    if isinstance(v, (dt.datetime, dt.date, dt.time)):
        return v.isoformat()
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_key(k)} = {toml_value(x)}" for k, x in v.items()) + "}"
    raise TypeError(f"no TOML form for {type(v).__name__}")


def to_toml(doc: dict[str, Any], pretty: bool = True) -> str:
    """A TOML document. ``pretty`` writes top-level tables as [headers] and lists of tables as
    [[arrays]], like the shipped files; otherwise everything is inline."""
    lines: list[str] = []
    later: list[str] = []
    for k, v in doc.items():
        if pretty and isinstance(v, dict) and v and all(not isinstance(x, dict) for x in v.values()):
            later.append(f"\n[{_key(k)}]")
            later += [f"{_key(a)} = {toml_value(b)}" for a, b in v.items()]
        elif pretty and isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            for item in v:
                later.append(f"\n[[{_key(k)}]]")
                later += [f"{_key(a)} = {toml_value(b)}" for a, b in item.items()]
        else:
            lines.append(f"{_key(k)} = {toml_value(v)}")
    return "\n".join(lines + later) + "\n"


# ------------------------------------------------------------------------------------------ values
def nested(rng: random.Random, depth: int) -> Any:
    value: Any = rng.choice([1, "x", 1.5, True])
    for _ in range(depth):
        value = [value] if rng.random() < 0.5 else {"a": value}
    return value


def nasty_value(rng: random.Random) -> Any:
    """A value of the wrong type, or a number from the edges of the float and int ranges."""
    pick = rng.randrange(30)
    if pick == 0:
        return rng.choice([float("nan"), float("inf"), float("-inf")])
    if pick == 1:
        return rng.choice([1e308, -1e308, 1.7976931348623157e308, 5e-324, -5e-324, 1e-320, 2.2250738585072014e-308])
    if pick == 2:
        return rng.choice([10**30, -(10**30), 2**63, 2**63 - 1, -(2**63), 2**64, 10**100, 10**1000, 10**5000])
    if pick == 3:
        return rng.choice([0, -1, -0.0, 0.0, -1.5, 1, 2, 3])
    if pick == 4:
        return rng.choice([True, False])
    if pick == 5:
        return rng.choice(["", " ", "0", "1e3", "nan", "true", "laptop", "nginx", "vm"])
    if pick == 6:
        return "x" * rng.choice([199, 200, 201, 1999, 2000, 2001, 20_000])
    if pick == 7:
        return rng.choice(
            ["caf\u00e9 \u2603 \U0001f600", "\u202eevil", "a\u0000b", "\u001b[31mred", "line\nbreak", "\t"]
        )
    if pick == 8:
        return []
    if pick == 9:
        return {}
    if pick == 10:
        return [rng.choice([1, "nginx", 2.5, True]) for _ in range(rng.randrange(1, 6))]
    if pick == 11:
        return {rng.choice(["a", "at_s", "add", "preset", "x"]): rng.choice([1, "nginx"])}
    if pick == 12:
        return nested(rng, rng.choice([2, 10, 50, 150]))  # deeper nesting is written as text (NASTY_LINES)
    if pick == 13:
        return rng.choice(
            [
                dt.datetime(1979, 5, 27, 7, 32, tzinfo=dt.UTC),
                dt.datetime(2024, 1, 1, 0, 0),
                dt.date(2024, 2, 29),
                dt.time(12, 30, 15),
            ]
        )
    if pick == 14:
        return rng.choice(APPS + IMAGES + GUESTS + HOSTS + WORLDS)
    if pick == 15:
        return rng.choice(
            ["ngnix", "laptp", "ubuntu-24.4", "contaner", "nginx-", "nginx-x", "-1", "nginx-0", "hello-٣"]
        )
    if pick == 16:
        return rng.choice([1e6, 1e6 + 1, 1_000_000, 999_999.999, 100_000, 100_001, 4096, 4097, 512, 513, 65536])
    if pick == 17:
        return rng.choice([16, 15.999, 4 * 1024 * 1024, 4 * 1024 * 1024 + 1, 1 << 20, (1 << 20) + 1, 1 << 30])
    if pick == 18:
        return math.nextafter(rng.choice([0.0, 1.0, 16.0, 100.0]), rng.choice([-math.inf, math.inf]))
    if pick == 19:
        return rng.uniform(-1e6, 1e6)
    if pick == 20:
        return rng.randint(-(10**6), 10**6)
    if pick == 21:
        return float(f"1e{rng.randint(-330, 330)}")  # 0.0 and inf at the far ends
    return rng.choice([rng.random() * 10 ** rng.randint(-6, 6), rng.randint(0, 10), rng.choice(APPS)])


# A number from ``lo`` to ``hi``, mostly moderate, now and then exactly at an edge.
def _num(rng: random.Random, lo: float, hi: float, moderate: tuple[float, float], whole: bool = False, lo_open=False):
    r = rng.random()
    if r < 0.06:
        v: float = hi
    elif r < 0.10:
        v = (lo + 1 if whole else math.nextafter(lo, math.inf)) if lo_open else lo
    else:
        v = rng.uniform(*moderate)
    if whole:
        return int(v)
    return v if rng.random() < 0.7 else round(v)


def random_scenario(rng: random.Random) -> dict[str, Any]:
    """A random scenario that is valid most of the time (every key, within its range)."""
    doc: dict[str, Any] = {"name": rng.choice(["Random", "r" * rng.randint(1, 200), "Fuzz \u2603"])}
    if rng.random() < 0.5:
        doc["description"] = "d" * rng.randint(0, 300)
    if rng.random() < 0.7:
        doc["seed"] = rng.choice([0, 1, rng.randint(0, 1000), 2**63 - 1])
    if rng.random() < 0.8:
        doc["duration_s"] = _num(rng, 0, 1e6, (0.001, 600.0), lo_open=True)
    if rng.random() < 0.8:
        doc["worlds"] = rng.sample(WORLDS, rng.randint(1, 3))
    preset = rng.choice(HOSTS)
    if rng.random() < 0.8:
        host: dict[str, Any] = {"preset": preset}
        hp = CAT.hosts[preset]
        if rng.random() < 0.3:
            host["cpu_cores"] = _num(rng, 1, 4096, (1, 64), whole=True)
        if rng.random() < 0.3:
            floor = hp.host_os_memory_mib.value
            if rng.random() < 0.5:
                host["memory_mib"] = rng.uniform(floor + 1, floor + 8192) if rng.random() < 0.9 else 65536 * 1024
            else:
                host["memory_gib"] = rng.uniform(floor / 1024 + 0.01, 64.0) if rng.random() < 0.9 else 65536
        if rng.random() < 0.3:
            floor = hp.host_os_disk_mib.value / 1024
            host["disk_gib"] = rng.uniform(floor + 0.001, floor + 64) if rng.random() < 0.9 else 1 << 20
        doc["host"] = host
    if rng.random() < 0.7:
        vm: dict[str, Any] = {}
        for key, make in (
            ("guest_os", lambda: rng.choice(GUESTS)),
            ("memory_mib", lambda: _num(rng, 16, 4 * 1024 * 1024, (16, 8192))),
            ("vcpus", lambda: _num(rng, 1, 512, (1, 8), whole=True)),
            ("disk", lambda: rng.choice(["thin", "preallocated"])),
            ("clone", lambda: rng.choice(["copy", "linked"])),
            ("image_cached", lambda: rng.random() < 0.5),
            ("overcommit_ratio", lambda: _num(rng, 1, 100, (1, 4))),
            ("cpu_allocation_ratio", lambda: _num(rng, 0, 1000, (0.1, 4), lo_open=True)),
            ("ksm", lambda: rng.random() < 0.5),
        ):
            if rng.random() < 0.5:
                vm[key] = make()
        doc["vm"] = vm
    if rng.random() < 0.7:
        c: dict[str, Any] = {}
        if rng.random() < 0.5:
            c["registry_mbps"] = _num(rng, 0, 1_000_000, (1, 1000), lo_open=True)
        if rng.random() < 0.6:
            c["cached_images"] = rng.sample(APPS + IMAGES, rng.randint(0, 5))
        if rng.random() < 0.4:
            c["memory_limit_mib"] = _num(rng, 0, 1 << 30, (16, 4096), lo_open=True)
        doc["container"] = c
    if rng.random() < 0.5:
        m: dict[str, Any] = {}
        if rng.random() < 0.6:
            m["memory_mib"] = _num(rng, 16, 4 * 1024 * 1024, (16, 2048))
        if rng.random() < 0.4:
            m["vcpus"] = _num(rng, 1, 512, (1, 4), whole=True)
        if rng.random() < 0.4:
            m["overcommit_ratio"] = _num(rng, 1, 100, (1, 4))
        doc["microvm"] = m
    events = []
    for _ in range(rng.choice([0, 1, 2, 3, 5, 8, 15, 30])):
        at = rng.choice([0, 0, rng.uniform(0, 60), rng.uniform(0, 600), 1e6])
        verb = rng.random()
        app = rng.choice(APPS)
        if verb < 0.55:
            ev: dict[str, Any] = {"at_s": at, "add": app}
            if rng.random() < 0.6:
                ev["count"] = rng.choice([1, 2, 3, 5, 10, 40]) if rng.random() < 0.97 else 100_000
        elif verb < 0.75:
            ev = {"at_s": at, "grow": app, "memory_mib": _num(rng, 0, 1 << 30, (1, 4000), lo_open=True)}
        elif verb < 0.9:
            ev = {"at_s": at, "remove": f"{app}-{rng.randint(0, 12)}"}
        else:
            ev = {"at_s": at, "remove": app}
        events.append(ev)
    if events:
        doc["events"] = events
    if HAS_LESSON and rng.random() < 0.25:
        doc["lesson"] = [random_lesson_step(rng) for _ in range(rng.choice([1, 2, 5, 20]))]
    return doc


def random_lesson_step(rng: random.Random) -> dict[str, Any]:
    """One [[lesson]] step, valid most of the time."""

    def text() -> Any:
        if rng.random() < 0.3:
            return "Plain English text"
        t = {"en": "Step text " * rng.randint(1, 20)}
        if rng.random() < 0.5:
            t["ko"] = "\uac00\ub098\ub2e4 " * rng.randint(1, 10)
        return t

    step: dict[str, Any] = {"text": text()}
    if rng.random() < 0.4:
        step["title"] = text()
    if rng.random() < 0.2:
        step["ask"] = text()
    verb = rng.random()
    app = rng.choice(APPS)
    if verb < 0.3:
        step["add"] = app
        if rng.random() < 0.5:
            step["count"] = rng.randint(1, 20)
    elif verb < 0.4:
        step["grow"] = app
        step["memory_mib"] = rng.uniform(1, 2000)
    elif verb < 0.5:
        step["remove"] = rng.choice([app, f"{app}-1"])
    if rng.random() < 0.3:
        step["pause"] = rng.random() < 0.5
    if rng.random() < 0.3:
        step["worlds"] = rng.sample(WORLDS, rng.randint(1, 3))
    if LESSON_VIEWS and rng.random() < 0.3:
        step["view"] = rng.choice(LESSON_VIEWS)
    if LESSON_HIGHLIGHTS and rng.random() < 0.3:
        step["highlight"] = rng.choice(LESSON_HIGHLIGHTS)
    if rng.random() < 0.3:
        step["watch_s"] = _num(rng, 0, 3600, (0, 60))
    return step


# ------------------------------------------------------------------------------------------ document mutations
def _containers(doc: Any, path: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """Every table and array inside ``doc`` (not deeper than the schema goes), with its path."""
    yield path, doc
    if len(path) >= 3:
        return
    items = doc.items() if isinstance(doc, dict) else enumerate(doc) if isinstance(doc, list) else ()
    for k, v in items:
        if isinstance(v, (dict, list)):
            yield from _containers(v, (*path, k))


KNOWN_KEYS = [
    "name", "description", "seed", "duration_s", "worlds", "host", "vm", "container", "microvm", "events",
    "preset", "cpu_cores", "memory_gib", "memory_mib", "disk_gib", "guest_os", "vcpus", "disk", "clone",
    "image_cached", "overcommit_ratio", "cpu_allocation_ratio", "ksm", "registry_mbps", "cached_images",
    "memory_limit_mib", "at_s", "add", "count", "remove", "grow",
]  # fmt: skip
if HAS_LESSON:
    KNOWN_KEYS += ["lesson", "text", "title", "ask", "pause", "view", "highlight", "watch_s", "en", "ko"]


def _typo(rng: random.Random, key: str) -> str:
    if not key:
        return "x"
    i = rng.randrange(len(key))
    op = rng.randrange(4)
    if op == 0:
        return key[:i] + key[i + 1 :] or "k"
    if op == 1:
        return key[:i] + rng.choice(string.ascii_lowercase) + key[i:]
    if op == 2:
        return key.upper()
    return key + "_"


def mutate_doc(rng: random.Random, doc: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """One structural mutation of a parsed document; returns it (changed in place) and what was done."""
    spots = list(_containers(doc))
    path, where = rng.choice(spots)
    op = rng.randrange(10)
    if isinstance(where, dict):
        keys = list(where)
        if op <= 3 and keys:
            k = rng.choice(keys)
            where[k] = nasty_value(rng)
            return doc, f"set {path + (k,)} to a nasty value"
        if op == 4 and keys:
            k = rng.choice(keys)
            del where[k]
            return doc, f"deleted {path + (k,)}"
        if op == 5:
            k = rng.choice([_typo(rng, rng.choice(keys or KNOWN_KEYS)), rng.choice(KNOWN_KEYS), "x" * 300, "\u2603"])
            where[k] = nasty_value(rng) if rng.random() < 0.5 else rng.choice([1, "nginx", True])
            return doc, f"added key {k[:40]!r} at {path}"
        if op == 6 and keys:
            k = rng.choice(keys)
            where[_typo(rng, k)] = where.pop(k)
            return doc, f"misspelled {path + (k,)}"
        if op == 7 and keys:
            k = rng.choice(keys)
            where[k] = [where[k]] if rng.random() < 0.5 else {"value": where[k]}
            return doc, f"wrapped {path + (k,)}"
    if isinstance(where, list):
        if op <= 3 and where:
            i = rng.randrange(len(where))
            where[i] = nasty_value(rng)
            return doc, f"set {path + (i,)} to a nasty value"
        if op == 4 and where:
            where.pop(rng.randrange(len(where)))
            return doc, f"removed an item of {path}"
        if op == 5 and where:
            n = rng.choice([2, 10, 100, 201, 1000]) if rng.random() < 0.9 else rng.choice([9_999, 10_000, 10_001])
            where[:] = [copy.deepcopy(where[i % len(where)]) for i in range(n)]
            return doc, f"repeated {path} to {n} items"
        if op == 6:
            where.append(nasty_value(rng))
            return doc, f"appended to {path}"
    # Fall back to a top-level change.
    if rng.random() < 0.5:
        k = rng.choice(list(schema.TOP_KEYS))
        doc[k] = nasty_value(rng)
        return doc, f"set top-level {k}"
    k = rng.choice(list(doc) or ["name"])
    doc.pop(k, None)
    return doc, f"deleted top-level {k}"


# ------------------------------------------------------------------------------------------ byte mutations
NASTY_NUMBERS = [
    "nan", "+nan", "-nan", "inf", "+inf", "-inf", "1e308", "1e309", "-1e309", "1.7976931348623157e308",
    "5e-324", "1e-400", "-0", "-0.0", "+0", "0", "1_000_000_000_000_000_000_000_000_000_000",
    "9223372036854775807", "9223372036854775808", "-9223372036854775809", "0x7fffffffffffffff",
    "0xffffffffffffffffffff", "0o777", "0b1010", "1e6", "1000001", "100001", "4097", "513", "0.0000001",
    "99999999999999999999999999999999999999999999999999", "7" * 4301, "0x" + "f" * 3600,
    "1979-05-27T07:32:00Z", "07:32:00", "true", '"12"', "[]", "{}", "[1, 2]",
]  # fmt: skip

NASTY_LINES = [
    "seed = 1", "name = \"again\"", "[host]", "[vm]", "[[events]]", "[[events]]\nat_s = 0", "x =", "= 3",
    "[", "]]", "\"unterminated", "name = '''", "a.b.c = 1", "host.preset = \"laptop\"", "vm = 1",
    "events = []", "events = [1, 2]", "[events]", "[[host]]", "[name]", "worlds = [\"vm\", \"vm\"]",
    "\ufeffname = \"bom\"", "k = \"\\uD800\"", "k = \"\\u00\"", "k = \"\\x41\"", "k = 1979-13-45",
    "# just a comment", "", "key = \"" + "y" * 5000 + "\"", "[" + ".".join(["t"] * 200) + "]",
    ".".join(["d"] * 300) + " = 1", '"q".' + ".".join(["d"] * 300) + " = 1",
    "inl = {" + ".".join(["e"] * 300) + " = 1}", '["q".' + ".".join(["t"] * 300) + "]",
    "arr = " + "[" * 100 + "]" * 100, "inl = " + "{a=" * 60 + "1" + "}" * 60,
]  # fmt: skip

INVALID_UTF8 = [b"\xff", b"\xfe\xff", b"\xc3\x28", b"\xa0\xa1", b"\xe2\x28\xa1", b"\xf0\x28\x8c\x28", b"\xc0\xaf",
                b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\x80"]  # fmt: skip


def _number_spans(text: bytes) -> list[tuple[int, int]]:
    spans = []
    i = 0
    digits = b"0123456789.-+e_"
    while i < len(text):
        if text[i : i + 1].isdigit() and (i == 0 or text[i - 1 : i] in b" =[,"):
            j = i
            while j < len(text) and text[j] in digits:
                j += 1
            spans.append((i, j))
            i = j
        else:
            i += 1
    return spans


def mutate_bytes(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """One byte-level mutation."""
    op = rng.randrange(14)
    lines = data.split(b"\n")
    if op == 0 and data:
        cut = rng.randrange(len(data))
        return data[:cut], f"truncated at byte {cut}"
    if op == 1 and len(lines) > 1:
        i = rng.randrange(len(lines))
        return b"\n".join(lines[:i] + lines[i + 1 :]), f"deleted line {i + 1}"
    if op == 2:
        i = rng.randrange(len(lines))
        return b"\n".join(lines[: i + 1] + [lines[i]] + lines[i + 1 :]), f"duplicated line {i + 1}"
    if op == 3 and len(lines) > 1:
        i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
        return b"\n".join(lines), f"swapped lines {i + 1} and {j + 1}"
    if op == 4:
        i = rng.randrange(len(lines) + 1)
        extra = rng.choice(NASTY_LINES).encode()
        return b"\n".join(lines[:i] + [extra] + lines[i:]), f"inserted a nasty line at {i + 1}"
    if op == 5:
        pos = rng.randrange(len(data) + 1)
        bad = rng.choice(INVALID_UTF8)
        return data[:pos] + bad + data[pos:], f"inserted invalid UTF-8 {bad!r} at byte {pos}"
    if op == 6 and data:
        b = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        return bytes(b), "flipped random bytes"
    if op == 7:
        pos = rng.randrange(len(data) + 1)
        junk = bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
        return data[:pos] + junk + data[pos:], f"inserted {len(junk)} random bytes at {pos}"
    if op == 8:
        spans = _number_spans(data)
        if spans:
            a, b = rng.choice(spans)
            new = rng.choice(NASTY_NUMBERS).encode()
            return data[:a] + new + data[b:], f"number at byte {a} -> {new[:30]!r}"
    if op == 9:
        return data.replace(b"\n", rng.choice([b"\r\n", b"\r", b"\n\n", b" \n", b"\t\n"])), "changed line endings"
    if op == 10:
        return rng.choice([b"\xef\xbb\xbf", b"\x00", b"\xff\xfe", b"  ", b"\t"]) + data, "prefixed a BOM or junk"
    if op == 11:
        pos = rng.randrange(len(data) + 1)
        return data[:pos] + b"\x00" * rng.randint(1, 4) + data[pos:], f"NUL bytes at {pos}"
    if op == 12:
        return data + rng.choice(NASTY_LINES).encode() + b"\n", "appended a nasty line"
    return data.replace(b'"', b"'", rng.randint(1, 3)), "swapped quote styles"


# ------------------------------------------------------------------------------------------ whole files
def special_file(rng: random.Random) -> tuple[bytes, str]:
    """Files that are nothing like a scenario."""
    op = rng.randrange(12)
    if op == 0:
        return b"", "empty file"
    if op == 1:
        return b"\n".join(b"# comment %d" % i for i in range(rng.randint(1, 50))), "comments only"
    if op == 2:
        return rng.choice([b"   ", b"\n\n\n", b"\t\r\n", b"\xef\xbb\xbf"]), "whitespace or BOM only"
    if op == 3:
        return bytes(rng.randrange(256) for _ in range(rng.choice([1, 16, 512, 4096]))), "binary garbage"
    if op == 4:
        return "".join(rng.choice(string.printable) for _ in range(rng.randint(1, 2000))).encode(), "printable garbage"
    if op == 5:
        n = rng.choice([MAX_FILE_BYTES - 1, MAX_FILE_BYTES, MAX_FILE_BYTES + 1])
        head = b'name = "big"\n#'
        return head + b"x" * (n - len(head) - 1) + b"\n", f"a file of {n} bytes"
    if op == 6:
        body = 'name = "deep"\nseed = ' + "[" * rng.choice([10, 300, 600, 5000]) + "]" * 10
        return body.encode(), "unbalanced deep array"
    if op == 7:
        return to_toml(
            {"name": "x", "events": [{"at_s": i, "add": "hello"} for i in range(rng.choice([500, 10_001]))]}
        ).encode(), "many events"
    if op == 8:
        return ('name = "' + "\u00e9" * rng.choice([100, 300_000]) + '"\n').encode(), "a very long string"
    if op == 9:
        return b'name = "x"\nname = "y"\n', "duplicate key"
    if op == 10:
        return b'name = "x"\n[host]\npreset = "laptop"\n[host]\ncpu_cores = 2\n', "duplicate table"
    depth = rng.choice([50, 200, 400])
    return ("[" + ".".join(["name"] + ["a"] * depth) + "]\n").encode(), f"table nested {depth} deep"


@dataclass(frozen=True)
class Case:
    index: int
    data: bytes
    how: str

    def describe(self) -> str:
        return f"case {self.index} (VMSIM_FUZZ_SEED={BASE_SEED}): {self.how}"


def make_case(index: int, seed: int | None = None) -> Case:
    """Case ``index`` of the scenario-file fuzzer: reproducible from (seed, index) alone."""
    rng = random.Random(f"{BASE_SEED if seed is None else seed}:{index}")
    kind = rng.random()
    if kind < 0.08:
        data, how = special_file(rng)
        return Case(index, data, how)
    if kind < 0.45:
        name = rng.choice(sorted(SHIPPED))
        import tomllib

        doc = tomllib.loads(SHIPPED[name].decode())
        how = [f"shipped {name}"]
    else:
        doc = random_scenario(rng)
        how = ["random scenario"]
    for _ in range(rng.choice([0, 0, 1, 1, 1, 2, 3])):
        doc, what = mutate_doc(rng, doc)
        how.append(what)
    data = to_toml(doc, pretty=rng.random() < 0.7).encode()
    for _ in range(rng.choice([0, 0, 0, 0, 1, 1, 2])):
        data, what = mutate_bytes(rng, data)
        how.append(what)
    return Case(index, data, "; ".join(how))


# ------------------------------------------------------------------------------------------ contract
class CaseTimeout(Exception):
    """A single case ran past CASE_TIMEOUT_S."""


@contextmanager
def deadline(seconds: float):
    """Raise CaseTimeout in this (main) thread after ``seconds`` of wall time."""

    def fire(signum, frame):  # pragma: no cover - only on a hang
        raise CaseTimeout(f"still running after {seconds:g} s")

    old = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def strict_json(text: str) -> Any:
    """Parse JSON as a strict parser would: NaN and Infinity are not JSON."""

    def refuse(name: str) -> Any:
        raise ValueError(f"not JSON: {name}")

    return json.loads(text, parse_constant=refuse)


def within_budget(spec):
    """The spec with its add events cut at INSTANCE_BUDGET instance-worlds (and whether it was cut)."""
    total = 0
    kept = []
    cut = False
    for ev in spec.events:
        if ev.verb == "add_workload" and ev.at_s <= spec.duration_s:
            total += int(ev.args[1]) * len(spec.worlds)  # type: ignore[call-overload]
            if total > INSTANCE_BUDGET:
                cut = True
                continue
        kept.append(ev)
    return (spec._replace(events=tuple(kept)) if cut else spec), cut


def checkpoints(spec, most: int = 24) -> list[float]:
    """Moments to stop and check the books: right after each event time, at quarters of the
    duration, and at the end (the first ``most`` of them, then the end)."""
    d = spec.duration_s
    times = sorted({ev.at_s for ev in spec.events if ev.at_s < d} | {d * k / 4 for k in (1, 2, 3)})
    return [*times[:most], d]


@dataclass
class Outcome:
    kind: str  # "error" (a ScenarioError from the loader), "refused-at-build" (from build_simulation), "ran", "ran-cut"
    detail: str = ""


CONTROL = {chr(c) for c in range(32) if chr(c) != "\n"} | {"\x7f"}


def check_error_message(exc: ScenarioError, source: str) -> None:
    """A ScenarioError's text: every line names the file, and nothing from the file reaches the
    terminal raw (a control character in a key could break lines or inject escape sequences)."""
    message = str(exc)
    assert exc.problems, f"a ScenarioError without problems: {message!r}"
    assert exc.source == source, f"the error names {exc.source!r}, not the file {source!r}"
    raw = sorted({c for c in message if c in CONTROL})
    assert not raw, f"control characters {raw!r} in the message: {message[:300]!r}"
    for line in message.split("\n"):
        assert line.startswith(source + ": "), f"a line of the message does not name the file: {line[:200]!r}"
    assert "Traceback" not in message


def check_file(path: Path) -> Outcome:
    """The contract for one scenario file, in process: a ScenarioError naming the file, or a spec that
    builds and runs with its books balanced, and renders to strict JSON, CSV and a table.

    Any other exception propagates (the caller records it with the case that caused it)."""
    source = str(path)
    try:
        spec = load_scenario(source)
    except ScenarioError as exc:
        check_error_message(exc, source)
        return Outcome("error", exc.problems[0][:120])
    spec, cut = within_budget(spec)
    try:
        sim = build_simulation(spec)
    except ScenarioError as exc:
        # Allowed (a clear error, exit 2), but `vmsim validate` said ok: see
        # test_regression_validate_refuses_what_run_refuses.
        check_error_message(exc, source)
        return Outcome("refused-at-build", exc.problems[0][:120])
    sim.check_invariants()
    for t in checkpoints(spec):
        sim.run_until(t)
        sim.check_invariants()
    snap = sim.snapshot()
    assert snap.time_s == spec.duration_s
    strict_json(formats.render_json(snap))
    formats.render_csv(snap)
    result_tables.render_table(snap)
    result_tables.render_table(snap, lang="ko")
    return Outcome("ran-cut" if cut else "ran")


def failure_signature(exc: BaseException) -> str:
    """Where an exception came from: its type and the innermost vmsim (or stdlib) frame."""
    tb = exc.__traceback__
    frames = []
    while tb is not None:
        frames.append(tb.tb_frame.f_code.co_filename + ":" + str(tb.tb_lineno))
        tb = tb.tb_next
    inner = [f for f in frames if "/vmsim/" in f and "/tests/" not in f] or frames or ["?"]
    here = inner[-1]
    short = here[here.find("vmsim/") :] if "vmsim/" in here else os.path.basename(here)
    return f"{type(exc).__name__} at {short}"


def run_cases(indices: range, folder: Path, check: Callable[[Path], Outcome] = check_file) -> dict[str, Any]:
    """Write and check every case; collect outcomes and failures (grouped by signature, first case kept)."""
    stats: dict[str, int] = {}
    failures: dict[str, tuple[Case, str]] = {}
    failure_counts: dict[str, int] = {}
    start = time.perf_counter()
    for i in indices:
        case = make_case(i)
        path = folder / f"case-{i}.toml"
        path.write_bytes(case.data)
        try:
            with deadline(CASE_TIMEOUT_S):
                outcome = check(path)
            stats[outcome.kind] = stats.get(outcome.kind, 0) + 1
        except (Exception, RecursionError) as exc:  # noqa: B014 - RecursionError named for the reader
            sig = failure_signature(exc)
            failure_counts[sig] = failure_counts.get(sig, 0) + 1
            failures.setdefault(sig, (case, f"{type(exc).__name__}: {str(exc)[:300]}"))
        finally:
            path.unlink(missing_ok=True)
    return {
        "stats": stats,
        "failures": failures,
        "failure_counts": failure_counts,
        "seconds": time.perf_counter() - start,
    }


#: Worker processes for the CPU-heavy parts (the CI machine has 2 cores).
WORKERS = max(1, int(os.environ.get("VMSIM_ROBUSTNESS_WORKERS", str(min(2, os.cpu_count() or 1)))))


def in_parallel(fn: Callable[[Any], Any], chunks: list[Any]) -> list[Any]:
    """``fn(chunk)`` for every chunk, in WORKERS forked processes (in this one when WORKERS is 1)."""
    if WORKERS == 1 or len(chunks) == 1:
        return [fn(c) for c in chunks]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=WORKERS, mp_context=context) as pool:
        return list(pool.map(fn, chunks))


def run_cases_parallel(indices: range, folder: Path) -> dict[str, Any]:
    """run_cases over ``indices``, split across WORKERS processes; the results merged."""
    step = indices.step * WORKERS
    parts = [range(indices.start + k * indices.step, indices.stop, step) for k in range(WORKERS)]
    start = time.perf_counter()
    merged: dict[str, Any] = {"stats": {}, "failures": {}, "failure_counts": {}}
    for part in in_parallel(functools.partial(run_cases, folder=folder), parts):
        for key in ("stats", "failure_counts"):
            for k, v in part[key].items():
                merged[key][k] = merged[key].get(k, 0) + v
        for sig, first in part["failures"].items():
            if sig not in merged["failures"] or first[0].index < merged["failures"][sig][0].index:
                merged["failures"][sig] = first
    merged["seconds"] = time.perf_counter() - start
    return merged


def report(result: dict[str, Any]) -> str:
    lines = [f"{sum(result['failure_counts'].values())} failing cases, {len(result['failures'])} distinct causes:"]
    for sig, (case, msg) in result["failures"].items():
        lines.append(f"- {sig} x{result['failure_counts'][sig]}; first: {case.describe()}")
        lines.append(f"    {msg}")
        lines.append(f"    input (first 300 bytes): {case.data[:300]!r}")
    lines.append(
        "Reproduce one: python tests/robustness/robustness_support.py case N > case.toml && "
        "python -m vmsim validate case.toml"
    )
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover - a by-hand helper
    if len(sys.argv) == 3 and sys.argv[1] == "case":
        c = make_case(int(sys.argv[2]))
        print(c.describe(), file=sys.stderr)
        sys.stdout.buffer.write(c.data)
    else:
        print("usage: robustness_support.py case N  (writes fuzz case N to stdout)", file=sys.stderr)
        raise SystemExit(2)
