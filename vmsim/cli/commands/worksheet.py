"""``vmsim worksheet LESSON``: a printable worksheet of a lesson's questions, or with ``--answers`` its key."""

from __future__ import annotations

import argparse

from vmsim.cli.arguments import add_lang, out_format


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Register ``vmsim worksheet``."""
    p = sub.add_parser(
        "worksheet",
        help="write a printable worksheet of a lesson's questions (or with --answers its key)",
        description="Write a sheet to hand out: the lesson's questions with room to predict, observe and "
        "explain, and the summary's table to fill in. With --answers, the teacher's key: each question's "
        "explanation and the table with the figures of a run of the lesson. HTML prints on A4 and needs "
        "no network.",
    )
    p.add_argument(
        "lesson", nargs="?", help="a shipped lesson ('vmsim lesson' lists them) or a .toml path with [[lesson]] steps"
    )
    add_lang(p, "the sheet")
    p.add_argument("--answers", action="store_true", help="the answer key: explanations and a run's figures")
    p.add_argument("--format", choices=["md", "html"], help="default: as --out's name ends (.html, .md), else md")
    p.add_argument("--out", metavar="FILE", help="write to FILE (atomically) instead of stdout")
    p.set_defaults(func=handle)
    return p


def handle(args: argparse.Namespace) -> int:
    """``vmsim worksheet``: 0 written, 2 bad input (message on stderr)."""
    from vmsim.cli.commands.lesson import lesson_spec
    from vmsim.cli.errors import CliError
    from vmsim.cli.scenario_options import build_summary_rows, emit, files_read, lesson_names
    from vmsim.output.lesson_outline import lesson_outline
    from vmsim.output.worksheet import render_worksheet
    from vmsim.text import default_lang

    if args.lesson is None:
        raise CliError.say("cli.worksheet_which", lessons=", ".join(lesson_names()))
    spec = lesson_spec(args.lesson)
    lang = args.lang or default_lang()
    outline = lesson_outline(spec, lang, build_summary_rows(spec, lang))
    fmt = out_format(args.format, args.out, {".md": "md", ".html": "html", ".htm": "html"}, "md")
    emit(render_worksheet(outline, args.answers, fmt), args.out, files_read(spec), lang)
    return 0
