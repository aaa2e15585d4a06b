"""Files vmsim writes: atomically (a crash never leaves half a file), into a folder the user names.

The promises (docs/robustness.md, "Files"):

* Only regular files are written. A target that is a symbolic link, a folder, a FIFO or a device is refused
  with a message naming it; nothing is replaced, nothing is followed.
* An existing file keeps its permission bits (a 0600 file stays 0600); a new one gets the umask's mode.
* The temporary file is short (``.vmsim-PID-XXXXXXXX.tmp``), so any legal file name can be written, and is
  named so that the next write into the same folder removes one a killed run left behind.
* Every error names the file it is about.
* ``write_atomic`` replaces an existing file and says so (``Written.replaced``); ``write_export`` (the
  dashboard's ``s`` and ``e``) never replaces: a name already taken gets ``-2``, ``-3``, ...
"""

from __future__ import annotations

import errno
import os
import re
import stat
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple, TextIO

DEFAULT_EXPORT_DIR = "vmsim-exports"
TEMP_PREFIX = ".vmsim-"
TEMP_SUFFIX = ".tmp"
_TEMP_NAME = re.compile(r"^\.vmsim-(\d+)-[A-Za-z0-9_]+\.tmp$")
STALE_AFTER_S = 24 * 3600.0  # a temporary file this old is removed even if its pid is alive (pid reuse)
MAX_EXPORT_COPIES = 1000


class Written(NamedTuple):
    """Where a file was written, and whether it replaced one that was there."""

    path: Path
    replaced: bool


class UnsafeTargetError(OSError):
    """The target exists and is not a regular file: vmsim refuses to replace or follow it."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _named(exc: OSError, target: Path) -> OSError:
    """The same error, naming ``target`` (not the temporary file, and never an empty name)."""
    if exc.errno is None:
        return OSError(f"{target}: {exc}")
    return OSError(exc.errno, exc.strerror or os.strerror(exc.errno), str(target))


def check_target(target: Path) -> os.stat_result | None:
    """The target's stat when it is an existing regular file, None when it does not exist; refuses the rest."""
    try:
        st = os.lstat(target)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _named(exc, target) from None
    if stat.S_ISREG(st.st_mode):
        return st
    if stat.S_ISLNK(st.st_mode):
        why = "is a symbolic link; vmsim writes only regular files, so give the path of the file itself"
    elif stat.S_ISDIR(st.st_mode):
        why = "is a folder; give a file name inside it"
    elif stat.S_ISFIFO(st.st_mode):
        why = "is a named pipe (FIFO), not a regular file; give another file name"
    else:
        why = "is not a regular file (a device or a socket); give another file name"
    raise UnsafeTargetError(errno.EEXIST, why, str(target))


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: alive, another user's
        return True
    return True


def clean_stale_temporaries(folder: Path) -> list[Path]:
    """Remove temporary files a killed vmsim left in ``folder`` (their process is gone, or they are old)."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        match = _TEMP_NAME.match(entry.name)
        if not match or int(match.group(1)) == os.getpid():
            continue
        try:
            st = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(st.st_mode):
                continue
            if _pid_alive(int(match.group(1))) and now - st.st_mtime < STALE_AFTER_S:
                continue
            os.unlink(entry.path)
            removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def write_atomic(path: str | Path, text: str | Callable[[TextIO], object]) -> Written:
    """Write ``text`` to ``path`` via a temporary file in the same folder and a rename. ``text`` may be a
    function that writes to the open file instead (a large document written in pieces, never whole in memory).

    Raises :class:`UnsafeTargetError` for a target that is not a regular file, and OSError naming ``path``
    for anything else that fails (a missing permission, a full disk).
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    before = check_target(target)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _named(exc, folder) from None
    clean_stale_temporaries(folder)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=TEMP_SUFFIX, dir=folder)
    except OSError as exc:
        # The new text goes to a new file beside the target first: say that it is the folder that refused
        # (/proc/version exists, but /proc takes no new file: "No such file or directory" alone misleads).
        reason = f"no new file can be made in {folder} ({exc.strerror or exc})"
        if exc.errno is None:
            raise OSError(f"{target}: {reason}") from None
        raise OSError(exc.errno, reason, str(target)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            if isinstance(text, str):
                fh.write(text)
            else:
                text(fh)
            fh.flush()
            os.fsync(fh.fileno())  # the bytes are on disk before the name points at them
        # mkstemp makes the file private (0600): an existing file keeps its mode, a new one gets the umask's.
        mode = stat.S_IMODE(before.st_mode) if before is not None else 0o666 & ~_umask()
        os.chmod(tmp, mode)
        check_target(target)  # refuse a link or pipe that appeared meanwhile (rename would replace it)
        os.replace(tmp, target)
    except UnsafeTargetError:
        Path(tmp).unlink(missing_ok=True)
        raise
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise _named(exc, target) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Written(target, before is not None)


def free_name(folder: Path, name: str) -> Path:
    """``folder / name``, or with ``-2``, ``-3``, ... before the suffix when that name is taken."""
    candidate = folder / name
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    number = 1
    while os.path.lexists(candidate):
        number += 1
        if number > MAX_EXPORT_COPIES:
            raise OSError(errno.EEXIST, f"{MAX_EXPORT_COPIES} exports of this moment exist already", str(folder))
        candidate = folder / (f"{stem}-{number}.{suffix}" if dot else f"{stem}-{number}")
    return candidate


def write_export(folder: str | Path, name: str, text: str | Callable[[TextIO], object]) -> Path:
    """Write a dashboard export into ``folder`` under ``name``, never replacing a file (see :func:`free_name`);
    ``text`` may be a function that writes to the open file, as for :func:`write_atomic`."""
    return write_atomic(free_name(Path(folder), name), text).path


def export_name(scenario_slug: str, time_s: float, suffix: str) -> str:
    """'hello-t012.3s.json': the scenario and the moment, so exports sort and never overwrite by surprise."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in scenario_slug) or "vmsim"
    return f"{safe}-t{time_s:07.2f}s.{suffix}"
