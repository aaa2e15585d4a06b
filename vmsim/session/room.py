"""How many instances a world may be asked for in all: the same bound a scenario file has, for what a user adds
while watching (a dashboard's add dialog takes 1,000 at a time, and a served tab could press it forever)."""

from __future__ import annotations

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
