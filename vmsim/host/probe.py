"""``vmsim probe``: a container is a process — start real processes here and set them beside the model.

It starts small real programs on this machine a few times each and takes medians:

* a tiny program (``/bin/true``) and a Python interpreter (``python -c pass``): how long the process
  takes to be created (``fork`` + ``exec``, until ``Popen`` returns) and to start, run and exit (until
  it is reaped), timed with :func:`time.perf_counter`;
* a tiny program kept alive (``sleep``) and an idle Python interpreter: the memory a live one holds,
  read with psutil — RSS (every resident page, shared libraries included) and, where the OS tells,
  USS (the pages only this process holds).

Beside them it prints the model's container figures from the catalog, each with its source: the
runtime's create + start (the modelled container start), the shim each container adds, and the hello
and python-api apps' RSS and start. Every row says where it comes from: ``measured here`` or
``vmsim model (source KEY)``.

Bounded: at most 50 runs per program, a timeout on every child (which is killed and reaped if it runs
over), and an overall time budget after which the remaining runs are skipped (and said so on stderr).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from vmsim.engine.catalog import Catalog, Figure, default_catalog
from vmsim.text import Msg, msg, render, tr

DEFAULT_RUNS = 5
MAX_RUNS = 50
CHILD_TIMEOUT_S = 5.0
BUDGET_S = 30.0
SETTLE_S = 0.05  # a live tiny program is given this long to finish loading before its memory is read

MEASURED = "measured here"  # the JSON's "from" (the table says it in its language: probe.measured)

PY_IDLE = "import sys, time; sys.stdout.write('ready\\n'); sys.stdout.flush(); time.sleep(30)"


@dataclass
class Measurement:
    """One thing measured here: its samples, and the program that was run."""

    key: str
    what: Msg  # in the table's language; English in the JSON
    command: tuple[str, ...]
    unit: str  # "s" or "MiB"
    samples: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        """The median of the samples (NaN with none)."""
        return statistics.median(self.samples) if self.samples else math.nan

    def as_dict(self) -> dict[str, object]:
        """JSON form."""
        return {
            "key": self.key,
            "what": render(self.what, "en"),
            "from": MEASURED,
            "command": list(self.command),
            "unit": self.unit,
            "median": round(self.median, 9),
            "min": round(min(self.samples), 9),
            "max": round(max(self.samples), 9),
            "runs": len(self.samples),
            "samples": [round(x, 9) for x in self.samples],
        }


@dataclass(frozen=True)
class ModelFigure:
    """One figure of the model (a catalog value or a sum of them), with its sources."""

    key: str
    what: Msg
    value: float
    unit: str
    figures: tuple[str, ...]
    sources: tuple[str, ...]

    def origin(self, lang: str = "en") -> str:
        """'vmsim model (source KEY)' or '(sources A, B)', in ``lang``."""
        key = "probe.origin" if len(self.sources) == 1 else "probe.origin_many"
        return tr(key, lang, sources=", ".join(self.sources))

    def as_dict(self) -> dict[str, object]:
        """JSON form."""
        return {
            "key": self.key,
            "what": render(self.what, "en"),
            "from": self.origin(),
            "unit": self.unit,
            "value": self.value,
            "figures": list(self.figures),
            "sources": list(self.sources),
        }


def _sources(*figs: Figure) -> tuple[str, ...]:
    out: list[str] = []
    for f in figs:
        if f.source not in out:
            out.append(f.source)
    return tuple(out)


def model_figures(catalog: Catalog | None = None, runtime: str = "containerd") -> list[ModelFigure]:
    """The model's container start and overhead figures this command compares against."""
    cat = catalog or default_catalog()
    rt = cat.runtimes[runtime]
    rows = [
        ModelFigure(
            "container_start_s",
            msg("probe.model.start"),
            rt.create_s.value + rt.start_s.value,
            "s",
            (f"runtimes.{runtime}.create_s", f"runtimes.{runtime}.start_s"),
            _sources(rt.create_s, rt.start_s),
        ),
        ModelFigure(
            "shim_memory_mib",
            msg("probe.model.shim"),
            rt.shim_memory_mib.value,
            "MiB",
            (f"runtimes.{runtime}.shim_memory_mib",),
            _sources(rt.shim_memory_mib),
        ),
    ]
    for name in ("hello", "python-api"):
        app = cat.apps.get(name)
        if app is None:
            continue
        rows.append(
            ModelFigure(
                f"{name}.start_s",
                msg("probe.model.app_start", name=name),
                app.start_s.value,
                "s",
                (f"apps.{name}.start_s",),
                _sources(app.start_s),
            )
        )
        rows.append(
            ModelFigure(
                f"{name}.rss_mib",
                msg("probe.model.app_rss", name=name),
                app.rss_mib,
                "MiB",
                (f"apps.{name}.private_mib", f"apps.{name}.file_mib"),
                _sources(app.private_mib, app.file_mib),
            )
        )
    return rows


