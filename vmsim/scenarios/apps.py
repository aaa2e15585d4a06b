"""The ``[apps]`` table: apps defined by a Dockerfile, and the catalog a scenario's simulation runs with them.

``[apps.NAME] dockerfile = "path"`` (relative to the scenario file, inside its folder) builds the app's image with
``vmsim build``'s code: the base image's layers from the catalog, then one layer per ``RUN``, ``COPY`` and ``ADD``.
Those layers are what ``pull`` downloads and what the disk stores once in the container and microVM worlds.
``like`` names the catalog app whose memory, start time and CPU the app has (by default NAME itself, when the
catalog has an app of that name). The engine gets plain data: an image and an app in its catalog.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from vmsim.engine.catalog import MEASURED, App, Catalog, Figure, Image, ImageLayer
from vmsim.scenarios.errors import suggest
from vmsim.scenarios.reader import Reader
from vmsim.scenarios.spec import AppImageSpec, LayerSpec
from vmsim.text import msg

APP_KEYS = ["dockerfile", "like"]
MAX_APPS = 20
NAME = re.compile(r"[a-z][a-z0-9-]{0,39}")  # an instance is NAME-1, NAME-2, …: no dots, spaces or capitals
DOCKERFILE_SOURCE = "DOCKERFILE"


def read_apps(r: Reader, raw: Any, source: str, catalog: Catalog) -> tuple[AppImageSpec, ...]:
    """Every ``[apps.NAME]``, each Dockerfile read and built; every problem names the key, and the Dockerfile's
    own problems their file and line."""
    if not isinstance(raw, dict):
        r.problem("apps", raw, msg("scenario.apps_table"))
        return ()
    t = raw
    if len(t) > MAX_APPS:
        r.add("scenario.apps_max", max=MAX_APPS)
        return ()
    out = []
    for name, table in t.items():
        where = f"apps.{name}" if NAME.fullmatch(name) else f"apps.{name!r}"
        if not NAME.fullmatch(name):
            r.add("scenario.app_new_name", where=where)
            continue
        if name in catalog.images and name not in catalog.apps:
            r.add("scenario.app_image_name", where=where, name=name)
            continue
        spec = _read_app(r, name, where, r.table(table, where, APP_KEYS), source, catalog)
        if spec is not None:
            out.append(spec)
    return tuple(out)


def _read_app(
    r: Reader, name: str, where: str, t: dict[str, Any], source: str, catalog: Catalog
) -> AppImageSpec | None:
    apps = list(catalog.apps)
    like = r.string(t, "like", where, name if name in catalog.apps else None, max_len=200)
    if like is None:
        r.add("scenario.app_like_missing", where=where, apps=", ".join(apps))
    elif like not in catalog.apps:
        r.problem(f"{where}.like", like, msg("scenario.app_name"), suggest(like, apps))
        like = None
    text = r.string(t, "dockerfile", where, None, required=True, max_len=500)
    if text is None or like is None:
        return None
    folder = Path(source).parent
    path = inside_folder(folder, text)
    if path is None:
        r.problem(f"{where}.dockerfile", text, msg("scenario.app_outside", folder=str(folder)))
        return None
    if not path.is_file():
        missing = "scenario.build_not_file" if path.exists() else "scenario.build_missing"  # a folder, a pipe
        r.problem(f"{where}.dockerfile", text, msg(missing, folder=str(folder)))
        return None
    # The image builder sits above the scenarios (it reads Dockerfiles for `vmsim build`); this one lazy import
    # is the declared exception to the layers (pyproject.toml), so a scenario without a Dockerfile never loads it.
    from vmsim.imagebuild.app_image import BuildInputError, app_image

    try:
        image = app_image(path)
    except BuildInputError as exc:
        r.add("scenario.app_dockerfile", where=f"{where}.dockerfile", place=exc.place(), problem=exc.message)
        return None
    layers = tuple(LayerSpec(layer.id, layer.size_mib, layer.kind, layer.note) for layer in image.layers)
    return AppImageSpec(name, like, path, image.base, layers)


def inside_folder(folder: Path, text: str) -> Path | None:
    """``folder/text`` when it stays inside ``folder`` once resolved (symbolic links followed), else None.

    Why: a scenario file may come from someone else; it may name files beside it, not read the rest of the
    machine (a Dockerfile's folder is the build context whose every file is listed and hashed)."""
    relative = Path(text)
    if relative.is_absolute() or text.startswith(("/", "\\")):
        return None
    path = folder / relative
    try:
        path.resolve().relative_to(folder.resolve())
    except (ValueError, OSError):
        return None
    return path


def with_app_images(catalog: Catalog, apps: tuple[AppImageSpec, ...]) -> Catalog:
    """``catalog`` with each Dockerfile app and its image added (or put in place of the catalog's app of that
    name). A layer the catalog already has is that same layer, so it is stored once per host."""
    if not apps:
        return catalog
    layers = dict(catalog.layers)
    images = dict(catalog.images)
    by_name = dict(catalog.apps)
    for spec in apps:
        stack = []
        for data in spec.layers:
            layer = layers.get(data.id)
            if layer is None:
                size = Figure(data.size_mib, DOCKERFILE_SOURCE, data.note, data.kind or MEASURED)
                layer = layers[data.id] = ImageLayer(data.id, size)
            stack.append(layer)
        image = Image(spec.name, f"{spec.name} (FROM {spec.base}, {spec.dockerfile.as_posix()})", tuple(stack))
        images[spec.name] = image
        like: App = catalog.apps[spec.like]
        by_name[spec.name] = like._replace(name=spec.name, label=f"{spec.name} (Dockerfile)", image=image)
    sources = {**catalog.sources, DOCKERFILE_SOURCE: "the scenario's own Dockerfile, read by vmsim build"}
    return catalog._replace(sources=sources, layers=layers, images=images, apps=by_name)
