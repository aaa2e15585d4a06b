"""The ``[build]`` table: a lesson's Dockerfiles, built (by ``vmsim build``'s code) for the dashboard's build view.

``dockerfile`` (required) and ``compare`` (optional, the same app written another way) are paths relative to
the scenario file; ``changed`` names the context paths a code change touches before the rebuild; ``servers``
is how many servers the rebuilt image is shipped to.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

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
        path = base / text
        if not path.is_file():
            r.problem(f"build.{key}", text, msg("scenario.build_missing", folder=str(base)))
            return None
        return path

    dockerfile = existing("dockerfile", True)
    compare = existing("compare", False)
    changed = r.string_list(t, "changed", "build", (), lambda item, where: item or None, max_items=20)
    servers = r.number(t, "servers", "build", 10, 1, 1000, whole=True)
    if dockerfile is None:
        return None
    return BuildSpec(dockerfile, compare, tuple(changed), int(servers))
