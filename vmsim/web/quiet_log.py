"""The server's log, kept cheap whatever the network sends it.

textual-serve logs through rich with tracebacks and their local variables: one malformed request from anywhere
on the network cost 34 ms of the server's time and 4.9 KB of log, and a stream of them stalled every tab. Here
each record is one plain line; a network error's traceback becomes its last line; and a message repeated
within a second is written once, then counted ("… and 812 more like it").

Also: the server's file-descriptor limit raised to the most allowed, so a crowd of idle connections meets the
kernel's limit later (and, when it does, the event loop waits and tries again: nothing here needs a new file
to write a log line)."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable

REPEAT_S = 1.0  # the same message again within this long is counted, not written
NETWORK_LOGGERS = ("aiohttp", "asyncio")  # what outsiders can make log: requests, connections


class QuietRecords(logging.Filter):
    """One line per record; network errors without their traceback; repeats within ``REPEAT_S`` counted."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self._clock = clock
        self._last: dict[tuple[str, str], float] = {}
        self._skipped: dict[tuple[str, str], int] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.name, str(record.msg))  # the template, before any arguments: one kind of message
        if record.name.startswith(NETWORK_LOGGERS) and record.exc_info:
            error = record.exc_info[1]
            record.msg = f"{record.getMessage()}: {type(error).__name__}: {str(error)[:200]}"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        if record.levelno < logging.WARNING:
            return True
        now = self._clock()
        last = self._last.get(key)
        if last is not None and now - last < REPEAT_S:
            self._skipped[key] = self._skipped.get(key, 0) + 1
            return False
        self._last[key] = now
        if len(self._last) > 1000:  # one entry per template: only a flood of distinct ones gets here
            self._last.clear()
        skipped = self._skipped.pop(key, 0)
        if skipped:
            record.msg = f"{record.msg} (and {skipped:,} more like it in the last moments)"
        return True


def configure(debug: bool) -> None:
    """Plain, one-line records on stderr (INFO, or DEBUG with ``debug``), through :class:`QuietRecords`."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%H:%M:%S"))
    handler.addFilter(QuietRecords())
    logging.basicConfig(level=logging.DEBUG if debug else logging.INFO, handlers=[handler], force=True)


def raise_descriptor_limit() -> int | None:
    """Raise this process's open-file limit to its hard limit; the limit now (None where there is none)."""
    try:
        import resource
    except ImportError:  # not on Windows
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (OSError, ValueError):
            pass
    return soft
