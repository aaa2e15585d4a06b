"""``vmsim build``: registers its parser; the build itself is imported only when the command runs."""

from __future__ import annotations

import argparse
import math
import sys


def _base_size(text: str) -> float:
    from vmsim.imagebuild.messages import say
    from vmsim.text.parsing import current

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(say("base_size", current())) from None
    if not math.isfinite(value) or not 0 <= value <= 1048576:
        raise argparse.ArgumentTypeError(say("base_size", current()))
    return value


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Register ``vmsim build``."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "build",
        help="read a real Dockerfile: its layers, their sizes, the build cache and what a push moves",
        description="Read a Dockerfile and its build context and list the image's layers in order: the base "
        "image's (sizes from the catalog), then one per RUN, COPY and ADD, each with its size (measured from the "
        "context's files, or estimated by a labelled model), a content digest and whether the build cache hits. "
        "Nothing is run and no image is made.",
    )
    p.add_argument("dockerfile", metavar="PATH/Dockerfile", help="the Dockerfile to read")
    p.add_argument("--context", metavar="DIR", help="the build context (default: the Dockerfile's directory)")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.add_argument(
        "--base-size", type=_base_size, metavar="MIB", help="the size of a base image the catalog does not know"
    )
    p.add_argument(
        "--changed",
        action="append",
        default=[],
        metavar="PATH",
        help="build again after this context path changed (repeatable): which layers the cache keeps",
    )
    p.add_argument(
        "--push", action="store_true", help="add what the build uploads and what a server of the last version pulls"
    )
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    """``vmsim build``: 0 built, 2 bad input (``file:line: message`` on stderr, never a traceback)."""
    from pathlib import Path

    from vmsim.imagebuild.build import build
    from vmsim.imagebuild.messages import say
    from vmsim.imagebuild.problems import BuildInputError
    from vmsim.imagebuild.render import render_json, render_table
    from vmsim.text import default_lang

    lang = default_lang()

    try:
        result = build(
            Path(args.dockerfile),
            Path(args.context) if args.context else None,
            base_size_mib=args.base_size,
            changed=args.changed,
            push=args.push,
        )
    except BuildInputError as exc:
        print(f"vmsim build: {exc.text(lang)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"vmsim build: {say('interrupted', lang)}", file=sys.stderr)
        return 130
    sys.stdout.write(render_json(result) if args.format == "json" else render_table(result, lang))
    return 0
