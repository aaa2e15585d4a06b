"""The build context: its files after ``.dockerignore``, walked once, hashed only when a layer needs them."""

from __future__ import annotations

import bisect
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

from vmsim.imagebuild.dockerignore import IgnoreRules
from vmsim.imagebuild.files import hash_regular, read_regular

MIB = 1024 * 1024


class ContextFiles:
    """The files a build can copy: sorted slash paths relative to the context, with their sizes in bytes.

    Invariant: ``paths`` is sorted and holds no path ``.dockerignore`` excludes; ``sizes[i]`` is the size of
    ``paths[i]``. The walk streams directories (no listing of the whole tree is held twice) and skips an
    excluded directory without entering it when no ``!`` exception could bring part of it back.
    """

    def __init__(self, root: Path, rules: IgnoreRules | None = None) -> None:
        self.root = root
        self.rules = rules if rules is not None else IgnoreRules.for_context(root)
        entries = sorted(self._walk())
        self.paths = [p for p, _ in entries]
        self.sizes = [s for _, s in entries]
        self.directories = self._directories()
        self._hashes: dict[str, bytes] = {}

    def _walk(self) -> Iterator[tuple[str, int]]:
        stack = [""]
        rules = self.rules
        while stack:
            rel = stack.pop()
            try:
                it = os.scandir(self.root / rel if rel else self.root)
            except OSError:
                continue  # an unreadable directory: Docker fails on it too, but it cannot be copied either way
            with it:
                for entry in _entries(it):
                    path = f"{rel}/{entry.name}" if rel else entry.name
                    try:
                        is_dir = entry.is_dir(follow_symlinks=False)
                    except OSError:
                        continue
                    if is_dir:
                        if not rules.prune(path):
                            stack.append(path)
                        continue
                    if rules.ignored(path):
                        continue
                    try:
                        size = entry.stat(follow_symlinks=False).st_size
                    except OSError:
                        continue
                    yield path, size

    def _directories(self) -> set[str]:
        dirs: set[str] = set()
        for path in self.paths:
            head = path.rpartition("/")[0]
            while head and head not in dirs:
                dirs.add(head)
                head = head.rpartition("/")[0]
        return dirs

    def __len__(self) -> int:
        return len(self.paths)

    def under(self, directory: str) -> range:
        """Indexes of the files at or below ``directory`` ("." or "" is the whole context)."""
        if directory in (".", ""):
            return range(len(self.paths))
        prefix = directory + "/"
        lo = bisect.bisect_left(self.paths, prefix)
        hi = bisect.bisect_left(self.paths, directory + "0")  # "0" sorts right after "/"
        return range(lo, hi)

    def index(self, path: str) -> int | None:
        """The index of the file ``path``, or None."""
        i = bisect.bisect_left(self.paths, path)
        return i if i < len(self.paths) and self.paths[i] == path else None

    def content_hash(self, i: int) -> bytes:
        """The SHA-256 of file ``i``'s content (its first ``sizes[i]`` bytes, read in chunks, computed once); a
        symlink hashes where it points (it is copied as a link, as Docker copies it), a device, named pipe or socket
        only what it is (it has no contents to copy, and reading one may never end)."""
        path = self.paths[i]
        cached = self._hashes.get(path)
        if cached is not None:
            return cached
        full = self.root / path
        h = hashlib.sha256()
        try:
            if full.is_symlink():
                h.update(b"symlink:" + os.readlink(full).encode("utf-8", "surrogateescape"))
            elif not hash_regular(full, self.sizes[i], h.update):
                h.update(b"special file")
        except OSError as exc:
            h.update(f"unreadable:{exc.errno}".encode())
        digest = h.digest()
        self._hashes[path] = digest
        return digest

    def read_text(self, path: str, limit: int = 4 * MIB) -> str | None:
        """The text of a small context file (a lockfile, a package list), or None when absent, too large, or not a
        regular file: a symlink is not followed (the image holds the link, and its target may be anything, such as
        a device that never ends)."""
        i = self.index(path)
        if i is None or self.sizes[i] > limit:
            return None
        try:
            data = read_regular(self.root / path, limit, follow_symlinks=False)
        except OSError:
            return None
        # As a text-mode read gives it: line ends as newlines; a byte-order mark (Windows editors write one) is not
        # part of the text (JSON and TOML refuse it).
        text = data.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
        return text.removeprefix("\ufeff")


def _entries(it: Iterator[os.DirEntry[str]]) -> Iterator[os.DirEntry[str]]:
    """A directory's entries, ending where reading it fails (a directory that lists but cannot be read, such as
    /proc's map_files): the rest of it is skipped as an unreadable directory is."""
    while True:
        try:
            yield next(it)
        except (StopIteration, OSError):
            return
