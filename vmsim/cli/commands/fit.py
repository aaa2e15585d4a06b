"""``vmsim fit APP``: how many of an app fit in each world on a host, and what runs out first."""

from __future__ import annotations

import argparse
import sys

from vmsim.cli.arguments import vm_memory_mib
from vmsim.cli.errors import CliError


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Register ``vmsim fit``."""
    f = sub.add_parser("fit", help="how many of an app fit in each world, and what runs out first")
    f.add_argument("app", help="an app name (see 'vmsim catalog')")
    f.add_argument("--host", default="laptop", help="a host preset (laptop, small-cloud, server) or 'local'")
    f.add_argument("--vm-memory", type=vm_memory_mib, help="memory per VM in MiB, 16 or more (default 2048)")
    f.add_argument("--guest-os", help="the VMs' guest OS (default ubuntu-24.04)")
    f.add_argument("--format", choices=["table", "json"], default="table")
    f.set_defaults(func=handle)
    return f


def handle(args: argparse.Namespace) -> int:
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
    if args.host == "local":
        from vmsim.host.local import probe_local_machine

        host = make_host(catalog, args.host, probe_local_machine())
    else:
        host = make_host(catalog, args.host)
    sim = Simulation(host, worlds=("vm", "container", "microvm"), settings=Settings(catalog, vm=vm))
    fits = sim.fit(args.app)
    sys.stdout.write(formats.render_fit(args.app, host.label, fits, args.format))
    return 0
