"""Files that are not what they seem: a link to a device that never ends, a named pipe that waits for a writer, a
file too large to be a Dockerfile. ``vmsim build`` reads only regular files and never past a bound.

The builds run in a child process with a cap on its memory and a timeout: should reading ``/dev/zero`` come back,
the test fails in seconds instead of taking the machine's memory (it took 19 GiB in a minute).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from vmsim.imagebuild.context import ContextFiles
from vmsim.imagebuild.files import FileTooLarge, NotRegularFile, read_regular

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes and /dev/zero are POSIX")

PYTHON_DOCKERFILE = (
    "FROM python:3.12-slim-trixie\nWORKDIR /app\nCOPY requirements.txt .\n"
    "RUN pip install -r requirements.txt\nCOPY . .\n"
)


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def build(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``vmsim build argv`` in a child with 1 GiB of address space and 60 s."""
    return subprocess.run(
        [sys.executable, "-m", "vmsim", "build", *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_cap_memory,
    )


def test_a_context_file_linked_to_a_device_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(PYTHON_DOCKERFILE, encoding="utf-8")
    (tmp_path / "requirements.txt").symlink_to("/dev/zero")
    (tmp_path / "app.py").write_text("print('hi')\n", encoding="utf-8")
    done = build("Dockerfile", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "RUN pip install -r requirements.txt" in done.stdout and "Traceback" not in done.stderr
    assert "requirements.txt not read from the context as a regular file" in done.stdout  # not "not found": it is there


def test_a_named_pipe_in_the_context_is_copied_without_waiting_for_a_writer(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(PYTHON_DOCKERFILE, encoding="utf-8")
    (tmp_path / "requirements.txt").write_text("flask==3.1.0\n", encoding="utf-8")
    os.mkfifo(tmp_path / "pipe")
    os.mkfifo(tmp_path / "lock.txt")
    done = build("Dockerfile", "--format", "json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert '"instruction": "COPY . ."' in done.stdout


@pytest.mark.parametrize("name", ["Dockerfile", ".dockerignore"])
@pytest.mark.parametrize("kind", ["pipe", "device"])
def test_a_dockerfile_or_dockerignore_that_is_not_a_file_is_refused(tmp_path: Path, name: str, kind: str) -> None:
    if name != "Dockerfile":
        (tmp_path / "Dockerfile").write_text("FROM alpine:3.22\nCOPY . /app\n", encoding="utf-8")
    if kind == "pipe":
        os.mkfifo(tmp_path / name)
    else:
        (tmp_path / name).symlink_to("/dev/zero")
    done = build("Dockerfile", cwd=tmp_path)
    assert done.returncode == 2 and done.stdout == ""
    why = "is not a regular file (a folder, a device, a pipe or a socket); give a file with text in it"
    assert done.stderr == f"vmsim build: {name}: {why}\n"


def test_a_dockerfile_over_the_bound_is_refused_saying_how_large(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.22\n" + "# padding\n" * 500_000, encoding="utf-8")
    done = build("Dockerfile", cwd=tmp_path)
    assert done.returncode == 2
    assert "Dockerfile: is 4.8 MiB; a Dockerfile or .dockerignore over 4 MiB is refused" in done.stderr


def test_read_regular_refuses_what_is_not_a_regular_file_and_stops_at_its_bound(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(NotRegularFile):
        read_regular(tmp_path / "pipe", 100)  # returns at once: the open does not wait for a writer
    with pytest.raises(NotRegularFile):
        read_regular("/dev/zero", 100)
    (tmp_path / "f").write_bytes(b"x" * 101)
    with pytest.raises(FileTooLarge) as info:
        read_regular(tmp_path / "f", 100)
    assert info.value.size == 101
    assert read_regular(tmp_path / "f", 101) == b"x" * 101
    (tmp_path / "link").symlink_to(tmp_path / "f")
    assert read_regular(tmp_path / "link", 200) == b"x" * 101
    with pytest.raises(OSError):
        read_regular(tmp_path / "link", 200, follow_symlinks=False)


def test_context_text_reads_as_text_mode_did_and_follows_no_link(tmp_path: Path) -> None:
    (tmp_path / "crlf.txt").write_bytes(b"\xef\xbb\xbfa==1\r\nb==2\rc==3\n")
    (tmp_path / "real.txt").write_text("d==4\n", encoding="utf-8")
    (tmp_path / "link.txt").symlink_to("real.txt")
    os.mkfifo(tmp_path / "pipe.txt")
    files = ContextFiles(tmp_path)
    assert files.read_text("crlf.txt") == "a==1\nb==2\nc==3\n"
    assert files.read_text("link.txt") is None  # the image holds the link; its target may be anything
    assert files.read_text("pipe.txt") is None
    # Hashes: a link by where it points, a pipe by what it is; neither read.
    link, pipe = files.index("link.txt"), files.index("pipe.txt")
    assert link is not None and pipe is not None
    assert files.content_hash(link) != files.content_hash(files.index("real.txt") or 0)
    assert len(files.content_hash(pipe)) == 32


def test_a_directory_that_fails_while_being_read_ends_there(tmp_path, monkeypatch):
    # /proc/1/map_files lists, then refuses its entries: the walk raised PermissionError ("vmsim: ...: Permission
    # denied", exit 1, for --context /); now the rest of that directory is skipped, as an unreadable one is.
    import os

    from vmsim.imagebuild.context import ContextFiles

    (tmp_path / "a.txt").write_text("a")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("b")
    real = os.scandir

    class Refusing:
        def __init__(self, inner):
            self.inner = inner

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.inner.close()

        def __iter__(self):
            return self

        def __next__(self):
            raise PermissionError(13, "Permission denied", "sub")

    monkeypatch.setattr(os, "scandir", lambda path: Refusing(real(path)) if str(path).endswith("sub") else real(path))
    files = ContextFiles(tmp_path)
    assert "a.txt" in files.paths and "sub/b.txt" not in files.paths
