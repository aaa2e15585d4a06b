"""``vmsim fit APP``: how many of an app fit in each world on a host, and what runs out first."""

from __future__ import annotations

import argparse
import sys

from vmsim.cli.arguments import vm_memory_mib
from vmsim.cli.errors import CliError


def host_count(text: str) -> int:
    """A number of hosts from 1 to 1,000 (argparse turns the ValueError into a usage message, exit 2)."""
    from vmsim.engine.machines import MAX_HOSTS

    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a whole number of hosts from 1 to {MAX_HOSTS:,}, got {text!r}"
        ) from None
    if not 1 <= n <= MAX_HOSTS:
        raise argparse.ArgumentTypeError(f"expected a whole number of hosts from 1 to {MAX_HOSTS:,}, got {n}")
    return n


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Register ``vmsim fit``."""
    f = sub.add_parser("fit", help="how many of an app fit in each world, and what runs out first")
    f.add_argument("app", help="an app name (see 'vmsim catalog')")
    f.add_argument(
        "--host", default="laptop", help="a host preset (laptop, small-cloud, cloud-nested, server) or 'local'"
    )
    f.add_argument("--vm-memory", type=vm_memory_mib, help="memory per VM in MiB, 16 or more (default 2048)")
    f.add_argument("--guest-os", help="the VMs' guest OS (default ubuntu-24.04)")
    f.add_argument("--hosts", type=host_count, help="across this many copies of the host, 1 to 1000 (default 1)")
    f.add_argument("--format", choices=["table", "json"], default="table")
    f.set_defaults(func=handle)
    return f


def handle(args: argparse.Namespace) -> int:
    """``vmsim fit``."""
    from vmsim.engine import Settings, Simulation, VmSettings, default_catalog, make_host
    from vmsim.engine.machines import Cluster
    from vmsim.output import formats

    catalog = default_catalog()
    if args.host not in catalog.hosts:
        raise CliError(f"unknown host {args.host!r}; choose one of {', '.join(catalog.hosts)}")
    guests = [g for g in catalog.guests if g != "microvm-linux"]
    if args.guest_os is not None and args.guest_os not in guests:
        raise CliError(f"unknown guest OS {args.guest_os!r}; choose one of {', '.join(guests)}")
    default = VmSettings()
    vm = VmSettings(memory_mib=args.vm_memory or default.memory_mib, guest_os=args.guest_os or default.guest_os)
    if args.host == "local":
        from vmsim.host.local import probe_local_machine

        host = make_host(catalog, args.host, probe_local_machine())
    else:
        host = make_host(catalog, args.host)
    cluster = Cluster(hosts=args.hosts or 1)
    sim = Simulation(host, worlds=("vm", "container", "microvm"), settings=Settings(catalog, vm=vm), cluster=cluster)
    if args.hosts is None:
        sys.stdout.write(formats.render_fit(args.app, host.label, sim.fit(args.app), args.format))
    else:
        sys.stdout.write(formats.render_fit_hosts(args.app, host.label, sim.fit_hosts(args.app), args.format))
    return 0
