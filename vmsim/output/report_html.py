"""The report as one self-contained HTML page (``vmsim report SCENARIO --out report.html``).

The page needs no network: its style sheet is inline, its charts are inline SVG (:mod:`vmsim.output.svg_charts`),
it references no external font, image, style sheet or script, and its Content-Security-Policy forbids
loading any. Every piece of text is HTML-escaped.

Contents: the scenario (name, description, host, seed, simulated time), a summary table per world, memory
and disk by category, three charts (memory committed over time, instances ready over time, a boot
timeline with one bar per instance and a segment per phase), every instance with its boot phases, and the
events. What goes in each comes from :mod:`vmsim.output.report_data`.
"""

from __future__ import annotations

from collections.abc import Sequence

from vmsim import __version__
from vmsim.engine.snapshot import SimulationSnapshot
from vmsim.output.report_data import (
    MAX_EVENTS,
    MAX_TABLE_ROWS,
    ReportData,
    TableRow,
    events_in_order,
    ledger_rows,
    phases_text,
    secs,
    summary_rows,
)
from vmsim.output.svg_charts import esc, line_chart, phase_styles, timeline_chart
from vmsim.output.words import event_message, fmt_mib, reason_text

CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

STYLE = """
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: #1a1a1a; background: #fff; margin: 0; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 1.9em; margin: 0 0 4px; }
h2 { font-size: 1.35em; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 2px solid #ddd; }
h3 { font-size: 1.08em; margin: 22px 0 6px; }
p.lead { font-size: 1.1em; margin: 4px 0 14px; color: #333; }
p.note { color: #555; font-size: 0.92em; margin: 6px 0; }
.sim { display: inline-block; background: #fff4d6; border: 1px solid #e6c15a; padding: 2px 10px;
       border-radius: 4px; font-size: 0.92em; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 3px 16px; margin: 12px 0; }
dl.facts dt { font-weight: 600; color: #444; }
dl.facts dd { margin: 0; }
nav ul { list-style: none; padding: 0; margin: 12px 0; display: flex; flex-wrap: wrap; gap: 6px 18px; }
nav a { color: #0b5394; }
table { border-collapse: collapse; margin: 8px 0 14px; font-size: 0.93em; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { padding: 4px 10px; border-bottom: 1px solid #e3e3e3; vertical-align: top; text-align: left; }
thead th { border-bottom: 2px solid #999; background: #f6f6f6; }
tbody tr:nth-child(even) { background: #fafafa; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.sub th { font-weight: normal; padding-left: 24px; color: #333; }
tr.total th, tr.total td { font-weight: 600; border-top: 2px solid #bbb; }
td.nowrap { white-space: nowrap; }
td.phases { font-size: 0.9em; color: #333; }
.state-failed, .state-killed { color: #a4310a; font-weight: 600; }
figure { margin: 18px 0 26px; }
figcaption { font-size: 0.95em; color: #333; margin-top: 4px; }
svg.chart { display: block; max-width: 100%; height: auto; border: 1px solid #e3e3e3; background: #fff; }
svg.chart text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: #1a1a1a; }
.wide { overflow-x: auto; }
footer { margin-top: 40px; color: #555; font-size: 0.9em; border-top: 1px solid #ddd; padding-top: 10px; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.92em; }
@media print {
  main { max-width: none; padding: 0; }
  figure, table { break-inside: avoid; }
  nav { display: none; }
}
"""


