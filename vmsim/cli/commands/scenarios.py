"""``vmsim scenarios``: list the shipped scenarios."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from vmsim.cli.arguments import add_lang, lang_of
from vmsim.cli.scenario_options import terminal_columns


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Register ``vmsim scenarios``."""
    s = sub.add_parser("scenarios", help="list the shipped scenarios")
    s.add_argument("--format", choices=["table", "json"], default="table")
    add_lang(s, "the names and descriptions")
    s.set_defaults(func=handle)
    return s


def handle(args: argparse.Namespace) -> int:
    """``vmsim scenarios``."""
    import json

    from vmsim.output import formats
    from vmsim.scenarios import ScenarioError, load_scenario, shipped_names
    from vmsim.text import tr

    lang = lang_of(args)
    rows: list[dict[str, Any]] = []
    for name in shipped_names():
        try:
            spec = load_scenario(name)
            rows.append(
                {"name": name, "title": spec.name, "worlds": list(spec.worlds), "description": spec.description}
                if args.format == "json"  # the JSON stays English, as every JSON vmsim writes
                else {"name": name, "worlds": list(spec.worlds), "description": spec.say("description", lang)}
            )
        except ScenarioError as exc:
            print(f"vmsim: {exc}", file=sys.stderr)
    if args.format == "json":
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    else:
        head = [tr("scenarios.name", lang), tr("scenarios.worlds", lang), tr("scenarios.description", lang)]
        table: list[list[str]] = [head] + [[r["name"], ",".join(r["worlds"]), r["description"]] for r in rows]
        sys.stdout.write(formats.table(_wrapped(table, terminal_columns())) + "\n")
    return 0


def _wrapped(table: list[list[str]], columns: int | None) -> list[list[str]]:
    """The table with its last column (the description) wrapped to fit ``columns``, under itself."""
    from vmsim.output.formats import columns as width_of
    from vmsim.output.formats import wrap

    if columns is None:
        return table
    left = sum(max(width_of(row[i]) for row in table) + 2 for i in range(len(table[0]) - 1))
    room = columns - left - 1
    if room < 30:  # too narrow to wrap usefully: as it was
        return table
    out = [table[0]]
    for row in table[1:]:
        lines = wrap(row[-1], room) or [""]
        out.append([*row[:-1], lines[0]])
        out += [["" for _ in row[:-1]] + [line] for line in lines[1:]]
    return out
