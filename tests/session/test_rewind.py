"""Rewinding: back(10) replays from the checkpoint nearest before the moment asked for, a rewind made in advance is
exactly the one made on the spot (and is used only while it still is), and checkpoints pickle the numerous
slotted engine objects as flat tuples."""

from __future__ import annotations

import pickle

from vmsim.engine import Simulation, pickling
from vmsim.engine.clock import Timer
from vmsim.engine.instance import NO_STEPS, Instance
from vmsim.engine.sharing import Job
from vmsim.output.formats import render_json
from vmsim.session import Session, load_scenario


def test_back_replays_from_the_latest_checkpoint_before_the_moment(boot_storm, small_checkpoints, restores):
    session = boot_storm.played(60.0)
    book = session.checkpoints
    nearest = max(e.t_s for e in book.entries if e.t_s <= 50.0)
    assert any(e.t_s < nearest for e in book.entries), "older checkpoints exist that it must not use"
    session.back(10.0)
    assert restores == [nearest]
    assert render_json(session.state()) == boot_storm.straight(50.0)


def test_a_rewind_made_in_advance_is_the_same_bytes_and_swaps_in_without_restoring(
    boot_storm, small_checkpoints, restores
):
    session = boot_storm.played(60.0)
    entries = list(session.checkpoints.entries)
    assert session.prepare_back(10.0)
    assert restores, "it was made from a checkpoint"
    assert session.checkpoints.entries == entries, "making it took no checkpoints"
    assert session.now == 60.0 and session.back_ready(10.0), "what is shown did not change"
    restores.clear()
    session.back(10.0)
    assert restores == [], "the press only swapped it in"
    assert session.ahead is None and not session.back_ready(10.0)
    assert render_json(session.state()) == boot_storm.straight(50.0)
    session.forward(10.0)  # and the future goes on from it as it went before
    assert render_json(session.state()) == boot_storm.straight(60.0)


def test_a_rewind_made_in_advance_outlives_a_command_given_after_its_moment(boot_storm, small_checkpoints, restores):
    session = boot_storm.played(60.0)
    session.prepare_back(10.0)
    session.add_workload("redis", 1)  # at 60 s: the past at 50 s is unchanged
    assert session.back_ready(10.0)
    restores.clear()
    session.back(10.0)
    assert restores == []
    assert render_json(session.state()) == boot_storm.straight(50.0)
    session.forward(10.0)  # the command given at 60 s is replayed on the way
    later = [*boot_storm.PLAN, (60.0, "add_workload", ("redis", 1))]
    assert render_json(session.state()) == boot_storm.straight(60.0, later)


def test_a_rewind_made_in_advance_is_dropped_by_a_new_past_a_change_of_worlds_or_resuming(
    boot_storm, small_checkpoints
):
    session = boot_storm.played(60.0)
    session.prepare_back(10.0)  # the moment 50 s, as the plan's commands made it
    session.back(20.0)
    session.add_workload("redis", 1)  # at 40 s: a new future, in which 50 s is not what was made
    session.run_until(60.0)
    assert not session.back_ready(10.0)
    session.back(10.0)
    later = [*boot_storm.PLAN, (40.0, "add_workload", ("redis", 1))]
    assert render_json(session.state()) == boot_storm.straight(50.0, later)

    session = boot_storm.played(60.0)
    session.prepare_back(10.0)
    session.set_worlds(("vm", "container"))
    assert not session.back_ready(10.0)

    session = boot_storm.played(60.0)
    session.prepare_back(10.0)
    session.resume()
    assert session.ahead is None


def test_a_rewind_to_an_earlier_moment_than_the_one_made_in_advance_does_not_use_it(boot_storm, small_checkpoints):
    session = boot_storm.played(60.0)
    session.prepare_back(10.0)
    session.back(20.0)
    assert session.ahead is not None, "kept: it was not the rewind asked for"
    assert render_json(session.state()) == boot_storm.straight(40.0)


def test_replay_to_from_the_start_without_checkpoints_is_the_same_bytes(boot_storm):
    session = Session(load_scenario("boot-storm"), seed=4, paused=True, checkpoints=False)
    session.run_until(25.0)
    session.adopt(session.replay_to(12.0))
    assert render_json(session.state()) == boot_storm.straight(12.0, [])


def test_checkpoints_write_slotted_engine_objects_as_tuples_and_read_them_back_whole(boot_storm):
    session = boot_storm.played(8.0)  # mid boot storm: instances booting, jobs on the cores and disk, timers due
    sim = session.sim
    data = pickling.dumps(sim)
    # The default for a class with slots writes each object's slot names; the table writes values only.
    assert b"services_touched" not in data and b"finish_v" not in data
    assert b"services_touched" in pickle.dumps(sim)
    back = pickling.loads(data)
    found = {Instance: 0, Job: 0, Timer: 0}
    for w_old, w_new in zip(sim.worlds.values(), back.worlds.values(), strict=True):
        for a, b in zip(w_old.instances, w_new.instances, strict=True):
            found[Instance] += 1
            assert type(b) is Instance and a is not b
            for slot in ("id", "state", "added_s", "ready_s", "step_index", "mem", "disk", "alloc", "works"):
                assert getattr(b, slot) == getattr(a, slot)
            if a.job is not None:
                found[Job] += 1
                assert (b.job.start_v, b.job.finish_v, b.job.weight) == (a.job.start_v, a.job.finish_v, a.job.weight)
    for (at_a, seq_a, a), (at_b, seq_b, b) in zip(sim.clock._heap, back.clock._heap, strict=True):
        found[Timer] += 1
        assert type(b) is Timer and (at_b, seq_b, b.at, b.cancelled) == (at_a, seq_a, a.at, a.cancelled)
    assert all(found.values()), found


def test_a_restored_state_shares_the_finished_boot_plan_as_the_live_one_does(boot_storm):
    session = boot_storm.played(8.0)  # some instances running (their plan done with), some still booting
    sim = session.sim
    back = Simulation.restore(sim.checkpoint())
    done = booting = 0
    for w_old, w_new in zip(sim.worlds.values(), back.worlds.values(), strict=True):
        for a, b in zip(w_old.instances, w_new.instances, strict=True):
            if a.steps is NO_STEPS:
                done += 1
                assert b.steps is NO_STEPS
            else:
                booting += 1
                assert b.steps == a.steps and b.steps is not a.steps and b.steps is not NO_STEPS
            assert b.phases == a.phases and b.phases is not a.phases
    assert done and booting
    assert NO_STEPS == []
