"""The Session: every action a user can take on a running scenario, driven without any front end."""

from __future__ import annotations

import pytest

from vmsim.session import SEEK_STEP_S, SPEEDS, Session, load_scenario


def session(name: str = "hello", **kwargs) -> Session:
    return Session(load_scenario(name), **kwargs)


def test_pause_stops_ticks_and_resume_lets_time_run():
    s = session()
    s.pause()
    assert s.tick(1.0) is None and s.now == 0.0
    assert s.toggle_pause() is False
    s.tick(1.0)
    assert s.now == pytest.approx(1.0)
    s.pause()
    s.resume()
    assert not s.paused


def test_speed_scales_ticks_and_walks_the_ladder_stopping_at_the_ends():
    s = session()
    assert s.faster() == 2.0
    s.tick(0.5)
    assert s.now == pytest.approx(1.0)  # half a real second at 2×
    while s.speed < SPEEDS[-1]:
        s.faster()
    assert s.faster() == SPEEDS[-1]
    s.set_speed(0.3)  # off the ladder: slower goes to the next rung below
    assert s.slower() == 0.25
    while s.speed > SPEEDS[0]:
        s.slower()
    assert s.slower() == SPEEDS[0]
    with pytest.raises(ValueError):
        s.set_speed(0.0)


def test_seek_back_replays_the_past_exactly():
    s = session()
    s.advance(5.0)
    s.add_workload("redis", 2)
    s.advance(15.0)
    at_20 = s.snapshot(include_events=True)
    s.advance(7.0)
    s.remove_instance("nginx-1")
    s.advance(3.0)
    s.back()
    assert s.now == pytest.approx(20.0) and s.rewound
    assert s.snapshot(include_events=True) == at_20
    s.forward()
    assert s.now == pytest.approx(30.0) and not s.rewound
    s.forward()  # never beyond where time had reached
    assert s.now == pytest.approx(30.0)
    s.back(100.0)  # not before 0
    assert s.now == 0.0


def test_a_command_after_going_back_replaces_the_old_future():
    s = session()
    s.advance(10.0)
    s.add_workload("redis")
    s.advance(10.0)
    s.back(SEEK_STEP_S + 5.0)
    s.add_workload("postgres")
    assert [c.verb + ":" + str(c.args[0]) for c in s.user_commands] == ["add_workload:postgres"]
    assert s.last_app == "postgres" and s.add_again() == ["postgres-2"]


def test_restart_goes_back_to_t0_without_user_commands_keeping_the_pace():
    s = session(speed=5.0, paused=True)
    fresh = s.snapshot(include_events=True)
    s.advance(12.0)
    s.add_workload("redis")
    s.restart()
    assert s.now == 0.0 and s.user_commands == [] and s.high_water_s == 0.0
    assert s.snapshot(include_events=True) == fresh
    assert (s.speed, s.paused) == (5.0, True)


def test_toggle_world_replays_into_the_new_world_and_keeps_the_last_one():
    s = session("web-stack")
    s.advance(10.0)
    assert s.toggle_world("microvm")
    ids = {w.name: [i.id for i in w.instances] for w in s.snapshot().worlds}
    assert s.worlds == ("vm", "container", "microvm") and ids["microvm"] == ids["vm"]
    assert s.now == pytest.approx(10.0)
    solo = session(worlds=("vm",))
    assert solo.toggle_world("vm") is False and solo.worlds == ("vm",)


def test_lesson_next_and_back_move_the_simulation_with_the_steps():
    s = session("vm-vs-container")
    lesson = s.lesson
    assert lesson is not None and lesson.state.index == 0 and s.paused, "opens paused on step 1"
    start = s.snapshot(include_events=True)
    counts = []
    while not lesson.finished:
        shown = len(lesson.history)
        s.lesson_next()  # a step being watched first runs on to the end of its watching: no new state
        if len(lesson.history) > shown:
            state = lesson.state
            shown_at = state.t_s if state.watch_until is None else state.watch_until  # a watched step: its end
            counts.append((state.index, state.revealed, len(s.user_commands), shown_at))
    assert lesson.finished and s.lesson_next() is None  # nothing past the end
    for expected in reversed(counts[:-1]):
        s.lesson_back()
        assert (lesson.state.index, lesson.state.revealed, len(s.user_commands)) == expected[:3]
        assert s.now == pytest.approx(expected[3])
    s.lesson_back()
    assert lesson.state.index == 0 and s.paused, "back shows the earlier state paused"
    assert s.snapshot(include_events=True) == start
    assert s.lesson_back() is None and s.paused, "nothing before the start: ← changes nothing (time ran on)"
    s.resume()
    assert s.lesson_back() is None and not s.paused


