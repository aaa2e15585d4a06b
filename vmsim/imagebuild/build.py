"""From a Dockerfile and its context to the image's layers: sizes, digests, cache hits and what a push moves.

The cache follows BuildKit's rules [BUILD-CACHE]: a layer is a hit when its parent is a hit and its own inputs
did not change: for COPY/ADD the content of the files it copies, for RUN its command text (with the ARG and ENV
values in effect), for ``COPY --from`` the stage it copies from. The first miss makes every later layer a miss.
"""

from __future__ import annotations

import difflib
import hashlib
import posixpath
import re
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from vmsim.imagebuild.context import MIB, ContextFiles
from vmsim.imagebuild.dockerfile import Stage, Step, read_stages
from vmsim.imagebuild.figures import MB_PER_MIB, BuildFigures, build_figures, normalise_ref
from vmsim.imagebuild.glob import compile_glob
from vmsim.imagebuild.messages import problem
from vmsim.imagebuild.problems import BuildInputError
from vmsim.imagebuild.sizes import estimate_run

_GLOB = re.compile(r"[*?\[]")
_URL = ("http://", "https://", "git@", "git://")


class Layer(NamedTuple):
    """One layer of the image: what made it, its size and how that size was found, its digest, hit or miss."""

    instruction: str
    line: int | None
    size_mib: float | None
    size_source: str  # catalog | derived | given | unknown | measured | estimated
    note: str
    digest: str
    cache: str  # hit | miss
    build_s: float
    compressed_mib: float | None
    base_id: str = ""  # a base image's layer as the catalog names it ('' when the catalog has no such layer)


class BuildResult(NamedTuple):
    """A build: the final image's layers bottom first, its size and build time, and (with a push) the bytes moved."""

    dockerfile: str
    context: str
    base: str
    base_kind: str  # catalog | given | unknown | scratch | stage
    layers: tuple[Layer, ...]
    image_mib: float
    sizes_known: bool  # every layer's size, the base's included
    build_s: float
    changed: tuple[str, ...]
    push_mib: float | None
    pull_mib: float | None
    push_s: float | None
    pull_s: float | None
    near_stages: tuple[tuple[int, str, str], ...] = ()  # (line, FROM's base, the earlier stage it is close to)


class _Run:
    """The state of one build: figures, context, changed paths, layers of the stages built so far."""

    def __init__(self, where: str, files: ContextFiles, changed: tuple[str, ...], fig: BuildFigures) -> None:
        self.where = where
        self.files = files
        self.changed = changed
        self.fig = fig
        self.rebuild = bool(changed)
        self.stage_layers: dict[int, list[Layer]] = {}
        self.stage_copied: dict[int, list[str]] = {}

    def is_changed(self, path: str) -> bool:
        return any(path == c or path.startswith(c + "/") or c == "." for c in self.changed)

    def miss_or_hit(self, parent_missed: bool, inputs_changed: bool) -> str:
        if not self.rebuild:
            return "miss"  # a first build: nothing is cached yet
        return "miss" if parent_missed or inputs_changed else "hit"

    def time(self, cache: str, kind: str, size_mib: float | None, compressed_mib: float | None = None) -> float:
        fig = self.fig
        if cache == "hit":
            return fig.value("cache.hit_s")
        size = size_mib or 0.0
        if kind == "base":
            wire = (compressed_mib or 0.0) * MB_PER_MIB * 8 / fig.value("transfer.registry_mbps")
            return wire + size / fig.unpack_mibps.value
        if kind == "RUN":
            return fig.value("time.run_start_s") + size / fig.value("time.install_mibps")
        return fig.value("time.copy_start_s") + size / fig.value("time.copy_mibps")

    def compressed(self, size_mib: float | None) -> float | None:
        return None if size_mib is None else size_mib * self.fig.compressed_ratio.value


