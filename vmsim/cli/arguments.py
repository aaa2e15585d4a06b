"""Argument types shared by the CLI's commands: each rejects bad input with a message argparse prints."""

from __future__ import annotations

import argparse
import math

MAX_SECONDS = 1_000_000.0  # the same bound scenario files have for times (loader.MAX_TIME_S)


def finite_number(text: str) -> float:
    """A finite number, 0 or more."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be a finite number, 0 or more")
    return value


def seconds(text: str) -> float:
    """Simulated seconds, from 0 to MAX_SECONDS."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(value) or value < 0 or value > MAX_SECONDS:
        raise argparse.ArgumentTypeError(f"{text!r} must be a number of seconds from 0 to {MAX_SECONDS:,.0f}")
    return value


def seed(text: str) -> int:
    """A seed: a whole number, 0 or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError("the seed must be 0 or more")
    return value
