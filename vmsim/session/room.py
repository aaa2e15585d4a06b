"""How much room the worlds have: the bound on instances a user may add while watching (the same bound a scenario
file has: a dashboard's add dialog takes 1,000 at a time, and a served tab could press it forever), and how many
more of an app fit, worked out again only when the simulation has changed."""

from __future__ import annotations

from weakref import WeakKeyDictionary

from vmsim.engine.admission import FitResult
from vmsim.engine.simulation import Simulation
from vmsim.scenarios.schema import MAX_INSTANCES, PER_HOST


class TooManyInstances(ValueError):
    """Adding that many would take a world past the bound; ``most`` is the bound, ``left`` how many still fit."""

    def __init__(self, most: int, left: int) -> None:
        super().__init__(f"at most {most:,} instances per world ({left:,} more can be added)")
        self.most = most
        self.left = left


def check_room(sim: Simulation, count: int) -> int:
    """``count``, when each world may take that many more instances; else TooManyInstances."""
    most = max(MAX_INSTANCES, PER_HOST * sim.cluster.hosts)
    asked = max((len(w.instances) for w in sim.worlds.values()), default=0)
    if asked + count > most:
        raise TooManyInstances(most, max(0, most - asked))
    return count


# sim → (actions run, commands given, app, the fit then): a simulation changes only through its clock's actions
# and its commands, so an equal count of both is an equal state. The dashboard asks every frame; over 1,000 hosts
# in three worlds the answer costs ~27 ms, and a paused or settled world need not pay it again.
_FITS: WeakKeyDictionary[Simulation, tuple[int, int, str, dict[str, FitResult]]] = WeakKeyDictionary()


def fit_now(sim: Simulation, app: str) -> dict[str, FitResult]:
    """``sim.fit(app)``, kept while the simulation has not changed."""
    kept = _FITS.get(sim)
    if kept is not None and kept[:3] == (sim.actions, len(sim.commands), app):
        return kept[3]
    fits = sim.fit(app)
    _FITS[sim] = (sim.actions, len(sim.commands), app, fits)
    return fits
