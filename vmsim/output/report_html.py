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
    world_label,
)
from vmsim.output.result_tables import word
from vmsim.output.svg_charts import esc, line_chart, phase_styles, timeline_chart
from vmsim.output.words import coded_text, event_text, fmt_mib
from vmsim.text import tr

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


CODE = "\x00"  # where a sentence of the catalogue names a command, set as <code>


def _with_code(text: str, command: str) -> str:
    """``text`` escaped, with the command it names (at :data:`CODE`) as code."""
    return esc(text).replace(CODE, f"<code>{esc(command)}</code>")


def _heads(snap: SimulationSnapshot, lang: str) -> list[str]:
    return ["", *[world_label(w, lang) for w in snap.worlds]]


def summary_table(snap: SimulationSnapshot, lang: str = "en") -> str:
    """Per world: ready count, times to ready, memory committed and touched, disk used."""
    body = [_row(r) for r in summary_rows(snap, lang)]
    caption = tr("report.summary_caption", lang)
    return _table(caption, _heads(snap, lang), body, set(range(1, len(snap.worlds) + 1)), "summary")


def ledger_table(snap: SimulationSnapshot, which: str, lang: str = "en") -> str:
    """Memory or disk by category, a column per world, with the total."""
    body = [_row(r) for r in ledger_rows(snap, which, lang)]
    caption = tr("report.memory_caption" if which == "memory" else "report.disk_caption", lang)
    return _table(caption, _heads(snap, lang), body, set(range(1, len(snap.worlds) + 1)), which)


INSTANCE_COLUMNS = ("instance", "app", "state", "added", "ready_at", "boot", "memory", "disk", "phases", "note")


def instance_tables(snap: SimulationSnapshot, lang: str = "en") -> str:
    """Every instance of every world with its boot phases."""
    out = []
    head = [tr(f"report.col.{c}", lang) for c in INSTANCE_COLUMNS]
    for w in snap.worlds:
        body = []
        for inst in w.instances[:MAX_TABLE_ROWS]:
            cells = [
                f'<th scope="row">{esc(inst.id)}</th>',
                f"<td>{esc(inst.app)}</td>",
                f'<td class="state-{esc(inst.state)}">{esc(word("state.", inst.state, lang))}</td>',
                f'<td class="num">{esc(secs(inst.added_s, lang))}</td>',
                f'<td class="num">{esc(secs(inst.ready_s, lang))}</td>',
                f'<td class="num">{esc(secs(inst.boot_s, lang))}</td>',
                f'<td class="num">{esc(fmt_mib(inst.memory_mib))}</td>',
                f'<td class="num">{esc(fmt_mib(inst.disk_mib))}</td>',
                f'<td class="phases">{esc(phases_text(inst, snap.time_s, lang))}</td>',
                f"<td>{esc(coded_text(inst.reason, lang) if inst.reason else '')}</td>",
            ]
            body.append(f"<tr>{''.join(cells)}</tr>")
        if not body:
            body.append(f'<tr><td colspan="{len(head)}">{esc(tr("report.no_instances", lang))}</td></tr>')
        label = world_label(w, lang)
        out.append(f"<h3>{esc(label)}</h3>")
        out.append(_table(tr("report.every_instance", lang, world=label), head, body, {3, 4, 5, 6, 7}, "instances"))
        if len(w.instances) > MAX_TABLE_ROWS:
            more = tr("report.more_instances", lang, n=f"{len(w.instances) - MAX_TABLE_ROWS:,}", command=CODE)
            out.append(f'<p class="note">{_with_code(more, "vmsim run … --format csv")}</p>')
    return "\n".join(out)


EVENT_COLUMNS = ("time", "world", "instance", "event", "what")


def events_table(snap: SimulationSnapshot, lang: str = "en") -> str:
    """Every world's events in time order."""
    events = events_in_order(snap)
    body = []
    for e, w in events[:MAX_EVENTS]:
        body.append(
            "<tr>"
            f'<td class="num">{esc(secs(e.t_s, lang))}</td>'
            f'<td class="nowrap">{esc(world_label(w, lang))}</td>'
            f'<td class="nowrap">{esc(e.instance or "")}</td>'
            f"<td>{esc(tr(f'kind.{e.kind}', lang))}</td>"
            f"<td>{esc(event_text(e, lang))}</td>"
            "</tr>"
        )
    if not body:
        body.append(f'<tr><td colspan="5">{esc(tr("report.no_events", lang))}</td></tr>')
    head = [tr(f"report.ecol.{c}", lang) for c in EVENT_COLUMNS]
    text = _table(tr("report.events_caption", lang), head, body, {0}, "events")
    if len(events) > MAX_EVENTS:
        more = tr("report.more_events", lang, n=f"{len(events) - MAX_EVENTS:,}", command=CODE)
        text += f'<p class="note">{_with_code(more, "vmsim run … --format json")}</p>'
    return text


