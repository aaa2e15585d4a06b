"""Render snapshots and fit results as text tables, JSON or CSV (for the headless CLI)."""

from __future__ import annotations

import csv
import io
import json
import statistics
from collections.abc import Callable, Sequence
from typing import TextIO

from vmsim.engine.admission import FitResult
from vmsim.engine.catalog import Catalog, unit_of
from vmsim.engine.snapshot import MEMORY_CATEGORIES, SimulationSnapshot, WorldSnapshot
from vmsim.output.words import ENGLISH, count_text, fmt_mib, reason_text

CATEGORY_LABELS = {
    "host_os": "host OS",
    "hypervisor": "hypervisor",
    "guest_kernel": "guest kernels",
    "guest_services": "guest services",
    "guest_page_cache": "guest page cache",
    "apps": "apps",
    "runtime": "container runtime (once per host)",
    "shims": "shims (one per container or microVM)",
    "shared_pages": "shared pages",
    "reserved_idle": "reserved, untouched",
    "base_images": "guest OS images",
    "vm_disks": "VM disks",
    "image_layers": "image layers",
    "writable_layers": "writable layers",
}

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


def table(rows: Sequence[Sequence[str]], align: str = "") -> str:
    """A plain text table; ``align`` gives 'l' or 'r' per column (default: left, numbers right)."""
    if not rows:
        return ""
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    out = []
    for n, row in enumerate(rows):
        cells = []
        for i, cell in enumerate(row):
            a = align[i] if i < len(align) else "l"
            cells.append(str(cell).rjust(widths[i]) if a == "r" else str(cell).ljust(widths[i]))
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


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


def render_table(snap: SimulationSnapshot, phases: bool = True, max_instances: int = 40) -> str:
    """The human-readable result of a run."""
    h = snap.host
    lines = [
        f"{snap.scenario} — seed {snap.seed}, t = {snap.time_s:.2f} s",
        f"host: {h.label} ({count_text(h.cpu_cores, 'core', 'cores')}, {fmt_mib(h.memory_mib)} memory, "
        f"{fmt_mib(h.disk_mib)} disk)",
        "",
    ]
    head = ["", *[w.label for w in snap.worlds]]
    rows: list[list[str]] = [head]
    summaries = [world_summary(w) for w in snap.worlds]
    rows.append(
        [
            "instances ready",
            *[f"{s['ready']:,} of {len(w.instances):,}" for s, w in zip(summaries, snap.worlds, strict=True)],
        ]
    )
    for state in ("booting", "failed", "killed", "stopped"):
        if any(w.count(state) for w in snap.worlds):
            rows.append([f"  {state}", *[str(w.count(state)) for w in snap.worlds]])
    rows.append(["median time to ready", *[_secs(s["median_ready_s"]) for s in summaries]])  # type: ignore[arg-type]
    rows.append(["max time to ready", *[_secs(s["max_ready_s"]) for s in summaries]])  # type: ignore[arg-type]
    rows.append(
        [
            "memory committed",
            *[f"{fmt_mib(w.memory.total_mib)} of {fmt_mib(w.memory.capacity_mib)}" for w in snap.worlds],
        ]
    )
    for cat in MEMORY_CATEGORIES:
        if any(w.memory.get(cat) > 0 for w in snap.worlds):
            rows.append([f"  {CATEGORY_LABELS[cat]}", *[fmt_mib(w.memory.get(cat)) for w in snap.worlds]])
    rows.append(["memory touched", *[fmt_mib(w.memory_touched_mib) for w in snap.worlds]])
    rows.append(["disk used", *[fmt_mib(w.disk.total_mib) for w in snap.worlds]])
    for cat, _ in snap.worlds[0].disk.by_category:
        if any(w.disk.get(cat) > 0 for w in snap.worlds):
            rows.append([f"  {CATEGORY_LABELS[cat]}", *[fmt_mib(w.disk.get(cat)) for w in snap.worlds]])
    lines.append(table(rows, "l" + "r" * len(snap.worlds)))
    if phases:
        for w in snap.worlds:
            lines += ["", f"{w.label}:"]
            names: list[str] = []
            for inst in w.instances[:max_instances]:
                for p in inst.phases:
                    if p.name not in names:
                        names.append(p.name)
            prow = [["instance", "state", *names, "ready"]]
            for inst in w.instances[:max_instances]:
                dur = {p.name: (p.end_s - p.start_s) if p.end_s is not None else None for p in inst.phases}
                cells = [f"{dur[n]:.2f}" if dur.get(n) is not None else ("…" if n in dur else "") for n in names]
                prow.append([inst.id, inst.state, *cells, _secs(inst.boot_s)])
            lines.append(table(prow, "ll" + "r" * (len(names) + 1)))
            if len(w.instances) > max_instances:
                lines.append(f"… and {len(w.instances) - max_instances} more (use --format json or csv for all)")
            for inst in w.instances[:max_instances]:
                if inst.reason:
                    lines.append(f"  {inst.id}: {reason_text(inst.reason)}")
    return "\n".join(lines) + "\n"


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


