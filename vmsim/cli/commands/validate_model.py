"""``vmsim validate-model``: run reference experiments and compare them with published measurements."""

from __future__ import annotations

import argparse
import sys


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Register ``vmsim validate-model``."""
    vm = sub.add_parser("validate-model", help="run reference experiments and compare with published measurements")
    vm.add_argument("--format", choices=["table", "json"], default="table")
    vm.set_defaults(func=handle)
    return vm


def handle(args: argparse.Namespace) -> int:
    """``vmsim validate-model``: exit 0 when every reference experiment is within tolerance, 1 otherwise."""
    from vmsim.validation.checks import run_validation
    from vmsim.validation.render import render_validation

    checks = run_validation()
    sys.stdout.write(render_validation(checks, args.format))
    return 0 if all(c.passed for c in checks) else 1
