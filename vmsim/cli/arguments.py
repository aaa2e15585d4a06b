"""Argument types shared by the CLI's commands: each rejects bad input with a message argparse prints (exit 2).

Every numeric flag has the same bounds as the scenario key it stands for (see vmsim/scenarios/loader.py), so
nothing the command line accepts is refused later, and nothing absurd (``--seed 10**100``) gets through.
"""

from __future__ import annotations

import argparse
import math

from vmsim.text import msg
from vmsim.text.parsing import refuse

MAX_SECONDS = 1_000_000.0  # the same bound scenario files have for times (loader.MAX_TIME_S)
MAX_SEED = 2**63 - 1  # the scenario key ``seed``
MIN_VM_MEMORY_MIB = 16.0  # the scenario key ``vm.memory_mib``
MAX_VM_MEMORY_MIB = 4 * 1024 * 1024.0
MIN_SPEED = 0.1  # simulated seconds per real second in the dashboard
MAX_SPEED = 100.0
MAX_DIGITS = 40  # longer numbers are refused before they are converted (int() of a huge string is slow)


def _parse_float(text: str, what: str) -> float:
    """``text`` as a float; refused as not ``what`` (a key ``arg.what.*``) when it is none or too long."""
    if len(text.strip()) > MAX_DIGITS:
        raise refuse("arg.too_long", value=repr(text[:20]), what=msg(what))
    try:
        return float(text)
    except ValueError:
        raise refuse("arg.not_a", value=repr(text), what=msg(what)) from None


def seconds(text: str) -> float:
    """Simulated seconds, from 0 to MAX_SECONDS."""
    value = _parse_float(text, "arg.what.seconds")
    if not math.isfinite(value) or value < 0 or value > MAX_SECONDS:
        raise refuse("arg.seconds", value=repr(text), high=f"{MAX_SECONDS:,.0f}")
    return value


def seed(text: str) -> int:
    """A seed: a whole number from 0 to 2**63 - 1 (as the scenario key)."""
    if len(text.strip()) > MAX_DIGITS:
        raise refuse("arg.seed_long", value=repr(text[:20]), high=MAX_SEED)
    try:
        value = int(text)
    except ValueError:
        raise refuse("arg.not_whole", value=repr(text)) from None
    if value < 0:
        raise refuse("arg.seed_negative")
    if value > MAX_SEED:
        raise refuse("arg.seed_range", value=repr(text), high=MAX_SEED)
    return value


def vm_memory_mib(text: str) -> float:
    """Memory per VM in MiB, as the scenario key ``vm.memory_mib``: 16 to 4 TiB."""
    value = _parse_float(text, "arg.what.mib")
    if math.isfinite(value) and value < MIN_VM_MEMORY_MIB:
        raise refuse("arg.vm_min", low=f"{MIN_VM_MEMORY_MIB:g}")
    if not math.isfinite(value) or not MIN_VM_MEMORY_MIB <= value <= MAX_VM_MEMORY_MIB:
        raise refuse("arg.vm_range", value=repr(text), low=f"{MIN_VM_MEMORY_MIB:g}", high=f"{MAX_VM_MEMORY_MIB:,.0f}")
    return value


def speed(text: str) -> float:
    """Simulated seconds per real second: 0.1 to 100."""
    value = _parse_float(text, "arg.what.speed")
    if not math.isfinite(value) or not MIN_SPEED <= value <= MAX_SPEED:
        raise refuse("arg.speed", value=repr(text), low=f"{MIN_SPEED:,g}", high=f"{MAX_SPEED:,g}")
    return value


def lesson_step(text: str) -> int:
    """A lesson step to open, counted from 1 (a lesson has at most 200 steps and its summary)."""
    if len(text.strip()) > MAX_DIGITS:
        raise refuse("arg.step_long", value=repr(text[:20]))
    try:
        value = int(text)
    except ValueError:
        raise refuse("arg.step_not", value=repr(text)) from None
    if not 1 <= value <= 201:
        raise refuse("arg.step_range", value=repr(text))
    return value


def add_lang(parser: argparse.ArgumentParser, what: str = "the output") -> None:
    """``--lang en|ko``: the language of what a command prints (default: the locale, as the dashboard's)."""
    parser.add_argument("--lang", choices=["en", "ko"], help=f"language of {what} (default: from LC_ALL or LANG)")


def lang_of(args: argparse.Namespace) -> str:
    """The language a command speaks: its ``--lang``, else the locale's."""
    from vmsim.text import default_lang

    return getattr(args, "lang", None) or default_lang()


def out_format(chosen: str | None, out: str | None, suffixes: dict[str, str], default: str) -> str:
    """The format a command writes: ``--format`` when given, else the one ``--out``'s suffix names (``suffixes``:
    ``".csv" -> "csv"``), else ``default``. A ``--format`` the file's suffix contradicts is refused, so
    ``--out result.csv --format json`` never writes JSON into a ``.csv`` file without a word."""
    from pathlib import PurePath

    from vmsim.cli.errors import CliError

    suffix = PurePath(out).suffix.lower() if out and out != "-" else ""
    named = suffixes.get(suffix)
    if chosen is None:
        return named or default
    if named is not None and named != chosen:
        raise CliError.say("cli.format_vs_out", out=out, suffix=suffix, format=chosen, named=named)
    return chosen
