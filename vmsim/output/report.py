"""``vmsim report SCENARIO --out report.html``: one self-contained HTML page of a scenario's results.

The page needs no network: its style sheet is inline, its charts are inline SVG drawn here by hand (no
plotting library, no script), it references no external font, image, style sheet or script, and its
Content-Security-Policy forbids loading any. Every piece of text is HTML-escaped.

Contents: the scenario (name, description, host, seed, simulated time), a summary table per world, memory
and disk by category, three charts (memory committed over time, instances ready over time, a boot
timeline with one bar per instance and a segment per phase), every instance with its boot phases, and the
events. Colours come from the Okabe-Ito palette (safe for colour-blind readers), and no chart carries
meaning by colour alone: lines also differ in dash pattern and marker and are labelled at their ends,
phases are named in a legend, inside wide segments and in the instance table.
"""

from __future__ import annotations

import argparse
import html
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from vmsim import __version__
from vmsim.cli.arguments import seconds, seed
from vmsim.engine.events import WORLD_NOUN, fmt_mib
from vmsim.engine.simulation import Simulation
from vmsim.engine.snapshot import MEMORY_CATEGORIES, InstanceSnapshot, SimulationSnapshot, WorldSnapshot
from vmsim.output.exports import UnsafeTargetError, check_target, write_atomic
from vmsim.output.formats import CATEGORY_LABELS, world_summary

# Okabe-Ito, without black: orange, sky blue, bluish green, yellow, blue, vermillion, reddish purple.
PALETTE = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")


@dataclass(frozen=True)
class WorldStyle:
    """How one world is drawn: colour, dash pattern and marker, so no chart depends on colour alone."""

    color: str
    dash: str
    marker: str  # circle | square | triangle


WORLD_STYLES = {
    "vm": WorldStyle("#0072B2", "", "circle"),
    "container": WorldStyle("#D55E00", "9 4", "square"),
    "microvm": WorldStyle("#009E73", "2 3", "triangle"),
}

MAX_TIMELINE_ROWS = 25  # per world: more bars than this are unreadable; the table has them all
MAX_TABLE_ROWS = 1000  # instances per world in the instance table
MAX_EVENTS = 2000

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


def esc(value: object) -> str:
    """HTML-escape any text (quotes too: safe in attributes)."""
    return html.escape(str(value), quote=True)


def _secs(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f} s"


def _num(x: float) -> str:
    """A coordinate: short, no exponent."""
    return f"{x:.1f}".rstrip("0").rstrip(".")


# ------------------------------------------------------------------------------------------- axes
def nice_ticks(vmax: float, n: int = 5, integer: bool = False) -> list[float]:
    """0, step, 2·step … covering ``vmax`` with a 1/2/2.5/5×10^k step."""
    if not math.isfinite(vmax) or vmax <= 0:
        vmax = 1.0
    raw = vmax / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if raw <= m * mag * (1 + 1e-9))
    if integer:
        step = max(1.0, float(math.ceil(step)))
    count = math.ceil(vmax / step - 1e-9)
    return [round(i * step, 10) for i in range(count + 1)]


def _tick_label(v: float) -> str:
    return f"{v:,.10g}"


def _marker(shape: str, x: float, y: float, color: str, r: float = 4.0) -> str:
    if shape == "square":
        return (
            f'<rect x="{_num(x - r)}" y="{_num(y - r)}" width="{_num(2 * r)}" height="{_num(2 * r)}" '
            f'fill="{color}" stroke="#fff" stroke-width="1"/>'
        )
    if shape == "triangle":
        pts = f"{_num(x)},{_num(y - r - 1)} {_num(x - r - 1)},{_num(y + r)} {_num(x + r + 1)},{_num(y + r)}"
        return f'<polygon points="{pts}" fill="{color}" stroke="#fff" stroke-width="1"/>'
    return f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{_num(r)}" fill="{color}" stroke="#fff" stroke-width="1"/>'


@dataclass(frozen=True)
class Line:
    """One world's step line for a chart."""

    world: str
    label: str
    times: tuple[float, ...]
    values: tuple[float, ...]


def _value_at(times: Sequence[float], values: Sequence[float], t: float) -> float:
    out = values[0] if values else 0.0
    for ti, vi in zip(times, values, strict=True):
        if ti > t:
            break
        out = vi
    return out


