"""The guard of one browser tab's app: it runs the app as its child, and makes sure the app dies with the
guard, with the server, or with its session (``python -m vmsim.web.serve --guard SERVER_PID -- COMMAND...``).

The guard also caps the app's memory (``--memory-mib``: ``RLIMIT_AS`` of the app), so no single tab can take
the server's memory, whatever it asks for.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys

GUARD_GRACE_S = 2.0  # the guard's own SIGTERM → SIGKILL grace for its app (shorter than the server's)
GUARD_POLL_S = 0.25
POSIX = os.name == "posix"
SIGKILL = getattr(signal, "SIGKILL", signal.SIGTERM)  # Windows has neither SIGKILL nor process groups


def set_parent_death_signal(sig: int) -> bool:
    """Linux: have the kernel send ``sig`` to this process when its parent dies. False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        return bool(libc.prctl(pr_set_pdeathsig, int(sig), 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def limit_memory(memory_mib: int | None) -> bool:
    """Cap this process's address space (``RLIMIT_AS``) at ``memory_mib``; False where unsupported."""
    if not memory_mib:
        return False
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return False
    limit = int(memory_mib) * 2**20
    try:
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):
        return False
    return True


def signal_group(pgid: int, sig: int) -> bool:
    """Send ``sig`` to a process group; False when the group is gone (or not ours)."""
    try:
        if hasattr(os, "killpg"):
            os.killpg(pgid, sig)
        else:  # pragma: no cover - Windows: no groups, so only the guard itself (pid == pgid) is reached
            os.kill(pgid, sig)
    except OSError:  # ProcessLookupError: nothing left in the group; PermissionError: not ours
        return False
    return True


def _end_child(child: subprocess.Popen[bytes], grace_s: float) -> None:
    if child.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            child.terminate()
        try:
            child.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                child.kill()
            child.wait()


def guard_main(
    server_pid: int,
    argv: list[str],
    poll_s: float = GUARD_POLL_S,
    grace_s: float = GUARD_GRACE_S,
    memory_mib: int | None = None,
) -> int:
    """Run ``argv`` as a child and make sure it dies with this guard, its parent server, or its session.

    The child inherits stdin/stdout/stderr (textual-serve's pipes) untouched; the guard never reads them.
    """
    stopping: list[int] = []

    def on_signal(signum: int, _frame: object) -> None:
        stopping.append(signum)

    for name in ("SIGTERM", "SIGINT", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), on_signal)
    set_parent_death_signal(signal.SIGTERM)
    if os.getppid() != server_pid:  # the server died before the line above took effect
        return 1

    def prepare_child() -> None:
        set_parent_death_signal(SIGKILL)
        limit_memory(memory_mib)

    try:
        child = subprocess.Popen(argv, preexec_fn=prepare_child if POSIX else None)
    except OSError as exc:
        print(f"vmsim: cannot start {argv[0]}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    while True:
        try:
            code = child.wait(timeout=poll_s)
        except subprocess.TimeoutExpired:
            pass
        else:
            return code if code >= 0 else 128 - code
        if stopping or os.getppid() != server_pid:
            _end_child(child, grace_s)
            return 128 + (stopping[0] if stopping else signal.SIGTERM)


def guard_cli(argv: list[str]) -> int:
    """``python -m vmsim.web.serve --guard SERVER_PID [--memory-mib N] -- COMMAND...``."""
    p = argparse.ArgumentParser(prog="python -m vmsim.web.serve", description="internal: the guard of one app session")
    p.add_argument("--guard", type=int, required=True, metavar="SERVER_PID")
    p.add_argument("--memory-mib", type=int, default=None, metavar="N")
    p.add_argument("command", nargs=argparse.REMAINDER)
    args = p.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        p.error("give the command to guard after --")
    return guard_main(args.guard, command, memory_mib=args.memory_mib)
