"""``vmsim scenarios``: list the shipped scenarios."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Register ``vmsim scenarios``."""
    s = sub.add_parser("scenarios", help="list the shipped scenarios")
    s.add_argument("--format", choices=["table", "json"], default="table")
    s.set_defaults(func=handle)
    return s


def handle(args: argparse.Namespace) -> int:
    """``vmsim scenarios``."""
    import json

    from vmsim.output import formats
    from vmsim.scenarios import ScenarioError, load_scenario, shipped_names

    rows: list[dict[str, Any]] = []
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
        table: list[list[str]] = [["name", "worlds", "description"]] + [
            [r["name"], ",".join(r["worlds"]), r["description"]] for r in rows
        ]
        sys.stdout.write(formats.table(table) + "\n")
    return 0
