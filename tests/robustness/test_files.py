"""Files vmsim writes (``--out``, ``vmsim report --out``, the dashboard's exports): only regular files, modes
kept, any legal name, errors that name the file, and no temporary file left for good (issue 18, items 5, 6, 14)."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys

import pytest

from vmsim.output import exports
from vmsim.output.exports import UnsafeTargetError, write_atomic, write_export

posix_only = pytest.mark.skipif(os.name != "posix", reason="symbolic links, FIFOs and modes are POSIX ones")


def vmsim(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "vmsim", *args], capture_output=True, text=True, timeout=120, cwd=cwd)


@posix_only
@pytest.mark.parametrize("command", [["run", "hello", "--format", "json"], ["report", "hello"]])
def test_a_symlink_target_is_refused_and_left_alone(tmp_path, command):
    real = tmp_path / "precious.txt"
    real.write_text("keep me\n", encoding="utf-8")
    link = tmp_path / "out.json"
    link.symlink_to(real)
    proc = vmsim(*command, "--out", str(link))
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert f"{link}: is a symbolic link" in proc.stderr
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "keep me\n"


@posix_only
def test_a_fifo_target_is_refused_and_left_alone(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    proc = vmsim("run", "hello", "--format", "json", "--out", str(fifo))
    assert proc.returncode == 2
    assert f"{fifo}: is a named pipe (FIFO)" in proc.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_folder_target_is_refused(tmp_path):
    with pytest.raises(UnsafeTargetError) as exc:
        write_atomic(tmp_path, "x")
    assert exc.value.filename == str(tmp_path) and "is a folder" in exc.value.strerror


@posix_only
def test_a_symlink_to_a_folder_is_not_followed(tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    link = tmp_path / "link"
    link.symlink_to(folder)
    with pytest.raises(UnsafeTargetError):
        write_atomic(link, "x")
    assert link.is_symlink() and list(folder.iterdir()) == []


@posix_only
def test_an_existing_files_mode_is_kept(tmp_path):
    private = tmp_path / "private.json"
    private.write_text("old", encoding="utf-8")
    private.chmod(0o600)
    written = write_atomic(private, "new")
    assert written.replaced
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert private.read_text(encoding="utf-8") == "new"
    shared = tmp_path / "shared.json"
    shared.write_text("old", encoding="utf-8")
    shared.chmod(0o664)
    write_atomic(shared, "new")
    assert stat.S_IMODE(shared.stat().st_mode) == 0o664


def test_a_255_byte_file_name_can_be_written(tmp_path):
    name = "r" * 250 + ".json"
    assert len(name.encode()) == 255
    written = write_atomic(tmp_path / name, "{}")
    assert written.path.read_text(encoding="utf-8") == "{}"
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # no temporary file left


def test_a_full_disk_error_names_the_file(tmp_path, monkeypatch):
    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(exports.os, "fsync", full)
    target = tmp_path / "out.json"
    with pytest.raises(OSError) as exc:
        write_atomic(target, "x")
    assert exc.value.filename == str(target) and exc.value.errno == errno.ENOSPC
    assert list(tmp_path.iterdir()) == []  # the temporary file is gone too


@posix_only
def test_a_file_in_a_folder_that_takes_no_new_file_says_so(tmp_path):
    """/proc/version exists, but /proc takes no new file; the write goes through a new file beside the target,
    so "No such file or directory" alone would deny a file the user can see."""
    if not os.path.exists("/proc/version"):
        pytest.skip("needs /proc")
    proc = vmsim("report", "hello", "--out", "/proc/version")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "no new file can be made in /proc" in proc.stderr, proc.stderr


def test_the_cli_names_the_file_it_cannot_write(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    proc = vmsim("run", "hello", "--out", str(blocker / "out.json"))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert str(blocker) in proc.stderr and "vmsim: : " not in proc.stderr


def test_a_killed_runs_temporary_file_is_removed_by_the_next_write(tmp_path):
    dead_pid = 2**22 + 12345  # above Linux's pid_max default: no such process
    stale = tmp_path / f".vmsim-{dead_pid}-abcd1234.tmp"
    stale.write_text("half a file", encoding="utf-8")
    mine = tmp_path / f".vmsim-{os.getpid()}-keepthis.tmp"  # a live process's file is not touched
    mine.write_text("in progress", encoding="utf-8")
    unrelated = tmp_path / ".other.tmp"
    unrelated.write_text("", encoding="utf-8")
    write_atomic(tmp_path / "out.json", "{}")
    assert not stale.exists()
    assert mine.exists() and unrelated.exists()


@posix_only
def test_sigkill_mid_write_leaves_a_file_the_next_run_cleans(tmp_path):
    code = (
        "import os, signal, sys; from vmsim.output import exports; "
        "exports.os.fsync = lambda fd: os.kill(os.getpid(), signal.SIGKILL); "
        f"exports.write_atomic({str(tmp_path / 'out.json')!r}, 'x' * 1000)"
    )
    proc = subprocess.run([sys.executable, "-c", code], timeout=60)
    assert proc.returncode == -9
    left = [p.name for p in tmp_path.iterdir()]
    assert len(left) == 1 and left[0].startswith(".vmsim-") and left[0].endswith(".tmp")
    write_atomic(tmp_path / "other.json", "{}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.json"]


# ---------------------------------------------------------------------------------------------- item 6
def test_out_replaces_an_existing_file_and_says_so(tmp_path):
    out = tmp_path / "run.json"
    out.write_text("old", encoding="utf-8")
    proc = vmsim("run", "hello", "--format", "json", "--out", str(out))
    assert proc.returncode == 0
    assert f"vmsim: wrote {out} (replaced the file that was there)" in proc.stderr
    fresh = tmp_path / "fresh.json"
    proc = vmsim("run", "hello", "--format", "json", "--out", str(fresh))
    assert "replaced" not in proc.stderr


def test_report_says_what_it_replaced(tmp_path):
    out = tmp_path / "report.html"
    out.write_text("old", encoding="utf-8")
    proc = vmsim("report", "hello", "--out", str(out))
    assert proc.returncode == 0
    assert "replacing the file that was there" in proc.stderr


def test_dashboard_exports_never_replace_a_file(tmp_path):
    first = write_export(tmp_path, "hello-t0000.00s.svg", "one")
    second = write_export(tmp_path, "hello-t0000.00s.svg", "two")
    third = write_export(tmp_path, "hello-t0000.00s.svg", "three")
    assert [first.name, second.name, third.name] == [
        "hello-t0000.00s.svg",
        "hello-t0000.00s-2.svg",
        "hello-t0000.00s-3.svg",
    ]
    assert first.read_text(encoding="utf-8") == "one" and third.read_text(encoding="utf-8") == "three"
