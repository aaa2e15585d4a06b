"""``vmsim report SCENARIO --out report.html``: run a scenario headless and write its report as one HTML page."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from vmsim.cli.arguments import add_lang, lang_of, seconds, seed
from vmsim.text import escaped_lines, tr


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Register ``vmsim report``."""
    p = sub.add_parser(
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
    add_lang(p, "the page")
    p.set_defaults(func=handle)
    return p


def handle(args: argparse.Namespace) -> int:
    """``vmsim report``: 0 written, 2 bad input (message on stderr), 1 the file could not be written."""
    from vmsim.cli.errors import CliError
    from vmsim.cli.scenario_options import check_out, files_read
    from vmsim.engine import UnknownAppError
    from vmsim.output.exports import UnsafeTargetError, check_target, write_atomic
    from vmsim.output.report_data import collect
    from vmsim.output.report_html import render_report
    from vmsim.scenarios import ScenarioError, load_scenario
    from vmsim.session import run_headless

    out, lang = getattr(args, "out", None), lang_of(args)
    if not out:
        scenario = getattr(args, "scenario", "hello")
        print(escaped_lines("vmsim report: " + tr("report.out_required", lang, scenario=scenario)), file=sys.stderr)
        return 2
    if out != "-" and Path(out).is_dir() and not Path(out).is_symlink():
        said = tr("report.out_folder", lang, out=repr(out), example=f"{out.rstrip('/')}/report.html")
        print(escaped_lines("vmsim report: " + said), file=sys.stderr)
        return 2
    try:
        if out != "-":
            check_target(Path(out))
    except UnsafeTargetError as exc:
        print(escaped_lines(f"vmsim report: --out {exc.filename}: {exc.strerror}"), file=sys.stderr)
        return 2
    except OSError:
        pass  # said below, when the file is written
    seed = getattr(args, "seed", None)
    until = getattr(args, "until", None)
    try:
        spec = load_scenario(args.scenario)
        if out != "-":
            check_out(out, files_read(spec))  # before the run: the scenario's own file is refused at once
        session = run_headless(spec, seed=seed, until_s=until)
    except ScenarioError as exc:
        print(escaped_lines(exc.text(lang_of(args))), file=sys.stderr)
        return 2
    except CliError as exc:
        print(escaped_lines(f"vmsim report: {exc.text(lang_of(args))}"), file=sys.stderr)
        return 2
    except (UnknownAppError, ValueError) as exc:
        print(escaped_lines(f"vmsim report: {exc}"), file=sys.stderr)
        return 2
    command = f"vmsim report {args.scenario}"
    if seed is not None:
        command += f" --seed {seed}"
    if until is not None:
        command += f" --until {until:g}"
    data = collect(
        session.snapshot(include_events=True),
        session.sim.series,
        spec.say("description", lang),
        Path(spec.source).name,
        command,
        lang,
        spec.say("name", lang),
    )
    page = render_report(data)
    if out == "-":
        sys.stdout.write(page)
        return 0
    try:
        written = write_atomic(out, page)
    except UnsafeTargetError as exc:
        print(escaped_lines(f"vmsim report: --out {exc.filename}: {exc.strerror}"), file=sys.stderr)
        return 2
    except OSError as exc:
        print(
            escaped_lines(f"vmsim report: cannot write {exc.filename or out}: {exc.strerror or exc}"), file=sys.stderr
        )
        return 1
    kib = f"{len(page.encode('utf-8')) / 1024:,.0f}"
    said = tr("report.wrote_replaced" if written.replaced else "report.wrote", lang, path=written.path, kib=kib)
    print(escaped_lines(f"vmsim: {said}"), file=sys.stderr)
    return 0