# ------------------------------------------------------------------------------------------- children
class Stopped(BaseException):
    """SIGTERM or SIGHUP arrived: unwinds through every ``finally`` (which kills and reaps the child)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@contextlib.contextmanager
def signals_end_the_run() -> Iterator[None]:
    """While measuring, SIGTERM and SIGHUP raise :class:`Stopped` instead of ending the process on the spot
    (which would leave a live child, such as ``sleep 30``, behind)."""

    def stop(signum: int, _frame: object) -> None:
        if _starting:  # inside Popen: raise once the child is known, so it is reaped too (see _start)
            _pending.append(signum)
            return
        raise Stopped(signum)

    previous = {}
    for name in ("SIGTERM", "SIGHUP"):
        sig = getattr(signal, name, None)
        if sig is not None:
            try:
                previous[sig] = signal.signal(sig, stop)
            except ValueError:  # not the main thread: signals cannot be caught here
                pass
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for proc in list(_live):  # whatever an interrupted finally did not reach
            _reap(proc)
        _pending.clear()


_live: set[subprocess.Popen[bytes]] = set()  # children started and not yet reaped
_starting: list[bool] = []  # non-empty while Popen runs
_pending: list[int] = []  # a signal that arrived meanwhile


def _start(command: tuple[str, ...], **kwargs: object) -> subprocess.Popen[bytes]:
    """Popen, with the child recorded before a SIGTERM that arrived meanwhile is acted on."""
    _starting.append(True)
    try:
        proc: subprocess.Popen[bytes] = subprocess.Popen(command, **kwargs)  # type: ignore[call-overload]
        _live.add(proc)
    finally:
        _starting.pop()
    if _pending:
        raise Stopped(_pending[0])
    return proc


def _reap(proc: subprocess.Popen[bytes]) -> None:
    """Make sure ``proc`` is gone and reaped: ask, then kill; never leave a zombie behind."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
    try:
        proc.wait(timeout=CHILD_TIMEOUT_S)
    except subprocess.TimeoutExpired:  # pragma: no cover - a process stuck in the kernel
        from vmsim.text.parsing import current

        print(tr("probe.not_reaped", current(), pid=proc.pid), file=sys.stderr)
    else:
        _live.discard(proc)
    for stream in (proc.stdout, proc.stderr, proc.stdin):
        if stream is not None:
            stream.close()


def time_start_exit(command: tuple[str, ...]) -> tuple[float, float]:
    """Start ``command`` and wait for it: (seconds until created, seconds until it exited and was reaped)."""
    t0 = time.perf_counter()
    proc = _start(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, close_fds=True
    )
    t1 = time.perf_counter()  # Popen returns once exec has succeeded
    try:
        code = proc.wait(timeout=CHILD_TIMEOUT_S)
        t2 = time.perf_counter()
    finally:
        _reap(proc)
    if code != 0:
        raise OSError(f"{' '.join(command)} exited with status {code}")
    return t1 - t0, t2 - t0


