"""``vmsim validate FILE…``: check scenario files and explain any problem."""

from __future__ import annotations

import argparse
import sys

from vmsim.cli.arguments import add_lang, lang_of
from vmsim.text import escaped_lines, tr


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Register ``vmsim validate``."""
    v = sub.add_parser("validate", help="check scenario files and explain any problem")
    v.add_argument("files", nargs="+", help="scenario names or .toml paths")
    add_lang(v, "the messages")
    v.set_defaults(func=handle)
    return v


def handle(args: argparse.Namespace) -> int:
    """``vmsim validate``: exit 0 when every file is good, 2 otherwise."""
    from vmsim.scenarios import ScenarioError, build_simulation, load_scenario

    bad, lang = 0, lang_of(args)
    for name in args.files:
        try:
            spec = load_scenario(name)
            build_simulation(spec)  # what only the engine can refuse (a host too small for its runtime)
        except ScenarioError as exc:
            bad += 1
            print(escaped_lines(exc.text(lang)), file=sys.stderr)
            continue
        worlds = ", ".join(tr("world." + w, lang) for w in spec.worlds)
        name, n, steps = spec.say("name", lang), f"{len(spec.events):,}", len(spec.lesson)
        line = tr("validate.ok", lang, source=spec.source, name=name, n=n, worlds=worlds)
        if steps:
            line += tr("validate.steps", lang, steps=steps)
        print(escaped_lines(line))
        for i, event in enumerate(spec.events):  # allowed (the dashboard runs on), but `vmsim run` stops before it
            if event.at_s > spec.duration_s:
                print(
                    escaped_lines(
                        "  "
                        + tr(
                            "scenario.after_end",
                            lang,
                            path=f"events[{i}]",
                            at=f"{event.at_s:g}",
                            end=f"{spec.duration_s:g}",
                        )
                    )
                )
    return 2 if bad else 0
