"""Argument types shared by the CLI's commands: each rejects bad input with a message argparse prints (exit 2).

Every numeric flag has the same bounds as the scenario key it stands for (see vmsim/scenarios/loader.py), so
nothing the command line accepts is refused later, and nothing absurd (``--seed 10**100``) gets through.
"""

from __future__ import annotations

import argparse
import math

MAX_SECONDS = 1_000_000.0  # the same bound scenario files have for times (loader.MAX_TIME_S)
MAX_SEED = 2**63 - 1  # the scenario key ``seed``
MIN_VM_MEMORY_MIB = 16.0  # the scenario key ``vm.memory_mib``
MAX_VM_MEMORY_MIB = 4 * 1024 * 1024.0
MIN_SPEED = 0.1  # simulated seconds per real second in the dashboard
MAX_SPEED = 100.0
MAX_DIGITS = 40  # longer numbers are refused before they are converted (int() of a huge string is slow)


def _parse_float(text: str, what: str) -> float:
    if len(text.strip()) > MAX_DIGITS:
        raise argparse.ArgumentTypeError(f"{text[:20]!r}… is out of range: too long to be {what}")
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None


def bounded_number(text: str, low: float, high: float, what: str = "a number", unit: str = "") -> float:
    """A finite number from ``low`` to ``high``; the message says the range."""
    value = _parse_float(text, what)
    if not math.isfinite(value) or not low <= value <= high:
        raise argparse.ArgumentTypeError(f"{text!r} is out of range; give {low:,g} to {high:,g}{unit}")
    return value


def finite_number(text: str) -> float:
    """A finite number, 0 or more."""
    value = _parse_float(text, "a number")
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be a finite number, 0 or more")
    return value


def seconds(text: str) -> float:
    """Simulated seconds, from 0 to MAX_SECONDS."""
    value = _parse_float(text, "a number of seconds")
    if not math.isfinite(value) or value < 0 or value > MAX_SECONDS:
        raise argparse.ArgumentTypeError(f"{text!r} must be a number of seconds from 0 to {MAX_SECONDS:,.0f}")
    return value


def seed(text: str) -> int:
    """A seed: a whole number from 0 to 2**63 - 1 (as the scenario key)."""
    if len(text.strip()) > MAX_DIGITS:
        raise argparse.ArgumentTypeError(f"{text[:20]!r}… is out of range: too long; give a seed from 0 to {MAX_SEED}")
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError("the seed must be 0 or more")
    if value > MAX_SEED:
        raise argparse.ArgumentTypeError(f"{text!r} is out of range; give a seed from 0 to {MAX_SEED} (2**63 - 1)")
    return value


def vm_memory_mib(text: str) -> float:
    """Memory per VM in MiB, as the scenario key ``vm.memory_mib``: 16 to 4 TiB."""
    value = _parse_float(text, "a number of MiB")
    if math.isfinite(value) and value < MIN_VM_MEMORY_MIB:
        raise argparse.ArgumentTypeError("a VM needs at least 16 MiB")
    if not math.isfinite(value) or not MIN_VM_MEMORY_MIB <= value <= MAX_VM_MEMORY_MIB:
        raise argparse.ArgumentTypeError(
            f"{text!r} is out of range; give {MIN_VM_MEMORY_MIB:g} to {MAX_VM_MEMORY_MIB:,.0f} MiB"
        )
    return value


def speed(text: str) -> float:
    """Simulated seconds per real second: 0.1 to 100."""
    return bounded_number(text, MIN_SPEED, MAX_SPEED, "a speed", " simulated seconds per real second")


def lesson_step(text: str) -> int:
    """A lesson step to open, counted from 1 (a lesson has at most 200 steps and its summary)."""
    if len(text.strip()) > MAX_DIGITS:
        raise argparse.ArgumentTypeError(f"{text[:20]!r}… is out of range: too long to be a step number")
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a step number (1 is the first step)") from None
    if not 1 <= value <= 201:
        raise argparse.ArgumentTypeError(f"{text!r} is out of range; steps are counted from 1")
    return value


def add_lang(parser: argparse.ArgumentParser, what: str = "the output") -> None:
    """``--lang en|ko``: the language of what a command prints (default: the locale, as the dashboard's)."""
    parser.add_argument("--lang", choices=["en", "ko"], help=f"language of {what} (default: from LC_ALL or LANG)")


def lang_of(args: argparse.Namespace) -> str:
    """The language a command speaks: its ``--lang``, else the locale's."""
    from vmsim.text import default_lang

    return getattr(args, "lang", None) or default_lang()
