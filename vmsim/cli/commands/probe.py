"""``vmsim probe``: start real processes here and compare them with the model's container figures."""

from __future__ import annotations

import argparse
import importlib
import sys

from vmsim.cli.arguments import add_lang

# The limits live here, not in vmsim.host.probe, so building this parser imports nothing else.
DEFAULT_RUNS = 5
MAX_RUNS = 50


def _runs(text: str) -> int:
    from vmsim.text.parsing import refuse, shown

    if len(text.strip().lstrip("0")) > 20:  # no such number is in range (and int() of thousands of digits is slow)
        code = "arg.runs_range" if text.strip().isdigit() else "arg.runs_not"
        raise refuse(code, value=shown(text), high=MAX_RUNS)
    try:
        value = int(text)
    except ValueError:
        raise refuse("arg.runs_not", value=shown(text), high=MAX_RUNS) from None
    if not 1 <= value <= MAX_RUNS:
        raise refuse("arg.runs_range", value=value, high=MAX_RUNS)
    return value


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Register ``vmsim probe``."""
    p = sub.add_parser(
        "probe",
        help="start real processes here and compare them with the model's container figures",
        description="A container is a process: start a tiny program and a Python interpreter on this machine, "
        "measure how long they take to start and how much memory a live one holds, and print the medians "
        "beside the model's container start and overhead figures (each labelled 'measured here' or "
        "'vmsim model (source ...)').",
    )
    p.add_argument(
        "--runs", type=_runs, default=DEFAULT_RUNS, help=f"runs per program, 1 to {MAX_RUNS} (default {DEFAULT_RUNS})"
    )
    p.add_argument("--format", choices=["table", "json"], default="table", help="table (default) or json")
    add_lang(p, "the table and the messages (the JSON stays English)")
    p.set_defaults(func=handle)
    return p


def handle(args: argparse.Namespace) -> int:
    """``vmsim probe``: 0 when something could be measured, 2 for bad options, 1 when nothing could run."""
    from vmsim.cli.arguments import lang_of
    from vmsim.text import render, tr

    lang = lang_of(args)
    runs = getattr(args, "runs", DEFAULT_RUNS)
    if not isinstance(runs, int) or not 1 <= runs <= MAX_RUNS:
        print(tr("probe.runs_bad", lang, high=MAX_RUNS, value=repr(runs)), file=sys.stderr)
        return 2
    try:
        importlib.import_module("psutil")  # imported by name: it has no type information to check
    except ImportError:
        print(tr("probe.no_psutil", lang), file=sys.stderr)
        return 2
    from vmsim.host import probe

    print(tr("probe.starting", lang, runs=runs), file=sys.stderr)
    try:
        with probe.signals_end_the_run():
            measured, problems = probe.measure(runs)
    except probe.Stopped as stop:  # every child was killed and reaped on the way out
        print(tr("probe.stopped", lang, signum=stop.signum), file=sys.stderr)
        return 128 + stop.signum
    for problem in problems:
        print(f"vmsim probe: {render(problem, lang)}", file=sys.stderr)
    if not measured:
        print(tr("probe.nothing", lang), file=sys.stderr)
        return 1
    model = probe.model_figures()
    if getattr(args, "format", "table") == "json":
        sys.stdout.write(probe.render_json(measured, model, runs, problems))
    else:
        sys.stdout.write(probe.render_table(measured, model, runs, lang))
    return 0
