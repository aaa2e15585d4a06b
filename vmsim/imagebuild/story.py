"""A lesson's builds, made with ``vmsim build``'s code (for the dashboard's build view, ``vmsim lesson`` and the
worksheets), and the rows they add to the lesson's summary."""

from __future__ import annotations

import posixpath
from pathlib import Path
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


# ------------------------------------------------------------------ "edit" a file and rebuild (the build view's keys)
REPLAY_BEAT_S = 0.3  # wall seconds per beat of a replay: a cache hit shows after one beat, a rebuilt layer two
PUSH_BEATS = 2
PULL_BEATS = 5  # the servers pull in parallel: they finish over these beats
MAX_CHOICES = 50
_NOT_EDITED = ("Dockerfile", ".dockerignore")


class BuildReplay(NamedTuple):
    """A rebuild after one context file was edited, and how far the build view's replay of it has got.

    ``shown`` layers have their cache result on screen, then the push (``pushed``), then ``pulled`` of ``servers``
    servers have their new layers. ``mode`` is the build view it was started from (it shows only there)."""

    mode: str
    edited: str
    result: BuildResult
    servers: int
    shown: int = 0
    pushed: bool = False
    pulled: int = 0

    @property
    def done(self) -> bool:
        """True once every server has pulled."""
        return self.pulled >= self.servers


def edit_choices(dockerfile: Path) -> tuple[str, ...]:
    """The context files a learner may "edit": those a COPY or ADD names first (``package.json``), then the rest
    in path order (``src/server.js``); never the Dockerfile or ``.dockerignore``; at most 50."""
    from vmsim.imagebuild.context import ContextFiles
    from vmsim.imagebuild.dockerfile import read_stages

    files = ContextFiles(dockerfile.parent)
    named: dict[str, None] = {}
    for stage in read_stages(dockerfile):
        for step in stage.steps:
            for src in step.sources:
                path = posixpath.normpath(src).lstrip("/")
                if files.index(path) is not None:
                    named.setdefault(path)
    rest = [p for p in files.paths if p not in named and p.rsplit("/", 1)[-1] not in _NOT_EDITED]
    return tuple([*named, *rest][:MAX_CHOICES])


def rebuild(dockerfile: Path, edited: str, servers: int, mode: str) -> BuildReplay:
    """Build ``dockerfile`` again after ``edited`` changed, with the push: a replay at its start.

    Raises BuildInputError (and OSError) as :func:`vmsim.imagebuild.build.build` does."""
    from vmsim.imagebuild.build import build

    return BuildReplay(mode, edited, build(dockerfile, changed=(edited,), push=True), servers)


def replay_at(replay: BuildReplay, elapsed_s: float) -> BuildReplay:
    """The replay ``elapsed_s`` wall seconds after it started: layers one by one, then the push, then the pulls."""
    beats = int(elapsed_s / REPLAY_BEAT_S + 1e-9)
    shown = 0
    for layer in replay.result.layers:
        cost = 1 if layer.cache == "hit" else 2
        if beats < cost:
            break
        beats -= cost
        shown += 1
    if shown < len(replay.result.layers):
        return replay._replace(shown=shown, pushed=False, pulled=0)
    if beats < PUSH_BEATS:
        return replay._replace(shown=shown, pushed=False, pulled=0)
    beats -= PUSH_BEATS
    pulled = min(replay.servers, -(-replay.servers * beats // PULL_BEATS))
    return replay._replace(shown=shown, pushed=True, pulled=pulled)
