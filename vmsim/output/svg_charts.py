"""Charts as inline SVG, drawn by hand (no plotting library, no script): step lines and a boot timeline.

No chart carries meaning by colour alone: lines also differ in dash pattern and marker and are labelled
at their ends; phases are named in a legend and inside wide segments. Colours come from
:mod:`vmsim.output.palette`. Every piece of text is HTML-escaped.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from vmsim.engine.snapshot import SimulationSnapshot
from vmsim.output.formats import columns
from vmsim.output.palette import PALETTE, WORLD_COLOURS, luminance
from vmsim.output.report_data import (
    MAX_TIMELINE_ROWS,
    Line,
    instance_end,
    timeline_end_label,
    timeline_rows,
    world_label,
)
from vmsim.output.result_tables import word
from vmsim.output.words import coded_text
from vmsim.text import tr


@dataclass(frozen=True)
class WorldStyle:
    """How one world is drawn: colour, dash pattern and marker, so no chart depends on colour alone."""

    color: str
    dash: str
    marker: str  # circle | square | triangle


WORLD_STYLES = {
    "vm": WorldStyle(WORLD_COLOURS["vm"], "", "circle"),
    "container": WorldStyle(WORLD_COLOURS["container"], "9 4", "square"),
    "microvm": WorldStyle(WORLD_COLOURS["microvm"], "2 3", "triangle"),
}


def esc(value: object) -> str:
    """HTML-escape any text (quotes too: safe in attributes)."""
    return html.escape(str(value), quote=True)


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
    value_fmt: Callable[[float], str] = lambda v: f"{v:g}",
    integer: bool = False,
    reference: tuple[float, str] | None = None,
    time_axis: str = "simulated time (s)",
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
    yticks = nice_ticks(max(data_max, ref_y if show_ref and ref_y is not None else 0.0) * 1.05 or 1.0, 5, integer)
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
        f'<text x="{left + pw / 2:.0f}" y="{height - 10}" text-anchor="middle" font-size="13">{esc(time_axis)}</text>'
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
def _text_on(color: str) -> str:
    lum = luminance(color)
    return "#000000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#ffffff"


@dataclass(frozen=True)
class PhaseStyle:
    """A phase's fill: a palette colour, solid for the first seven phases, striped after."""

    name: str
    index: int
    label: str = ""  # the phase's name in the report's language (its name when empty)

    @property
    def shown(self) -> str:
        return self.label or self.name

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


def phase_styles(snap: SimulationSnapshot, lang: str = "en") -> dict[str, PhaseStyle]:
    """Every phase name in the run, in order of first appearance, with its fill."""
    names: list[str] = []
    for w in snap.worlds:
        for inst in w.instances:
            for p in inst.phases:
                if p.name not in names:
                    names.append(p.name)
    return {n: PhaseStyle(n, i, word("phase.", n, lang)) for i, n in enumerate(names)}


def timeline_chart(
    snap: SimulationSnapshot, styles: dict[str, PhaseStyle], max_rows: int = MAX_TIMELINE_ROWS, lang: str = "en"
) -> tuple[str, list[str]]:
    """Boot timeline: per world, one bar per instance from when it was added, a segment per phase."""
    width = 900
    left, right, top = 150, 150, 16
    pw = width - left - right
    row_h, bar_h = 22, 15
    laid_out = timeline_rows(snap, max_rows, lang)
    rows = laid_out.rows
    t_end = max([instance_end(i, snap.time_s) for i in laid_out.drawn] or [1.0])
    xticks = nice_ticks(t_end if t_end >= 1e-3 else 1.0, 8)
    x_top = xticks[-1]

    def sx(t: float) -> float:
        return left + pw * (t / x_top)

    legend_rows = math.ceil(len(styles) / 6) if styles else 0
    legend_h = 10 + 24 * legend_rows
    plot_top = top + legend_h
    height = plot_top + row_h * len(rows) + 48
    desc = tr("report.timeline_desc", lang)
    out = [
        f'<svg class="chart" id="chart-timeline" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        'role="img" aria-labelledby="chart-timeline-t chart-timeline-d">',
        f'<title id="chart-timeline-t">{esc(tr("report.timeline_title", lang))}</title>',
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
            f'<text x="{lx + 28}" y="{ly + 11.5}" font-size="12.5">{esc(st.shown)}</text>'
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
        f"{esc(tr('report.time_axis', lang))}</text>"
    )
    for n, row in enumerate(rows):
        kind, w, insts = row.kind, row.world, row.instances
        y = plot_top + n * row_h
        if kind == "world":
            out.append(
                f'<text x="8" y="{y + 15}" font-size="13.5" font-weight="700">'
                f"{esc(world_label(w, lang))} ({len(w.instances)})</text>"
            )
            out.append(f'<line x1="8" y1="{y + row_h - 1}" x2="{left + pw}" y2="{y + row_h - 1}" stroke="#bbb"/>')
            continue
        if kind == "empty":
            none = esc(tr("report.no_instances", lang))
            out.append(f'<text x="{left}" y="{y + 15}" font-size="12" font-style="italic">{none}</text>')
            continue
        inst = insts[0]
        noun = tr("noun." + w.name, lang)
        name = inst.id if len(insts) == 1 else f"{inst.id} …"
        out.append(f'<text x="{left - 8}" y="{y + 15}" text-anchor="end" font-size="12.5">{esc(name)}</text>')
        by = y + (row_h - bar_h) / 2
        if kind == "group":
            why = f": {coded_text(inst.reason, lang)}" if inst.reason else f" ({word('state.', inst.state, lang)})"
            if len(insts) > 1:
                nouns = tr("nouns." + w.name, lang)
                reason = tr("report.never_many", lang, n=len(insts), nouns=nouns, first=inst.id, last=insts[-1].id)
            else:
                reason = tr("report.never", lang)
            reason += why
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
            tip = tr(
                "report.tip",
                lang,
                noun=noun,
                id=inst.id,
                phase=st.shown,
                s=f"{end - p.start_s:.2f}",
                start=f"{p.start_s:.2f}",
                end=f"{end:.2f}",
            )
            if p.end_s is None:
                tip += tr("report.tip_running", lang)
            out.append(
                f'<rect x="{_num(x0)}" y="{_num(by)}" width="{_num(wpx)}" height="{bar_h}" fill="{st.fill}" '
                f'stroke="#ffffff" stroke-width="0.6"><title>{esc(tip)}</title></rect>'
            )
            if wpx >= 7 * columns(st.shown) + 8:
                halo = ' stroke="#ffffff" stroke-width="3" paint-order="stroke"' if st.striped else ""
                out.append(
                    f'<text x="{_num(x0 + wpx / 2)}" y="{_num(by + 11.5)}" text-anchor="middle" font-size="11" '
                    f'style="fill:{st.text}"{halo}>{esc(st.shown)}</text>'
                )
        x_end = sx(instance_end(inst, snap.time_s))
        end_label = esc(timeline_end_label(inst, lang))
        out.append(f'<text x="{_num(x_end + 6)}" y="{y + 15}" font-size="12">{end_label}</text>')
    out.append("</svg>")
    return "\n".join(out), list(laid_out.notes)
