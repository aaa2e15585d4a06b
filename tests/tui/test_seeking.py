"""The rewind key on a large state: made on a worker thread with a notice on screen, the dashboard answering keys
meanwhile, and the keys that would change the session waiting until the rewind is shown."""

from __future__ import annotations

import threading

import pytest

from vmsim.session import Session, load_scenario
from vmsim.tui import seeking
from vmsim.tui.app import VmsimApp


def make_app(tmp_path) -> VmsimApp:
    return VmsimApp(load_scenario("hello"), paused=True, animate=False, export_dir=tmp_path / "exports")


async def until(pilot, condition, turns: int = 400) -> None:
    for _ in range(turns):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("the condition never held")


def record_calls(monkeypatch, name: str, gate: threading.Event | None = None) -> list[threading.Thread]:
    """The threads ``Session.<name>`` is called on (held at ``gate`` until it is set, when given)."""
    threads: list[threading.Thread] = []
    real = getattr(Session, name)

    def recorded(self, *args):
        threads.append(threading.current_thread())
        if gate is not None:
            assert gate.wait(30), "the test never let it finish"
        return real(self, *args)

    monkeypatch.setattr(Session, name, recorded)
    return threads


def two_redis_at_25(app: VmsimApp):
    """Two redis added, run to 25 s: returns the engine's snapshot at 15 s (where a rewind of 10 s lands)."""
    app.add_workload("redis", 2)
    app.advance(15.0)
    at_15 = app.session.sim.snapshot()
    app.advance(10.0)
    return at_15


async def test_a_large_rewind_runs_off_the_ui_thread_and_shows_the_same_past(tmp_path, monkeypatch):
    monkeypatch.setattr(seeking, "THREAD_FROM_INSTANCES", 1)  # every state counts as large
    monkeypatch.setattr(seeking.Seeking, "keep_rewind_ready", lambda self: None)  # nothing made in advance
    gate = threading.Event()
    threads = record_calls(monkeypatch, "replay_to", gate)
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        at_15 = two_redis_at_25(app)
        await pilot.press("comma")
        await until(pilot, lambda: bool(threads))
        assert threads[0] is not threading.main_thread()
        assert app.seeking and app.session.now == pytest.approx(25.0), "the old moment stays shown meanwhile"
        assert any("15.0" in n.message for n in app._notifications), "a notice says a rewind is under way"
        await pilot.press("a", "n", "full_stop", "space")  # keys that would change the session wait
        assert app.session.now == pytest.approx(25.0) and app.session.paused and len(app.screen_stack) == 1
        assert not app.check_action("add", ()) and app.check_action("quit", ())
        gate.set()
        await until(pilot, lambda: not app.seeking)
        await pilot.pause()
        assert app.session.now == pytest.approx(15.0)
        assert app.session.sim.snapshot() == at_15
        assert not app._notifications
        assert app.check_action("add", ())


async def test_a_small_rewind_is_made_at_once(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        app.advance(20.0)
        await pilot.press("comma")
        assert not app.seeking and app.session.now == pytest.approx(10.0)


async def test_paused_at_a_large_state_the_next_rewind_is_made_ahead_and_the_key_only_swaps_it_in(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(seeking, "THREAD_FROM_INSTANCES", 1)
    prepared = record_calls(monkeypatch, "prepare_back")
    replayed = record_calls(monkeypatch, "replay_to")
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        at_15 = two_redis_at_25(app)
        await until(pilot, lambda: app.session.back_ready(10.0))
        assert prepared and all(t is not threading.main_thread() for t in prepared)
        assert app.session.now == pytest.approx(25.0), "what is shown did not move"
        await pilot.press("comma")
        assert not app.seeking and app.session.now == pytest.approx(15.0), "shown at once"
        assert app.session.sim.snapshot() == at_15
        assert not replayed, "nothing was replayed on the key"
        await until(pilot, lambda: app.session.back_ready(10.0))  # and the next one is made ahead again
        await pilot.press("space")  # running again: the rewind made for the pause is let go
        await pilot.pause()
        assert app.session.ahead is None


async def test_the_key_pressed_while_the_rewind_is_being_made_ahead_waits_for_it(tmp_path, monkeypatch):
    monkeypatch.setattr(seeking, "THREAD_FROM_INSTANCES", 1)
    gate = threading.Event()
    prepared = record_calls(monkeypatch, "prepare_back", gate)
    replayed = record_calls(monkeypatch, "replay_to")
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        at_15 = two_redis_at_25(app)
        await until(pilot, lambda: bool(prepared))
        await pilot.press("comma")
        assert app.seeking and app.session.now == pytest.approx(25.0)
        assert any("15.0" in n.message for n in app._notifications)
        gate.set()
        await until(pilot, lambda: not app.seeking)
        assert app.session.now == pytest.approx(15.0) and app.session.sim.snapshot() == at_15
        assert not replayed, "the rewind made ahead was used, not made a second time"
        assert not app._notifications


async def test_the_key_pressed_before_the_rewind_starts_being_made_ahead_makes_it_on_the_spot(tmp_path, monkeypatch):
    monkeypatch.setattr(seeking, "THREAD_FROM_INSTANCES", 1)
    monkeypatch.setattr(seeking, "PREPARE_AFTER_S", 30.0)  # the key comes first
    prepared = record_calls(monkeypatch, "prepare_back")
    replayed = record_calls(monkeypatch, "replay_to")
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        at_15 = two_redis_at_25(app)
        assert app._prepare_timer is not None, "it is about to be made ahead"
        await pilot.press("comma")
        await until(pilot, lambda: not app.seeking)
        assert app.session.now == pytest.approx(15.0) and app.session.sim.snapshot() == at_15
        assert replayed and not prepared, "made on the key, on a worker thread; the wait for the other cancelled"
        assert app._prepare_timer is not None, "and the next one is due to be made ahead"


async def test_a_command_at_a_rewound_moment_says_that_the_later_history_is_gone(tmp_path):
    """Adding after a rewind dropped the workloads added later, and '.' could no longer go forward: silently."""
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        app.add_workload("nginx", 1)
        app.advance(30.0)
        await pilot.press("comma")
        await pilot.pause()
        assert app.session.rewound and app.session.now == pytest.approx(20.0)
        notes = len(app._notifications)
        await pilot.press("A")  # one more of the last app, at the rewound moment
        await pilot.pause()
        said = [n.message for n in list(app._notifications)[notes:]]
        assert said == ["A new future from t = 20.00 s: what had happened after it, up to t = 30.00 s, is gone"]
        app.advance(5.0)  # time running on from there says nothing more
        await pilot.pause()
        assert len(app._notifications) == notes + 1
        await pilot.press("comma")
        await pilot.pause()
        await pilot.press("full_stop")  # back and forward again, no command: nothing is gone, nothing said
        await pilot.pause()
        assert len(app._notifications) == notes + 1