@pytest.mark.parametrize(("name", "step"), [("isolation", 3), ("isolation", 7), ("servers-multiply", 3)])
def test_back_to_a_watched_step_shows_its_explanation_as_it_stood_not_its_question_again(name, step):
    # ← from a step's question went to the instant the step before had run its fault: its question was up again
    # ("which instances stop?") beside the fault's effects.
    s = session(name)
    s.lesson_goto(step)
    lesson = s.lesson
    assert lesson is not None and lesson.number == step
    leaving = s.now  # the moment → moved on from the step before
    s.lesson_back()
    assert lesson.state.index == step - 2 and lesson.state.revealed
    assert not lesson.question_shown(s.now), "the question the class already answered is not asked again"
    assert s.now == pytest.approx(min(leaving, lesson.state.watch_until or lesson.state.t_s))
    again = session(name)
    again.lesson_goto(step)
    again.restore(s.now, len(s.user_commands))
    assert s.snapshot(include_events=False) == again.snapshot(include_events=False)


def test_a_revealed_lesson_step_sets_the_fit_app_and_its_pause():
    s = session("vm-vs-container", paused=False)
    lesson = s.lesson
    assert lesson is not None
    while not lesson.finished:
        step = s.lesson_next()
        if step is not None and lesson.state.revealed:
            adds = [a.args[0] for a in step.actions if a.verb == "add_workload"]
            if adds:
                assert s.last_app == adds[0]
            assert s.paused is (step.pause if step.pause is not None else False)
        elif lesson.asking or lesson.at_summary:
            assert s.paused, "time stands still while a question waits and on the summary"


def test_restart_goes_back_to_step_one_paused():
    s = session("vm-vs-container")
    while not s.lesson.finished:
        s.lesson_next()
        s.advance(3.0)
    s.restart()
    assert s.lesson.state.index == 0 and s.lesson.state.revealed and s.paused
    assert s.now == 0.0 and not s.user_commands


@pytest.mark.parametrize("name", ["vm-vs-container", "ec2-drift", "density", "microvm", "image-vs-container"])
def test_lesson_goto_opens_every_step_as_the_steps_before_left_it(name):
    walked = session(name)
    lesson = walked.lesson
    seen = {1: (walked.lesson.state.index, walked.lesson.asking, walked.now, len(walked.user_commands))}
    while not lesson.finished:
        if not lesson.asking and lesson.step is not None and lesson.step.watch_s:
            walked.run_until(walked.now + lesson.step.watch_s)
        walked.lesson_next()
        if lesson.number not in seen:
            seen[lesson.number] = (lesson.state.index, lesson.asking, walked.now, len(walked.user_commands))
    assert sorted(seen) == list(range(1, lesson.total + 1))
    for number, expected in seen.items():
        opened = Session(load_scenario(name), lesson_step=number)
        got = opened.lesson
        assert (got.state.index, got.asking, opened.now, len(opened.user_commands)) == expected, number
        assert opened.paused
        if got.step is not None and got.step.ask:
            assert got.asking, "a question opens unanswered"
    with pytest.raises(ValueError):
        Session(load_scenario(name), lesson_step=lesson.total + 1)


def test_views_read_without_changing_anything():
    s = session("web-stack")
    s.advance(30.0)
    before = s.snapshot(include_events=True)
    assert s.images() and s.last_app is not None
    assert set(s.fit() or {}) == set(s.worlds)
    assert all(name.split(".")[-1] in s.worlds for name in s.series())
    assert s.state() == before
    story = s.drift()
    assert story.manual and story.image and story is s.drift()  # computed once per seed
    assert s.snapshot(include_events=True) == before


def test_adding_stops_at_the_bound_a_scenario_file_has_and_says_how_many_more_fit():
    from vmsim.scenarios.schema import MAX_INSTANCES
    from vmsim.session import TooManyInstances

    session = Session(load_scenario("hello"))  # one nginx in each world from t = 0
    session.add_workload("redis", MAX_INSTANCES - 2)
    before = [len(w.instances) for w in session.state().worlds]
    with pytest.raises(TooManyInstances) as caught:
        session.add_workload("redis", 2)
    assert (caught.value.most, caught.value.left) == (MAX_INSTANCES, 1)
    assert [len(w.instances) for w in session.state().worlds] == before == [MAX_INSTANCES - 1] * len(before)
    session.add_workload("redis", 1)  # the last one still fits
    assert {len(w.instances) for w in session.state().worlds} == {MAX_INSTANCES}


def test_the_fit_is_worked_out_again_only_when_the_simulation_changed():
    session = Session(load_scenario("hello"))
    first = session.fit("nginx")
    assert first is session.fit("nginx")  # nothing happened: the same answer, not computed again
    assert session.fit("redis") is not first and session.fit("redis") == session.sim.fit("redis")
    session.add_workload("nginx", 2)  # a command
    after_add = session.fit("nginx")
    assert after_add == session.sim.fit("nginx") and after_add["vm"].max_instances < first["vm"].max_instances
    session.advance(30.0)  # the clock's actions
    assert session.fit("nginx") == session.sim.fit("nginx")
