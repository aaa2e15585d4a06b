"""What a report contains, computed from a run: the snapshot, the recorded lines, the facts and the rows.

Everything here is plain data and plain text (no markup): :mod:`vmsim.output.report_html` and
:mod:`vmsim.output.svg_charts` turn it into the page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from vmsim.engine.events import WorldEvent
from vmsim.engine.snapshot import MEMORY_CATEGORIES, InstanceSnapshot, SimulationSnapshot, WorldSnapshot
from vmsim.output.formats import world_summary
from vmsim.output.result_tables import category_label, host_words, word
from vmsim.output.words import count_text, fmt_mib, fmt_mib_compact, reason_text
from vmsim.text import tr

MAX_TIMELINE_ROWS = 25  # per world: more bars than this are unreadable; the table has them all
MAX_TABLE_ROWS = 1000  # instances per world in the instance table
MAX_EVENTS = 2000


class RecordedSeries(Protocol):
    """A series the engine recorded (vmsim.engine.metrics.Series): its points as (times, values)."""

    def points(self) -> tuple[tuple[float, ...], tuple[float, ...]]: ...


@dataclass(frozen=True)
class Line:
    """One world's step line for a chart."""

    world: str
    label: str
    times: tuple[float, ...]
    values: tuple[float, ...]


@dataclass(frozen=True)
class TableRow:
    """One row of a table: a heading cell and the value cells (already formatted), and a style class."""

    label: str
    cells: tuple[str, ...]
    cls: str = ""


@dataclass(frozen=True)
class TimelineRow:
    """One row of the boot timeline: a world heading, 'no instances', one instance, or a group of instances
    that never started for the same reason."""

    kind: str  # world | empty | inst | group
    world: WorldSnapshot
    instances: tuple[InstanceSnapshot, ...] = ()


