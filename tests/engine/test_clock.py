"""The simulated clock: (time, scheduling order), cancel, run_until, after_step."""

from __future__ import annotations

from vmsim.engine.clock import Clock


def test_actions_run_by_time_then_by_scheduling_order():
    clock = Clock()
    log: list[tuple[str, float]] = []

    def note(name):
        return lambda: log.append((name, clock.now))

    clock.schedule(2.0, note("a@2"))
    clock.schedule(1.0, note("b@1"))
    clock.schedule(1.0, note("c@1"))
    clock.schedule(0.5, note("d@0.5"))
    clock.schedule(1.0, note("e@1"))
    clock.run_until(10.0)
    assert log == [("d@0.5", 0.5), ("b@1", 1.0), ("c@1", 1.0), ("e@1", 1.0), ("a@2", 2.0)]
    assert clock.now == 10.0


def test_cancelled_action_is_skipped_and_peek_ignores_it():
    clock = Clock()
    ran: list[str] = []
    first = clock.schedule(1.0, lambda: ran.append("first"))
    clock.schedule(2.0, lambda: ran.append("second"))
    first.cancel()
    assert first.cancelled
    assert clock.peek() == 2.0
    clock.run_until(5.0)
    assert ran == ["second"]
    assert clock.peek() is None


def test_cancel_from_inside_an_earlier_action():
    clock = Clock()
    ran: list[str] = []
    later = clock.schedule(3.0, lambda: ran.append("later"))
    clock.schedule(1.0, later.cancel)
    clock.run_until(5.0)
    assert ran == []


def test_run_until_sets_now_and_leaves_later_actions_waiting():
    clock = Clock()
    ran: list[float] = []
    clock.schedule(5.0, lambda: ran.append(clock.now))
    clock.run_until(3.0)
    assert clock.now == 3.0
    assert ran == []
    assert clock.peek() == 5.0
    clock.run_until(5.0)  # inclusive: an action due exactly at t runs
    assert ran == [5.0]
    assert clock.now == 5.0


def test_run_until_with_nothing_scheduled_still_moves_time_and_never_goes_back():
    clock = Clock()
    clock.run_until(7.5)
    assert clock.now == 7.5
    clock.run_until(2.0)
    assert clock.now == 7.5


def test_scheduling_in_the_past_runs_at_now():
    clock = Clock()
    clock.run_until(4.0)
    ran: list[float] = []
    timer = clock.schedule(1.0, lambda: ran.append(clock.now))
    assert timer.at == 4.0
    assert clock.peek() == 4.0
    clock.run_until(4.0)
    assert ran == [4.0]


def test_step_runs_one_action_and_reports_when_empty():
    clock = Clock()
    ran: list[int] = []
    clock.schedule(1.0, lambda: ran.append(1))
    clock.schedule(2.0, lambda: ran.append(2))
    assert clock.step() is True
    assert ran == [1] and clock.now == 1.0
    assert clock.step() is True
    assert ran == [1, 2] and clock.now == 2.0
    assert clock.step() is False


def test_actions_may_schedule_more_work_that_runs_in_the_same_run():
    clock = Clock()
    ran: list[tuple[str, float]] = []

    def first():
        ran.append(("first", clock.now))
        clock.schedule(clock.now + 0.5, lambda: ran.append(("chained", clock.now)))

    clock.schedule(1.0, first)
    clock.run_until(2.0)
    assert ran == [("first", 1.0), ("chained", 1.5)]


def test_after_step_is_called_once_per_distinct_moment_with_the_next_time():
    clock = Clock()
    calls: list[tuple[float, float | None]] = []
    ran: list[float] = []

    def act():
        ran.append(clock.now)

    def spawn_same_moment():
        ran.append(clock.now)
        clock.schedule(clock.now, act)  # same instant: must not cause a second after_step at t = 1

    for t in (1.0, 1.0, 3.0, 3.0, 3.0):
        clock.schedule(t, act)
    clock.schedule(1.0, spawn_same_moment)
    clock.schedule(2.0, act)
    clock.schedule(9.0, act)  # beyond the run: reported as the next time, not run
    clock.run_until(5.0, after_step=lambda nxt: calls.append((clock.now, nxt)))
    assert ran == [1.0, 1.0, 1.0, 1.0, 2.0, 3.0, 3.0, 3.0]
    assert calls == [(1.0, 2.0), (2.0, 3.0), (3.0, 9.0)]


def test_after_step_reports_none_when_nothing_is_left():
    clock = Clock()
    calls: list[tuple[float, float | None]] = []
    clock.schedule(1.0, lambda: None)
    clock.run_until(2.0, after_step=lambda nxt: calls.append((clock.now, nxt)))
    assert calls == [(1.0, None)]


def test_an_observer_that_names_its_next_moment_is_not_called_before_it():
    clock = Clock()
    for t in (1.0, 1.5, 2.0, 2.5, 3.0, 4.0):
        clock.schedule(t, _noop)
    plain: list[float | None] = []
    coarse: list[float | None] = []

    def every(next_time: float | None) -> None:
        plain.append(next_time)

    def from_three(next_time: float | None) -> float:
        coarse.append(next_time)
        return 3.0  # nothing wanted before an action due at 3 s

    other = Clock()
    for t in (1.0, 1.5, 2.0, 2.5, 3.0, 4.0):
        other.schedule(t, _noop)
    clock.run_until(10.0, every)
    other.run_until(10.0, from_three)
    assert plain == [1.5, 2.0, 2.5, 3.0, 4.0, None]
    # after 1 s (the first moment, called), 1.5, 2.0 and 2.5 are skipped; 3.0 is due at 3 s, then 4.0 and the end
    assert coarse == [1.5, 3.0, 4.0, None]


def _noop() -> None:
    pass


def test_processed_counts_every_action_run_across_stops_and_a_failing_action():
    clock = Clock()
    for n in range(10):
        clock.schedule(float(n), _noop)
    assert not clock.run_until(100.0, budget=3)  # stops at the first moment boundary after 3 actions
    assert clock.processed == 3
    assert clock.run_until(100.0)
    assert clock.processed == 10

    def fail() -> None:
        raise RuntimeError("boom")

    clock.schedule(200.0, _noop)
    clock.schedule(201.0, fail)
    clock.schedule(202.0, _noop)
    try:
        clock.run_until(300.0)
    except RuntimeError:
        pass
    assert clock.processed == 12  # the one before and the one that failed were run


def test_processed_counts_the_actions_of_a_run_an_action_starts():
    clock = Clock()

    def nested() -> None:
        clock.schedule(clock.now + 0.5, _noop)
        clock.run_until(clock.now + 0.5)  # runs the action it has just scheduled

    clock.schedule(1.0, nested)
    clock.schedule(2.0, _noop)
    clock.run_until(3.0)
    assert clock.processed == 3
