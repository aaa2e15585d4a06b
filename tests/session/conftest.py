"""Shared set-up of the checkpoint and rewind tests: small checkpoints, the restores seen, and one session plan
played live or run straight to a moment."""

from __future__ import annotations

import pytest

from vmsim.engine import Simulation
from vmsim.output.formats import render_json
from vmsim.session import Session, load_scenario
from vmsim.session import checkpoints as cp_module

Plan = list[tuple[float, str, tuple[object, ...]]]


class BootStormPlan:
    """The boot-storm scenario at seed 4 with three commands on the way."""

    PLAN: Plan = [
        (5.0, "add_workload", ("nginx", 7)),
        (17.5, "remove_app", ("nginx",)),
        (30.0, "add_workload", ("redis", 3)),
    ]

    def straight(self, t_end: float, plan: Plan | None = None) -> str:
        """The JSON of a session that went straight to ``t_end`` (no checkpoints), given the plan's commands on
        the way."""
        s = Session(load_scenario("boot-storm"), seed=4, paused=True, checkpoints=False)
        for t, verb, args in self.PLAN if plan is None else plan:
            if t > t_end:
                break
            s.run_until(t)
            getattr(s, verb)(*args)
        s.run_until(t_end)
        return render_json(s.state())

    def played(self, t_end: float) -> Session:
        """A session with checkpoints that played the whole plan, then ran to ``t_end``."""
        session = Session(load_scenario("boot-storm"), seed=4, paused=True)
        for t, verb, args in self.PLAN:
            session.run_until(t)
            getattr(session, verb)(*args)
        session.run_until(t_end)
        return session


@pytest.fixture
def boot_storm() -> BootStormPlan:
    return BootStormPlan()


@pytest.fixture
def small_checkpoints(monkeypatch):
    """Checkpoints every 40 actions whatever the state's size, so short runs take many."""
    monkeypatch.setattr(cp_module, "MIN_ACTIONS", 40)
    monkeypatch.setattr(cp_module, "ACTIONS_PER_INSTANCE", 0)


@pytest.fixture
def restores(monkeypatch) -> list[float]:
    """The moments of the checkpoints restored from now on."""
    seen: list[float] = []
    real = Simulation.restore
    monkeypatch.setattr(Simulation, "restore", staticmethod(lambda c: seen.append(c.t_s) or real(c)))
    return seen