def _spread(ys: list[float], gap: float, lo: float, hi: float) -> list[float]:
    """Move label positions apart so none are closer than ``gap`` (order kept), within [lo, hi]."""
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    placed = [ys[i] for i in order]
    for k in range(1, len(placed)):
        placed[k] = max(placed[k], placed[k - 1] + gap)
    overflow = placed[-1] - hi if placed else 0
    if overflow > 0:
        placed = [y - overflow for y in placed]
    for k in range(len(placed) - 2, -1, -1):
        placed[k] = min(placed[k], placed[k + 1] - gap)
    placed = [max(lo, y) for y in placed]
    out = [0.0] * len(ys)
    for k, i in enumerate(order):
        out[i] = placed[k]
    return out


def line_chart(
    chart_id: str,
    title: str,
    description: str,
    lines: Sequence[Line],
    x_max: float,
    y_axis: str,
    unit_div: float = 1.0,
    value_fmt=lambda v: f"{v:g}",
    integer: bool = False,
    reference: tuple[float, str] | None = None,
) -> str:
    """A step-line chart as inline SVG: one line per world, a legend, and each line labelled at its end."""
    width, height = 900, 340
    left, right, top, bottom = 78, 190, 44, 52
    pw, ph = width - left - right, height - top - bottom
    # The axis ends where the run ended (at least 1 s, so a run stopped at t = 0 still has an axis);
    # lines end where the run ended too: nothing is drawn for time that was not simulated.
    data_end = max(x_max, 0.0)
    x_max = x_max if x_max >= 1e-3 else 1.0
    data_max = max((v for ln in lines for v in ln.values), default=0.0) / unit_div
    ref_y = reference[0] / unit_div if reference else None
    show_ref = ref_y is not None and ref_y <= max(data_max * 1.6, 1e-9)
    yticks = nice_ticks(max(data_max, ref_y if show_ref else 0.0) * 1.05 or 1.0, 5, integer)
    y_top = yticks[-1] or 1.0
    # The time axis ends where the run ended: a line stopping short of the axis would look like missing data.
    xticks = [t for t in nice_ticks(x_max, 8) if t <= x_max * (1 + 1e-9)]
    x_top = x_max

    def sx(t: float) -> float:
        return left + pw * (t / x_top)

    def sy(v: float) -> float:
        return top + ph * (1 - v / y_top)

    out = [
        f'<svg class="chart" id="{esc(chart_id)}" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="{esc(chart_id)}-t {esc(chart_id)}-d">',
        f'<title id="{esc(chart_id)}-t">{esc(title)}</title>',
        f'<desc id="{esc(chart_id)}-d">{esc(description)}</desc>',
    ]
    # grid and axes
    for v in yticks:
        y = sy(v)
        out.append(f'<line x1="{left}" y1="{_num(y)}" x2="{left + pw}" y2="{_num(y)}" stroke="#e6e6e6"/>')
        out.append(
            f'<text x="{left - 8}" y="{_num(y + 4)}" text-anchor="end" font-size="12">{esc(_tick_label(v))}</text>'
        )
    for t in xticks:
        x = sx(t)
        out.append(f'<line x1="{_num(x)}" y1="{top}" x2="{_num(x)}" y2="{top + ph}" stroke="#f0f0f0"/>')
        out.append(
            f'<text x="{_num(x)}" y="{top + ph + 18}" text-anchor="middle" font-size="12">{esc(_tick_label(t))}</text>'
        )
    out.append(
        f'<line x1="{left}" y1="{top + ph}" x2="{left + pw}" y2="{top + ph}" stroke="#555"/>'
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + ph}" stroke="#555"/>'
    )
    out.append(
        f'<text x="{left + pw / 2:.0f}" y="{height - 10}" text-anchor="middle" font-size="13">simulated time (s)</text>'
    )
    out.append(
        f'<text transform="translate(18 {top + ph / 2:.0f}) rotate(-90)" text-anchor="middle" font-size="13">'
        f"{esc(y_axis)}</text>"
    )
    if reference and show_ref and ref_y is not None:
        y = sy(ref_y)
        out.append(
            f'<line x1="{left}" y1="{_num(y)}" x2="{left + pw}" y2="{_num(y)}" stroke="#444" '
            'stroke-dasharray="3 5" stroke-width="1.5"/>'
        )
        out.append(f'<text x="{left + 6}" y="{_num(y - 6)}" font-size="12" fill="#333">{esc(reference[1])}</text>')
    # legend (top)
    lx = left
    for ln in lines:
        st = WORLD_STYLES.get(ln.world, WorldStyle("#000000", "", "circle"))
        dash = f' stroke-dasharray="{st.dash}"' if st.dash else ""
        out.append(
            f'<line x1="{lx}" y1="20" x2="{lx + 34}" y2="20" stroke="{st.color}" stroke-width="3"{dash}/>'
            + _marker(st.marker, lx + 17, 20, st.color)
            + f'<text x="{lx + 42}" y="24" font-size="13">{esc(ln.label)}</text>'
        )
        lx += 60 + 8 * len(ln.label)
    # lines
    ends: list[tuple[float, str, str]] = []
    for n_line, ln in enumerate(lines):
        st = WORLD_STYLES.get(ln.world, WorldStyle("#000000", "", "circle"))
        ts, vs = list(ln.times), [v / unit_div for v in ln.values]
        if not ts:
            continue
        if ts[-1] < data_end:
            ts.append(data_end)
            vs.append(vs[-1])
        d = [f"M{_num(sx(ts[0]))} {_num(sy(vs[0]))}"]
        for t, v in zip(ts[1:], vs[1:], strict=True):
            d.append(f"H{_num(sx(t))}V{_num(sy(v))}")
        dash = f' stroke-dasharray="{st.dash}"' if st.dash else ""
        out.append(
            f'<path d="{"".join(d)}" fill="none" stroke="{st.color}" stroke-width="2.5" '
            f'stroke-linejoin="round"{dash}><title>{esc(ln.label)}</title></path>'
        )
        # markers at a few evenly spaced moments (shape tells the worlds apart in grey print too)
        # staggered per line, so equal values do not hide each other's markers
        for k in range(5):
            t = data_end * (k + (n_line + 1) / (len(lines) + 1)) / 5
            out.append(_marker(st.marker, sx(t), sy(_value_at(ts, vs, t)), st.color))
        ends.append((sy(vs[-1]), f"{ln.label}: {value_fmt(vs[-1] * unit_div)}", st.color))
    placed = _spread([e[0] for e in ends], 16, top + 6, top + ph)
    for (y0, text, color), y in zip(ends, placed, strict=True):
        x = left + pw + 8
        if abs(y - y0) > 2 or data_end < x_max * 0.98:
            x0 = sx(data_end)
            out.append(f'<line x1="{_num(x0)}" y1="{_num(y0)}" x2="{x}" y2="{_num(y)}" stroke="{color}"/>')
        out.append(f'<text x="{x + 3}" y="{_num(y + 4)}" font-size="12.5">{esc(text)}</text>')
    out.append("</svg>")
    return "\n".join(out)


