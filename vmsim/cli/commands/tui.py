"""``vmsim tui [SCENARIO]``: open the dashboard (the default command)."""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
from collections.abc import Iterator

from vmsim.cli.arguments import add_lang, lesson_step, seed, speed
from vmsim.cli.errors import CliError
from vmsim.cli.scenario_options import DEFAULT_SCENARIO, check_lesson_step, with_host


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Register ``vmsim tui``."""
    t = sub.add_parser("tui", help="open the dashboard (the default command)")
    t.add_argument("scenario", nargs="?", default=DEFAULT_SCENARIO, help="a shipped scenario name or a .toml path")
    t.add_argument("--seed", type=seed, help="override the scenario's seed")
    t.add_argument("--speed", type=speed, default=1.0, help="simulated seconds per real second (0.1-100)")
    t.add_argument("--paused", action="store_true", help="start paused (a lesson always starts paused)")
    t.add_argument(
        "--step",
        type=lesson_step,
        metavar="N",
        help="open a lesson at step N, its question up, as steps 1..N-1 left it",
    )
    add_lang(t, "the dashboard")
    t.add_argument("--export-dir", default="vmsim-exports", help="where s (SVG) and e (JSON) write their files")
    t.add_argument("--host", help="run on this host instead of the scenario's: a preset or 'local' (this machine)")
    t.set_defaults(func=handle)
    return t


def handle(args: argparse.Namespace) -> int:
    """Open the dashboard. Textual is imported here only, so headless commands never load it."""
    from vmsim.scenarios import load_scenario

    spec = with_host(load_scenario(args.scenario), args.host)
    check_lesson_step(spec, args.step, args.scenario)
    if os.path.exists(args.export_dir) and not os.path.isdir(args.export_dir):  # said now, not at the first export
        raise CliError.say("cli.export_dir", path=args.export_dir)
    if not sys.stdout.isatty() and not os.environ.get("VMSIM_FORCE_TUI"):
        raise CliError.say("cli.no_terminal", scenario=args.scenario)
    try:
        from vmsim.tui.app import VmsimApp
    except ImportError as exc:  # pragma: no cover - only when installed without its dependencies
        raise CliError.say("cli.no_textual", error=str(exc)) from None
    pace = min(max(args.speed, 0.1), 100.0)
    app = VmsimApp(
        spec,
        seed=args.seed,
        speed=pace,
        paused=args.paused,
        lang=args.lang,
        export_dir=args.export_dir,
        gc_paused=not gc.isenabled(),
        lesson_step=args.step,
    )
    from typing import IO, cast

    from vmsim.cli.outcome import AppCrashed, LazyLog

    # Textual prints an exception inside the app (a long traceback) on its error console and exits 0:
    # the traceback goes to a log file instead, and the run ends non-zero with a short message naming it.
    crash_log = LazyLog()
    app.error_console.file = cast(IO[str], crash_log)
    try:
        with drawn_on_the_terminal():
            app.run()
    finally:
        crash_log.close()
    if app.return_code:
        raise AppCrashed(getattr(app, "_exception", None), crash_log.path if crash_log.written else None)
    return 0


@contextlib.contextmanager
def drawn_on_the_terminal() -> Iterator[None]:
    """Textual draws on stderr: with stderr sent elsewhere (``vmsim 2>log``) and stdout a terminal, stderr is the
    terminal while the app runs (so the dashboard is seen, not written into the file), and the file again after
    (what vmsim says on the way out still goes there)."""
    if os.name != "posix" or sys.stderr.isatty() or not sys.stdout.isatty():
        yield
        return
    sys.stderr.flush()
    kept = os.dup(2)
    try:
        os.dup2(1, 2)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(kept, 2)
        os.close(kept)
