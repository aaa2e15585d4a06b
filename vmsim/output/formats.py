"""Render snapshots and fit results as text tables, JSON or CSV (for the headless CLI)."""

from __future__ import annotations

import csv
import io
import json
import re
import statistics
import unicodedata
from collections.abc import Callable, Sequence
from typing import TextIO

from vmsim.engine.admission import FitResult
from vmsim.engine.catalog import Catalog, unit_of
from vmsim.engine.snapshot import SimulationSnapshot, WorldSnapshot
from vmsim.output.words import ENGLISH, reason_text

INDENT_MAX_INSTANCES = 600

CSV_COLUMNS = (
    "world",
    "id",
    "app",
    "state",
    "added_s",
    "ready_s",
    "boot_s",
    "memory_mib",
    "disk_mib",
    "phases",
    "reason",
    "host",
)


def columns(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide (Hangul, CJK) characters take two."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


_UNIT = re.compile(r"(?:[KMGT]i?B|ms|µs|s|%|vCPUs?|cores?|CPU)(?![A-Za-z0-9])")


def wrap(text: str, width: int, sep: str | None = None) -> list[str]:
    """``text`` broken at spaces (or at ``sep``, kept between the parts of a line) into lines of at most
    ``width`` terminal columns (a longer word stands alone)."""
    lines: list[str] = []
    line = ""
    joiner = " " if sep is None else sep
    words = text.split(sep)
    if sep is None:  # a figure and its unit stay on one line: '34 MiB', never '34' / 'MiB'
        glued: list[str] = []
        for word in words:
            if glued and glued[-1][-1:].isdigit() and _UNIT.match(word):
                glued[-1] += " " + word
            else:
                glued.append(word)
        words = glued
    for word in words:
        candidate = f"{line}{joiner}{word}" if line else word
        if line and columns(candidate) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line:
        lines.append(line)
    return lines


def table(rows: Sequence[Sequence[str]], align: str = "") -> str:
    """A plain text table; ``align`` gives 'l' or 'r' per column (default: left, numbers right)."""
    if not rows:
        return ""
    widths = [max(columns(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    out = []
    for n, row in enumerate(rows):
        cells = []
        for i, cell in enumerate(row):
            a = align[i] if i < len(align) else "l"
            pad = " " * (widths[i] - columns(str(cell)))
            cells.append(pad + str(cell) if a == "r" else str(cell) + pad)
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def fitted_table(rows: Sequence[Sequence[str]], align: str, width: int | None, keys: int = 1) -> str:
    """:func:`table`, or, when it is wider than ``width`` terminal columns, the same table cut into blocks of
    columns one under another, each repeating the first ``keys`` columns (as a wide data frame is printed), so a
    line never wraps on an 80-column terminal. ``width`` None: one table, however wide (a file, a pipe)."""
    whole = table(rows, align)
    if width is None or not rows or max(map(columns, whole.splitlines())) <= width:
        return whole
    widths = [max(columns(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    base = sum(widths[:keys]) + 2 * keys

    def cut(limit: int) -> list[list[int]]:  # columns in order, as many to a block as fit in ``limit``
        blocks: list[list[int]] = [[]]
        used = base
        for i in range(keys, len(widths)):
            if blocks[-1] and used + widths[i] > limit:
                blocks.append([])
                used = base
            blocks[-1].append(i)
            used += widths[i] + 2
        return blocks

    blocks = cut(width)
    limit = width  # as few blocks as fit, made as even as they can be (not a last one holding one column)
    while limit > base and len(cut(limit - 1)) == len(blocks):
        limit -= 1
    blocks = cut(limit)
    out = []
    for block in blocks:
        chosen = [*range(keys), *block]
        part = [[row[i] for i in chosen] for row in rows]
        out.append(table(part, "".join(align[i] if i < len(align) else "l" for i in chosen)))
    return "\n\n".join(out)


def _secs(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f} s"


def world_summary(w: WorldSnapshot) -> dict[str, object]:
    """Ready count and median/max time to ready of a world."""
    boots = [i.boot_s for i in w.instances if i.boot_s is not None]
    return {
        "ready": w.count("running"),
        "median_ready_s": statistics.median(boots) if boots else None,
        "max_ready_s": max(boots) if boots else None,
    }


def render_json(snap: SimulationSnapshot) -> str:
    """The documented JSON contract (docs/json.md) as one string: :func:`write_json`'s pieces joined."""
    pieces: list[str] = []
    _write_json(snap, pieces.append)
    return "".join(pieces)


def write_json(snap: SimulationSnapshot, fp: TextIO) -> None:
    """Write the documented JSON contract (docs/json.md) to the text file ``fp`` in pieces, so a large run's
    document never exists whole in memory; the same bytes as :func:`render_json`."""
    _write_json(snap, fp.write)


def _write_json(snap: SimulationSnapshot, write: Callable[[str], object]) -> None:
    # Indented for reading up to a few hundred instances; compact above that, where the pure-Python
    # indenting encoder would cost more than the whole simulation, written straight from the snapshot.
    n = sum(len(w.instances) for w in snap.worlds)
    if n > INDENT_MAX_INSTANCES:
        from vmsim.output.json_fast import write_compact

        write_compact(snap, ENGLISH, _summary, write)
        return
    data = snap.as_dict(ENGLISH)
    for w in snap.worlds:
        data["worlds"][w.name]["summary"] = world_summary(w)  # type: ignore[index]
    write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def _summary(w: WorldSnapshot) -> dict[str, object]:
    return {"summary": world_summary(w)}


def render_csv(snap: SimulationSnapshot) -> str:
    """One row per instance per world; ``phases`` is name=seconds pairs joined by ';'."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for w in snap.worlds:
        for i in w.instances:
            phases = ";".join(f"{p.name}={(p.end_s - p.start_s):.6f}" for p in i.phases if p.end_s is not None)
            writer.writerow(
                [
                    w.name,
                    i.id,
                    i.app,
                    i.state,
                    f"{i.added_s:.6f}",
                    "" if i.ready_s is None else f"{i.ready_s:.6f}",
                    "" if i.boot_s is None else f"{i.boot_s:.6f}",
                    f"{i.memory_mib:.3f}",
                    f"{i.disk_mib:.3f}",
                    phases,
                    reason_text(i.reason) or "",
                    i.host or "",
                ]
            )
    return buf.getvalue()


def fit_json(app: str, host_label: str, fits: dict[str, FitResult], scenario: str | None = None) -> str:
    """``vmsim fit --format json``."""
    data: dict[str, object] = {"app": app, "host": host_label, "worlds": {k: v.as_dict() for k, v in fits.items()}}
    return json.dumps(_with_scenario(data, scenario), indent=2) + "\n"


def fit_hosts_json(
    app: str, host_label: str, fits: dict[str, list[tuple[str, FitResult]]], scenario: str | None = None
) -> str:
    """``vmsim fit --hosts N --format json`` (or on a scenario's hosts)."""
    worlds = {
        name: {
            "max_instances": sum(f.max_instances for _, f in per_host),
            "hosts": [{"name": host, **f.as_dict()} for host, f in per_host],
        }
        for name, per_host in fits.items()
    }
    hosts = max((len(per_host) for per_host in fits.values()), default=0)
    data: dict[str, object] = {"app": app, "host": host_label, "hosts": hosts, "worlds": worlds}
    return json.dumps(_with_scenario(data, scenario), indent=2) + "\n"


def _with_scenario(data: dict[str, object], scenario: str | None) -> dict[str, object]:
    """``vmsim fit``'s JSON, naming the scenario it was asked in (first after the app), if any."""
    if scenario is None:
        return data
    return {"app": data["app"], "scenario": scenario, **data}


def plain(x: float) -> str:
    """A catalog figure as a student reads it, without an exponent: 2097152, not 2.09715e+06; 0.00004, not 4e-05."""
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    text = f"{x:g}"
    if "e" in text:  # (every figure has at most a few significant digits: ten places lose none of them)
        text = f"{x:.10f}".rstrip("0").rstrip(".")
    return text


def _range_text(low: float, high: float) -> str:
    return plain(low) if low == high else f"{plain(low)}–{plain(high)}"


def render_catalog(catalog: Catalog, fmt: str) -> str:
    """Every figure with its value, unit, range, kind (and formula when derived) and source."""
    figs = catalog.figures()
    if fmt == "json":
        rows_json = []
        for n, f in figs:
            low, high = f.range
            row: dict[str, object] = {
                "name": n,
                "value": f.value,
                "unit": unit_of(n),
                "low": low,
                "high": high,
                "kind": f.kind,
                "source": f.source,
                "note": f.note,
            }
            if f.formula:
                row["formula"] = f.formula
            rows_json.append(row)
        return json.dumps({"figures": rows_json, "sources": catalog.sources}, indent=2, ensure_ascii=False) + "\n"
    rows = [["figure", "value", "unit", "range", "kind", "source", "note"]]
    for name, f in figs:
        source = "modelling choice" if f.source == "MODEL" else f.source
        note = f"= {f.formula}; {f.note}" if f.formula else f.note
        rows.append([name, plain(f.value), unit_of(name), _range_text(*f.range), f.kind, source, note])
    src = "\n".join(f"  [{k}] {v}" for k, v in catalog.sources.items())
    legend = (
        "kind: measured = the source states the value; derived = computed from stated figures (= formula); "
        "choice = a modelling choice (no source states it)"
    )
    return table(rows, "lrlrlll") + "\n\n" + legend + "\n\nSources:\n" + src + "\n"