def _memory(pid: int) -> tuple[float, float | None]:
    """(RSS, USS or None) of a live process, in MiB."""
    import psutil

    p = psutil.Process(pid)
    try:
        full = p.memory_full_info()
        uss = getattr(full, "uss", None)
        return full.rss / 2**20, (uss / 2**20 if uss else None)
    except (psutil.AccessDenied, NotImplementedError):
        return p.memory_info().rss / 2**20, None


def _wait_ready(proc: subprocess.Popen[bytes], timeout: float) -> bool:
    """Wait until a child prints its 'ready' line (POSIX: select on the pipe; elsewhere a fixed pause)."""
    assert proc.stdout is not None
    if os.name != "posix":  # pragma: no cover
        time.sleep(min(timeout, 0.5))
        return proc.poll() is None
    import select

    deadline = time.monotonic() + timeout
    buf = b""
    while b"\n" not in buf:
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        ready, _, _ = select.select([proc.stdout], [], [], left)
        if not ready:
            return False
        chunk = os.read(proc.stdout.fileno(), 64)
        if not chunk:
            return False
        buf += chunk
    return True


def memory_alive(command: tuple[str, ...], handshake: bool) -> tuple[float, float | None]:
    """Start ``command``, let it settle (its 'ready' line, or a short pause), read its memory, end it."""
    import psutil

    proc = _start(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE if handshake else subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        close_fds=True,
    )
    try:
        if handshake:
            if not _wait_ready(proc, CHILD_TIMEOUT_S):
                raise OSError(f"{' '.join(command)} did not become ready within {CHILD_TIMEOUT_S:g} s")
        else:
            time.sleep(SETTLE_S)
            deadline = time.monotonic() + 1.0
            # Loaded once it waits in its sleep (status 'sleeping'); a dynamic loader still at work is 'running'.
            while time.monotonic() < deadline:
                try:
                    if psutil.Process(proc.pid).status() == psutil.STATUS_SLEEPING:
                        break
                except psutil.Error:
                    break
                time.sleep(0.01)
        if proc.poll() is not None:
            raise OSError(f"{' '.join(command)} exited before its memory could be read")
        return _memory(proc.pid)
    finally:
        _reap(proc)


def _programs() -> dict[str, tuple[str, ...] | None]:
    true = "/bin/true" if os.access("/bin/true", os.X_OK) else shutil.which("true")
    sleep = "/bin/sleep" if os.access("/bin/sleep", os.X_OK) else shutil.which("sleep")
    return {
        "true": (true,) if true else None,
        "python": (sys.executable, "-c", "pass") if sys.executable else None,
        "sleep": (sleep, "30") if sleep else None,
        "python_idle": (sys.executable, "-c", PY_IDLE) if sys.executable else None,
    }


def _short(command: tuple[str, ...]) -> str:
    head = os.path.basename(command[0])
    if len(command) > 1 and command[1] == "-c":
        return f"{head} -c {'pass' if command[2] == 'pass' else '…'}"
    return command[0] if len(command) == 1 else f"{head} {' '.join(command[1:])}"


