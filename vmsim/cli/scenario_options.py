"""What several commands do with their options: put a scenario on another host, write to --out or stdout."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TextIO

from vmsim.cli.errors import CliError
from vmsim.text import escaped_lines, tr

if TYPE_CHECKING:
    from vmsim.scenarios.spec import ScenarioSpec

DEFAULT_SCENARIO = "hello"


def with_host(spec: ScenarioSpec, host: str | None) -> ScenarioSpec:
    """The scenario on another host preset (its own hardware overrides dropped), or unchanged."""
    if host is None:
        return spec

    from vmsim.engine import default_catalog
    from vmsim.scenarios.spec import HostSpec

    presets = list(default_catalog().hosts)
    if host not in presets:
        raise CliError.say("cli.unknown_host", host=repr(host), known=", ".join(presets))
    return spec._replace(host=HostSpec(preset=host))


def emit(
    text: str | Callable[[TextIO], object], out: str | None, reading: Sequence[str] = (), lang: str = "en"
) -> None:
    """Write ``text`` to the file ``out`` atomically (and say so on stderr), or to stdout (no ``out``, or ``-``).
    ``text`` may be a function that writes to a text file (a large document streamed in pieces). ``reading``: the
    files the output was made from, which ``out`` may not replace."""
    if out is not None and out != "-":
        check_out(out, reading)
        from vmsim.output.exports import UnsafeTargetError, write_atomic

        try:
            written = write_atomic(out, text)
        except UnsafeTargetError as exc:
            raise CliError(f"--out {exc.filename}: {exc.strerror}") from None
        said = tr("cli.wrote_replaced" if written.replaced else "cli.wrote", lang, path=written.path)
        print(escaped_lines(f"vmsim: {said}"), file=sys.stderr)
    elif isinstance(text, str):
        sys.stdout.write(text)
    else:
        text(sys.stdout)


def files_read(spec: ScenarioSpec) -> tuple[str, ...]:
    """The files a scenario is read from: itself and the Dockerfiles it builds (an ``--out`` may replace none)."""
    built = [app.dockerfile for app in spec.apps]
    if spec.build is not None:
        built += [spec.build.dockerfile] + ([spec.build.compare] if spec.build.compare is not None else [])
    return (spec.source, *(str(path) for path in built))


def check_out(out: str, reading: Sequence[str]) -> None:
    """Refuse an empty ``--out`` and one that names a file being read (it would be replaced by the output)."""
    import os

    if not out:
        raise CliError.say("cli.out_empty")
    for source in reading:
        try:
            same = os.path.samefile(out, source)
        except (OSError, ValueError):
            continue
        if same:
            code = "cli.out_is_scenario" if source == reading[0] else "cli.out_is_dockerfile"
            raise CliError.say(code, out=out)


def check_lesson_step(spec: ScenarioSpec, step: int | None, name: str) -> None:
    """Refuse ``--step`` for a scenario without a lesson, or beyond its last step, saying what would do."""
    if step is None:
        return
    if not spec.lesson:
        raise CliError.say("cli.step_no_lesson", name=repr(name), lessons=", ".join(lesson_names()))
    total = len(spec.lesson) + 1
    if step > total:
        raise CliError.say("cli.step_range", step=step, name=repr(name), total=total, steps=len(spec.lesson))


def lesson_specs() -> dict[str, ScenarioSpec]:
    """The shipped scenarios that are lessons, by name (each read once)."""
    from vmsim.scenarios import load_scenario
    from vmsim.scenarios.loader import shipped_names

    specs = {name: load_scenario(name) for name in shipped_names()}
    return {name: spec for name, spec in specs.items() if spec.lesson}


def lesson_names() -> list[str]:
    """The shipped scenarios that are lessons."""
    return list(lesson_specs())


def build_summary_rows(spec: ScenarioSpec, lang: str) -> tuple[tuple[str, ...], ...]:
    """The rows a lesson's builds add to its summary (none without a ``[build]`` table, or when it cannot be
    built: the dashboard says why)."""
    if spec.build is None:
        return ()
    from vmsim.imagebuild.story import build_rows, make_build_story

    story, _problem = make_build_story(spec.build, lang)
    return build_rows(story, len(spec.worlds) + 1, lang) if story is not None else ()


def terminal_columns(out: str | None = None) -> int | None:
    """The width of the terminal a command prints to: None when ``out`` names a file, or stdout is a file or a
    pipe (lines stay whole there, for tools)."""
    import os

    if out is not None and out != "-":
        return None
    try:
        columns = os.get_terminal_size(sys.stdout.fileno()).columns if sys.stdout.isatty() else 0
    except (OSError, ValueError):
        return None
    return columns if columns > 0 else None  # (a terminal with no size set says 0: as a pipe, lines whole)
