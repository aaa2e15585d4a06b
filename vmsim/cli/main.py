"""The ``vmsim`` command: the dashboard by default, and headless commands that print data to stdout."""

from __future__ import annotations

import argparse
import gc
import sys

from vmsim import __version__
from vmsim.cli.errors import CliError
from vmsim.cli.registry import COMMANDS, command_module
from vmsim.text import escaped, escaped_lines, render
from vmsim.text.parsing import Parser, prescan, speaking

__all__ = ["CliError", "build_parser", "main"]


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser (public so tests and shell completion can inspect it).

    With ``command`` the name of a command, only that command's parser is built: importing the others
    costs start-up time (the dashboard is the default command). Otherwise (``--help``) every command's.
    """
    p = Parser(
        prog="vmsim",
        description="Watch why containers are light and virtual machines are heavy, on a simulated host. "
        "With no command, opens the dashboard on the 'hello' scenario.",
    )
    p.add_argument("--version", action="version", version=f"vmsim {__version__}")
    sub: argparse._SubParsersAction[argparse.ArgumentParser]
    sub = p.add_subparsers(dest="command", metavar="COMMAND")  # type: ignore[assignment]  # of Parser
    for name in [command] if command in COMMANDS else COMMANDS:
        command_module(name).add_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point: returns the exit code (0 ok, 1 an I/O failure, 2 bad input, 70 a crash, 130 Ctrl-C)."""
    try:
        from vmsim.cli.outcome import run_guarded
    except KeyboardInterrupt:  # Ctrl-C while the guard itself is being imported
        return 130

    raw = list(sys.argv[1:] if argv is None else argv)
    return run_guarded(lambda: _main(raw), raw)


def _main(raw: list[str]) -> int:
    with speaking(prescan(raw)):  # the command line's own mistakes in the language it asks for
        return _main_in(raw)


def _main_in(raw: list[str]) -> int:
    # `vmsim`, `vmsim hello`, `vmsim my.toml --paused`: anything that is not a command opens the dashboard.
    if not raw or (raw[0] not in COMMANDS and raw[0] not in ("-h", "--help", "--version")):
        _refuse_a_misspelt_command(raw[0] if raw else "")
        raw = ["tui", *raw]
    if raw[0] == "tui" and gc.isenabled():
        # Start-up allocates hundreds of thousands of objects that all stay alive (modules, widgets, styles):
        # collecting garbage among them finds next to none and costs ~50 ms before the first frame. The dashboard
        # resumes collection once its first frame is drawn (VmsimApp.gc_paused).
        gc.disable()
    try:
        return _run(raw)
    finally:
        gc.enable()


def _refuse_a_misspelt_command(word: str) -> None:
    """``vmsim rn hello`` means ``run``, not a scenario named 'rn': a word close to a command's name that is no
    scenario (a path, or a shipped scenario's name or close to one) is refused with the command it likely means."""
    import difflib

    close = difflib.get_close_matches(word, COMMANDS, n=1, cutoff=0.6) if word and not word.startswith("-") else []
    if not close:
        return
    from pathlib import Path

    from vmsim.scenarios.loader import is_path, shipped_names

    names = shipped_names()
    if is_path(word) or Path(word).exists() or difflib.get_close_matches(word, names, n=1, cutoff=0.75):
        return  # a file, or a scenario's name (misspelt, the loader names the one meant)
    from vmsim.text import msg
    from vmsim.text.parsing import current

    said = render(msg("cli.unknown_command", word=repr(word), command=close[0]), current())
    raise SystemExit(_say_usage_error(said))


def _say_usage_error(text: str) -> int:
    print(escaped_lines(f"vmsim: {text}"), file=sys.stderr)
    return 2


def _shadow_notes(args: argparse.Namespace) -> list[str]:
    """Notes for each bare scenario name that opened a shipped scenario while a file of that name is here."""
    names = getattr(args, "scenario", None)
    names = [names] if isinstance(names, str) else list(getattr(args, "files", None) or [])
    if not names:
        return []
    from vmsim.cli.arguments import lang_of
    from vmsim.scenarios.loader import shadowed_note
    from vmsim.text import render

    notes = []
    for name in names:
        note = shadowed_note(name)
        if note is not None:
            notes.append(f"vmsim: {render(note, lang_of(args))}")
    return notes


def _print_notes(notes: list[str]) -> None:
    for note in notes:
        print(note, file=sys.stderr)


def _unrecognized(parser: argparse.ArgumentParser, command: str, extra: list[str]) -> None:
    import difflib

    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices.get(command, parser)
    options = [o for action in sub._actions for o in action.option_strings]
    guess = difflib.get_close_matches(extra[0].split("=")[0], options, n=1) if extra[0].startswith("-") else []
    from vmsim.text import msg
    from vmsim.text.parsing import current

    hint = msg("scenario.suggest", choice=guess[0]) if guess else ""
    # (escaped: argparse prints the message as it is, and an argument may carry a terminal control character)
    sub.error(render(msg("cli.unrecognized", args=escaped(" ".join(extra)), hint=hint), current()))


def _run(raw: list[str]) -> int:
    from vmsim.engine import UnknownAppError
    from vmsim.scenarios import ScenarioError

    parser = build_parser(raw[0])
    args, extra = parser.parse_known_args(raw)
    if extra:  # said by the command's own parser, with its usage and the option it likely means
        _unrecognized(parser, raw[0], extra)
    notes = _shadow_notes(args)
    try:
        if args.command == "tui":
            # After the dashboard, where the terminal shows it (the dashboard's screen would cover it).
            try:
                return int(args.func(args))
            finally:
                _print_notes(notes)
        _print_notes(notes)
        return int(args.func(args))
    except (ScenarioError, UnknownAppError, CliError) as exc:
        from vmsim.cli.arguments import lang_of

        if isinstance(exc, ScenarioError):
            # Scenario problems follow --lang, else the locale (LANG=ko_KR.UTF-8 gives Korean), as the dashboard does.
            print(escaped_lines(exc.text(lang_of(args))), file=sys.stderr)
        elif isinstance(exc, CliError):
            print(escaped_lines(f"vmsim: {exc.text(lang_of(args))}"), file=sys.stderr)
        elif isinstance(exc, UnknownAppError):
            print(escaped_lines(f"vmsim: {CliError.unknown_app(exc).text(lang_of(args))}"), file=sys.stderr)
        else:
            print(escaped_lines(f"vmsim: {exc}"), file=sys.stderr)
        return 2
    except BrokenPipeError:
        # `vmsim run ... | head` closes the pipe early: not an error worth a traceback.
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        return 130
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        print(escaped_lines(f"vmsim: {where}{exc.strerror or exc}"), file=sys.stderr)
        return 1
