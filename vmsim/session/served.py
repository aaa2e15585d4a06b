"""What a dashboard served to web browsers (``vmsim serve``) may touch on the server.

The server tells each tab's app through its environment: ``VMSIM_SERVED=1``, and ``VMSIM_SERVED_SCENARIOS``
for the folder the teacher named with ``vmsim serve --scenarios DIR``. A served app then opens only the
shipped scenarios and the ``*.toml`` files directly in that folder (never a path a student types), and its
exports go to the browser as downloads instead of onto the server's disk.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

SERVED_ENV = "VMSIM_SERVED"
SCENARIO_DIR_ENV = "VMSIM_SERVED_SCENARIOS"
MAX_FOLDER_FILES = 200  # the open dialog lists at most this many of the teacher's files


@dataclass(frozen=True)
class ServedLimits:
    """Served or not, and the teacher's scenario folder (an absolute path), if any."""

    served: bool = False
    scenario_dir: Path | None = None

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> ServedLimits:
        """Read the limits the server put in this process's environment."""
        env = os.environ if environ is None else environ
        if env.get(SERVED_ENV) != "1":
            return cls()
        folder = env.get(SCENARIO_DIR_ENV)
        return cls(True, Path(folder).resolve() if folder else None)

    def environment(self) -> dict[str, str]:
        """The variables that hand these limits to an app process."""
        if not self.served:
            return {}
        env = {SERVED_ENV: "1"}
        if self.scenario_dir is not None:
            env[SCENARIO_DIR_ENV] = str(self.scenario_dir)
        return env

    def folder_scenarios(self) -> list[Path]:
        """The teacher's ``*.toml`` files: regular files directly in the folder (no links out of it), sorted."""
        if self.scenario_dir is None:
            return []
        try:
            entries = sorted(self.scenario_dir.iterdir())
        except OSError:
            return []
        found = []
        for entry in entries:
            if entry.suffix == ".toml" and not entry.is_symlink() and entry.is_file():
                found.append(entry)
            if len(found) >= MAX_FOLDER_FILES:
                break
        return found

    def choice(self, typed: str, shipped: list[str]) -> str | None:
        """What a served app may open for ``typed``: a shipped name, or a file of the teacher's folder named
        by its file name or stem; None for anything else (a path, another folder, a link)."""
        typed = typed.strip()
        if typed in shipped:
            return typed
        for path in self.folder_scenarios():
            if typed in (path.name, path.stem):
                return str(path)
        return None
