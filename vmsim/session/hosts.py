"""A world's hosts in figures the dashboard shows when there are too many to draw one by one: how many are up,
live instances per host, each host's committed memory as a share of its capacity, the versions deploys left
running and how many apps do not work (from a frozen snapshot)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from vmsim.engine.events import WorldEvent
from vmsim.engine.snapshot import SimulationSnapshot, WorldSnapshot

LIVE = frozenset({"pending", "booting", "running"})


class HostsSummary(NamedTuple):
    """The hosts of one world at one moment. Instances per host count live ones on the hosts that are up
    (min, mean, max; all 0 when none is up); ``memory_used`` is each host's committed memory ÷ its capacity
    (0 to 1, in host order; a host that is down has 0)."""

    hosts: int
    up: int
    down: int
    instances_min: int
    instances_mean: float
    instances_max: int
    exposed: int
    memory_used: tuple[float, ...]
    up_flags: tuple[bool, ...]
    versions: tuple[tuple[str, int], ...] = ()  # live instances by the version a deploy left them running
    broken: int = 0  # live instances whose app does not work (a deploy by hand that drifted)
    last_deploy: WorldEvent | None = None  # the latest host a deploy finished on (how long, how many work)


def hosts_summary(world: WorldSnapshot) -> HostsSummary:
    """The summary of ``world``'s hosts (O(instances + hosts))."""
    live = {i.id for i in world.instances if i.state in LIVE}
    per_host = [sum(1 for i in h.instances if i in live) for h in world.hosts if h.up]
    used = tuple(
        min(1.0, h.memory.total_mib / h.memory.capacity_mib) if h.up and h.memory.capacity_mib > 0 else 0.0
        for h in world.hosts
    )
    up = len(per_host)
    versions: dict[str, int] = {}
    broken = 0
    for i in world.instances:
        if i.state in LIVE:
            if i.version is not None:
                versions[i.version] = versions.get(i.version, 0) + 1
            broken += not i.works
    return HostsSummary(
        hosts=len(world.hosts),
        up=up,
        down=len(world.hosts) - up,
        instances_min=min(per_host, default=0),
        instances_mean=sum(per_host) / up if up else 0.0,
        instances_max=max(per_host, default=0),
        exposed=sum(1 for i in world.instances if i.exposed and i.state in LIVE),
        memory_used=used,
        up_flags=tuple(h.up for h in world.hosts),
        versions=tuple(sorted(versions.items())),
        broken=broken,
    )


def last_deploy(events: Sequence[WorldEvent]) -> WorldEvent | None:
    """The latest host a deploy finished on among a world's ``events`` (how long it took, how many work)."""
    for event in reversed(events):
        if event.kind == "deployed":
            return event
    return None


def next_version(snap: SimulationSnapshot, app: str) -> str:
    """One above the highest whole-number version of ``app`` deployed so far ("2" for the first deploy)."""
    shipped = [
        int(i.version)
        for w in snap.worlds
        for i in w.instances
        if i.app == app and i.version is not None and i.version.isdigit()
    ]
    return str(max(shipped, default=1) + 1)
