"""How a ``vmsim`` run ends when something goes wrong that no command handles.

* Ctrl-C at any moment (during start-up too): exit 130, quietly.
* Any other exception (in a command, or inside the dashboard, which Textual would otherwise report and then
  exit 0 from): a short message on stderr naming a log file, the traceback in that file, exit 70
  (``EX_SOFTWARE``: an internal error, distinct from 1 for I/O and 2 for bad input).
* Output to a terminal whose encoding cannot show some characters (``PYTHONIOENCODING=cp1252`` and Korean
  text): those characters are replaced with ``?`` and one warning says so at the end.
"""

from __future__ import annotations

import codecs
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import IO

EXIT_INTERRUPTED = 130
EXIT_CRASHED = 70
REPLACE_ERRORS = "vmsim-replace"


class AppCrashed(Exception):
    """The dashboard ended on an exception it did not handle (Textual caught it; this carries it out)."""

    def __init__(self, error: BaseException | None, log: Path | None) -> None:
        super().__init__(str(error) if error is not None else "the dashboard stopped on an internal error")
        self.error = error
        self.log = log


def log_folder() -> Path:
    """Where crash logs go: ``$XDG_STATE_HOME/vmsim`` (default ``~/.local/state/vmsim``)."""
    state = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(state) / "vmsim"


def new_log_path() -> Path:
    """A crash log path that no other run uses (the folder made if need be; the temp folder as a fallback)."""
    name = f"crash-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"
    folder = log_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if os.access(folder, os.W_OK):
            return folder / name
    except OSError:
        pass
    return Path(tempfile.gettempdir()) / f"vmsim-{name}"


class LazyLog:
    """A text file opened on the first write only, so a run without a crash leaves no file behind."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._fh: IO[str] | None = None

    def write(self, text: str) -> int:
        """Write (opening the file first if need be)."""
        if self._fh is None:
            self.path = self.path or new_log_path()
            self._fh = open(self.path, "a", encoding="utf-8", errors="replace")  # noqa: SIM115 - closed in close()
        return self._fh.write(text)

    def flush(self) -> None:
        """Flush, if open."""
        if self._fh is not None:
            self._fh.flush()

    def isatty(self) -> bool:
        """Never a terminal (so rich writes no colour codes into the log)."""
        return False

    def close(self) -> None:
        """Close, if open."""
        if self._fh is not None:
            self._fh.close()

    @property
    def written(self) -> bool:
        """True once anything was written."""
        return self._fh is not None


def write_crash_log(error: BaseException, argv: list[str]) -> Path | None:
    """The traceback of ``error`` in a new log file; None when no file can be written."""
    path = new_log_path()
    try:
        with open(path, "w", encoding="utf-8", errors="replace") as fh:
            fh.write(f"vmsim {' '.join(argv)}\n\n")
            fh.write("".join(traceback.format_exception(error)))
    except OSError:
        return None
    return path


def crash_message(error: BaseException | None, log: Path | None) -> str:
    """The short message on stderr."""
    what = f"{type(error).__name__}: {error}" if error is not None else "an internal error"
    what = what if len(what) <= 200 else what[:199] + "…"
    where = f"the details are in {log}" if log is not None else "no log file could be written"
    return f"vmsim: internal error ({what}); {where}. Please report it with that file."


# -------------------------------------------------------------------------------------------- encoding
_replaced: list[str] = []


def _replace_and_note(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    if not _replaced:
        _replaced.append(error.encoding)
    return "?" * (error.end - error.start), error.end


def degrade_output_encoding(streams: tuple[object, ...] | None = None) -> None:
    """Characters stdout/stderr cannot encode become ``?`` (noted for :func:`encoding_warning`)."""
    try:
        codecs.lookup_error(REPLACE_ERRORS)
    except LookupError:
        codecs.register_error(REPLACE_ERRORS, _replace_and_note)
    for stream in streams if streams is not None else (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        errors = getattr(stream, "errors", None)
        if reconfigure is not None and errors == "strict":
            try:
                reconfigure(errors=REPLACE_ERRORS)
            except (ValueError, OSError):  # a closed stream, or one that cannot change now
                continue


def encoding_warning() -> str | None:
    """The one warning to print when characters were replaced, or None."""
    if not _replaced:
        return None
    encoding = getattr(sys.stdout, "encoding", None) or _replaced[0]
    return (
        f"vmsim: warning: this terminal's encoding ({encoding}) cannot show some characters; they were "
        "replaced with '?'. Use a UTF-8 terminal, or set PYTHONIOENCODING=utf-8."
    )


# -------------------------------------------------------------------------------------------- the wrapper
def run_guarded(body: Callable[[], int], argv: list[str]) -> int:
    """Run the CLI's body: Ctrl-C → 130 quietly; an unhandled exception → a log file and 70."""
    degrade_output_encoding()
    try:
        return body()
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except AppCrashed as crashed:
        _say(crash_message(crashed.error, crashed.log))
        return EXIT_CRASHED
    except Exception as error:  # noqa: BLE001 - the last resort: anything else is a bug to report
        _say(crash_message(error, write_crash_log(error, argv)))
        return EXIT_CRASHED
    finally:
        warning = encoding_warning()
        if warning:
            _replaced.clear()
            _say(warning)


def _say(text: str) -> None:
    try:
        print(text, file=sys.stderr, flush=True)
    except (OSError, ValueError):  # stderr closed (a broken pipe): nothing more to say
        pass
