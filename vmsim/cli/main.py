"""The ``vmsim`` command: the dashboard by default, and headless commands that print data to stdout."""

from __future__ import annotations

import argparse
import gc
import os
import sys

from vmsim import __version__
from vmsim.cli.arguments import finite_number, seconds, seed
from vmsim.output.exports import write_atomic

DEFAULT_SCENARIO = "hello"


class CliError(Exception):
    """A problem the user can fix; printed without a traceback, exit code 2."""


def _positive_mib(text: str) -> float:
    value = finite_number(text)
    if value < 16:
        raise argparse.ArgumentTypeError("a VM needs at least 16 MiB")
    return value


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser (public so tests and shell completion can inspect it).

    With ``command`` one of this module's own commands, the commands that live in their own modules (host,
    probe, report, serve) are left out: importing them costs start-up time the dashboard does not need.
    """
    p = argparse.ArgumentParser(
        prog="vmsim",
        description="Watch why containers are light and virtual machines are heavy, on a simulated host. "
        "With no command, opens the dashboard on the 'hello' scenario.",
    )
    p.add_argument("--version", action="version", version=f"vmsim {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    t = sub.add_parser("tui", help="open the dashboard (the default command)")
    t.add_argument("scenario", nargs="?", default=DEFAULT_SCENARIO, help="a shipped scenario name or a .toml path")
    t.add_argument("--seed", type=seed, help="override the scenario's seed")
    t.add_argument("--speed", type=finite_number, default=1.0, help="simulated seconds per real second (0.1-100)")
    t.add_argument("--paused", action="store_true", help="start paused")
    t.add_argument("--lang", choices=["en", "ko"], help="language of the dashboard (default: from LANG)")
    t.add_argument("--export-dir", default="vmsim-exports", help="where s (SVG) and e (JSON) write their files")
    t.add_argument("--host", help="run on this host instead of the scenario's: a preset or 'local' (this machine)")

    r = sub.add_parser("run", help="run a scenario headless and print the result")
    r.add_argument("scenario", help="a shipped scenario name (see 'vmsim scenarios') or a .toml path")
    r.add_argument("--until", type=seconds, help="simulated seconds to run (default: the scenario's duration_s)")
    r.add_argument("--seed", type=seed, help="override the scenario's seed")
    r.add_argument("--format", choices=["table", "json", "csv"], default="table")
    r.add_argument("--host", help="run on this host instead of the scenario's: a preset or 'local' (this machine)")
    r.add_argument("--out", help="write to this file (atomically) instead of stdout")
    r.add_argument(
        "--series", action="store_true", help="with --format csv: the recorded time series instead of the instances"
    )

    f = sub.add_parser("fit", help="how many of an app fit in each world, and what runs out first")
    f.add_argument("app", help="an app name (see 'vmsim catalog')")
    f.add_argument("--host", default="laptop", help="a host preset (laptop, small-cloud, server) or 'local'")
    f.add_argument("--vm-memory", type=_positive_mib, help="memory per VM in MiB (default 2048)")
    f.add_argument("--guest-os", help="the VMs' guest OS (default ubuntu-24.04)")
    f.add_argument("--format", choices=["table", "json"], default="table")

    s = sub.add_parser("scenarios", help="list the shipped scenarios")
    s.add_argument("--format", choices=["table", "json"], default="table")

    v = sub.add_parser("validate", help="check scenario files and explain any problem")
    v.add_argument("files", nargs="+", help="scenario names or .toml paths")

    c = sub.add_parser("catalog", help="every default figure with its source")
    c.add_argument("--format", choices=["table", "json"], default="table")

    vm = sub.add_parser("validate-model", help="run reference experiments and compare with published measurements")
    vm.add_argument("--format", choices=["table", "json"], default="table")

    if command in COMMANDS:
        return p
    # Commands that live in their own modules (each registers its parser and sets func).
    from vmsim.host import hostinfo, probe
    from vmsim.imagebuild import command as build
    from vmsim.output import report

    for module in (hostinfo, probe, report, build):
        module.add_parser(sub)
    _add_serve(sub)
    return p


def _add_serve(sub: argparse._SubParsersAction) -> None:
    try:
        from vmsim.web import serve
    except ImportError:  # pragma: no cover - the module ships with vmsim; its web extra is optional
        return
    serve.add_parser(sub)


def _emit(text: str, out: str | None) -> None:
    if out:
        target = write_atomic(out, text)
        print(f"vmsim: wrote {target}", file=sys.stderr)
    else:
        sys.stdout.write(text)


def _with_host(spec, host: str | None):  # noqa: ANN001, ANN202 - ScenarioSpec in, ScenarioSpec out
    """The scenario on another host preset (its own hardware overrides dropped), or unchanged."""
    if host is None:
        return spec

    from vmsim.engine import default_catalog
    from vmsim.scenarios.spec import HostSpec

    presets = list(default_catalog().hosts)
    if host not in presets:
        raise CliError(f"unknown host {host!r}; choose one of {', '.join(presets)}")
    return spec._replace(host=HostSpec(preset=host))


def cmd_run(args: argparse.Namespace) -> int:
    """``vmsim run``."""
    from vmsim.output import formats
    from vmsim.scenarios import build_simulation, load_scenario

    spec = _with_host(load_scenario(args.scenario), args.host)
    sim = build_simulation(spec, seed=args.seed, play_lesson=True)
    until = spec.duration_s if args.until is None else args.until
    sim.run_until(until)
    snap = sim.snapshot()
    if args.series:
        if args.format != "csv":
            raise CliError("--series goes with --format csv (the time series as rows: series,world,t_s,value)")
        from vmsim.output.series_export import render_series_csv

        _emit(render_series_csv(sim), args.out)
        return 0
    render = {"table": formats.render_table, "json": formats.render_json, "csv": formats.render_csv}[args.format]
    _emit(render(snap), args.out)
    return 0


def cmd_fit(args: argparse.Namespace) -> int:
    """``vmsim fit``."""
    from vmsim.engine import Settings, Simulation, VmSettings, default_catalog, make_host
    from vmsim.output import formats

    catalog = default_catalog()
    if args.host not in catalog.hosts:
        raise CliError(f"unknown host {args.host!r}; choose one of {', '.join(catalog.hosts)}")
    guests = [g for g in catalog.guests if g != "microvm-linux"]
    if args.guest_os is not None and args.guest_os not in guests:
        raise CliError(f"unknown guest OS {args.guest_os!r}; choose one of {', '.join(guests)}")
    default = VmSettings()
    vm = VmSettings(memory_mib=args.vm_memory or default.memory_mib, guest_os=args.guest_os or default.guest_os)
    host = make_host(catalog, args.host)
    sim = Simulation(host, worlds=("vm", "container", "microvm"), settings=Settings(catalog, vm=vm))
    fits = sim.fit(args.app)
    sys.stdout.write(formats.render_fit(args.app, host.label, fits, args.format))
    return 0


def cmd_scenarios(args: argparse.Namespace) -> int:
    """``vmsim scenarios``."""
    import json

    from vmsim.output import formats
    from vmsim.scenarios import ScenarioError, load_scenario, shipped_names

    rows = []
    for name in shipped_names():
        try:
            spec = load_scenario(name)
            rows.append(
                {"name": name, "title": spec.name, "worlds": list(spec.worlds), "description": spec.description}
            )
        except ScenarioError as exc:
            print(f"vmsim: {exc}", file=sys.stderr)
    if args.format == "json":
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    else:
        table = [["name", "worlds", "description"]] + [
            [r["name"], ",".join(r["worlds"]), r["description"]] for r in rows
        ]
        sys.stdout.write(formats.table(table) + "\n")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """``vmsim validate``: exit 0 when every file is good, 2 otherwise."""
    from vmsim.scenarios import ScenarioError, build_simulation, load_scenario

    bad = 0
    for name in args.files:
        try:
            spec = load_scenario(name)
            build_simulation(spec)  # what only the engine can refuse (a host too small for its runtime)
        except ScenarioError as exc:
            bad += 1
            from vmsim.i18n import default_lang

            print(exc.text(default_lang()), file=sys.stderr)
            continue
        print(f"{spec.source}: ok — {spec.name!r}, {len(spec.events)} events, worlds {', '.join(spec.worlds)}")
    return 2 if bad else 0


def cmd_catalog(args: argparse.Namespace) -> int:
    """``vmsim catalog``."""
    from vmsim.engine import default_catalog
    from vmsim.output import formats

    sys.stdout.write(formats.render_catalog(default_catalog(), args.format))
    return 0


def cmd_validate_model(args: argparse.Namespace) -> int:
    """``vmsim validate-model``: exit 0 when every reference experiment is within tolerance, 1 otherwise."""
    from vmsim.validation import checks as validation

    return validation.main(["--format", args.format])


def cmd_tui(args: argparse.Namespace) -> int:
    """Open the dashboard. Textual is imported here only, so headless commands never load it."""
    from vmsim.scenarios import load_scenario

    spec = _with_host(load_scenario(args.scenario), args.host)
    if not sys.stdout.isatty() and not os.environ.get("VMSIM_FORCE_TUI"):
        raise CliError(f"the dashboard needs a terminal; for a headless result use 'vmsim run {args.scenario}'")
    try:
        from vmsim.tui.app import VmsimApp
    except ImportError as exc:  # pragma: no cover - only when installed without its dependencies
        raise CliError(f"the dashboard needs Textual ({exc}); reinstall with 'pip install vmsim'") from None
    speed = min(max(args.speed, 0.1), 100.0)
    app = VmsimApp(
        spec,
        seed=args.seed,
        speed=speed,
        paused=args.paused,
        lang=args.lang,
        export_dir=args.export_dir,
        gc_paused=not gc.isenabled(),
    )
    app.run()
    return 0


COMMANDS = {
    "run": cmd_run,
    "fit": cmd_fit,
    "scenarios": cmd_scenarios,
    "validate": cmd_validate,
    "catalog": cmd_catalog,
    "validate-model": cmd_validate_model,
    "tui": cmd_tui,
}


def main(argv: list[str] | None = None) -> int:
    """Entry point: returns the exit code (0 ok, 1 an I/O failure, 2 bad input)."""
    raw = list(sys.argv[1:] if argv is None else argv)
    # `vmsim`, `vmsim hello`, `vmsim my.toml --paused`: anything that is not a command opens the dashboard.
    known = set(COMMANDS) | {"host", "probe", "report", "serve", "build"}
    if not raw or (raw[0] not in known and raw[0] not in ("-h", "--help", "--version")):
        raw = ["tui", *raw]
    if raw[0] == "tui" and gc.isenabled():
        # Start-up allocates hundreds of thousands of objects that all stay alive (modules, widgets, styles):
        # collecting garbage among them finds next to none and costs ~50 ms before the first frame. The dashboard
        # resumes collection once its first frame is drawn (VmsimApp.gc_paused).
        gc.disable()
    try:
        return _run(raw)
    finally:
        gc.enable()


def _run(raw: list[str]) -> int:
    from vmsim.engine import UnknownAppError
    from vmsim.scenarios import ScenarioError

    parser = build_parser(raw[0])
    args = parser.parse_args(raw)
    handler = COMMANDS.get(args.command) or getattr(args, "func", None)
    try:
        return handler(args)
    except (ScenarioError, UnknownAppError, CliError) as exc:
        if isinstance(exc, ScenarioError):
            # Scenario problems follow the locale (LANG=ko_KR.UTF-8 gives Korean), as the dashboard does.
            from vmsim.i18n import default_lang

            print(exc.text(default_lang()), file=sys.stderr)
        else:
            print(f"vmsim: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # `vmsim run ... | head` closes the pipe early: not an error worth a traceback.
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        return 130
    except OSError as exc:
        print(f"vmsim: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 1