# ------------------------------------------------------------------------------------------- timeline
def _luminance(color: str) -> float:
    def chan(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * chan(r) + 0.7152 * chan(g) + 0.0722 * chan(b)


def _text_on(color: str) -> str:
    lum = _luminance(color)
    return "#000000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#ffffff"


@dataclass(frozen=True)
class PhaseStyle:
    """A phase's fill: a palette colour, solid for the first seven phases, striped after."""

    name: str
    index: int

    @property
    def color(self) -> str:
        return PALETTE[self.index % len(PALETTE)]

    @property
    def striped(self) -> bool:
        return self.index >= len(PALETTE)

    @property
    def fill(self) -> str:
        return f"url(#tl-p{self.index})" if self.striped else self.color

    @property
    def text(self) -> str:
        return "#000000" if self.striped else _text_on(self.color)


def phase_styles(snap: SimulationSnapshot) -> dict[str, PhaseStyle]:
    """Every phase name in the run, in order of first appearance, with its fill."""
    names: list[str] = []
    for w in snap.worlds:
        for inst in w.instances:
            for p in inst.phases:
                if p.name not in names:
                    names.append(p.name)
    return {n: PhaseStyle(n, i) for i, n in enumerate(names)}


def _instance_end(inst: InstanceSnapshot, now: float) -> float:
    if inst.ready_s is not None:
        return inst.ready_s
    ends = [p.end_s if p.end_s is not None else now for p in inst.phases]
    return max(ends, default=inst.added_s)


def _end_label(inst: InstanceSnapshot) -> str:
    if inst.ready_s is not None:
        base = f"ready after {inst.ready_s - inst.added_s:.2f} s"
        return base if inst.state == "running" else f"{base}, then {inst.state}"
    if inst.state == "booting":
        return "still booting"
    return inst.state


def timeline_chart(snap: SimulationSnapshot, styles: dict[str, PhaseStyle]) -> tuple[str, list[str]]:
    """Boot timeline: per world, one bar per instance from when it was added, a segment per phase."""
    width = 900
    left, right, top = 150, 150, 16
    pw = width - left - right
    row_h, bar_h = 22, 15
    rows: list[tuple[str, WorldSnapshot, list[InstanceSnapshot]]] = []
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
                and (items[-1][1][0].state, items[-1][1][0].reason)
                == (
                    inst.state,
                    inst.reason,
                )
            ):
                items[-1][1].append(inst)
            else:
                items.append(("group", [inst]))
        shown = items[:MAX_TIMELINE_ROWS]
        rows.append(("world", w, []))
        rows += [(kind, w, insts) for kind, insts in shown]
        if not w.instances:
            rows.append(("empty", w, []))
        n_shown = sum(len(insts) for _, insts in shown)
        drawn += [i for kind, insts in shown if kind == "inst" for i in insts]
        if n_shown < len(w.instances):
            notes.append(
                f"{w.label}: the first {n_shown} of {len(w.instances)} instances are drawn; "
                "the instance table below lists them all."
            )
    t_end = max([_instance_end(i, snap.time_s) for i in drawn] or [1.0])
    xticks = nice_ticks(t_end if t_end >= 1e-3 else 1.0, 8)
    x_top = xticks[-1]

    def sx(t: float) -> float:
        return left + pw * (t / x_top)

    legend_rows = math.ceil(len(styles) / 6) if styles else 0
    legend_h = 10 + 24 * legend_rows
    plot_top = top + legend_h
    height = plot_top + row_h * len(rows) + 48
    desc = (
        "One bar per instance, starting when it was added and ending when it was ready; each segment is a boot "
        "phase, named in the legend and, where there is room, inside the bar."
    )
    out = [
        f'<svg class="chart" id="chart-timeline" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        'role="img" aria-labelledby="chart-timeline-t chart-timeline-d">',
        '<title id="chart-timeline-t">Boot timeline</title>',
        f'<desc id="chart-timeline-d">{esc(desc)}</desc>',
        "<defs>",
    ]
    for st in styles.values():
        if st.striped:
            out.append(
                f'<pattern id="tl-p{st.index}" width="7" height="7" patternUnits="userSpaceOnUse" '
                'patternTransform="rotate(45)">'
                f'<rect width="7" height="7" fill="#ffffff"/><rect width="3.5" height="7" fill="{st.color}"/>'
                "</pattern>"
            )
    out.append("</defs>")
    # legend
    for k, st in enumerate(styles.values()):
        lx = left + (k % 6) * 118 - 130 + 10
        ly = top + 24 * (k // 6)
        out.append(
            f'<rect x="{lx}" y="{ly}" width="22" height="14" fill="{st.fill}" stroke="#333" stroke-width="0.8"/>'
            f'<text x="{lx + 28}" y="{ly + 11.5}" font-size="12.5">{esc(st.name)}</text>'
        )
    # grid
    grid_bottom = plot_top + row_h * len(rows)
    for t in xticks:
        x = sx(t)
        out.append(f'<line x1="{_num(x)}" y1="{plot_top}" x2="{_num(x)}" y2="{grid_bottom}" stroke="#ececec"/>')
        out.append(
            f'<text x="{_num(x)}" y="{grid_bottom + 17}" text-anchor="middle" font-size="12">'
            f"{esc(_tick_label(t))}</text>"
        )
    out.append(f'<line x1="{left}" y1="{grid_bottom}" x2="{left + pw}" y2="{grid_bottom}" stroke="#555"/>')
    out.append(
        f'<text x="{left + pw / 2:.0f}" y="{grid_bottom + 38}" text-anchor="middle" font-size="13">'
        "simulated time (s)</text>"
    )
    for n, (kind, w, insts) in enumerate(rows):
        y = plot_top + n * row_h
        if kind == "world":
            out.append(
                f'<text x="8" y="{y + 15}" font-size="13.5" font-weight="700">'
                f"{esc(w.label)} ({len(w.instances)})</text>"
            )
            out.append(f'<line x1="8" y1="{y + row_h - 1}" x2="{left + pw}" y2="{y + row_h - 1}" stroke="#bbb"/>')
            continue
        if kind == "empty":
            out.append(f'<text x="{left}" y="{y + 15}" font-size="12" font-style="italic">no instances</text>')
            continue
        inst = insts[0]
        noun = WORLD_NOUN.get(w.name, w.name)
        name = inst.id if len(insts) == 1 else f"{inst.id} …"
        out.append(f'<text x="{left - 8}" y="{y + 15}" text-anchor="end" font-size="12.5">{esc(name)}</text>')
        by = y + (row_h - bar_h) / 2
        if kind == "group":
            why = f": {inst.reason}" if inst.reason else f" ({inst.state})"
            if len(insts) > 1:
                reason = f"{len(insts)} {noun}s never started ({inst.id} to {insts[-1].id}){why}"
            else:
                reason = f"never started{why}"
            short = reason if len(reason) <= 118 else reason[:117] + "…"
            out.append(
                f'<text x="{left + 4}" y="{y + 15}" font-size="11.5" font-style="italic">'
                f"{esc(short)}<title>{esc(reason)}</title></text>"
            )
            continue
        for p in inst.phases:
            end = p.end_s if p.end_s is not None else snap.time_s
            x0, x1 = sx(p.start_s), sx(end)
            wpx = max(x1 - x0, 0.8)
            st = styles[p.name]
            tip = f"{noun} {inst.id}: {p.name} {end - p.start_s:.2f} s ({p.start_s:.2f}–{end:.2f} s)"
            if p.end_s is None:
                tip += ", still running"
            out.append(
                f'<rect x="{_num(x0)}" y="{_num(by)}" width="{_num(wpx)}" height="{bar_h}" fill="{st.fill}" '
                f'stroke="#ffffff" stroke-width="0.6"><title>{esc(tip)}</title></rect>'
            )
            if wpx >= 7 * len(p.name) + 8:
                halo = ' stroke="#ffffff" stroke-width="3" paint-order="stroke"' if st.striped else ""
                out.append(
                    f'<text x="{_num(x0 + wpx / 2)}" y="{_num(by + 11.5)}" text-anchor="middle" font-size="11" '
                    f'style="fill:{st.text}"{halo}>{esc(p.name)}</text>'
                )
        x_end = sx(_instance_end(inst, snap.time_s))
        out.append(f'<text x="{_num(x_end + 6)}" y="{y + 15}" font-size="12">{esc(_end_label(inst))}</text>')
    out.append("</svg>")
    return "\n".join(out), notes


# ------------------------------------------------------------------------------------------- tables
def _table(caption: str, head: Sequence[str], body: Sequence[str], num_cols: set[int], cls: str = "") -> str:
    num = ' class="num"'
    ths = "".join(f'<th scope="col"{num if i in num_cols else ""}>{esc(h)}</th>' for i, h in enumerate(head))
    klass = f' class="{cls}"' if cls else ""
    return (
        f'<div class="wide"><table{klass}><caption>{esc(caption)}</caption><thead><tr>{ths}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _row(label: str, cells: Sequence[str], cls: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    tds = "".join(f'<td class="num">{esc(c)}</td>' for c in cells)
    return f'<tr{klass}><th scope="row">{esc(label)}</th>{tds}</tr>'


def summary_table(snap: SimulationSnapshot) -> str:
    """Per world: ready count, times to ready, memory committed and touched, disk used."""
    worlds = snap.worlds
    sums = [world_summary(w) for w in worlds]
    body = [_row("instances ready", [f"{s['ready']} of {len(w.instances)}" for s, w in zip(sums, worlds, strict=True)])]
    for state in ("booting", "failed", "killed", "stopped"):
        if any(w.count(state) for w in worlds):
            body.append(_row(state, [str(w.count(state)) for w in worlds], "sub"))
    body.append(_row("median time to ready", [_secs(s["median_ready_s"]) for s in sums]))  # type: ignore[arg-type]
    body.append(_row("max time to ready", [_secs(s["max_ready_s"]) for s in sums]))  # type: ignore[arg-type]
    body.append(
        _row(
            "memory committed",
            [f"{fmt_mib(w.memory.total_mib)} of {fmt_mib(w.memory.capacity_mib)}" for w in worlds],
        )
    )
    body.append(_row("memory touched", [fmt_mib(w.memory_touched_mib) for w in worlds]))
    body.append(_row("disk used", [f"{fmt_mib(w.disk.total_mib)} of {fmt_mib(w.disk.capacity_mib)}" for w in worlds]))
    return _table(
        "Summary per world", ["", *[w.label for w in worlds]], body, set(range(1, len(worlds) + 1)), "summary"
    )


def ledger_table(snap: SimulationSnapshot, which: str) -> str:
    """Memory or disk by category, a column per world, with the total."""
    worlds = snap.worlds
    ledgers = [w.memory if which == "memory" else w.disk for w in worlds]
    cats = list(MEMORY_CATEGORIES) if which == "memory" else [c for c, _ in ledgers[0].by_category]
    body = []
    for cat in cats:
        if any(lg.get(cat) > 0 for lg in ledgers):
            body.append(_row(CATEGORY_LABELS.get(cat, cat), [fmt_mib(lg.get(cat)) for lg in ledgers]))
    body.append(_row("total", [fmt_mib(lg.total_mib) for lg in ledgers], "total"))
    body.append(_row("host capacity", [fmt_mib(lg.capacity_mib) for lg in ledgers]))
    caption = "Memory committed by category" if which == "memory" else "Disk used by category"
    return _table(caption, ["", *[w.label for w in worlds]], body, set(range(1, len(worlds) + 1)), which)


def _phases_text(inst: InstanceSnapshot, now: float) -> str:
    parts = []
    for p in inst.phases:
        if p.end_s is None:
            parts.append(f"{p.name} {now - p.start_s:.2f} s (running)")
        else:
            parts.append(f"{p.name} {p.end_s - p.start_s:.2f} s")
    return " · ".join(parts) or "–"


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
                f'<td class="num">{esc(_secs(inst.added_s))}</td>',
                f'<td class="num">{esc(_secs(inst.ready_s))}</td>',
                f'<td class="num">{esc(_secs(inst.boot_s))}</td>',
                f'<td class="num">{esc(fmt_mib(inst.memory_mib))}</td>',
                f'<td class="num">{esc(fmt_mib(inst.disk_mib))}</td>',
                f'<td class="phases">{esc(_phases_text(inst, snap.time_s))}</td>',
                f"<td>{esc(inst.reason or '')}</td>",
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
    order = {w.name: k for k, w in enumerate(snap.worlds)}
    events = sorted(((e, w) for w in snap.worlds for e in w.events), key=lambda ew: (ew[0].t_s, order[ew[1].name]))
    body = []
    for e, w in events[:MAX_EVENTS]:
        body.append(
            "<tr>"
            f'<td class="num">{esc(f"{e.t_s:.2f} s")}</td>'
            f'<td class="nowrap">{esc(w.label)}</td>'
            f'<td class="nowrap">{esc(e.instance or "")}</td>'
            f"<td>{esc(e.kind)}</td>"
            f"<td>{esc(e.message)}</td>"
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
def _lines(sim: Simulation, kind: str, snap: SimulationSnapshot) -> list[Line]:
    out = []
    for w in snap.worlds:
        series = sim.series.get(f"{kind}.{w.name}")
        if series is None:
            continue
        ts, vs = series.points()
        out.append(Line(w.name, w.label, ts, vs))
    return out


def render_report(sim: Simulation, description: str = "", source: str = "", command: str = "") -> str:
    """The whole page for ``sim`` as it is now (run it first)."""
    snap = sim.snapshot()
    h = snap.host
    t_end = snap.time_s

    mem_lines = _lines(sim, "memory_mib", snap)
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
    ready_lines = _lines(sim, "ready", snap)
    ready_chart = line_chart(
        "chart-ready",
        "Instances ready over time",
        "How many instances are running and ready in each world.",
        ready_lines,
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

    host_name = h.label.split(":")[0]  # the preset's label repeats its hardware after the colon
    if f"({h.name})" not in host_name:
        host_name += f" (preset {h.name})"
    facts = [
        (
            "host",
            f"{host_name}: {h.cpu_cores} cores, {fmt_mib(h.memory_mib)} memory, {fmt_mib(h.disk_mib)} disk",
        ),
        ("worlds", ", ".join(w.label for w in snap.worlds)),
        ("seed", str(snap.seed)),
        ("simulated time", f"{snap.time_s:g} s"),
    ]
    if source:
        facts.append(("scenario file", source))
    fact_html = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in facts)
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
        f'<p class="lead">{esc(description)}</p>' if description else "",
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
        + (f" with <code>{esc(command)}</code>" if command else "")
        + ". The same command gives the same page: the simulation is deterministic.",
        "</footer>",
        "</main>",
        "</body>",
        "</html>",
    ]
    return "\n".join(p for p in parts if p) + "\n"


# ------------------------------------------------------------------------------------------- command
def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register ``vmsim report``."""
    p = subparsers.add_parser(
        "report",
        help="run a scenario and write a self-contained HTML report (tables and SVG charts)",
        description="Run a scenario headless and write one HTML page with its results: summary, memory and "
        "disk tables, charts as inline SVG, every instance and event. The page needs no network, "
        "so it works offline, on a projector or in an LMS.",
    )
    p.add_argument("scenario", help="a shipped scenario name (see 'vmsim scenarios') or a .toml path")
    p.add_argument("--seed", type=seed, help="override the scenario's seed")
    p.add_argument("--until", type=seconds, help="simulated seconds to run (default: the scenario's duration_s)")
    p.add_argument("--out", metavar="FILE.html", help="the file to write, atomically (required; '-' writes to stdout)")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    """``vmsim report``: 0 written, 2 bad input (message on stderr), 1 the file could not be written."""
    from vmsim.engine import UnknownAppError
    from vmsim.scenarios import ScenarioError, build_simulation, load_scenario

    out = getattr(args, "out", None)
    if not out:
        print(
            "vmsim report: --out is required: name the HTML file to write, e.g. "
            f"'vmsim report {getattr(args, 'scenario', 'hello')} --out report.html'",
            file=sys.stderr,
        )
        return 2
    if out != "-" and Path(out).is_dir() and not Path(out).is_symlink():
        print(
            f"vmsim report: --out {out!r} is a folder; give a file name, e.g. {out.rstrip('/')}/report.html",
            file=sys.stderr,
        )
        return 2
    try:
        if out != "-":
            check_target(Path(out))
    except UnsafeTargetError as exc:
        print(f"vmsim report: --out {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 2
    except OSError:
        pass  # said below, when the file is written
    try:
        spec = load_scenario(args.scenario)
        seed = getattr(args, "seed", None)
        sim = build_simulation(spec, seed=seed)
        until = spec.duration_s if getattr(args, "until", None) is None else args.until
        sim.run_until(until)
    except ScenarioError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except (UnknownAppError, ValueError) as exc:
        print(f"vmsim report: {exc}", file=sys.stderr)
        return 2
    command = f"vmsim report {args.scenario}"
    if seed is not None:
        command += f" --seed {seed}"
    if getattr(args, "until", None) is not None:
        command += f" --until {args.until:g}"
    page = render_report(sim, spec.description, Path(spec.source).name, command)
    if out == "-":
        sys.stdout.write(page)
        return 0
    try:
        written = write_atomic(out, page)
    except UnsafeTargetError as exc:
        print(f"vmsim report: --out {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"vmsim report: cannot write {exc.filename or out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    replaced = ", replacing the file that was there" if written.replaced else ""
    print(
        f"vmsim: wrote {written.path} ({len(page.encode('utf-8')) / 1024:,.0f} KiB{replaced}; "
        "opens offline in any browser)",
        file=sys.stderr,
    )
    return 0