# ------------------------------------------------------------------------------------------- page
def render_report(data: ReportData) -> str:
    """The whole page for a run's report data, in its language."""
    snap, lang = data.snapshot, data.lang
    h = snap.host
    t_end = snap.time_s
    host_mem = fmt_mib(h.memory_mib)

    mem_lines = data.memory_lines
    peak = max((v for ln in mem_lines for v in ln.values), default=0.0)
    use_gib = max(peak, 0) >= 4096
    host_off_chart = h.memory_mib > max(peak * 1.6, 1e-9)  # the same rule line_chart uses for its reference
    mem_desc = tr("report.memory_desc", lang, t=f"{snap.time_s:g}")
    mem_desc += "." if host_off_chart else tr("report.memory_desc_line", lang, mib=host_mem)
    mem_chart = line_chart(
        "chart-memory",
        tr("report.memory_title", lang),
        mem_desc,
        mem_lines,
        t_end,
        tr("report.memory_axis_gib" if use_gib else "report.memory_axis_mib", lang),
        unit_div=1024 if use_gib else 1,
        value_fmt=(lambda v: f"{v / 1024:,.1f} GiB") if use_gib else (lambda v: f"{v:,.0f} MiB"),
        reference=(h.memory_mib, tr("report.host_memory", lang, mib=host_mem)),
        time_axis=tr("report.time_axis", lang),
    )
    ready_word = tr("report.ready_value", lang, n="{n}")
    ready_chart = line_chart(
        "chart-ready",
        tr("report.ready_title", lang),
        tr("report.ready_desc", lang),
        data.ready_lines,
        t_end,
        tr("report.ready_axis", lang),
        value_fmt=lambda v: ready_word.format(n=f"{v:g}"),
        integer=True,
        time_axis=tr("report.time_axis", lang),
    )
    styles = phase_styles(snap, lang)
    timeline, tl_notes = timeline_chart(snap, styles, lang=lang)
    ref_note = " " + tr("report.off_chart", lang, mib=host_mem) if host_off_chart else ""

    fact_html = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in data.facts)
    name = data.title or snap.scenario
    title = tr("report.title", lang, scenario=name)
    sections = [("summary", "report.h.summary"), ("resources", "report.h.resources"), ("charts", "report.h.charts")]
    sections += [("instances", "report.h.instances"), ("events", "report.h.events")]
    nav = "".join(f'<li><a href="#{key}">{esc(tr(code, lang))}</a></li>' for key, code in sections)
    heads = {key: f'<section id="{key}"><h2>{esc(tr(code, lang))}</h2>' for key, code in sections}
    footer = esc(tr("report.made_by", lang, version=__version__))
    if data.command:
        footer = _with_code(tr("report.made_with", lang, version=__version__, command=CODE), data.command)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{esc(lang)}">',
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
        f"<h1>{esc(name)}</h1>",
        f'<p class="lead">{esc(data.description)}</p>' if data.description else "",
        f'<p><span class="sim">{_with_code(tr("report.simulated", lang, command=CODE), "vmsim catalog")}</span></p>',
        f'<dl class="facts">{fact_html}</dl>',
        "</header>",
        f'<nav aria-label="{esc(tr("report.sections", lang))}"><ul>{nav}</ul></nav>',
        heads["summary"],
        summary_table(snap, lang),
        "</section>",
        heads["resources"],
        ledger_table(snap, "memory", lang),
        ledger_table(snap, "disk", lang),
        "</section>",
        heads["charts"],
        f"<figure>{mem_chart}<figcaption>{esc(tr('report.memory_caption_fig', lang) + ref_note)}</figcaption></figure>",
        f"<figure>{ready_chart}<figcaption>{esc(tr('report.ready_caption_fig', lang))}</figcaption></figure>",
        f"<figure>{timeline}<figcaption>{esc(tr('report.timeline_caption_fig', lang))}"
        + "".join(f" {esc(n)}" for n in tl_notes)
        + "</figcaption></figure>",
        "</section>",
        heads["instances"],
        instance_tables(snap, lang),
        "</section>",
        heads["events"],
        events_table(snap, lang),
        "</section>",
        "<footer>",
        footer,
        "</footer>",
        "</main>",
        "</body>",
        "</html>",
    ]
    return "\n".join(p for p in parts if p) + "\n"
