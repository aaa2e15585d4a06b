"""The lesson summary in words: a table with a column per world, in the lesson's language."""

from __future__ import annotations

from vmsim.output.words import fmt_mib_compact
from vmsim.session.summary import LessonSummary, WorldSummary
from vmsim.text import tr

Row = tuple[str, ...]


def _seconds(value: float | None, lang: str) -> str:
    return "—" if value is None else tr("summary.seconds", lang, s=f"{value:.2f}")


def _fit(w: WorldSummary, app: str | None, lang: str) -> str:
    if w.fits_more is None or app is None:
        return "—"
    limit = tr(f"limit.{w.limited_by}", lang) if w.limited_by else ""
    return tr("summary.fit_cell", lang, n=f"{w.fits_more:,}", app=app, limit=limit)


def summary_rows(summary: LessonSummary, lang: str) -> tuple[Row, ...]:
    """The summary as rows of words: a header naming the worlds, then one row per measure."""
    worlds = summary.worlds
    rows: list[Row] = [("", *(tr(f"world.{w.kind}", lang) for w in worlds))]
    rows.append((tr("summary.running", lang), *(tr("summary.count_lost", lang, n=w.running, lost=w.lost)
                                                   if w.lost else str(w.running) for w in worlds)))  # fmt: skip
    rows.append((tr("summary.first_ready", lang), *(_seconds(w.first_ready_s, lang) for w in worlds)))
    rows.append((tr("summary.slowest_ready", lang), *(_seconds(w.slowest_ready_s, lang) for w in worlds)))
    rows.append(
        (
            tr("summary.committed", lang),
            *(f"{fmt_mib_compact(w.memory_committed_mib)} / {fmt_mib_compact(w.memory_capacity_mib)}" for w in worlds),
        )
    )
    rows.append((tr("summary.in_use", lang), *(fmt_mib_compact(w.memory_in_use_mib) for w in worlds)))
    rows.append((tr("summary.disk", lang), *(fmt_mib_compact(w.disk_used_mib) for w in worlds)))
    rows.append((tr("summary.fit", lang), *(_fit(w, summary.app, lang) for w in worlds)))
    drift = summary.drift
    if drift is not None:
        blank = ("",) * max(len(worlds) - 1, 0)
        rows.append((tr("summary.drift_manual", lang), tr("summary.of", lang, n=drift.manual_working,
                                                            total=drift.servers), *blank))  # fmt: skip
        rows.append((tr("summary.drift_image", lang), tr("summary.of", lang, n=drift.image_working,
                                                           total=drift.servers), *blank))  # fmt: skip
        rows.append((tr("summary.drift_digests", lang), tr("summary.digests", lang, here=drift.built_here_digests,
                                                             shipped=drift.shipped_digests), *blank))  # fmt: skip
    return tuple(rows)