@dataclass(frozen=True)
class TimelineRows:
    """The timeline's rows, the instances drawn as bars, and a note per world that had more than fit."""

    rows: tuple[TimelineRow, ...]
    drawn: tuple[InstanceSnapshot, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class ReportData:
    """Everything a report shows, for one run at the moment it stopped."""

    snapshot: SimulationSnapshot
    memory_lines: tuple[Line, ...]
    ready_lines: tuple[Line, ...]
    description: str = ""
    source: str = ""
    command: str = ""
    lang: str = "en"
    title: str = ""  # the scenario's name in ``lang`` (the snapshot's, in English, when empty)

    @property
    def facts(self) -> list[tuple[str, str]]:
        """(label, text) about the run: host, worlds, seed, simulated time and the scenario file."""
        snap, lang = self.snapshot, self.lang
        h = snap.host
        host_name = h.label.split(":")[0]  # the preset's label repeats its hardware after the colon
        if f"({h.name})" not in host_name:
            host_name += f" (preset {h.name})"
        if lang == "en":
            host = f"{host_name}: {count_text(h.cpu_cores, 'core', 'cores')}, {fmt_mib(h.memory_mib)} memory, "
            host += f"{fmt_mib(h.disk_mib)} disk"
        else:  # the catalogue's host labels are English: described by its figures
            host = host_words(h.label, h.name, h.cpu_cores, h.memory_mib, h.disk_mib, lang)
        if h.hosts > 1:
            host = tr("report.hosts", lang, n=f"{h.hosts:,}", host=host)
        facts = [
            (tr("report.fact.host", lang), host),
            (tr("report.fact.worlds", lang), ", ".join(world_label(w, lang) for w in snap.worlds)),
            (tr("report.fact.seed", lang), str(snap.seed)),
            (tr("report.fact.time", lang), tr("summary.seconds", lang, s=f"{snap.time_s:g}")),
        ]
        if self.source:
            facts.append((tr("report.fact.file", lang), self.source))
        return facts


def collect(
    snapshot: SimulationSnapshot,
    series: Mapping[str, RecordedSeries],
    description: str = "",
    source: str = "",
    command: str = "",
    lang: str = "en",
    title: str = "",
) -> ReportData:
    """The report of a run from its snapshot and its recorded series (``Simulation.series``), in ``lang``."""

    def lines(kind: str) -> tuple[Line, ...]:
        out = []
        for w in snapshot.worlds:
            recorded = series.get(f"{kind}.{w.name}")
            if recorded is None:
                continue
            ts, vs = recorded.points()
            out.append(Line(w.name, world_label(w, lang), ts, vs))
        return tuple(out)

    return ReportData(snapshot, lines("memory_mib"), lines("ready"), description, source, command, lang, title)


def world_label(w: WorldSnapshot, lang: str) -> str:
    """'Virtual machines' in ``lang``."""
    return tr("world." + w.name, lang)


# ------------------------------------------------------------------------------------------- instances
def secs(x: float | None, lang: str = "en") -> str:
    """Seconds with two decimals, or a dash for none."""
    return "–" if x is None else tr("summary.seconds", lang, s=f"{x:.2f}")


def instance_end(inst: InstanceSnapshot, now: float) -> float:
    """When an instance's bar ends: ready, or its last phase's end (``now`` for a phase still running)."""
    if inst.ready_s is not None:
        return inst.ready_s
    ends = [p.end_s if p.end_s is not None else now for p in inst.phases]
    return max(ends, default=inst.added_s)


def timeline_end_label(inst: InstanceSnapshot, lang: str = "en") -> str:
    """What the timeline writes after an instance's bar."""
    state = word("state.", inst.state, lang)
    if inst.ready_s is not None:
        base = tr("report.ready_after", lang, s=f"{inst.ready_s - inst.added_s:.2f}")
        return base if inst.state == "running" else tr("report.then", lang, ready=base, state=state)
    if inst.state == "booting":
        return tr("report.still_booting", lang)
    return state


def phases_text(inst: InstanceSnapshot, now: float, lang: str = "en") -> str:
    """Every boot phase with its duration, for the instance table."""
    parts = []
    for p in inst.phases:
        name = word("phase.", p.name, lang)
        if p.end_s is None:
            parts.append(tr("report.phase_running", lang, phase=name, s=f"{now - p.start_s:.2f}"))
        else:
            parts.append(tr("report.phase", lang, phase=name, s=f"{p.end_s - p.start_s:.2f}"))
    return " · ".join(parts) or "–"


def timeline_rows(snap: SimulationSnapshot, max_rows: int = MAX_TIMELINE_ROWS, lang: str = "en") -> TimelineRows:
    """Per world: a heading, then up to ``max_rows`` rows of instances."""
    rows: list[TimelineRow] = []
    notes: list[str] = []
    drawn: list[InstanceSnapshot] = []
    for w in snap.worlds:
        # Instances that never started and failed alike in a row share one line ("never started" × 194).
        items: list[tuple[str, list[InstanceSnapshot]]] = []
        for inst in w.instances:
            if inst.phases:
                items.append(("inst", [inst]))
            elif (
                items
                and items[-1][0] == "group"
                and (items[-1][1][0].state, reason_text(items[-1][1][0].reason))
                == (inst.state, reason_text(inst.reason))
            ):
                items[-1][1].append(inst)
            else:
                items.append(("group", [inst]))
        shown = items[:max_rows]
        rows.append(TimelineRow("world", w))
        rows += [TimelineRow(kind, w, tuple(insts)) for kind, insts in shown]
        if not w.instances:
            rows.append(TimelineRow("empty", w))
        n_shown = sum(len(insts) for _, insts in shown)
        drawn += [i for kind, insts in shown if kind == "inst" for i in insts]
        if n_shown < len(w.instances):
            label, total = world_label(w, lang), len(w.instances)
            notes.append(tr("report.timeline_note", lang, world=label, n=f"{n_shown:,}", total=f"{total:,}"))
    return TimelineRows(tuple(rows), tuple(drawn), tuple(notes))


# ------------------------------------------------------------------------------------------- tables
def summary_rows(snap: SimulationSnapshot, lang: str = "en") -> list[TableRow]:
    """Per world: ready count, times to ready, memory committed and touched, disk used."""
    worlds = snap.worlds
    sums = [world_summary(w) for w in worlds]

    def of(used: object, cap: object) -> str:
        return tr("bar.of", lang, used=used, cap=cap)

    ready = tuple(of(s["ready"], len(w.instances)) for s, w in zip(sums, worlds, strict=True))
    rows = [TableRow(tr("run.ready", lang), ready)]
    for state in ("booting", "failed", "killed", "stopped"):
        if any(w.count(state) for w in worlds):
            rows.append(TableRow(tr("state." + state, lang), tuple(str(w.count(state)) for w in worlds), "sub"))
    rows.append(TableRow(tr("run.median", lang), tuple(secs(s["median_ready_s"], lang) for s in sums)))  # type: ignore[arg-type]
    rows.append(TableRow(tr("run.max", lang), tuple(secs(s["max_ready_s"], lang) for s in sums)))  # type: ignore[arg-type]
    committed = tuple(of(fmt_mib(w.memory.total_mib), fmt_mib(w.memory.capacity_mib)) for w in worlds)
    rows.append(TableRow(tr("run.committed", lang), committed))
    # As a lesson's summary and its answer key count them (the host OS is the same in every world).
    without = tr("report.without_host_os", lang)
    memory = tuple(fmt_mib_compact(w.memory.total_mib - w.memory.get("host_os")) for w in worlds)
    rows.append(TableRow(without, memory, "sub"))
    rows.append(TableRow(tr("run.in_use", lang), tuple(fmt_mib(w.memory_touched_mib) for w in worlds)))
    disk = tuple(of(fmt_mib(w.disk.total_mib), fmt_mib(w.disk.capacity_mib)) for w in worlds)
    rows.append(TableRow(tr("run.disk", lang), disk))
    rows.append(
        TableRow(without, tuple(fmt_mib_compact(w.disk.total_mib - w.disk.get("host_os")) for w in worlds), "sub")
    )
    return rows


def ledger_rows(snap: SimulationSnapshot, which: str, lang: str = "en") -> list[TableRow]:
    """Memory (``which='memory'``) or disk by category, a column per world, with the total and capacity."""
    ledgers = [w.memory if which == "memory" else w.disk for w in snap.worlds]
    cats = list(MEMORY_CATEGORIES) if which == "memory" else [c for c, _ in ledgers[0].by_category]
    rows = []
    for cat in cats:
        if any(lg.get(cat) > 0 for lg in ledgers):
            rows.append(TableRow(category_label(cat, lang), tuple(fmt_mib(lg.get(cat)) for lg in ledgers)))
    rows.append(TableRow(tr("report.total", lang), tuple(fmt_mib(lg.total_mib) for lg in ledgers), "total"))
    rows.append(TableRow(tr("report.capacity", lang), tuple(fmt_mib(lg.capacity_mib) for lg in ledgers)))
    return rows


def events_in_order(snap: SimulationSnapshot) -> list[tuple[WorldEvent, WorldSnapshot]]:
    """Every world's events in time order (worlds in their own order at equal times)."""
    order = {w.name: k for k, w in enumerate(snap.worlds)}
    return sorted(((e, w) for w in snap.worlds for e in w.events), key=lambda ew: (ew[0].t_s, order[ew[1].name]))