def measure(runs: int, budget_s: float = BUDGET_S) -> tuple[list[Measurement], list[Msg]]:
    """Run each probe ``runs`` times (round-robin, so a busy moment touches all alike); (measurements, problems)."""
    progs = _programs()
    problems: list[Msg] = []
    rows: dict[str, Measurement] = {}
    plan: list[tuple[str, tuple[str, ...]]] = []
    for name, what in (("true", msg("probe.what.tiny")), ("python", msg("probe.what.python"))):
        cmd = progs[name]
        if cmd is None:
            problems.append(msg("probe.problem.missing", name=repr(name), what=what))
            continue
        rows[f"{name}.create_s"] = Measurement(f"{name}.create_s", msg("probe.row.create", cmd=_short(cmd)), cmd, "s")
        rows[f"{name}.start_exit_s"] = Measurement(
            f"{name}.start_exit_s", msg("probe.row.start_exit", cmd=_short(cmd)), cmd, "s"
        )
        plan.append((name, cmd))
    for name, what, label in (
        ("sleep", msg("probe.what.tiny"), msg("probe.label.sleep")),
        ("python_idle", msg("probe.what.python"), msg("probe.label.python_idle")),
    ):
        cmd = progs[name]
        if cmd is None:
            problems.append(msg("probe.problem.missing_memory", name=repr(name), what=what))
            continue
        rows[f"{name}.rss_mib"] = Measurement(f"{name}.rss_mib", msg("probe.row.rss", label=label), cmd, "MiB")
        rows[f"{name}.uss_mib"] = Measurement(f"{name}.uss_mib", msg("probe.row.uss", label=label), cmd, "MiB")
        plan.append((name, cmd))

    start = time.monotonic()
    broken: set[str] = set()
    done = 0
    for _ in range(runs):
        if time.monotonic() - start > budget_s:
            problems.append(msg("probe.problem.budget", done=done, runs=runs, budget=f"{budget_s:g}"))
            break
        for name, cmd in plan:
            if name in broken:
                continue
            try:
                if name in ("true", "python"):
                    created, total = time_start_exit(cmd)
                    rows[f"{name}.create_s"].samples.append(created)
                    rows[f"{name}.start_exit_s"].samples.append(total)
                else:
                    rss, uss = memory_alive(cmd, handshake=(name == "python_idle"))
                    rows[f"{name}.rss_mib"].samples.append(rss)
                    if uss is not None:
                        rows[f"{name}.uss_mib"].samples.append(uss)
            except (OSError, subprocess.SubprocessError) as exc:
                broken.add(name)
                problems.append(msg("probe.problem.failed", cmd=_short(cmd), error=str(exc)))
        done += 1
    out = [m for m in rows.values() if m.samples and all(math.isfinite(x) and x > 0 for x in m.samples)]
    return out, problems


# ------------------------------------------------------------------------------------------- output
def _fmt(value: float, unit: str) -> str:
    if unit == "s":
        ms = value * 1000
        return f"{ms:,.0f} ms" if ms >= 100 else f"{ms:.1f} ms" if ms >= 1 else f"{ms:.2f} ms"
    return f"{value:,.1f} MiB" if value >= 1 else f"{value:.2f} MiB"


def render_table(measured: list[Measurement], model: list[ModelFigure], runs: int, lang: str = "en") -> str:
    """Measured rows, then model rows, each saying where it comes from; then what the gap means (in ``lang``)."""
    from vmsim.output.formats import table, wrap

    here = tr("probe.measured", lang)
    rows = [[tr(f"probe.head.{h}", lang) for h in ("what", "median", "range", "from")]]
    for m in measured:
        low, high = _fmt(min(m.samples), m.unit), _fmt(max(m.samples), m.unit)
        span = f"{low.split()[0]}–{high}" if low.split()[1] == high.split()[1] else f"{low}–{high}"
        rows.append([render(m.what, lang), _fmt(m.median, m.unit), span, here])
    for f in model:
        rows.append([render(f.what, lang), _fmt(f.value, f.unit), "", f.origin(lang)])
    lines = [tr("probe.intro", lang, runs=runs), "", table(rows, "lrrl"), ""]
    notes = []
    by_key = {m.key: m for m in measured}
    start = next((f for f in model if f.key == "container_start_s"), None)
    proc = by_key.get("true.start_exit_s")
    if start is not None and proc is not None and proc.median > 0:
        notes.append(
            tr(
                "probe.note.start",
                lang,
                proc=_fmt(proc.median, "s"),
                model=_fmt(start.value, "s"),
                times=f"{start.value / proc.median:,.0f}",
            )
        )
    notes.append(tr("probe.note.rss", lang))
    for note in notes:
        lines += wrap(note, 100)
    return "\n".join(lines) + "\n"


def render_json(measured: list[Measurement], model: list[ModelFigure], runs: int, problems: list[Msg]) -> str:
    """The measurements with their samples, and the model's figures with their sources."""
    import platform

    data = {
        "runs": runs,
        "machine": {"platform": platform.platform(), "python": sys.version.split()[0]},
        "measured": [m.as_dict() for m in measured],
        "model": [f.as_dict() for f in model],
        "problems": [render(p, "en") for p in problems],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
