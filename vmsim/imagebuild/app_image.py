"""An app's image built from its Dockerfile, as plain data a scenario hands the engine: each layer's id, size and
how the size was found. Base layers the catalog knows keep the catalog's ids, so they are stored once beside
every other image that uses them; the Dockerfile's own layers are named by their content digest."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from vmsim.imagebuild.build import build
from vmsim.imagebuild.figures import build_figures
from vmsim.imagebuild.messages import printable
from vmsim.imagebuild.problems import BuildInputError

__all__ = ["AppImage", "AppLayer", "BuildInputError", "app_image"]

# How each way of finding a size reads as a catalog figure's kind.
_KIND = {"catalog": "measured", "derived": "derived", "measured": "measured", "estimated": "choice", "given": "choice"}


class AppLayer(NamedTuple):
    """One layer: its id (a catalog layer's id, or ``sha256:`` and 12 hex digits), size, figure kind and note."""

    id: str
    size_mib: float
    kind: str  # measured | derived | choice, as the catalog's figures say
    note: str


class AppImage(NamedTuple):
    """The final image of a Dockerfile, bottom layer first, and the base image it starts from."""

    base: str
    layers: tuple[AppLayer, ...]
    image_mib: float


def app_image(dockerfile: Path) -> AppImage:
    """The layers of ``dockerfile``'s image over its folder as the context (a first build: nothing cached).

    Raises :class:`BuildInputError` for a Dockerfile that cannot be built, and for one whose size cannot be
    known: a base image the catalog does not know, or a layer from a URL or from another image."""
    result = build(dockerfile)
    where = str(dockerfile)
    layers: list[AppLayer] = []
    for i, layer in enumerate(result.layers, start=1):
        if layer.size_mib is None:
            if layer.line is None:
                known = ", ".join(sorted(ref for ref in build_figures().bases if ref != "scratch"))
                raise BuildInputError(where, "app_base_unknown", None, ref=printable(result.base), known=known)
            raise BuildInputError(where, "app_size_unknown", layer.line, instruction=printable(layer.instruction))
        if layer.base_id:
            layer_id = layer.base_id
        elif layer.line is None:
            layer_id = f"{printable(result.base)} layer {i}"
        else:
            layer_id = layer.digest[:19]
        note = printable(layer.instruction if layer.line is None else f"line {layer.line}: {layer.instruction}")
        layers.append(AppLayer(layer_id, layer.size_mib, _KIND.get(layer.size_source, "choice"), note))
    return AppImage(result.base, tuple(layers), result.image_mib)
