"""Every action a lesson step may take happens when the step is revealed in the dashboard's session, as it does
in a headless run: the isolation lesson's faults stopped nothing on screen before they were wired."""

from __future__ import annotations

import pytest

from vmsim.scenarios import load_scenario, shipped_names
from vmsim.scenarios.build import build_simulation
from vmsim.session import Session
from vmsim.session.summary import run_lesson

LESSONS = [name for name in shipped_names() if load_scenario(name).lesson]


def _states(snapshot) -> dict[str, dict[str, tuple[str, str | None, bool]]]:
    return {w.name: {i.id: (i.state, i.host, i.exposed) for i in w.instances} for w in snapshot.worlds}


@pytest.mark.parametrize("name", LESSONS)
def test_a_lesson_walked_to_its_summary_ends_as_its_headless_run(name):
    spec = load_scenario(name)
    walked = run_lesson(spec)
    sim = build_simulation(spec._replace(worlds=walked.worlds), seed=spec.seed, play_lesson=True)
    sim.run_until(walked.now)
    assert _states(walked.snapshot()) == _states(sim.snapshot())


def test_the_isolation_lessons_kernel_bug_stops_every_container_on_its_host_and_one_vm():
    session = Session(load_scenario("isolation"), lesson_step=3)
    assert session.lesson is not None and session.lesson.asking
    before = _states(session.snapshot())
    assert before["container"]["redis-1"][0] == "running"
    session.lesson_next()  # the reveal: the fault happens now
    after = _states(session.snapshot())
    assert after["container"]["node-web-2"][0] == after["container"]["redis-1"][0] == "killed"
    assert after["vm"]["node-web-2"][0] == "killed" and after["vm"]["redis-1"][0] == "running"


def test_a_revealed_step_is_watched_before_its_answer_and_the_next_press_runs_time_to_its_end():
    """servers-multiply step 2 deploys by hand for ~101 s and is watched for 110 s: its explanation (in the
    past tense) must not come before that, and → must not start step 3's deploy over one still running."""
    session = Session(load_scenario("servers-multiply"), lesson_step=2)
    lesson = session.lesson
    assert lesson is not None and lesson.asking and lesson.number == 2
    watch = lesson.steps[1].watch_s
    assert watch >= 100
    revealed_at = session.now
    session.lesson_next()  # reveal: the deploy starts
    assert lesson.state.revealed and lesson.number == 2
    assert lesson.watch_end(session.now) == pytest.approx(revealed_at + watch)
    session.advance(5.0)
    assert lesson.watch_end(session.now) == pytest.approx(revealed_at + watch), "still watching"
    commands = len(session.user_commands)
    session.lesson_next()  # → while watching: time runs on to the end of the watching, the step stays
    assert lesson.number == 2 and session.now == pytest.approx(revealed_at + watch)
    assert lesson.watch_end(session.now) is None
    assert len(session.user_commands) == commands, "no action of the next step started"
    session.lesson_next()
    assert lesson.number == 3 and lesson.asking


def test_a_step_that_holds_time_still_is_not_watched():
    session = Session(load_scenario("build-and-ship"), lesson_step=2)
    lesson = session.lesson
    assert lesson is not None and lesson.steps[1].pause is True
    session.lesson_next()
    assert lesson.state.revealed and lesson.watch_end(session.now) is None


def test_at_high_speed_a_frame_stops_at_the_end_of_the_watching():
    """At 100x a frame covers ~8 s: the answer would come seconds after the moment the narration gave."""
    session = Session(load_scenario("servers-multiply"), lesson_step=2)
    lesson = session.lesson
    assert lesson is not None
    session.lesson_next()
    end = lesson.watch_end(session.now)
    assert end is not None and not session.paused
    session.set_speed(100.0)
    while lesson.watch_end(session.now) is not None:
        session.tick(0.25)
    assert session.now == pytest.approx(end)
    session.tick(0.25)
    assert session.now == pytest.approx(end + 25.0), "after it, time runs at full speed again"
