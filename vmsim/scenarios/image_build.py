"""The ``[build]`` table: a lesson's Dockerfiles, built (by ``vmsim build``'s code) for the dashboard's build view.

``dockerfile`` (required) and ``compare`` (optional, the same app written another way) are paths relative to
the scenario file; ``changed`` names the context paths a code change touches before the rebuild; ``servers``
is how many servers the rebuilt image is shipped to.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vmsim.scenarios.apps import inside_folder
from vmsim.scenarios.reader import Reader
from vmsim.scenarios.spec import BuildSpec
from vmsim.text import msg

BUILD_KEYS = ["dockerfile", "compare", "changed", "servers"]


def read_build(r: Reader, raw: Any, source: str) -> BuildSpec | None:
    """The ``[build]`` table, its paths resolved against the scenario file's folder and checked to exist."""
    t = r.table(raw, "build", BUILD_KEYS)
    if not isinstance(raw, dict):
        return None
    base = Path(source).parent

    def existing(key: str, required: bool) -> Path | None:
        text = r.string(t, key, "build", None, required=required, max_len=500)
        if text is None:
            return None
        # As an [apps] Dockerfile: only a file beside the scenario (a scenario may come from someone else; the
        # build view shows what the file says and lists and hashes its whole folder).
        path = inside_folder(base, text)
        if path is None:
            r.problem(f"build.{key}", text, msg("scenario.app_outside", folder=str(base)))
            return None
        if not path.is_file():
            missing = "scenario.build_not_file" if path.exists() else "scenario.build_missing"  # a folder, a pipe
            r.problem(f"build.{key}", text, msg(missing, folder=str(base)))
            return None
        return path

    dockerfile = existing("dockerfile", True)
    compare = existing("compare", False)
    context = dockerfile.parent if dockerfile is not None else None

    def in_context(item: str, where: str) -> str | None:
        # A path of the build context, as 'vmsim build --changed' takes it: inside the Dockerfile's folder.
        inside = inside_folder(context, item) if context is not None else None
        if context is not None and (inside is None or not inside.exists()):
            r.problem(where, item, msg("scenario.build_changed", context=str(context)))
            return None
        return item or None

    changed = r.string_list(t, "changed", "build", (), in_context, max_items=20)
    servers = r.number(t, "servers", "build", 10, 1, 1000, whole=True)
    if dockerfile is None:
        return None
    return BuildSpec(dockerfile, compare, tuple(changed), int(servers))
