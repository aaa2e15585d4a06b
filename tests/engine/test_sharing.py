"""Processor sharing on a SharedCapacity: nominal times, slow-downs, weights, cancel, progress."""

from __future__ import annotations

import pytest

from vmsim.engine.clock import Clock
from vmsim.engine.sharing import SharedCapacity

EPS = 1e-9


def setup(capacity: float):
    clock = Clock()
    return clock, SharedCapacity(clock, capacity), {}


def finisher(clock, done, name):
    return lambda: done.__setitem__(name, clock.now)


def test_one_job_alone_finishes_at_its_nominal_time():
    clock, cap, done = setup(1.0)
    cap.submit(3.0, 1.0, finisher(clock, done, "a"))
    assert cap.rate() == 1.0
    clock.run_until(100.0)
    assert done == {"a": pytest.approx(3.0, abs=EPS)}
    assert cap.active == 0 and cap.demand == 0.0


def test_two_equal_jobs_on_capacity_one_each_take_twice_as_long():
    clock, cap, done = setup(1.0)
    cap.submit(2.0, 1.0, finisher(clock, done, "a"))
    cap.submit(2.0, 1.0, finisher(clock, done, "b"))
    assert cap.rate() == pytest.approx(0.5)
    assert cap.used() == 1.0
    clock.run_until(100.0)
    assert done == {"a": pytest.approx(4.0, abs=EPS), "b": pytest.approx(4.0, abs=EPS)}


def test_jobs_within_capacity_are_not_slowed_and_beyond_it_share_fairly():
    clock, cap, done = setup(8.0)
    for i in range(8):
        cap.submit(1.0, 1.0, finisher(clock, done, i))
    clock.run_until(100.0)
    assert sorted(done.values()) == pytest.approx([1.0] * 8, abs=EPS)

    clock, cap, done = setup(8.0)
    for i in range(16):
        cap.submit(1.0, 1.0, finisher(clock, done, i))
    clock.run_until(100.0)
    assert sorted(done.values()) == pytest.approx([2.0] * 16, abs=EPS)


def test_weights_add_up_to_the_demand():
    # Weights 1 + 3 exactly fill 4 units: no slow-down.
    clock, cap, done = setup(4.0)
    cap.submit(2.0, 1.0, finisher(clock, done, "light"))
    cap.submit(2.0, 3.0, finisher(clock, done, "heavy"))
    assert cap.demand == 4.0 and cap.rate() == 1.0
    clock.run_until(100.0)
    assert done == {"light": pytest.approx(2.0, abs=EPS), "heavy": pytest.approx(2.0, abs=EPS)}

    # Weights 3 + 3 on 4 units: every job runs at 4/6 of full speed.
    clock, cap, done = setup(4.0)
    cap.submit(2.0, 3.0, finisher(clock, done, "a"))
    cap.submit(2.0, 3.0, finisher(clock, done, "b"))
    assert cap.demand == 6.0
    assert cap.rate() == pytest.approx(4.0 / 6.0)
    assert cap.used() == 4.0
    clock.run_until(100.0)
    assert done == {"a": pytest.approx(3.0, abs=EPS), "b": pytest.approx(3.0, abs=EPS)}


def test_unequal_jobs_finish_in_processor_sharing_order():
    # Nominal 1, 2, 3 on one unit: all at 1/3 until t=3, then the two left at 1/2 until t=5, then the last alone.
    clock, cap, done = setup(1.0)
    for name, nominal in (("one", 1.0), ("two", 2.0), ("three", 3.0)):
        cap.submit(nominal, 1.0, finisher(clock, done, name))
    clock.run_until(100.0)
    assert done == {
        "one": pytest.approx(3.0, abs=EPS),
        "two": pytest.approx(5.0, abs=EPS),
        "three": pytest.approx(6.0, abs=EPS),
    }


def test_cancel_gives_the_share_back_to_the_others():
    clock, cap, done = setup(1.0)
    cap.submit(2.0, 1.0, finisher(clock, done, "a"))
    b = cap.submit(2.0, 1.0, finisher(clock, done, "b"))
    clock.run_until(1.0)  # both have had 0.5 s of progress
    cap.cancel(b)
    assert b.cancelled
    assert cap.demand == 1.0 and cap.active == 1
    clock.run_until(100.0)
    assert done == {"a": pytest.approx(2.5, abs=EPS)}  # 1.5 s left, now at full speed


def test_cancel_is_idempotent_and_a_no_op_after_done():
    clock, cap, done = setup(1.0)
    a = cap.submit(1.0, 1.0, finisher(clock, done, "a"))
    clock.run_until(2.0)
    assert a.done
    cap.cancel(a)
    assert not a.cancelled
    assert cap.demand == 0.0 and cap.active == 0

    b = cap.submit(1.0, 2.0, finisher(clock, done, "b"))
    cap.cancel(b)
    cap.cancel(b)
    assert cap.demand == 0.0 and cap.active == 0
    clock.run_until(10.0)
    assert "b" not in done


def test_progress_values():
    clock, cap, done = setup(1.0)
    a = cap.submit(2.0, 1.0, finisher(clock, done, "a"))
    b = cap.submit(4.0, 1.0, finisher(clock, done, "b"))
    assert cap.progress(a) == 0.0 and cap.progress(b) == 0.0
    clock.run_until(1.0)  # 0.5 s of progress each
    assert cap.progress(a) == pytest.approx(0.25)
    assert cap.progress(b) == pytest.approx(0.125)
    clock.run_until(4.0)  # a done at t=4 (2 s of progress), b has 2 of 4 s
    assert cap.progress(a) == 1.0
    assert cap.progress(b) == pytest.approx(0.5)
    clock.run_until(5.0)  # b alone now
    assert cap.progress(b) == pytest.approx(0.75)
    clock.run_until(100.0)
    assert done == {"a": pytest.approx(4.0, abs=EPS), "b": pytest.approx(6.0, abs=EPS)}
    assert cap.progress(b) == 1.0


def test_a_job_submitted_mid_way_slows_the_running_one_from_then_on():
    clock, cap, done = setup(1.0)
    cap.submit(2.0, 1.0, finisher(clock, done, "a"))
    clock.run_until(1.0)  # a is half done, alone
    cap.submit(0.5, 1.0, finisher(clock, done, "b"))
    clock.run_until(100.0)
    # From t=1 both run at 1/2: b needs 1 s of wall time; a then has 0.5 s left alone.
    assert done == {"a": pytest.approx(2.5, abs=EPS), "b": pytest.approx(2.0, abs=EPS)}


def test_a_job_submitted_later_that_finishes_first_still_fires_on_time():
    clock, cap, done = setup(4.0)  # uncontended: each job at full speed
    cap.submit(10.0, 1.0, finisher(clock, done, "long"))
    clock.run_until(1.0)
    cap.submit(2.0, 1.0, finisher(clock, done, "short"))
    clock.run_until(100.0)
    assert done == {"long": pytest.approx(10.0, abs=EPS), "short": pytest.approx(3.0, abs=EPS)}


def test_zero_length_job_finishes_immediately():
    clock, cap, done = setup(1.0)
    clock.run_until(2.0)
    cap.submit(0.0, 1.0, finisher(clock, done, "now"))
    clock.run_until(2.0)
    assert done == {"now": 2.0}
