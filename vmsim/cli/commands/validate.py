"""``vmsim validate FILE…``: check scenario files and explain any problem."""

from __future__ import annotations

import argparse
import sys

from vmsim.text import escaped_lines


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Register ``vmsim validate``."""
    v = sub.add_parser("validate", help="check scenario files and explain any problem")
    v.add_argument("files", nargs="+", help="scenario names or .toml paths")
    v.set_defaults(func=handle)
    return v


def handle(args: argparse.Namespace) -> int:
    """``vmsim validate``: exit 0 when every file is good, 2 otherwise."""
    from vmsim.scenarios import ScenarioError, build_simulation, load_scenario

    bad = 0
    for name in args.files:
        try:
            spec = load_scenario(name)
            build_simulation(spec)  # what only the engine can refuse (a host too small for its runtime)
        except ScenarioError as exc:
            bad += 1
            from vmsim.text import default_lang

            print(escaped_lines(exc.text(default_lang())), file=sys.stderr)
            continue
        n = len(spec.events)
        events = f"{n:,} {'event' if n == 1 else 'events'}"
        print(escaped_lines(f"{spec.source}: ok — {spec.name!r}, {events}, worlds {', '.join(spec.worlds)}"))
    return 2 if bad else 0
