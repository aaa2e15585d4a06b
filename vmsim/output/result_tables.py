"""A run's result and ``vmsim fit``'s answer as text tables, in the reader's language (the headless CLI)."""

from __future__ import annotations

from collections.abc import Sequence

from vmsim.engine.admission import FitResult
from vmsim.engine.snapshot import MEMORY_CATEGORIES, SimulationSnapshot, WorldSnapshot
from vmsim.output.formats import columns, fitted_table, plain, table, world_summary, wrap
from vmsim.output.words import coded_text, event_text, fmt_mib
from vmsim.text import tr

# Events the instance tables already tell (each instance's state, phases and reason); the rest are listed.
PER_INSTANCE = frozenset({"added", "ready", "fetched", "refused", "failed", "killed", "stopped"})
MAX_EVENTS = 12  # listed per world; then "… and N more"


def _secs(x: float | None, lang: str) -> str:
    return "-" if x is None else tr("summary.seconds", lang, s=f"{x:.2f}")


def word(prefix: str, name: str, lang: str) -> str:
    """The catalogue's word for ``name`` (a phase, a state), or the name itself where it has none."""
    text = tr(prefix + name, lang)
    return name if text == prefix + name else text


def host_words(label: str, preset: str, cores: int, memory_mib: float, disk_mib: float, lang: str) -> str:
    """The host in ``lang``: its catalogue label in English ('Laptop: 8 cores, 16 GiB, 512 GiB SSD'); the labels
    are English, so another language describes it by its figures and preset."""
    if lang == "en":
        return label
    return tr("run.host_figures", lang, cores=cores, memory=fmt_mib(memory_mib), disk=fmt_mib(disk_mib), preset=preset)


def category_label(cat: str, lang: str = "en") -> str:
    """A memory or disk category in words: 'guest kernels', 'OS images'."""
    return tr("cat." + cat, lang)


def render_table(
    snap: SimulationSnapshot,
    phases: bool = True,
    max_instances: int = 40,
    lang: str = "en",
    title: str = "",
    width: int | None = None,
) -> str:
    """The human-readable result of a run (``title``: the scenario's name in ``lang``, else the snapshot's).
    ``width``: the terminal's columns, which no line may pass (None: a file or a pipe, every table whole)."""
    h = snap.host
    lines = [tr("run.title", lang, scenario=title or snap.scenario, seed=snap.seed, t=f"{snap.time_s:.2f}")]
    label = host_words(h.label, h.name, h.cpu_cores, h.memory_mib, h.disk_mib, lang)
    if h.hosts > 1:
        lines.append(tr("run.hosts", lang, n=f"{h.hosts:,}", label=label, placement=h.placement))
    else:
        lines.append(tr("run.host", lang, label=label))
    lines = [*_wrapped(lines, width), ""]
    worlds = snap.worlds
    align = "l" + "r" * len(worlds)
    summary = table(_summary_rows(worlds, lang, compact=False), align)
    if width is not None and max(map(columns, summary.splitlines())) > width:
        # too wide: the counts and the capacity on rows of their own ("1 of 1" and "… of 16.0 GiB" take room)
        summary = fitted_table(_summary_rows(worlds, lang, compact=True), align, width)
    lines.append(summary)
    if phases:
        for w in worlds:
            lines += ["", *_wrapped([tr("run.phases_heading", lang, world=tr("world." + w.name, lang))], width)]
            lines += _instance_lines(w, max_instances, lang, width)
            lines += _wrapped(_event_lines(w, lang), width)
    return "\n".join(lines) + "\n"


