"""``vmsim host``: this machine as psutil sees it, as a [host] block ready to paste into a scenario."""

from __future__ import annotations

import argparse
import sys

from vmsim.cli.arguments import add_lang, lang_of


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
    add_lang(p, "the text and the block's comments (the JSON stays English)")
    p.set_defaults(func=handle)
    return p


def handle(args: argparse.Namespace) -> int:
    """``vmsim host``: 0 when the machine could be read, 2 otherwise (with the reason on stderr)."""
    from vmsim.host import hostinfo
    from vmsim.host.local import probe_local_machine
    from vmsim.text import tr

    lang = lang_of(args)
    try:
        machine = probe_local_machine()
    except ImportError:
        print(tr("host.no_psutil", lang), file=sys.stderr)
        return 2
    except FileNotFoundError:
        print(tr("host.cwd_gone", lang), file=sys.stderr)
        return 2
    except OSError as exc:
        print(tr("host.disk_unreadable", lang, reason=exc.strerror or exc), file=sys.stderr)
        return 2
    block = hostinfo.host_block(machine)
    fmt = getattr(args, "format", "text")
    if fmt == "toml":
        sys.stdout.write(block.toml(lang))
        return 0
    limits = hostinfo.process_limits(machine)
    if fmt == "json":
        sys.stdout.write(hostinfo.render_json(machine, block, limits))
    else:
        sys.stdout.write(hostinfo.render_text(machine, block, limits, lang))
    return 0
