"""``vmsim run SCENARIO``: run a scenario headless and print the result (table, JSON, CSV or time series)."""

from __future__ import annotations

import argparse
import sys
import time
from functools import partial

from vmsim.cli.arguments import add_lang, lang_of, out_format, seconds, seed
from vmsim.cli.errors import CliError
from vmsim.cli.scenario_options import emit, files_read, terminal_columns, with_host
from vmsim.text import escaped_lines, tr

OUT_SUFFIXES = {".json": "json", ".csv": "csv", ".txt": "table"}


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Register ``vmsim run``."""
    r = sub.add_parser("run", help="run a scenario headless and print the result")
    r.add_argument("scenario", help="a shipped scenario name (see 'vmsim scenarios') or a .toml path")
    r.add_argument("--until", type=seconds, help="simulated seconds to run (default: the scenario's duration_s)")
    r.add_argument(
        "--seek-to",
        type=seconds,
        metavar="T0",
        help="after running to --until, go back to T0 seconds and print that moment (as --until T0 would)",
    )
    r.add_argument("--timings", action="store_true", help="say on stderr how long the run and the seek took")
    r.add_argument("--seed", type=seed, help="override the scenario's seed")
    r.add_argument(
        "--format", choices=["table", "json", "csv"], help="default: as --out's name ends (.json, .csv), else table"
    )
    r.add_argument("--host", help="run on this host instead of the scenario's: a preset or 'local' (this machine)")
    r.add_argument("--out", help="write to this file (atomically) instead of stdout")
    add_lang(r, "the table (JSON and CSV are always English)")
    r.add_argument(
        "--series", action="store_true", help="with --format csv: the recorded time series instead of the instances"
    )
    r.set_defaults(func=handle)
    return r


def handle(args: argparse.Namespace) -> int:
    """``vmsim run``."""
    from vmsim.output import formats
    from vmsim.scenarios import load_scenario
    from vmsim.session import run_headless

    spec, lang = with_host(load_scenario(args.scenario), args.host), lang_of(args)
    fmt = out_format(args.format, args.out, OUT_SUFFIXES, "table")
    until = spec.duration_s if args.until is None else args.until
    if args.seek_to is not None and args.seek_to > until:
        raise CliError.say("cli.seek_after_end", seek=f"{args.seek_to:g}", until=f"{until:g}")
    late = [e.at_s for e in spec.events if e.at_s > until]
    if late:  # said, not left to an empty table: the run ends before them
        note = tr("cli.late_events", lang, n=len(late), until=f"{until:g}", first=f"{min(late):g}")
        print(escaped_lines(f"vmsim: {note}"), file=sys.stderr)
    start = time.perf_counter()
    session = run_headless(spec, seed=args.seed, until_s=until, checkpoints=args.seek_to is not None)
    ran = time.perf_counter() - start
    if args.seek_to is not None:
        start = time.perf_counter()
        session.seek(args.seek_to)
        sought = time.perf_counter() - start
    if args.timings:
        note = f"vmsim: ran to {until:g} s in {ran:.3f} s"
        if args.seek_to is not None:
            kept = len(session.checkpoints.entries)
            note += f"; seek to {args.seek_to:g} s took {sought:.3f} s ({kept} checkpoints kept)"
        print(note, file=sys.stderr)
    if args.series:
        if fmt != "csv":
            raise CliError.say("cli.series_csv")
        from vmsim.output.series_export import render_series_csv

        emit(render_series_csv(session.sim), args.out, files_read(spec), lang)
        return 0
    snap = session.snapshot(include_events=True)
    if fmt == "json":  # streamed: a run of 100,000 instances never holds its whole document as a string
        emit(partial(formats.write_json, snap), args.out, files_read(spec), lang)
        return 0
    if fmt == "csv":
        emit(formats.render_csv(snap), args.out, files_read(spec), lang)
        return 0
    from vmsim.output.result_tables import render_table

    shown = render_table(snap, lang=lang, title=spec.say("name", lang), width=terminal_columns(args.out))
    emit(shown, args.out, files_read(spec), lang)
    return 0