def _summary_rows(worlds: Sequence[WorldSnapshot], lang: str, compact: bool) -> list[list[str]]:
    """The worlds side by side. ``compact``: 'instances' and 'running' where a row says '1 of 1', and the hosts'
    memory on a row of its own where 'memory committed' says '… of 16.0 GiB' (narrower columns, same figures)."""
    rows: list[list[str]] = [["", *[tr("world." + w.name, lang) for w in worlds]]]
    summaries = [world_summary(w) for w in worlds]
    if compact:
        rows.append([tr("run.instances", lang), *[f"{len(w.instances):,}" for w in worlds]])
        rows.append(["  " + tr("state.running", lang), *[f"{s['ready']:,}" for s in summaries]])
    else:
        ready = zip(summaries, worlds, strict=True)
        rows.append(
            [
                tr("run.ready", lang),
                *[tr("bar.of", lang, used=f"{s['ready']:,}", cap=f"{len(w.instances):,}") for s, w in ready],
            ]
        )
    for state in ("booting", "failed", "killed", "stopped"):
        if any(w.count(state) for w in worlds):
            rows.append(["  " + tr("state." + state, lang), *[f"{w.count(state):,}" for w in worlds]])
    rows.append([tr("run.median", lang), *[_secs(s["median_ready_s"], lang) for s in summaries]])  # type: ignore[arg-type]
    rows.append([tr("run.max", lang), *[_secs(s["max_ready_s"], lang) for s in summaries]])  # type: ignore[arg-type]
    committed = same_unit([w.memory.total_mib for w in worlds])
    caps = [fmt_mib(w.memory.capacity_mib) for w in worlds]
    if compact:
        rows.append([tr("run.host_memory", lang), *caps])
        rows.append([tr("run.committed", lang), *committed])
    else:
        pairs = zip(committed, caps, strict=True)
        rows.append([tr("run.committed", lang), *[tr("bar.of", lang, used=c, cap=n) for c, n in pairs]])
    _category_rows(rows, [w.memory.by_category for w in worlds], MEMORY_CATEGORIES, lang)
    rows.append([tr("run.in_use", lang), *same_unit([w.memory_touched_mib for w in worlds])])
    rows.append([tr("run.disk", lang), *same_unit([w.disk.total_mib for w in worlds])])
    _category_rows(rows, [w.disk.by_category for w in worlds], [c for c, _ in worlds[0].disk.by_category], lang)
    return rows


def _wrapped(lines: list[str], width: int | None) -> list[str]:
    """Each line broken to ``width`` columns, its continuations under its text: an event's under what happened
    ('  t = 130.00  a kernel bug …'), a reason's two columns in (None: the lines as they are)."""
    if width is None:
        return lines
    out: list[str] = []
    for line in lines:
        if columns(line) <= width:
            out.append(line)
            continue
        text = line.lstrip(" ")
        lead = line[: len(line) - len(text)]
        if text.startswith("t = ") and "  " in text:  # an event: its time, two spaces, what happened
            stamp, _, text = text.partition("  ")
            lead, hang = f"{lead}{stamp}  ", " " * (len(lead) + len(stamp) + 2)
        else:
            hang = lead + "  "
        if len(hang) > width // 2:  # a very narrow terminal: the continuations just indented
            hang = "  "
        first, *rest = wrap(text, width - len(hang))
        out += [lead + first, *(hang + part for part in rest)]
    return out


def _category_rows(
    rows: list[list[str]], ledgers: list[tuple[tuple[str, float], ...]], order: Sequence[str], lang: str
) -> None:
    """One row per category any world holds some of, indented under its total."""
    by = [dict(cats) for cats in ledgers]
    for cat in order:
        if any(d.get(cat, 0.0) > 0 for d in by):
            rows.append(["  " + category_label(cat, lang), *same_unit([d.get(cat, 0.0) for d in by])])


def same_unit(values: Sequence[float]) -> list[str]:
    """Figures side by side in one unit: all in GiB when any reaches 10 GiB ('8.5 GiB' beside '80.0 GiB', not
    '8,668 MiB'); else as :func:`fmt_mib` writes each."""
    if any(v >= 10 * 1024 for v in values):
        return [f"{v / 1024:,.1f} GiB" if v else "0 GiB" for v in values]
    return [fmt_mib(v) for v in values]


def _instance_lines(w: WorldSnapshot, max_instances: int, lang: str, width: int | None = None) -> list[str]:
    """Each instance's phases in seconds, then the reasons of those that did not run."""
    shown = w.instances[:max_instances]
    names: list[str] = []
    for inst in shown:
        for p in inst.phases:
            if p.name not in names:
                names.append(p.name)
    head = [tr("run.instance", lang), tr("run.state", lang), *[word("phase.", n, lang) for n in names]]
    prow = [[*head, tr("run.ready_at", lang)]]
    for inst in shown:
        dur = {p.name: (p.end_s - p.start_s) if p.end_s is not None else None for p in inst.phases}
        cells = [f"{dur[n]:.2f}" if dur.get(n) is not None else ("…" if n in dur else "") for n in names]
        prow.append([inst.id, word("state.", inst.state, lang), *cells, _secs(inst.boot_s, lang)])
    lines = [fitted_table(prow, "ll" + "r" * (len(names) + 1), width, keys=2)]
    if len(w.instances) > max_instances:
        lines += _wrapped([tr("run.more", lang, n=f"{len(w.instances) - max_instances:,}")], width)
    lines += _wrapped([f"  {inst.id}: {coded_text(inst.reason, lang)}" for inst in shown if inst.reason], width)
    return lines


