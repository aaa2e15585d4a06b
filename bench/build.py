"""``vmsim build`` speed: the layer list of a 50-instruction Dockerfile over a 10,000-file context (target < 1 s),
also as a scenario's ``[apps.NAME]``, and the measuring of a 100,000-file context.
Run by hand: ``python bench/build.py [--files N] [--runs N]``."""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vmsim.imagebuild.build import build  # noqa: E402
from vmsim.output.formats import table  # noqa: E402
from vmsim.scenarios import load_scenario  # noqa: E402


def write_context(root: Path, files: int) -> None:
    """``files`` small files in 100 directories, a lockfile and a requirements list."""
    per_dir = max(1, files // 100)
    written = 0
    d = 0
    while written < files:
        sub = root / "src" / f"pkg{d:03}"
        sub.mkdir(parents=True, exist_ok=True)
        for f in range(min(per_dir, files - written)):
            (sub / f"mod{f:04}.py").write_bytes(b"# module\n" * (f % 20 + 1))
        written += per_dir
        d += 1
    (root / "requirements.txt").write_text("flask==3.0.3\nrequests==2.32.3\n")
    (root / ".dockerignore").write_text("**/__pycache__\n*.log\n")


def dockerfile_50() -> str:
    """50 instructions: FROM, ARG/ENV/metadata, 21 COPYs (directories, a wildcard, the whole context), 20 RUNs."""
    lines = ["FROM python:3.11-slim", "ARG APP=/app", "ENV PYTHONUNBUFFERED=1", "WORKDIR $APP", "LABEL bench=yes"]
    lines.append("COPY requirements.txt .")
    lines.append("RUN pip install --no-cache-dir -r requirements.txt")
    for i in range(18):
        lines.append(f"COPY src/pkg{i:03} ./src/pkg{i:03}")
        lines.append(f"RUN python -m compileall src/pkg{i:03}")
    lines += ["COPY src/pkg0*/mod000*.py ./hot/", "COPY . .", "RUN useradd app", "USER app", "EXPOSE 8000"]
    lines += ["HEALTHCHECK CMD curl -f http://localhost:8000/ || exit 1", 'CMD ["python", "-m", "app"]']
    assert len(lines) == 50, len(lines)
    return "\n".join(lines) + "\n"


def timed(dockerfile: Path, runs: int, **kwargs: object) -> tuple[float, float, int]:
    """(first run, median of the rest, layers) in seconds."""
    times = []
    layers = 0
    for _ in range(runs):
        start = time.perf_counter()
        result = build(dockerfile, **kwargs)  # type: ignore[arg-type]
        times.append(time.perf_counter() - start)
        layers = len(result.layers)
    return times[0], statistics.median(times[1:] or times), layers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--huge", type=int, default=100_000, help="files in the huge context (0 skips it)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rows = [["measure", "first run (s)", "median (s)", "layers", "target", "result"]]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "ctx"
        write_context(root, args.files)
        (root / "Dockerfile").write_text(dockerfile_50())
        first, median, layers = timed(root / "Dockerfile", args.runs)
        ok = "PASS" if median < 1.0 else "FAIL"
        rows.append(
            [f"50 instructions, {args.files:,} files", f"{first:.3f}", f"{median:.3f}", str(layers), "< 1 s", ok]
        )
        first, median, layers = timed(root / "Dockerfile", args.runs, changed=["src/pkg010/mod0001.py"], push=True)
        ok = "PASS" if median < 1.0 else "FAIL"
        rows.append(["  same, --changed one file --push", f"{first:.3f}", f"{median:.3f}", str(layers), "< 1 s", ok])
        # A scenario whose app is that Dockerfile: the loader builds the layer list once, when the file is read.
        scenario = Path(tmp) / "app.toml"
        scenario.write_text('name = "bench"\n[apps.bench]\ndockerfile = "ctx/Dockerfile"\nlike = "python-api"\n')
        loads = []
        for _ in range(args.runs):
            start = time.perf_counter()
            spec = load_scenario(str(scenario))
            loads.append(time.perf_counter() - start)
        n = len(spec.apps[0].layers)
        ok = "PASS" if statistics.median(loads) < 1.0 else "FAIL"
        median = statistics.median(loads[1:] or loads)
        rows.append(["  same, as [apps.bench] of a scenario", f"{loads[0]:.3f}", f"{median:.3f}", str(n), "< 1 s", ok])
    if args.huge:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "huge"
            write_context(root, args.huge)
            (root / "Dockerfile").write_text("FROM alpine:3.22\nCOPY . /app\n")
            first, median, layers = timed(root / "Dockerfile", min(args.runs, 3))
            ok = "PASS" if first < 10.0 else "FAIL"
            rows.append([f"COPY . of {args.huge:,} files", f"{first:.3f}", f"{median:.3f}", str(layers), "seconds", ok])
    print(table(rows, align="lrrrll"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
