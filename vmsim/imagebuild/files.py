"""Reading a build's files without trusting them: a Dockerfile, its ``.dockerignore`` or a context file may be a
symbolic link to a device (``/dev/zero`` never ends), a named pipe (opening one waits for a writer) or a file
that grows while it is read. Only regular files are read, and never past a bound.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

# Opening a named pipe for reading waits for a writer unless the open does not block; a regular file reads the
# same either way. (Windows has neither the flag nor such files.)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BINARY = getattr(os, "O_BINARY", 0)

MAX_BUILD_FILE_BYTES = 4 * 2**20  # a Dockerfile or a .dockerignore: a long one is a few KiB


class NotRegularFile(OSError):
    """The path is a device, a named pipe, a socket or a directory, not a file with contents to read."""


class FileTooLarge(OSError):
    """The file holds more than the bound: ``size`` bytes (at least)."""

    def __init__(self, size: int) -> None:
        super().__init__(f"{size} bytes")
        self.size = size


def read_regular(path: Path | str, limit: int, follow_symlinks: bool = True) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them.

    Raises :class:`NotRegularFile`, :class:`FileTooLarge` (over ``limit`` when opened, or grown past it while
    read), ``FileNotFoundError`` and other ``OSError``; with ``follow_symlinks=False`` a symbolic link is refused
    (``OSError`` ``ELOOP``) rather than followed."""
    flags = os.O_RDONLY | _NONBLOCK | _BINARY | (0 if follow_symlinks else _NOFOLLOW)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(f"{path}: not a regular file")
        if info.st_size > limit:
            raise FileTooLarge(info.st_size)
        data = b"".join(_chunks(fd, limit + 1))  # one byte past the bound tells a file that grew while read
        if len(data) > limit:
            raise FileTooLarge(len(data))
        return data
    finally:
        os.close(fd)


def read_build_file(path: Path, where: str) -> bytes:
    """A Dockerfile's or a ``.dockerignore``'s bytes; every problem a :class:`BuildInputError` naming ``where``
    (``FileNotFoundError`` is left to the caller, for whom a missing file may be no problem)."""
    from vmsim.imagebuild.problems import BuildInputError

    try:
        return read_regular(path, MAX_BUILD_FILE_BYTES)
    except NotRegularFile:
        raise BuildInputError(where, "not_regular") from None
    except FileTooLarge as exc:
        mib = f"{exc.size / 2**20:,.1f}"
        raise BuildInputError(where, "too_large", mib=mib, max=MAX_BUILD_FILE_BYTES // 2**20) from None
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise BuildInputError(where, "unreadable", path=path, reason=exc.strerror or exc) from None


def hash_regular(path: Path | str, size: int, update: Callable[[bytes], object]) -> bool:
    """Feed the first ``size`` bytes of the regular file ``path`` (not followed if a symbolic link) to
    ``update`` (a hash's ``update``); False, having fed nothing, when ``path`` is not a regular file."""
    fd = os.open(path, os.O_RDONLY | _NONBLOCK | _BINARY | _NOFOLLOW)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        # The size the walk found: a file growing while it is hashed cannot make this endless.
        for chunk in _chunks(fd, size):
            update(chunk)
        return True
    finally:
        os.close(fd)


def _chunks(fd: int, limit: int) -> Iterator[bytes]:
    """What ``fd`` holds, a mebibyte at a time, ``limit`` bytes at most."""
    left = limit
    while left > 0 and (chunk := os.read(fd, min(left, 1 << 20))):
        yield chunk
        left -= len(chunk)
