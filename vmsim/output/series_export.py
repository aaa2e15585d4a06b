"""The engine's recorded time series as CSV, for a spreadsheet or pandas (``vmsim run ... --format csv --series``).

Columns, in this order, one header row:

``series``
    What is measured: ``memory_mib`` (memory committed on the host, MiB), ``touched_mib`` (memory actually
    touched, MiB), ``disk_mib`` (disk used, MiB), ``ready`` (instances running and ready), ``booting``
    (instances still starting) or ``cpu_cores`` (cores busy: boot work, at most the host's cores, plus the
    steady load of running apps).
``world``
    ``vm``, ``container`` or ``microvm`` (only the worlds the scenario has).
``t_s``
    Simulated seconds since the start, six decimals.
``value``
    The value from ``t_s`` on, until the next row of the same series and world (a step function).
    Counts are whole numbers; MiB and cores have at most six decimals.

Rows are sorted by ``series``, then ``world`` (both alphabetically), then ``t_s``. Two rows may share a
``t_s`` (several things happened at once): they keep the order the engine recorded them in, and the later
one is the value from then on. The engine records a point only when a value changes, at most one per
0.05 simulated seconds (a change inside that window moves the point; it may be stamped up to 0.05 s late),
and thins very long runs to at most 2000 points per series. Each series ends with a row at the time the
simulation stopped (repeating its last value when nothing changed), so plotted lines reach the end of
the run.

Values are plain decimals (no thousands separators, ``.`` as the decimal point); text is UTF-8; lines end
with ``\\n``.
"""

from __future__ import annotations

import csv
import io
import math

from vmsim.engine.simulation import Simulation

SERIES_CSV_COLUMNS = ("series", "world", "t_s", "value")


def _num(value: float) -> str:
    """A plain decimal: at most six places, no trailing zeros, no exponent ('1', '2048', '0.35')."""
    if not math.isfinite(value):
        raise ValueError(f"non-finite value {value!r} in a series")
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def series_rows(sim: Simulation) -> list[tuple[str, str, float, float]]:
    """(series, world, t_s, value) for every recorded point, sorted as the CSV is, with the closing rows."""
    rows: list[tuple[str, str, float, float]] = []
    now = sim.now
    for name, series in sim.series.items():
        kind, _, world = name.partition(".")
        times, values = series.points()
        for t, v in zip(times, values, strict=True):
            rows.append((kind, world, float(t), float(v)))
        if times and now > times[-1]:
            rows.append((kind, world, float(now), float(values[-1])))
    # A stable sort: rows at the same moment keep the order they were recorded in.
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    return rows


def render_series_csv(sim: Simulation) -> str:
    """The recorded time series of ``sim`` as CSV with columns ``series,world,t_s,value`` (see the module doc)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(SERIES_CSV_COLUMNS)
    for kind, world, t, v in series_rows(sim):
        writer.writerow([kind, world, f"{t:.6f}", _num(v)])
    return buf.getvalue()
