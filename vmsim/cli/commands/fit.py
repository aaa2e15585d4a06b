"""``vmsim fit APP``: how many of an app fit in each world on a host, and what runs out first."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from vmsim.cli.arguments import add_lang, lang_of, vm_memory_mib
from vmsim.cli.errors import CliError

if TYPE_CHECKING:
    from vmsim.engine import Simulation
    from vmsim.scenarios.spec import ScenarioSpec

DEFAULT_HOST = "laptop"


def host_count(text: str) -> int:
    """A number of hosts from 1 to 1,000 (argparse turns the ValueError into a usage message, exit 2)."""
    from vmsim.engine.machines import MAX_HOSTS
    from vmsim.text.parsing import refuse, shown

    expected = refuse("arg.hosts", high=f"{MAX_HOSTS:,}", value=shown(text))
    if len(text) > 20:  # int() of thousands of digits is slow, and no such number is in range
        raise expected
    try:
        n = int(text)
    except ValueError:
        raise expected from None
    if not 1 <= n <= MAX_HOSTS:
        raise expected
    return n


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Register ``vmsim fit``."""
    f = sub.add_parser(
        "fit",
        help="how many of an app fit in each world, and what runs out first",
        description="How many of an app fit in each world on an empty host, and what runs out first. With "
        "--scenario, on that scenario's hosts, with its settings and its own apps, before any of its events; "
        "the other options then change only what they name.",
    )
    f.add_argument("app", help="an app name (see 'vmsim catalog', or a scenario's [apps] with --scenario)")
    f.add_argument(
        "--scenario",
        metavar="SCENARIO",
        help="a shipped scenario name or a .toml path: its host, hosts, settings and apps",
    )
    f.add_argument(
        "--host",
        help=f"a host preset (laptop, small-cloud, cloud-nested, server) or 'local' (default {DEFAULT_HOST}, "
        "or the scenario's)",
    )
    f.add_argument(
        "--vm-memory", type=vm_memory_mib, help="memory per VM in MiB, 16 or more (default 2048, or the scenario's)"
    )
    f.add_argument("--guest-os", help="the VMs' guest OS (default ubuntu-24.04, or the scenario's)")
    f.add_argument(
        "--hosts", type=host_count, help="across this many copies of the host, 1 to 1000 (default 1, or the scenario's)"
    )
    f.add_argument("--format", choices=["table", "json"], default="table")
    add_lang(f, "the table (JSON is always English)")
    f.set_defaults(func=handle)
    return f


def handle(args: argparse.Namespace) -> int:
    """``vmsim fit``."""
    from vmsim.engine import UnknownAppError
    from vmsim.output import formats, result_tables
    from vmsim.output.result_tables import fit_heading, host_words

    if args.scenario is None:
        sim = _bare_simulation(args)
        where = shown = None
    else:
        from vmsim.scenarios import load_scenario

        spec = _with_options(load_scenario(args.scenario), args)
        if "vm" not in spec.worlds and (args.vm_memory is not None or args.guest_os is not None):
            print(
                "vmsim: note: --vm-memory and --guest-os set the VM world, which this scenario does not have",
                file=sys.stderr,
            )
        from vmsim.scenarios.build import build_simulation

        sim = build_simulation(spec)  # its events are only scheduled: fit looks at the worlds before any runs
        where = spec.name
    label, lang = sim.host.label, lang_of(args)
    h = sim.host
    shown_host = host_words(label, h.name, h.cpu_cores, h.memory_mib, h.disk_mib, lang)
    if where is not None:
        shown = spec.say("name", lang)
    try:
        if sim.cluster.hosts == 1 and args.hosts is None:
            fits = sim.fit(args.app)
            if args.format == "json":
                text = formats.fit_json(args.app, label, fits, where)
            else:
                text = result_tables.render_fit(fits, fit_heading(args.app, shown_host, None, shown, lang), lang)
        else:
            per_host = sim.fit_hosts(args.app)
            if args.format == "json":
                text = formats.fit_hosts_json(args.app, label, per_host, where)
            else:
                n = max((len(hosts) for hosts in per_host.values()), default=0)
                head = fit_heading(args.app, shown_host, n, shown, lang)
                text = result_tables.render_fit_hosts(per_host, head, lang)
    except UnknownAppError as exc:
        if where is not None:
            raise
        raise CliError.unknown_app(exc, "cli.fit_app") from None
    sys.stdout.write(text)
    return 0


def _bare_simulation(args: argparse.Namespace) -> Simulation:
    """The three worlds on an empty host from the options alone."""
    from vmsim.engine import Settings, Simulation, VmSettings, default_catalog, make_host
    from vmsim.engine.machines import Cluster

    catalog = default_catalog()
    preset = args.host or DEFAULT_HOST
    if preset not in catalog.hosts:
        raise CliError.say("cli.unknown_host", host=repr(preset), known=", ".join(catalog.hosts))
    _check_guest_os(args.guest_os)
    default = VmSettings()
    vm = VmSettings(memory_mib=args.vm_memory or default.memory_mib, guest_os=args.guest_os or default.guest_os)
    if preset == "local":
        from vmsim.host.local import probe_local_machine

        host = make_host(catalog, preset, probe_local_machine())
    else:
        host = make_host(catalog, preset)
    cluster = Cluster(hosts=args.hosts or 1)
    return Simulation(host, worlds=("vm", "container", "microvm"), settings=Settings(catalog, vm=vm), cluster=cluster)


def _with_options(spec: ScenarioSpec, args: argparse.Namespace) -> ScenarioSpec:
    """The scenario with what the options name changed, and nothing else."""
    from vmsim.cli.scenario_options import with_host

    spec = with_host(spec, args.host)
    _check_guest_os(args.guest_os)
    vm = spec.vm
    if args.vm_memory is not None:
        vm = vm._replace(memory_mib=args.vm_memory)
    if args.guest_os is not None:
        vm = vm._replace(guest_os=args.guest_os)
    cluster = spec.cluster
    if args.hosts is not None:  # N copies named host-1 … host-N: a scenario's own host names are for its count
        cluster = cluster._replace(hosts=args.hosts, names=())
    return spec._replace(vm=vm, cluster=cluster)


def _check_guest_os(guest_os: str | None) -> None:
    from vmsim.engine import default_catalog

    guests = [g for g in default_catalog().guests if g != "microvm-linux"]
    if guest_os is not None and guest_os not in guests:
        raise CliError.say("cli.unknown_guest", guest=repr(guest_os), known=", ".join(guests))
