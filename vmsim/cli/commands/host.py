"""``vmsim host``: this machine as psutil sees it, as a [host] block ready to paste into a scenario."""

from __future__ import annotations

import argparse
import sys


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Register ``vmsim host``."""
    p = sub.add_parser(
        "host",
        help="this machine as psutil sees it, as a [host] block for a scenario",
        description="Show this machine's CPU cores, memory and the disk holding the working directory, as psutil "
        "reads them, and print them as a [host] block ready to paste into a scenario file.",
    )
    p.add_argument(
        "--format",
        choices=["text", "toml", "json"],
        default="text",
        help="text (default): readable, with the block; toml: the [host] block alone; json: the figures",
    )
    p.set_defaults(func=handle)
    return p


def handle(args: argparse.Namespace) -> int:
    """``vmsim host``: 0 when the machine could be read, 2 otherwise (with the reason on stderr)."""
    from vmsim.host import hostinfo
    from vmsim.host.local import probe_local_machine

    try:
        machine = probe_local_machine()
    except ImportError:
        print("vmsim host: psutil is not installed; install it with 'python -m pip install psutil'", file=sys.stderr)
        return 2
    except FileNotFoundError:
        print(
            "vmsim host: the working directory no longer exists, so its disk cannot be read; "
            "cd into an existing folder and run it again",
            file=sys.stderr,
        )
        return 2
    except OSError as exc:
        print(
            f"vmsim host: cannot read this machine's disk ({exc.strerror or exc}); "
            "run it from a folder on a local disk you can read",
            file=sys.stderr,
        )
        return 2
    block = hostinfo.host_block(machine)
    fmt = getattr(args, "format", "text")
    if fmt == "toml":
        sys.stdout.write(block.toml())
        return 0
    limits = hostinfo.process_limits(machine)
    sys.stdout.write((hostinfo.render_json if fmt == "json" else hostinfo.render_text)(machine, block, limits))
    return 0
