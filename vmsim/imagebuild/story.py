"""A lesson's builds, made with ``vmsim build``'s code (for the dashboard's build view, ``vmsim lesson`` and the
worksheets), and the rows they add to the lesson's summary."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from vmsim.output.words import fmt_transfer
from vmsim.text import tr

if TYPE_CHECKING:
    from vmsim.imagebuild.build import BuildResult
    from vmsim.scenarios.spec import BuildSpec


class BuildStory(NamedTuple):
    """A lesson's builds: the first build, the rebuild after a change, and the other way of writing it rebuilt."""

    first: BuildResult
    change: BuildResult
    compare: BuildResult | None
    changed: tuple[str, ...]
    servers: int


def make_build_story(spec: BuildSpec | None, lang: str) -> tuple[BuildStory | None, str]:
    """The first build, the rebuild after ``spec.changed`` and the other Dockerfile rebuilt (None and the reason
    in words when a file cannot be used)."""
    if spec is None:
        return None, tr("build.none", lang)
    from vmsim.imagebuild.build import build
    from vmsim.imagebuild.problems import BuildInputError

    try:
        first = build(spec.dockerfile)
        change = build(spec.dockerfile, changed=spec.changed, push=True)
        compare = build(spec.compare, changed=spec.changed, push=True) if spec.compare is not None else None
    except (BuildInputError, OSError) as exc:
        problem = exc.text(lang) if isinstance(exc, BuildInputError) else f"{exc.filename}: {exc.strerror}"
        return None, tr("build.problem", lang, problem=problem)
    return BuildStory(first, change, compare, spec.changed, spec.servers), ""


def build_rows(story: BuildStory, width: int, lang: str) -> tuple[tuple[str, ...], ...]:
    """What the build lesson taught, as summary rows: the bytes each server pulls after the change."""
    blank = ("",) * max(width - 2, 0)
    rows = []
    for result in (story.change, story.compare):
        if result is None or result.pull_mib is None:
            continue
        name = result.dockerfile.replace("\\", "/").rsplit("/", 2)[-2]
        value = tr("summary.build_cell", lang, pull=fmt_transfer(result.pull_mib), s=f"{result.build_s:.1f}")
        rows.append((tr("summary.build", lang, name=name), value, *blank))
    return tuple(rows)
