"""Admission: how many more of an app a host of a world can take, and why one more is refused.

Disk and CPU are checked the same way for every kind; memory (and vCPUs) the kind's own way.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, NamedTuple

from vmsim.engine.catalog import App
from vmsim.engine.codes import Coded, coded

if TYPE_CHECKING:
    from collections.abc import Sequence

    from vmsim.engine.artifacts import Artifact
    from vmsim.engine.node import Node


class FitResult(NamedTuple):
    """How many more of an app a world can take now, and what runs out first."""

    max_instances: int
    limited_by: str
    per_instance: tuple[tuple[str, float], ...]
    limits: tuple[tuple[str, int], ...] = ()  # every limit checked: how many more it allows

    def as_dict(self) -> dict[str, object]:
        """JSON form."""
        return {
            "max_instances": self.max_instances,
            "limited_by": self.limited_by,
            # Six decimals, as every figure of the run's JSON: 256 + 2.2 + 8.65 is 266.84999999999997 in binary.
            "per_instance": {k: round(v, 6) for k, v in self.per_instance},
            "limits": dict(self.limits),
        }


def count_fit(free: float, each: float) -> int:
    """How many ``each`` fit in ``free`` (a huge number when each is 0)."""
    if free <= 0:
        return 0
    if each <= 0:
        return 10**9
    return int(math.floor(free / each + 1e-9))


def _to_fetch_mib(needs: list[Artifact]) -> float:
    return sum([a.stored_mib for a in needs if a.state == "absent"])  # sum's own float addition (exact from 3.12)


def fit(world: Node, app: App) -> FitResult:
    """How many more of ``app`` ``world`` can take now, and which resource runs out first (the first
    listed among equals: disk, then the kind's memory limits, then CPU)."""
    limits: list[tuple[int, str]] = []
    per: list[tuple[str, float]] = []
    if no_nesting(world):
        limits.append((0, "nesting"))
    _, disk_each = world.behaviour.instance_disk(app)
    disk_free = world.host.disk_mib - world.disk.total - _to_fetch_mib(world.behaviour.needs(app))
    limits.append((count_fit(disk_free, disk_each), "disk"))
    per.append(("disk_mib", disk_each))
    world.behaviour.memory_limits(app, limits, per)
    cpu_each = world.behaviour.steady_cpu(app)
    limits.append((count_fit(world.host.cpu_cores - world.steady_cpu, cpu_each), "cpu"))
    per.append(("cpu_cores", cpu_each))
    n, by = min(limits, key=lambda x: x[0])
    every: dict[str, int] = {}
    for count, name in limits:
        every[name] = min(count, every.get(name, count))
    return FitResult(n, by, tuple(per), tuple(every.items()))


def fit_hosts(nodes: Sequence[Node], app: App) -> FitResult:
    """How many more of ``app`` the hosts that are up can take now, in all: each host's count added up, and each
    limit's. What runs out first is what runs out first on the most hosts (the earliest host's among equals); with
    every host down, nothing fits ("hosts_down")."""
    fits = [fit(node, app) for node in nodes if node.up]
    if len(fits) == 1:
        return fits[0]
    if not fits:
        return FitResult(0, "hosts_down", fit(nodes[0], app).per_instance, (("hosts_down", 0),))
    limits: dict[str, int] = {}
    votes: dict[str, int] = {}
    for f in fits:
        votes[f.limited_by] = votes.get(f.limited_by, 0) + 1
        for name, count in f.limits:
            limits[name] = limits.get(name, 0) + count
    by = max(votes, key=votes.__getitem__)  # (max keeps the first of equals: dicts keep their order)
    return FitResult(sum(f.max_instances for f in fits), by, fits[0].per_instance, tuple(limits.items()))


def no_nesting(world: Node) -> bool:
    """The host is itself a VM whose type does not allow VMs inside it, and this world's instances are guests."""
    host = world.host
    return world.behaviour.has_guest and host.kind == "cloud-vm" and not host.nested_virtualization


def refusal(world: Node, app: App, disk_each: float | None = None, needs: list[Artifact] | None = None) -> Coded | None:
    """Why one more instance of ``app`` cannot start now (nesting, then disk, then the kind's limits), or None.

    ``disk_each`` and ``needs``: the instance's own disk and the artifacts it needs (its kind's ``instance_disk``
    and ``needs``), when the caller has worked them out already (adding an instance needs them again)."""
    if no_nesting(world):
        return coded("reason.no_nested", host=world.host.label)
    if disk_each is None:
        _, disk_each = world.behaviour.instance_disk(app)
    to_fetch = _to_fetch_mib(world.behaviour.needs(app) if needs is None else needs)
    disk_free = world.host.disk_mib - world.disk.total
    if disk_each + to_fetch > disk_free:
        return coded("reason.disk_full", need_mib=disk_each + to_fetch, free_mib=disk_free)
    return world.behaviour.refusal(app)
