"""The figures of ``vmsim build`` (``data/figures.toml``) and the base images it knows, each with its source."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from vmsim.engine.catalog import Figure, default_catalog

FIGURES_TOML = Path(__file__).parent / "data" / "figures.toml"
MB_PER_MIB = 1.048576


class BaseLayer(NamedTuple):
    """One layer of a known base image: uncompressed and compressed sizes, and where they come from."""

    name: str
    size_mib: float
    compressed_mib: float
    source: str


class BuildFigures(NamedTuple):
    """Every figure a build uses, by dotted name (``run.npm_package_mib``), with the sources they cite."""

    figures: dict[str, Figure]
    sources: dict[str, str]
    compressed_ratio: Figure
    unpack_mibps: Figure
    bases: dict[str, tuple[BaseLayer, ...]]

    def value(self, name: str) -> float:
        """The value of figure ``name``."""
        return self.figures[name].value


def _figure(raw: dict[str, Any]) -> Figure:
    return Figure(float(raw["v"]), str(raw["src"]), str(raw.get("note", "")))


@cache
def build_figures() -> BuildFigures:
    """The figures shipped with vmsim, checked for known sources (parsed once per process)."""
    data = tomllib.loads(FIGURES_TOML.read_text(encoding="utf-8"))
    catalog = default_catalog()
    sources = dict(data["sources"])
    figures: dict[str, Figure] = {}
    for group in ("cache", "transfer", "run", "time"):
        for key, raw in data[group].items():
            figures[f"{group}.{key}"] = _figure(raw)
    runtime = catalog.runtimes["containerd"]
    ratio = runtime.compressed_ratio
    bases: dict[str, tuple[BaseLayer, ...]] = {"scratch": ()}
    for image in catalog.images.values():
        if " " not in image.ref:
            bases[image.ref] = tuple(
                BaseLayer(layer.id, layer.size_mib, layer.size_mib * ratio.value, f"catalog layers.{layer.id}")
                for layer in image.layers
            )
    for ref, table in data["bases"].items():
        layers = []
        for i, raw in enumerate(table["compressed_mb"], start=1):
            fig = _figure(raw)
            figures[f"bases.{ref}.{i}"] = fig
            compressed = fig.value / MB_PER_MIB
            layers.append(BaseLayer(fig.note, compressed / ratio.value, compressed, fig.source))
        bases[ref] = tuple(layers)
    for name, fig in figures.items():
        if fig.source not in sources:
            raise ValueError(f"{FIGURES_TOML}: {name} cites unknown source {fig.source!r}")
    return BuildFigures(figures, sources, ratio, runtime.unpack_mibps, bases)


def normalise_ref(ref: str) -> str:
    """``docker.io/library/node:24`` → ``node:24``; an untagged name gets ``:latest``; a digest is dropped."""
    ref = ref.partition("@")[0]
    for prefix in ("docker.io/library/", "index.docker.io/library/", "library/"):
        if ref.startswith(prefix):
            ref = ref[len(prefix) :]
            break
    last = ref.rpartition("/")[2]
    if ":" not in last and ref != "scratch":
        ref += ":latest"
    return ref