# ------------------------------------------------------------------------------------------- tables
def _table(caption: str, head: Sequence[str], body: Sequence[str], num_cols: set[int], cls: str = "") -> str:
    num = ' class="num"'
    ths = "".join(f'<th scope="col"{num if i in num_cols else ""}>{esc(h)}</th>' for i, h in enumerate(head))
    klass = f' class="{cls}"' if cls else ""
    return (
        f'<div class="wide"><table{klass}><caption>{esc(caption)}</caption><thead><tr>{ths}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _row(row: TableRow) -> str:
    klass = f' class="{row.cls}"' if row.cls else ""
    tds = "".join(f'<td class="num">{esc(c)}</td>' for c in row.cells)
    return f'<tr{klass}><th scope="row">{esc(row.label)}</th>{tds}</tr>'


def summary_table(snap: SimulationSnapshot) -> str:
    """Per world: ready count, times to ready, memory committed and touched, disk used."""
    worlds = snap.worlds
    body = [_row(r) for r in summary_rows(snap)]
    return _table(
        "Summary per world", ["", *[w.label for w in worlds]], body, set(range(1, len(worlds) + 1)), "summary"
    )


def ledger_table(snap: SimulationSnapshot, which: str) -> str:
    """Memory or disk by category, a column per world, with the total."""
    worlds = snap.worlds
    body = [_row(r) for r in ledger_rows(snap, which)]
    caption = "Memory committed by category" if which == "memory" else "Disk used by category"
    return _table(caption, ["", *[w.label for w in worlds]], body, set(range(1, len(worlds) + 1)), which)


def instance_tables(snap: SimulationSnapshot) -> str:
    """Every instance of every world with its boot phases."""
    out = []
    head = ["instance", "app", "state", "added", "ready at", "time to ready", "memory", "disk", "boot phases", "note"]
    for w in snap.worlds:
        body = []
        for inst in w.instances[:MAX_TABLE_ROWS]:
            cells = [
                f'<th scope="row">{esc(inst.id)}</th>',
                f"<td>{esc(inst.app)}</td>",
                f'<td class="state-{esc(inst.state)}">{esc(inst.state)}</td>',
                f'<td class="num">{esc(secs(inst.added_s))}</td>',
                f'<td class="num">{esc(secs(inst.ready_s))}</td>',
                f'<td class="num">{esc(secs(inst.boot_s))}</td>',
                f'<td class="num">{esc(fmt_mib(inst.memory_mib))}</td>',
                f'<td class="num">{esc(fmt_mib(inst.disk_mib))}</td>',
                f'<td class="phases">{esc(phases_text(inst, snap.time_s))}</td>',
                f"<td>{esc(reason_text(inst.reason) or '')}</td>",
            ]
            body.append(f"<tr>{''.join(cells)}</tr>")
        if not body:
            body.append(f'<tr><td colspan="{len(head)}">no instances</td></tr>')
        out.append(f"<h3>{esc(w.label)}</h3>")
        out.append(_table(f"{w.label}: every instance", head, body, {3, 4, 5, 6, 7}, "instances"))
        if len(w.instances) > MAX_TABLE_ROWS:
            out.append(
                f'<p class="note">… and {len(w.instances) - MAX_TABLE_ROWS:,} more; '
                "<code>vmsim run … --format csv</code> lists every one.</p>"
            )
    return "\n".join(out)


def events_table(snap: SimulationSnapshot) -> str:
    """Every world's events in time order."""
    events = events_in_order(snap)
    body = []
    for e, w in events[:MAX_EVENTS]:
        body.append(
            "<tr>"
            f'<td class="num">{esc(f"{e.t_s:.2f} s")}</td>'
            f'<td class="nowrap">{esc(w.label)}</td>'
            f'<td class="nowrap">{esc(e.instance or "")}</td>'
            f"<td>{esc(e.kind)}</td>"
            f"<td>{esc(event_message(e))}</td>"
            "</tr>"
        )
    if not body:
        body.append('<tr><td colspan="5">no events</td></tr>')
    text = _table("Events, in time order", ["time", "world", "instance", "event", "what happened"], body, {0}, "events")
    if len(events) > MAX_EVENTS:
        text += (
            f'<p class="note">… and {len(events) - MAX_EVENTS:,} more events; '
            "<code>vmsim run … --format json</code> has them all.</p>"
        )
    return text


# ------------------------------------------------------------------------------------------- page
def render_report(data: ReportData) -> str:
    """The whole page for a run's report data."""
    snap = data.snapshot
    h = snap.host
    t_end = snap.time_s

    mem_lines = data.memory_lines
    peak = max((v for ln in mem_lines for v in ln.values), default=0.0)
    use_gib = max(peak, 0) >= 4096
    host_off_chart = h.memory_mib > max(peak * 1.6, 1e-9)  # the same rule line_chart uses for its reference
    mem_chart = line_chart(
        "chart-memory",
        "Memory committed over time",
        f"Host memory committed by each world over {snap.time_s:g} simulated seconds"
        + ("." if host_off_chart else f"; the dotted line is the host's {fmt_mib(h.memory_mib)}."),
        mem_lines,
        t_end,
        "memory committed (GiB)" if use_gib else "memory committed (MiB)",
        unit_div=1024 if use_gib else 1,
        value_fmt=(lambda v: f"{v / 1024:,.1f} GiB") if use_gib else (lambda v: f"{v:,.0f} MiB"),
        reference=(h.memory_mib, f"host memory: {fmt_mib(h.memory_mib)}"),
    )
    ready_chart = line_chart(
        "chart-ready",
        "Instances ready over time",
        "How many instances are running and ready in each world.",
        data.ready_lines,
        t_end,
        "instances ready",
        value_fmt=lambda v: f"{v:g} ready",
        integer=True,
    )
    styles = phase_styles(snap)
    timeline, tl_notes = timeline_chart(snap, styles)
    ref_note = ""
    if host_off_chart:
        ref_note = f" The host's {fmt_mib(h.memory_mib)} is above the top of this chart."

    fact_html = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in data.facts)
    title = f"{snap.scenario} — vmsim report"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{esc(CSP)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="vmsim {esc(__version__)}">',
        f"<title>{esc(title)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        "<main>",
        "<header>",
        f"<h1>{esc(snap.scenario)}</h1>",
        f'<p class="lead">{esc(data.description)}</p>' if data.description else "",
        '<p><span class="sim">Simulated by vmsim\'s model, not measured: every figure comes from its catalog '
        "(<code>vmsim catalog</code> lists each with its source).</span></p>",
        f'<dl class="facts">{fact_html}</dl>',
        "</header>",
        '<nav aria-label="Sections"><ul>'
        '<li><a href="#summary">Summary</a></li><li><a href="#resources">Memory and disk</a></li>'
        '<li><a href="#charts">Charts</a></li><li><a href="#instances">Instances</a></li>'
        '<li><a href="#events">Events</a></li></ul></nav>',
        '<section id="summary"><h2>Summary</h2>',
        summary_table(snap),
        "</section>",
        '<section id="resources"><h2>Memory and disk</h2>',
        ledger_table(snap, "memory"),
        ledger_table(snap, "disk"),
        "</section>",
        '<section id="charts"><h2>Charts</h2>',
        f"<figure>{mem_chart}<figcaption>Memory committed on the host by each world (lines differ by colour, "
        f"dash and marker, and are named at their ends).{esc(ref_note)}</figcaption></figure>",
        f"<figure>{ready_chart}<figcaption>Instances running and ready in each world.</figcaption></figure>",
        f"<figure>{timeline}<figcaption>Boot timeline: each bar runs from when an instance was asked for to "
        "when it was ready; segments are its boot phases (named in the legend, inside wide segments, and in "
        "the instance table below). Hover a segment for its duration."
        + "".join(f" {esc(n)}" for n in tl_notes)
        + "</figcaption></figure>",
        "</section>",
        '<section id="instances"><h2>Instances</h2>',
        instance_tables(snap),
        "</section>",
        '<section id="events"><h2>Events</h2>',
        events_table(snap),
        "</section>",
        "<footer>",
        f"Made by vmsim {esc(__version__)}"
        + (f" with <code>{esc(data.command)}</code>" if data.command else "")
        + ". The same command gives the same page: the simulation is deterministic.",
        "</footer>",
        "</main>",
        "</body>",
        "</html>",
    ]
    return "\n".join(p for p in parts if p) + "\n"
