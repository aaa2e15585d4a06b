"""A world's memory leaves out the hosts that are down: their capacity and what their books still hold."""

from __future__ import annotations

import pytest

from vmsim.session import Session, load_scenario


def test_memory_of_a_world_with_a_host_down_counts_only_the_hosts_that_are_up():
    # The VM column said 'free 16.8 GiB' with one of two hosts down, while the fit line said memory ran out.
    session = Session(load_scenario("hosts"))
    session.advance(40.0)
    before = {w.name: w for w in session.snapshot(include_events=False).worlds}
    session.advance(30.0)  # host-4 goes down at 45 s
    after = {w.name: w for w in session.snapshot(include_events=False).worlds}
    for name, world in after.items():
        hosts = {h.name: h for h in world.hosts}
        assert not hosts["host-4"].up, name
        per_host = before[name].memory.capacity_mib / len(before[name].hosts)
        assert world.memory.capacity_mib == pytest.approx(per_host * (len(world.hosts) - 1)), name
        up = [h for h in world.hosts if h.up]
        assert world.memory.total_mib == pytest.approx(sum(h.memory.total_mib for h in up)), name
        assert world.memory.get("host_os") == pytest.approx(sum(h.memory.get("host_os") for h in up)), name
