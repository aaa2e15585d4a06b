"""``vmsim lesson LESSON``: a lesson's steps in order (question, explanation, view, action) and its summary."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from vmsim.cli.arguments import add_lang, out_format
from vmsim.cli.errors import CliError

if TYPE_CHECKING:
    from vmsim.scenarios.spec import ScenarioSpec


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Register ``vmsim lesson``."""
    p = sub.add_parser(
        "lesson",
        help="print a lesson's steps in order: each question, its explanation, view and action, then the summary",
        description="Print a lesson step by step as the class will see it: each step's title, its question "
        "(asked before →), the explanation → reveals, the view and the action, and the summary step with the "
        "figures of a headless run. Text for the teacher to read before class; JSON for tools.",
    )
    p.add_argument(
        "lesson",
        nargs="?",
        help="a shipped lesson or a .toml path with [[lesson]] steps (without one: the list of lessons)",
    )
    p.add_argument("--format", choices=["text", "json"], help="default: as --out's name ends (.json), else text")
    add_lang(p, "the lesson")
    p.add_argument("--out", metavar="FILE", help="write to FILE (atomically) instead of stdout")
    p.set_defaults(func=handle)
    return p


def lesson_spec(name: str) -> ScenarioSpec:
    """The scenario ``name``, refused with the list of lessons when it has no lesson."""
    from vmsim.cli.scenario_options import lesson_names
    from vmsim.scenarios import load_scenario
    from vmsim.scenarios.errors import suggest
    from vmsim.scenarios.loader import is_path, local_file, shipped_names

    if not is_path(name) and name not in shipped_names() and not local_file(name):
        # a name that is no scenario at all: the lessons are the choices, not every shipped scenario
        names = lesson_names()
        shown = name if name.strip() else repr(name)
        raise CliError.say("cli.no_such_lesson", name=shown, hint=suggest(name, names), lessons=", ".join(names))
    spec = load_scenario(name)
    if not spec.lesson:
        lessons = ", ".join(lesson_names())
        if spec.source == name:
            raise CliError.say("cli.no_lesson", name=repr(name), lessons=lessons)
        raise CliError.say("cli.no_lesson_file", name=repr(name), file=repr(spec.source), lessons=lessons)
    return spec


def handle(args: argparse.Namespace) -> int:
    """``vmsim lesson``: 0 printed, 2 bad input (message on stderr)."""
    from vmsim.cli.scenario_options import build_summary_rows, emit, files_read
    from vmsim.output.lesson_outline import lesson_outline, outline_json, outline_text
    from vmsim.text import default_lang

    lang = args.lang or default_lang()
    if args.lesson is None:
        return _list_lessons(lang)
    spec = lesson_spec(args.lesson)
    outline = lesson_outline(spec, lang, build_summary_rows(spec, lang))
    fmt = out_format(args.format, args.out, {".json": "json", ".txt": "text"}, "text")
    from vmsim.cli.scenario_options import terminal_columns

    columns = min(88, max(terminal_columns(args.out) or 88, 40))  # a narrower terminal: its width
    emit(outline_json(outline) if fmt == "json" else outline_text(outline, columns), args.out, files_read(spec), lang)
    return 0


def _list_lessons(lang: str) -> int:
    """``vmsim lesson`` without a name: the shipped lessons, each with its title and steps."""
    import sys

    from vmsim.cli.scenario_options import lesson_specs
    from vmsim.text import tr

    specs = lesson_specs()
    width = max(map(len, specs), default=0)
    lines = [tr("cli.lessons_head", lang), ""]
    for name, spec in specs.items():
        steps = tr("cli.lesson_steps", lang, n=len(spec.lesson) + 1)  # with its summary, as the dashboard counts
        lines.append(f"  {name:<{width}}  {spec.say('name', lang)} ({steps})")
    sys.stdout.write("\n".join(lines) + "\n")
    return 0