def _event_lines(w: WorldSnapshot, lang: str) -> list[str]:
    """What happened to the world beyond each instance's own story: faults, hosts down, apps growing, deploys."""
    notable = [e for e in w.events if e.kind not in PER_INSTANCE]
    if not notable:
        return []
    lines = [tr("run.events", lang)]
    lines += [f"  t = {e.t_s:.2f}  {event_text(e, lang)}" for e in notable[:MAX_EVENTS]]
    if len(notable) > MAX_EVENTS:
        lines.append("  " + tr("run.more_events", lang, n=f"{len(notable) - MAX_EVENTS:,}"))
    return lines


# ---------------------------------------------------------------------------------------------- vmsim fit
def render_fit(fits: dict[str, FitResult], head: str, lang: str = "en") -> str:
    """``vmsim fit``'s table: per world, how many fit, what runs out first and then, and what each needs."""
    cols = ("fit.world", "fit.fit", "fit.first", "fit.then", "fit.each")
    rows = [[tr(c, lang) for c in cols]]
    for name, fit in fits.items():
        each = ", ".join(_need(k, v, lang) for k, v in fit.per_instance)
        others = sorted((n, k) for k, n in fit.limits if k != fit.limited_by)
        then = _limit_at(others[0][1], others[0][0], lang) if others else ""
        rows.append([tr("world." + name, lang), f"{fit.max_instances:,}", _limit(fit.limited_by, lang), then, each])
    notes = [tr(f"fit.note.{by}", lang) for by in dict.fromkeys(f.limited_by for f in fits.values()) if by in FIT_NOTES]
    return head + "\n" + table(rows, "lrlll") + "\n" + "".join(f"{n}\n" for n in notes)


def render_fit_hosts(fits: dict[str, list[tuple[str, FitResult]]], head: str, lang: str = "en") -> str:
    """``vmsim fit --hosts N`` (or on a scenario's hosts): how many fit across the hosts, what runs out first on
    each."""
    rows = [[tr("fit.world", lang), tr("fit.fit", lang), tr("fit.first_each", lang)]]
    for name, per_host in fits.items():
        total = sum(f.max_instances for _, f in per_host)
        by: dict[str, list[str]] = {}
        for host, f in per_host:
            by.setdefault(_limit_at(f.limited_by, f.max_instances, lang), []).append(host)
        first = "; ".join(f"{what} ({_hosts_text(hosts, lang)})" for what, hosts in by.items())
        rows.append([tr("world." + name, lang), f"{total:,}", first])
    return head + "\n" + table(rows, "lrl") + "\n"


def fit_heading(app: str, host_label: str, hosts: int | None, scenario: str | None, lang: str = "en") -> str:
    """'How many nginx fit on Laptop: …:', on N hosts, in a scenario (before its events)."""
    if host_label.startswith("This machine"):  # mid-sentence: "fit on this machine: 2 cores, …"
        host_label = "t" + host_label[1:]
    on = host_label if hosts is None else tr("fit.on_hosts", lang, n=f"{hosts:,}", label=host_label)
    where = "" if scenario is None else tr("fit.in_scenario", lang, name=scenario)
    return tr("fit.heading", lang, app=app, on=on, where=where)


def _limit(by: str, lang: str) -> str:
    return word("limit.", by, lang)


def _limit_at(by: str, n: int, lang: str) -> str:
    return tr("fit.limit_at", lang, limit=_limit(by, lang), n=f"{n:,}")


def _hosts_text(hosts: list[str], lang: str) -> str:
    """Host names, or the first and last of a long run: host-1 … host-100, 100 hosts."""
    if len(hosts) <= 3:
        return ", ".join(hosts)
    return tr("fit.host_run", lang, first=hosts[0], last=hosts[-1], n=f"{len(hosts):,}")


def _need(key: str, value: float, lang: str) -> str:
    """One thing an instance needs, in words: '2,078 MiB memory', '0.0021 CPU cores' (not '0.00208692 cpu_cores')."""
    if key.endswith("_mib"):
        return tr("fit.need_mib", lang, mib=fmt_mib(value), what=_limit(key.removesuffix("_mib"), lang))
    if key == "cpu_cores":
        return tr("fit.need_cores", lang, n=plain(float(f"{value:.2g}")))
    return f"{value:g} {_limit(key, lang)}"


# Limits with a note under `vmsim fit`'s table, saying what they mean (the texts: fit.note.<limit>).
FIT_NOTES = ("network", "allocation", "nesting")
