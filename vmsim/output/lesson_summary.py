"""The lesson summary in words: a table with a column per world, in the lesson's language."""

from __future__ import annotations

from vmsim.output.words import fmt_mib_compact
from vmsim.session.summary import DeploySummary, ImagesSummary, LessonSummary, WorldSummary
from vmsim.text import tr

Row = tuple[str, ...]


def _seconds(value: float | None, lang: str) -> str:
    return "—" if value is None else tr("summary.seconds", lang, s=f"{value:.2f}")


def _fit(w: WorldSummary, app: str | None, lang: str) -> str:
    if w.fits_more is None or app is None:
        return "—"
    limit = tr(f"limit.{w.limited_by}", lang) if w.limited_by else ""
    return tr("summary.fit_cell", lang, n=f"{w.fits_more:,}", limit=limit)


def _running(w: WorldSummary, lang: str) -> str:
    """How many run, and how many are still starting (said only when there are any)."""
    if w.starting:
        return tr("summary.count_starting", lang, n=w.running, starting=w.starting)
    return str(w.running)


def _image_rows(images: ImagesSummary, kinds: tuple[str, ...], lang: str) -> list[Row]:
    """The images' rows, their figures in the container column (blank in the others)."""
    column = kinds.index("container")

    def row(label: str, cell: str) -> Row:
        cells = [""] * len(kinds)
        cells[column] = cell
        return (tr(label, lang), *cells)

    return [
        row("summary.images", tr("summary.images_cell", lang, n=images.images, containers=images.containers)),
        row("summary.virtual_size", fmt_mib_compact(images.virtual_size_mib)),
        row("summary.layers_stored", fmt_mib_compact(images.layers_stored_mib)),
        row("summary.shared_layers", fmt_mib_compact(images.shared_layers_mib)),
        row("summary.writable_layers", fmt_mib_compact(images.writable_layers_mib)),
    ]


def _deploy_rows(deploys: tuple[DeploySummary, ...], lang: str) -> list[Row]:
    """A row per deploy: how it was made, and per world how long it took and how many instances work after it."""
    rows: list[Row] = []
    for d in deploys:
        method = tr(f"summary.method.{d.method}", lang)
        label = tr("summary.deploy", lang, version=d.version, method=method, hosts=d.hosts)
        cells = (
            "—" if cell is None else tr("summary.deploy_cell", lang, s=f"{cell[0]:,.0f}", works=cell[1], n=cell[2])
            for cell in d.per_world
        )
        rows.append((label, *cells))
    return rows


def summary_rows(summary: LessonSummary, lang: str) -> tuple[Row, ...]:
    """The summary as rows of words: a header naming the worlds, then one row per measure."""
    worlds = summary.worlds
    rows: list[Row] = [("", *(tr(f"world.{w.kind}", lang) for w in worlds))]
    rows.append((tr("summary.running", lang), *(_running(w, lang) for w in worlds)))
    if any(w.lost for w in worlds):  # a row of its own: "7 (14 refused or killed)" was cut at 80 columns
        rows.append((tr("summary.lost", lang), *(str(w.lost) for w in worlds)))
    rows.append((tr("summary.first_ready", lang), *(_seconds(w.first_ready_s, lang) for w in worlds)))
    rows.append((tr("summary.slowest_ready", lang), *(_seconds(w.slowest_ready_s, lang) for w in worlds)))
    # What the host OS leaves, then what was committed of it: two short cells, not "14.2 GiB / 14.5 GiB", which
    # three worlds' columns cannot hold beside the measures' names at 80 columns.
    rows.append((tr("summary.capacity", lang), *(fmt_mib_compact(w.memory_capacity_mib) for w in worlds)))
    rows.append((tr("summary.committed", lang), *(fmt_mib_compact(w.memory_committed_mib) for w in worlds)))
    rows.append((tr("summary.in_use", lang), *(fmt_mib_compact(w.memory_in_use_mib) for w in worlds)))
    rows.append((tr("summary.disk", lang), *(fmt_mib_compact(w.disk_used_mib) for w in worlds)))
    fit_app = summary.app or ""  # the row names the app (its cells would repeat it, and be cut at 80 columns)
    rows.append((tr("summary.fit", lang, app=fit_app).strip(), *(_fit(w, summary.app, lang) for w in worlds)))
    drift = summary.drift
    if drift is not None:
        blank = ("",) * max(len(worlds) - 1, 0)
        # The servers of the story, not one world's: a heading of their own names the column below it.
        rows.append(("", tr("summary.servers", lang, n=drift.servers), *blank))
        rows.append((tr("summary.drift_manual", lang), tr("summary.of", lang, n=drift.manual_working,
                                                            total=drift.servers), *blank))  # fmt: skip
        rows.append((tr("summary.drift_image", lang), tr("summary.of", lang, n=drift.image_working,
                                                           total=drift.servers), *blank))  # fmt: skip
        # Two rows, not "3 / 1" under a name of both, which no 80-column screen could show whole.
        rows.append((tr("summary.digests_built_each", lang), str(drift.built_here_digests), *blank))
        rows.append((tr("summary.digests_shipped", lang), str(drift.shipped_digests), *blank))
    rows += _deploy_rows(summary.deploys, lang)
    kinds = tuple(w.kind for w in worlds)
    if summary.images is not None and "container" in kinds:
        rows += _image_rows(summary.images, kinds, lang)
    return tuple(rows)
