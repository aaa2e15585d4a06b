"""Files vmsim writes: atomically (a crash never leaves half a file), into a folder the user names."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

DEFAULT_EXPORT_DIR = "vmsim-exports"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: str | Path, text: str) -> Path:
    """Write ``text`` to ``path`` via a temporary file in the same folder and a rename."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())  # the bytes are on disk before the name points at them
        # mkstemp makes the file private (0600); give it the mode any new file gets here.
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def export_name(scenario_slug: str, time_s: float, suffix: str) -> str:
    """'hello-t012.3s.json': the scenario and the moment, so exports sort and never overwrite by surprise."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in scenario_slug) or "vmsim"
    return f"{safe}-t{time_s:07.2f}s.{suffix}"
