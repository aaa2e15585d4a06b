"""The session's host commands: adding a host and taking one down are user commands, replayed exactly."""

from __future__ import annotations

import pytest

from vmsim.session import Session, hosts_summary, load_scenario


def hosts_session() -> Session:
    return Session(load_scenario("hosts"))


def test_add_host_gives_every_world_an_empty_host_and_survives_a_rewind():
    s = hosts_session()
    s.advance(20.0)
    assert s.add_host() == "host-13"
    s.add_workload("nginx", 1)
    s.advance(10.0)
    at_30 = s.snapshot(include_events=True)
    for w in at_30.worlds:
        assert [h.name for h in w.hosts][-1] == "host-13"
        assert w.hosts[-1].instances == ("nginx-25",), w.name  # the emptiest host takes the next one
    s.advance(10.0)
    s.back()
    assert s.now == pytest.approx(30.0)
    assert s.snapshot(include_events=True) == at_30


def test_fail_host_takes_the_named_host_down_and_its_instances_start_elsewhere():
    s = hosts_session()
    s.advance(30.0)
    assert s.fail_host("host-2") == "host-2"
    s.advance(30.0)
    for w in s.snapshot().worlds:
        host = next(h for h in w.hosts if h.name == "host-2")
        assert not host.up
        moved = [i for i in w.instances if i.replaces in host.instances]
        assert len(moved) == len(host.instances) == 3, w.name
        assert all(i.host != "host-2" for i in moved)
        summary = hosts_summary(w)  # host-4 goes down at 45 s in the scenario itself
        assert summary.down == 2 and [h.name for h in w.hosts if not h.up] == ["host-2", "host-4"]


def test_fail_host_without_a_name_takes_the_first_host_still_up_and_none_when_all_are_down():
    s = Session(load_scenario("hello"))
    s.advance(5.0)
    s.add_host()
    assert s.fail_host() == "host-1"
    assert s.fail_host() == "host-2"
    assert s.fail_host() is None
    assert [c.verb for c in s.user_commands] == ["add_host", "fault", "fault"]


def test_a_failed_host_is_replayed_after_a_rewind_past_it():
    s = hosts_session()
    s.advance(20.0)
    s.fail_host("host-7")
    s.advance(20.0)
    at_40 = s.snapshot(include_events=True)
    s.back(30.0)
    assert all(h.up for w in s.snapshot().worlds for h in w.hosts if h.name == "host-7")
    s.forward(30.0)
    assert s.snapshot(include_events=True) == at_40


def test_hosts_summary_counts_live_instances_per_host_that_is_up():
    s = hosts_session()
    s.advance(70.0)  # host-4 went down at 45 s; nginx-5 escaped at 60 s
    container = s.snapshot().world("container")
    summary = hosts_summary(container)
    assert (summary.hosts, summary.up, summary.down) == (12, 11, 1)
    live = [i for i in container.instances if i.state in ("pending", "booting", "running")]
    assert summary.instances_mean == pytest.approx(len(live) / 11)
    assert (summary.instances_min, summary.instances_max) == (3, 4)
    assert summary.exposed == sum(i.exposed for i in live) >= 2  # an escape exposes its neighbours too
    assert summary.memory_used[3] == 0.0 and not summary.up_flags[3]
    assert all(0.0 < u < 1.0 for i, u in enumerate(summary.memory_used) if i != 3)


def test_deploy_ships_the_next_version_and_is_replayed_after_a_rewind():
    s = hosts_session()
    s.advance(50.0)  # after host-4's instances have been replaced (a deploy reaches the instances live when it begins)
    assert s.deploy("redis", "image") == "2"
    s.advance(100.0)
    container = s.snapshot().world("container")
    live = [i for i in container.instances if i.app == "redis" and i.state == "running"]
    assert live and {i.version for i in live} == {"2"}
    assert dict(hosts_summary(container).versions) == {"2": len(live)}
    assert s.deploy("redis", "by-hand") == "3"  # the next one up
    s.advance(10.0)
    at_160 = s.snapshot(include_events=True)
    s.back(20.0)
    s.forward(20.0)
    assert s.snapshot(include_events=True) == at_160
    assert [c.verb for c in s.user_commands] == ["deploy", "deploy"]
    assert Session(load_scenario("hosts")).deploy(None) == "2"  # the last app added: redis
