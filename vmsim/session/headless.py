"""A scenario played to its end without a front end: the one run path of ``vmsim run``, ``vmsim report`` and
the CSV exports."""

from __future__ import annotations

from vmsim.scenarios.spec import ScenarioSpec
from vmsim.session.session import Session


def run_headless(
    spec: ScenarioSpec, seed: int | None = None, until_s: float | None = None, checkpoints: bool = False
) -> Session:
    """A session of ``spec`` run to ``until_s`` (default: the scenario's ``duration_s``).

    The scenario's timed events run, and so do its lesson's actions, each step acting when the previous
    one's ``watch_s`` is over (:func:`vmsim.scenarios.build.lesson_timeline`), as a class would see them.
    With ``checkpoints`` it keeps them on the way, for going back afterwards (``vmsim run --seek-to``).
    """
    session = Session(spec, seed=seed, play_lesson=True, checkpoints=checkpoints)
    session.run_until(spec.duration_s if until_s is None else until_s)
    return session