def render_fit_hosts(
    app: str, host_label: str, fits: dict[str, list[tuple[str, FitResult]]], fmt: str, scenario: str | None = None
) -> str:
    """``vmsim fit --hosts N`` (or on a scenario's hosts): how many fit across the hosts, and what runs out first
    on each."""
    if fmt == "json":
        worlds = {
            name: {
                "max_instances": sum(f.max_instances for _, f in per_host),
                "hosts": [{"name": host, **f.as_dict()} for host, f in per_host],
            }
            for name, per_host in fits.items()
        }
        data: dict[str, object] = {"app": app, "host": host_label, "hosts": _host_count(fits), "worlds": worlds}
        return json.dumps(_with_scenario(data, scenario), indent=2) + "\n"
    rows = [["world", "fit", "runs out first on each host"]]
    for name, per_host in fits.items():
        total = sum(f.max_instances for _, f in per_host)
        by: dict[str, list[str]] = {}
        for host, f in per_host:
            by.setdefault(f"{f.limited_by} at {f.max_instances:,}", []).append(host)
        first = "; ".join(f"{what} ({_hosts_text(hosts)})" for what, hosts in by.items())
        rows.append([name, f"{total:,}", first])
    n = _host_count(fits)
    on = f"{n:,} {'host' if n == 1 else 'hosts'} ({host_label})"
    return f"How many {app} fit on {on}{_in_scenario(scenario)}:\n" + table(rows, "lrl") + "\n"


def _with_scenario(data: dict[str, object], scenario: str | None) -> dict[str, object]:
    """``vmsim fit``'s JSON, naming the scenario it was asked in (first after the app), if any."""
    if scenario is None:
        return data
    return {"app": data["app"], "scenario": scenario, **data}


def _in_scenario(scenario: str | None) -> str:
    return "" if scenario is None else f" in the scenario {scenario!r}, before its events"


def _host_count(fits: dict[str, list[tuple[str, FitResult]]]) -> int:
    return max((len(per_host) for per_host in fits.values()), default=0)


def _hosts_text(hosts: list[str]) -> str:
    """Host names, or the first and last of a long run: host-1 … host-100 (100 hosts)."""
    if len(hosts) <= 3:
        return ", ".join(hosts)
    return f"{hosts[0]} … {hosts[-1]}, {len(hosts):,} hosts"


def render_fit(app: str, host_label: str, fits: dict[str, FitResult], fmt: str, scenario: str | None = None) -> str:
    """``vmsim fit`` output."""
    if fmt == "json":
        data: dict[str, object] = {"app": app, "host": host_label, "worlds": {k: v.as_dict() for k, v in fits.items()}}
        return json.dumps(_with_scenario(data, scenario), indent=2) + "\n"
    rows = [["world", "fit", "runs out first", "then", "each needs"]]
    for name, fit in fits.items():
        each = ", ".join(_need(k, v) for k, v in fit.per_instance)
        others = sorted((n, k) for k, n in fit.limits if k != fit.limited_by)
        then = f"{others[0][1]} at {others[0][0]:,}" if others else ""
        rows.append([name, f"{fit.max_instances:,}", fit.limited_by, then, each])
    notes = [FIT_NOTES[by] for by in dict.fromkeys(f.limited_by for f in fits.values()) if by in FIT_NOTES]
    head = f"How many {app} fit on {host_label}{_in_scenario(scenario)}:\n"
    return head + table(rows, "lrlll") + "\n" + "".join(f"{n}\n" for n in notes)


def _need(key: str, value: float) -> str:
    """One thing an instance needs, in words: '2,078 MiB memory', '0.0021 CPU cores' (not '0.00208692 cpu_cores')."""
    if key.endswith("_mib"):
        return f"{fmt_mib(value)} {key.removesuffix('_mib')}"
    if key == "cpu_cores":
        return f"{plain(float(f'{value:.2g}'))} CPU cores"
    return f"{value:g} {key}"


# What a binding limit means, printed under `vmsim fit`'s table.
FIT_NOTES = {
    "network": "network: one Docker bridge network attaches at most 1,023 containers (a Linux bridge has 1,024 ports, "
    "one reserved); container.networks in a scenario spreads them over more networks.",
    "allocation": "allocation: the VM's memory cannot hold its guest OS and the app.",
    "nesting": "nesting: the host is itself a cloud VM whose type does not allow VMs inside it (on AWS only C8i, M8i, "
    "R8i and metal instances do); try --host cloud-nested.",
}


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