def _digest(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return "sha256:" + h.hexdigest()


def _base_layers(
    run: _Run, stage: Stage, base_size_mib: float | None, final: bool, by_name: dict[str, int]
) -> tuple[list[Layer], str]:
    """The layers a stage starts from, and what kind of base it is."""
    named = by_name.get(stage.base.lower())
    if named is not None:
        if named == stage.number:  # this stage itself: it would start from what it is making
            raise BuildInputError(run.where, "stage_not_before", stage.line, name=stage.base)
        if named > stage.number:  # stages are built in order: one below is not made yet
            raise BuildInputError(run.where, "stage_later", stage.line, name=stage.base)
        return list(run.stage_layers[named]), "stage"
    ref = normalise_ref(stage.base)
    cache = "hit" if run.rebuild else "miss"
    known = run.fig.bases.get(ref)
    if known is not None:
        layers = []
        for i, base in enumerate(known, start=1):
            source = "catalog" if base.source.startswith("catalog") else "derived"
            t = run.time(cache, "base", base.size_mib, base.compressed_mib)
            note = f"{base.name} [{base.source}]"
            digest = _digest("base", ref, str(i))
            layers.append(
                Layer(
                    f"{ref} layer {i}/{len(known)}",
                    None,
                    base.size_mib,
                    source,
                    note,
                    digest,
                    cache,
                    t,
                    base.compressed_mib,
                    base.name if source == "catalog" else "",
                )
            )
        return layers, "scratch" if ref == "scratch" else "catalog"
    given = base_size_mib if final else None
    size_source = "given" if given is not None else "unknown"
    note = "--base-size" if given is not None else "not in the catalog"
    t = run.time(cache, "base", given, run.compressed(given))
    layer = Layer(
        f"{ref} (all layers)", None, given, size_source, note, _digest("base", ref), cache, t, run.compressed(given)
    )
    return [layer], size_source


def _select(run: _Run, step: Step) -> list[int]:
    """Indexes of the context files a COPY/ADD copies; a source outside the context or matching nothing is an error."""
    files = run.files
    chosen: set[int] = set()
    for src in step.sources:
        cleaned = posixpath.normpath(src.lstrip("/")) if src.strip("/") else "."
        if cleaned == ".." or cleaned.startswith("../"):
            raise BuildInputError(run.where, "outside_context", step.line, word=step.kind, src=src, context=files.root)
        before = len(chosen)
        if _GLOB.search(cleaned):
            try:
                glob = compile_glob(cleaned)
            except ValueError as exc:
                raise BuildInputError(
                    run.where, "bad_source", step.line, word=step.kind, src=src, reason=str(exc)
                ) from None
            for i, path in enumerate(files.paths):
                if glob.match(path):
                    chosen.add(i)
            for d in files.directories:
                if glob.match(d):
                    chosen.update(files.under(d))
        elif cleaned == "." or cleaned in files.directories:
            chosen.update(files.under(cleaned))
        else:
            found = files.index(cleaned)
            if found is not None:
                chosen.add(found)
        if len(chosen) == before and not (cleaned == "." or cleaned in files.directories):
            hint = problem("ignored_hint") if files.rules.ignored(cleaned) else ""
            raise BuildInputError(run.where, "no_match", step.line, word=step.kind, src=src, ignored=hint)
    return sorted(chosen)


def _step_layer(run: _Run, stage: Stage, step: Step, parent: Layer | None, by_name: dict[str, int]) -> Layer:
    parent_digest = parent.digest if parent else "sha256:"
    parent_missed = parent is not None and parent.cache == "miss"
    copied = run.stage_copied.setdefault(stage.number, [])
    if step.kind == "RUN":
        est = estimate_run(step.command, dict(step.env), run.files, copied, run.fig)
        env = "\n".join(f"{k}={v}" for k, v in step.env)
        digest = _digest(parent_digest, "RUN", step.command, env)
        cache = run.miss_or_hit(parent_missed, False)
        return Layer(
            step.text,
            step.line,
            est.size_mib,
            "estimated",
            est.note,
            digest,
            cache,
            run.time(cache, "RUN", est.size_mib),
            run.compressed(est.size_mib),
        )
    if step.from_stage is not None:
        return _copy_from(run, step, parent_digest, parent_missed, by_name)
    if step.kind == "ADD" and any(s.startswith(_URL) for s in step.sources):
        digest = _digest(parent_digest, step.text)
        cache = run.miss_or_hit(parent_missed, False)
        return Layer(
            step.text,
            step.line,
            None,
            "unknown",
            "a remote source: size not known before download",
            digest,
            cache,
            run.time(cache, "ADD", None),
            None,
        )
    indexes = _select(run, step)
    files = run.files
    h = hashlib.sha256()
    h.update(f"{parent_digest}\n{step.kind}\n{step.dest}\n".encode())
    size = 0
    changed = False
    for i in indexes:
        path = files.paths[i]
        copied.append(path)
        size += files.sizes[i]
        h.update(path.encode("utf-8", "surrogateescape") + b"\0" + files.content_hash(i))
        if run.rebuild and run.is_changed(path):
            changed = True
            h.update(b"\0changed")  # the second build sees new content at this path
    size_mib = size / MIB
    cache = run.miss_or_hit(parent_missed, changed)
    note = f"{len(indexes)} files from the context"
    return Layer(
        step.text,
        step.line,
        size_mib,
        "measured",
        note,
        "sha256:" + h.hexdigest(),
        cache,
        run.time(cache, step.kind, size_mib),
        run.compressed(size_mib),
    )


def _copy_from(run: _Run, step: Step, parent_digest: str, parent_missed: bool, by_name: dict[str, int]) -> Layer:
    name = (step.from_stage or "").lower()
    index = by_name.get(name, int(name) if name.isdigit() else None)
    if index is None or index not in run.stage_layers:
        if ":" in name or "/" in name:  # an image reference: its files are not known here
            digest = _digest(parent_digest, step.text)
            cache = run.miss_or_hit(parent_missed, False)
            return Layer(
                step.text,
                step.line,
                None,
                "unknown",
                f"files from the image {name}",
                digest,
                cache,
                run.time(cache, step.kind, None),
                None,
            )
        stages = ", ".join(by_name) or "none named"
        close = difflib.get_close_matches(name, list(by_name), n=1)
        guess = problem("guess", word=close[0]) if close else ""
        raise BuildInputError(run.where, "unknown_stage", step.line, name=step.from_stage, stages=stages, guess=guess)
    source = run.stage_layers[index]
    own = [layer for layer in source if layer.line is not None]
    binaries = [layer for layer in own if "go build" in layer.note]
    if binaries:
        size = run.fig.value("run.go_binary_mib")
        note = f"a Go binary from stage {name}, {size:g} MiB (model)"
    else:
        size = sum(layer.size_mib or 0.0 for layer in own)
        note = f"at most what stage {name} added, {size:.1f} MiB (model: an upper bound)"
    last = source[-1] if source else None
    digest = _digest(parent_digest, step.text, last.digest if last else "")
    cache = run.miss_or_hit(parent_missed, last is not None and last.cache == "miss")
    return Layer(
        step.text,
        step.line,
        size,
        "estimated",
        note,
        digest,
        cache,
        run.time(cache, step.kind, size),
        run.compressed(size),
    )


def _needed(stages: Sequence[Stage], by_name: dict[str, int]) -> set[int]:
    """The stages the last one needs (BuildKit builds only these)."""
    needed: set[int] = set()
    todo = [len(stages) - 1]
    while todo:
        i = todo.pop()
        if i in needed:
            continue
        needed.add(i)
        stage = stages[i]
        refs = [stage.base.lower()] + [(s.from_stage or "").lower() for s in stage.steps if s.from_stage]
        for ref in refs:
            j = by_name.get(ref, int(ref) if ref.isdigit() else None)
            if j is not None and j < i:
                todo.append(j)
    return needed


def resolve_changed(paths: Sequence[str], context: Path) -> tuple[str, ...]:
    """``--changed`` paths as slash paths relative to the context; each must exist inside it."""
    out: list[str] = []
    root = context.resolve()
    for raw in paths:
        p = Path(raw)
        if p.is_absolute():
            try:
                rel = p.resolve().relative_to(root).as_posix()
            except ValueError:
                raise BuildInputError(raw, "changed_outside", path=raw, context=context) from None
        else:
            rel = posixpath.normpath(p.as_posix())
            if rel == ".." or rel.startswith("../"):
                raise BuildInputError(raw, "changed_outside", path=raw, context=context)
        if not (root / rel).exists():
            raise BuildInputError(raw, "changed_missing", path=raw, context=context)
        out.append(rel)
    return tuple(out)


def build(
    dockerfile: Path,
    context: Path | None = None,
    *,
    base_size_mib: float | None = None,
    changed: Sequence[str] = (),
    push: bool = False,
) -> BuildResult:
    """Build the layer list of ``dockerfile`` over ``context`` (default: the Dockerfile's directory)."""
    stages = read_stages(dockerfile)
    context = context if context is not None else dockerfile.parent
    if not context.is_dir():
        raise BuildInputError(str(context), "no_context", context=context)
    changed_paths = resolve_changed(changed, context)
    run = _Run(str(dockerfile), ContextFiles(context), changed_paths, build_figures())
    by_name = {s.name: s.number for s in stages if s.name}
    needed = _needed(stages, by_name)
    timed: dict[str, float] = {}
    base_kind = "unknown"
    near: list[tuple[int, str, str]] = []
    for stage in stages:
        if stage.number not in needed:
            continue
        final = stage.number == len(stages) - 1
        layers, kind = _base_layers(run, stage, base_size_mib, final, by_name)
        for step in stage.steps:
            layers.append(_step_layer(run, stage, step, layers[-1] if layers else None, by_name))
        run.stage_layers[stage.number] = layers
        for layer in layers:
            timed[layer.digest] = layer.build_s
        if final:
            base_kind = kind
        if kind == "unknown":  # read as an image, as Docker reads it; a misspelt stage name is the likely cause
            earlier = [name for name, number in by_name.items() if number < stage.number]
            close = difflib.get_close_matches(stage.base.lower(), earlier, n=1)
            if close:
                near.append((stage.line, stage.base, close[0]))
    final_layers = tuple(run.stage_layers[len(stages) - 1])
    image = sum(layer.size_mib or 0.0 for layer in final_layers)
    known = all(layer.size_mib is not None for layer in final_layers)
    push_mib = pull_mib = push_s = pull_s = None
    if push:
        missed = [layer for layer in final_layers if layer.cache == "miss"]
        # Base image layers are already in the registry (mounted, not uploaded) [OCI-DIST].
        push_mib = sum(layer.compressed_mib or 0.0 for layer in missed if layer.line is not None)
        pull_mib = sum(layer.compressed_mib or 0.0 for layer in missed)
        mbps = run.fig.value("transfer.registry_mbps")
        push_s = push_mib * MB_PER_MIB * 8 / mbps
        pull_s = pull_mib * MB_PER_MIB * 8 / mbps
    return BuildResult(
        str(dockerfile),
        str(context),
        stages[-1].base,
        base_kind,
        final_layers,
        image,
        known,
        sum(timed.values()),
        changed_paths,
        push_mib,
        pull_mib,
        push_s,
        pull_s,
        tuple(near),
    )
