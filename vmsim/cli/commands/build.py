"""``vmsim build PATH/Dockerfile``: a real Dockerfile read into layers, the build cache, and what a push moves.

The options live with the builder (``vmsim.imagebuild.command``), which the registry loads only for this command."""

from __future__ import annotations

import argparse


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Register ``vmsim build``."""
    from vmsim.imagebuild import command

    parser: argparse.ArgumentParser = command.add_parser(sub)
    parser.set_defaults(func=handle)
    return parser


def handle(args: argparse.Namespace) -> int:
    """``vmsim build``: 0 when the Dockerfile was read, 2 for bad input."""
    from vmsim.imagebuild import command

    return int(command.run(args))
