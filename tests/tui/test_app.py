"""The dashboard driven as a user would: real keys through Pilot, assertions on the engine's state."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual import events
from textual.binding import Binding
from textual.widgets import Input, OptionList

from vmsim.output.formats import render_json
from vmsim.scenarios import load_scenario
from vmsim.tui.app import REWIND_S, VmsimApp
from vmsim.tui.screens.dialogs import AddWorkloadScreen, HelpScreen, OpenScenarioScreen
from vmsim.tui.screens.main import MainScreen
from vmsim.tui.style import SPEEDS
from vmsim.tui.widgets.event_log import EventLog
from vmsim.tui.widgets.instance_list import InstanceList
from vmsim.tui.widgets.key_bar import KeyBar
from vmsim.tui.widgets.status import StatusBar


def make_app(tmp_path, scenario: str = "hello", **kwargs) -> VmsimApp:
    """A paused app with no timer: the test decides when simulated time moves."""
    return VmsimApp(load_scenario(scenario), paused=True, animate=False, export_dir=tmp_path / "exports", **kwargs)


def ids(app: VmsimApp, world: str) -> list[str]:
    return [i.id for i in app.session.sim.snapshot().world(world).instances]


async def until(pilot, condition, turns: int = 200) -> None:
    """Let the app work until ``condition()`` holds (however slow the machine); fail after ``turns`` pauses."""
    for _ in range(turns):
        if condition():
            return
        await pilot.pause()
    raise AssertionError(f"still not true after {turns} pauses")


async def test_starts_with_the_scenario_at_t0(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)):
        assert isinstance(app.screen, MainScreen)
        assert app.session.now == 0.0
        # hello adds one nginx at t = 0 in all three worlds
        for world in ("vm", "container", "microvm"):
            assert ids(app, world) == ["nginx-1"]
        assert [p.id for p in app.screen.query(".world-panel")] == ["world-vm", "world-container", "world-microvm"]


async def after_keys(keys: tuple[str, ...], *, early: bool) -> tuple[object, ...]:
    """What the lesson dashboard looks like after ``keys``, pressed as soon as the app runs (``early``: before
    the dashboard's widgets are mounted) or once it is up."""
    app = VmsimApp(load_scenario("ec2-drift"), paused=True, animate=False, export_dir="/nonexistent")
    seen: list[object] = []

    async def auto_pilot(pilot) -> None:
        if early:
            seen.append(app.dashboard_ready)
        while not app.dashboard_ready and not early:
            await pilot.pause()
        await pilot.press(*keys)
        while not app.dashboard_ready:
            await pilot.pause()
        await pilot.pause()
        keys_shown = [k.key for k in app.main.query_one(KeyBar).shown_keys()[0]]
        seen.extend([app.lesson.state.index, app.focused and app.focused.id, keys_shown, app.main.lower.active])
        app.exit()

    await app.run_async(headless=True, auto_pilot=auto_pilot, size=(140, 44))
    return tuple(seen)


class KeyOrder(VmsimApp):
    """The dashboard with the digit keys bound to note themselves down, in the order they are handled."""

    CSS_PATH = str(Path(__file__).parents[2] / "vmsim" / "tui" / "vmsim.tcss")  # else looked for beside this file
    BINDINGS = [Binding(digit, f"note('{digit}')", priority=True) for digit in "0123456789"]

    def action_note(self, digit: str) -> None:
        self.handled.append(digit)


async def test_a_burst_of_keys_at_start_up_is_handled_in_order():
    """Keys typed while vmsim starts (before the dashboard exists, while the held ones are being handled, and
    after) are handled in the order they were typed. A key already queued used to overtake the held ones."""
    typed = [str(i % 10) for i in range(100)]
    for gap_s in (0.0005, 0.001, 0.002, 0.005) * 2:  # it depended on timing: typed every 0.5 to 5 ms
        app = KeyOrder(load_scenario("hello"), paused=True, animate=False, export_dir="/nonexistent")
        app.handled = []

        async def auto_pilot(pilot, app=app, gap_s=gap_s) -> None:
            for key in typed:
                app.post_message(events.Key(key, key))
                await asyncio.sleep(gap_s)
            while not app.dashboard_ready:
                await pilot.pause()
            await pilot.pause()
            app.exit()

        await app.run_async(headless=True, auto_pilot=auto_pilot, size=(120, 36))
        assert app.handled == typed


async def test_keys_pressed_before_the_dashboard_exists_act_as_if_pressed_after():
    """Keys typed while vmsim starts wait for the dashboard's widgets, then act as they would have once it is up.
    Handled at once, the lesson's steps moved on while no list had focus yet, and the screen then focused a
    list that the drift view hides (the key line led with ← →, and ↑/↓ moved a hidden cursor)."""
    keys = ("right",) * 6  # the ec2-drift lesson through to its drift view
    early = await after_keys(keys, early=True)
    assert early[0] is False  # the keys really came before the dashboard was ready
    assert early[1:] == await after_keys(keys, early=False)
    assert early[1] == 4 and early[2] is None and early[4] == "drift"


async def test_add_dialog_adds_to_every_world(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("a")
        assert isinstance(app.screen, AddWorkloadScreen)
        options = app.screen.query_one(OptionList)
        options.highlighted = list(app.catalog.apps).index("redis")
        count = app.screen.query_one("#count", Input)
        count.value = "3"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        for world in ("vm", "container", "microvm"):
            assert ids(app, world) == ["nginx-1", "redis-1", "redis-2", "redis-3"]
        assert app.session.last_app == "redis"


@pytest.mark.parametrize("lang", ["en", "ko"])
async def test_add_dialog_gives_an_app_with_a_worker_per_core_its_memory_per_core(tmp_path, lang):
    """nginx starts a worker per core, so one core's RSS would understate it on any real host: the dialog gives
    the base and what each core adds, and every line of figures fits the list at 80 columns."""
    app = make_app(tmp_path, lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        assert isinstance(app.screen, AddWorkloadScreen)
        options = app.screen.query_one(OptionList)
        texts = {name: str(options.get_option(name).prompt) for name in app.catalog.apps}
        nginx = app.catalog.apps["nginx"]
        assert nginx.worker_private_mib is not None
        per_core = f"{nginx.worker_private_mib.value:.2f} MiB"
        base = f"{nginx.rss_at(0):.2f} MiB"
        assert f"{base} + {per_core}" in texts["nginx"].replace("코어당 ", "")
        # the two figures add up to what 8 cores show on the dashboard (5.2 MiB), not to 5.6 as 2.4 + 8 × 0.4 did
        shown = float(base.split()[0]) + 8 * float(per_core.split()[0])
        assert round(shown, 1) == round(nginx.rss_at(8), 1), (shown, nginx.rss_at(8))
        redis = texts["redis"]
        assert "+" not in redis, "an app without workers has one RSS"
        lines = [line for text in texts.values() for line in text.split("\n")[1:]]
        widest = max(cell_len(line) for line in lines)
        assert widest <= options.content_size.width, (widest, options.content_size.width)


async def test_add_dialog_rejects_a_bad_count_and_cancels(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("a")
        app.screen.query_one("#count", Input).value = "0"
        await pilot.click("#add")
        await pilot.pause()
        assert isinstance(app.screen, AddWorkloadScreen), "a count of 0 must not close the dialog"
        assert "1 to" in str(app.screen.query_one("#add-error").render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert ids(app, "vm") == ["nginx-1"]


@pytest.mark.parametrize("typed", ["1e3", "2.5", "-1", "999999"])
async def test_add_dialog_refuses_a_typed_count_it_cannot_read_instead_of_dropping_keys(tmp_path, typed):
    """Typed key by key, "1e3" must not quietly become 13 (nor "2.5" 25): the count is refused with a message."""
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("a")
        await pilot.click("#count")
        await pilot.press("end", "backspace", *typed)
        assert app.screen.query_one("#count", Input).value == typed
        await pilot.pause()
        assert any(typed in strip.text for strip in app.screen._compositor.render_strips()), "all of it is shown"
        await pilot.click("#add")
        await pilot.pause()
        assert isinstance(app.screen, AddWorkloadScreen)
        assert "whole number" in str(app.screen.query_one("#add-error").render())
        assert ids(app, "vm") == ["nginx-1"]


async def test_add_again_repeats_the_last_app(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("A")
        await pilot.press("A")
        assert ids(app, "container") == ["nginx-1", "nginx-2", "nginx-3"]


async def test_space_pauses_and_resumes(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        assert app.paused
        await pilot.press("space")
        assert not app.paused
        await pilot.press("space")
        assert app.paused


async def test_step_runs_to_the_next_event(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        nxt = app.session.sim.next_event_s()
        assert nxt is not None and nxt > 0
        await pilot.press("n")
        assert app.session.now == pytest.approx(nxt)


async def test_step_and_rewind_keys_do_nothing_while_running(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        app.advance(5.0)
        await pilot.press("space")  # running now
        t = app.session.now
        await pilot.press("comma", "n")
        assert app.session.now >= t, "rewind and step apply only while paused"


async def test_speed_keys_walk_the_speed_ladder_and_stop_at_the_ends(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        assert app.speed == 1.0
        await pilot.press("plus")
        assert app.speed == SPEEDS[SPEEDS.index(1.0) + 1]
        await pilot.pause()
        status = app.screen.query_one(StatusBar).render().plain
        assert f"{SPEEDS[SPEEDS.index(1.0) + 1]:g}×" in status, "the status line shows the new speed"
        # ... and only it: a notice would cover the narration's last lines (the watching hint) at 80x24.
        assert not app._notifications, [n.message for n in app._notifications]
        for _ in range(20):
            await pilot.press("plus")
        assert app.speed == SPEEDS[-1]
        for _ in range(20):
            await pilot.press("minus")
        assert app.speed == SPEEDS[0]


async def test_rewind_replays_the_past_exactly(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        app.advance(4.0)
        app.add_workload("redis", 1)
        app.advance(16.0)
        at_20 = app.session.sim.snapshot()
        await pilot.press("comma")
        assert app.session.now == pytest.approx(20.0 - REWIND_S)
        assert app.session.sim.snapshot().world("vm").instances[1].id == "redis-1"
        await pilot.press("comma", "comma")
        assert app.session.now == 0.0
        assert ids(app, "vm") == ["nginx-1"]
        await pilot.press("full_stop", "full_stop")
        assert app.session.now == pytest.approx(20.0)
        assert app.session.sim.snapshot() == at_20
        await pilot.press("full_stop")
        assert app.session.now == pytest.approx(20.0), "forward stops where time had reached"


async def test_remove_selected_instance(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        app.add_workload("redis", 1)
        app.advance(30.0)
        await pilot.pause()
        lst = app.screen.query_one("#instances-container", InstanceList)
        lst.focus()
        lst.cursor = 1
        await pilot.press("d")
        await pilot.pause()
        for world in ("vm", "container", "microvm"):
            states = {i.id: i.state for i in app.session.sim.snapshot().world(world).instances}
            assert states == {"nginx-1": "running", "redis-1": "stopped"}


async def test_remove_with_nothing_live_selected_warns(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        app.session.remove_instance("nginx-1")
        app.advance(0.1)
        await pilot.press("d")
        await pilot.pause()
        assert any("Select" in str(n.message) for n in app._notifications)


async def test_restart_goes_back_to_t0_without_user_commands(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        app.add_workload("redis", 2)
        app.advance(5.0)
        await pilot.press("r")
        assert app.session.now == 0.0
        assert ids(app, "vm") == ["nginx-1"]
        assert app.session.user_commands == []


async def test_open_dialog_loads_a_preset(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("o")
        assert isinstance(app.screen, OpenScenarioScreen)
        options = app.screen.query_one(OptionList)
        index = [options.get_option_at_index(i).id for i in range(options.option_count)].index("web-stack")
        options.highlighted = index
        await pilot.press("enter")
        # Loading swaps the world columns over several turns of the event loop: wait for that, not for time.
        await until(pilot, lambda: isinstance(app.screen, MainScreen) and app.settled)
        assert isinstance(app.screen, MainScreen)
        assert app.session.spec.name == "Web stack"
        assert [p.id for p in app.screen.query(".world-panel")] == ["world-vm", "world-container"]


async def test_open_dialog_shows_errors_and_keeps_the_current_scenario(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\n[[events]]\nat_s = 0\nadd = "ngnix"\n')
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        app.advance(2.0)
        await pilot.press("o")
        app.screen.query_one("#path", Input).value = str(bad)
        app.screen.query_one("#path", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, OpenScenarioScreen)
        message = str(app.screen.query_one("#open-error").render())
        assert "events[0].add" in message and "nginx" in message
        await pilot.press("escape")
        await pilot.pause()
        assert app.session.spec.name == "Hello"
        assert app.session.now == pytest.approx(2.0)


async def test_open_dialog_typing_goes_to_the_path_field(tmp_path):
    """The dialog opens on the list of presets; typing a path there needs no Tab first."""
    scenario = tmp_path / "mine.toml"
    scenario.write_text('name = "Mine"\nworlds = ["vm", "container"]\n')
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.focused, OptionList)
        await pilot.press(*str(scenario))
        path = app.screen.query_one("#path", Input)
        assert app.focused is path and path.value == str(scenario)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert app.session.spec.name == "Mine"


async def test_open_dialog_a_pasted_path_goes_to_the_path_field(tmp_path):
    """A path pasted while the list has focus had been dropped: the field still showed its placeholder."""
    from textual import events

    scenario = tmp_path / "sp ace" / "héllo 한.toml"
    scenario.parent.mkdir()
    scenario.write_text('name = "Pasted"\n', encoding="utf-8")
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.focused, OptionList)
        app.focused.post_message(events.Paste(f"{scenario}\n"))  # as the terminal gives it: to the list
        await pilot.pause()
        path = app.screen.query_one("#path", Input)
        assert app.focused is path and path.value == str(scenario)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen) and app.session.spec.name == "Pasted"


async def test_open_dialog_shows_a_control_character_in_a_path_escaped(tmp_path):
    """A pasted path with ESC in it: its error had put the raw escape on the terminal ("^[2Jsc.toml/tmp/…")."""
    from textual import events

    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("o")
        await pilot.pause()
        app.focused.post_message(events.Paste(f"{tmp_path}/e\x1b[2Jsc.toml"))
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        error = str(app.screen.query_one("#open-error").render())
        assert "\x1b" not in error and "e\\x1b[2Jsc.toml" in error, error


def inside_dialog(app: VmsimApp, selector: str) -> bool:
    """The part is laid out whole inside the dialog's content area (not clipped by its padding or edge)."""
    dialog = app.screen.query_one(".dialog")
    region = app.screen.query_one(selector).region
    return bool(region) and dialog.content_region.contains_region(region)


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 36), (200, 60)])
@pytest.mark.parametrize(("key", "parts"), [("a", ("#count", "#add", "#cancel")), ("o", ("#path", "#open", "#cancel"))])
async def test_dialogs_keep_their_fields_and_buttons_on_screen(tmp_path, size, key, parts):
    """The list in the add and open dialogs gives up rows on a short terminal, also when an error shows:
    at 80×24 the count or path field and both buttons used to be below the screen's edge."""
    app = make_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        await pilot.press(key)
        await pilot.pause()
        await pilot.pause()
        for part in parts:
            assert inside_dialog(app, part), part
        app.screen.show_error("a problem\nover\nthree lines")
        await pilot.pause()
        await pilot.pause()
        for part in (*parts, ".dialog-error"):
            assert inside_dialog(app, part), part
        assert app.screen.query_one(".dialog").region.bottom <= size[1]


@pytest.mark.parametrize(("key", "scenario"), [("o", "web-stack"), ("a", "boot-storm")])
async def test_dialogs_keep_the_chosen_option_in_view_on_a_short_terminal(tmp_path, key, scenario):
    """The open dialog starts on the current scenario and the add dialog on the last app; when the list gives
    up rows at 80×24 that option must still be in view (Enter acts on it)."""
    app = make_app(tmp_path, scenario=scenario)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(key)
        # Fitting the list takes two repaints: wait for the dialog to say it is done, not for time to pass.
        await until(pilot, lambda: getattr(app.screen, "fitted", False))
        options = app.screen.query_one(OptionList)
        chosen = options.get_option_at_index(options.highlighted).id
        assert chosen == (app.session.spec.slug if key == "o" else app.session.last_app)
        shown = ["".join(seg.text for seg in options.render_line(y)) for y in range(options.size.height)]
        assert any(line.strip().startswith(chosen + " ") for line in shown), shown


async def test_microvm_toggle_replays_into_the_new_world_set(tmp_path):
    app = make_app(tmp_path, scenario="web-stack")
    async with app.run_test(size=(120, 36)) as pilot:
        app.advance(10.0)
        await pilot.press("m")
        await pilot.pause()
        assert app.session.worlds == ("vm", "container", "microvm")
        assert app.session.now == pytest.approx(10.0)
        # The new world saw the same workloads at the same moments.
        assert ids(app, "microvm") == ids(app, "vm")
        assert len(app.screen.query(".world-panel")) == 3
        await pilot.press("m")
        await pilot.pause()
        assert app.session.worlds == ("vm", "container")


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40), (200, 60)])
async def test_every_world_shows_its_fit_line(tmp_path, size):
    """The fit line is the last row of each column at every size. At 80×24 the microVM's host panel is the
    tallest (nine memory categories): its fit line used to be pushed below the column, out of sight."""
    app = make_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        app.advance(3.0)
        await pilot.pause()
        for kind, panel in app.main.panels.items():
            meter = panel.fit_meter
            assert meter.region.y == panel.region.bottom - 1, kind
            assert app.screen.get_widget_at(meter.region.x, meter.region.y)[0] is meter, kind
            assert "nginx" in str(meter.render()), kind


async def test_help_opens_and_closes(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)


@pytest.mark.parametrize(("lang", "words"), [("en", "app not working"), ("ko", "앱 동작 안 함")])
async def test_help_explains_the_x_of_an_instance_whose_app_does_not_work(tmp_path, lang, words):
    """A deploy by hand that broke an app marks it 'x' in the lists and the hosts view; the help's states never
    said what x means."""
    from textual.widgets import Static

    from vmsim.text import tr

    assert tr("inst.not_working", lang) == words
    app = make_app(tmp_path)
    app.lang = lang
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("question_mark")
        text = "\n".join(str(w.render()) for w in app.screen.query(Static))
        assert f"  x {words}" in text


@pytest.mark.parametrize("key", ["question_mark", "a"])
async def test_a_dialog_holds_simulated_time(tmp_path, key):
    """Help (or the add dialog) open during a watched lesson step: the class would miss what happens behind
    it. Frames while a dialog is up leave the clock where it was; closing it lets time run again."""
    import time

    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        app.paused = False
        await pilot.press(key)
        assert not isinstance(app.screen, MainScreen)
        before = app.session.now
        app._last_tick = time.monotonic() - 0.2
        app.tick()
        assert app.session.now == before
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        app._last_tick = time.monotonic() - 0.2
        app.tick()
        assert app.session.now > before


async def test_the_too_small_notice_holds_simulated_time(tmp_path):
    """Below the smallest dashboard nothing of the simulation is on screen: time waits until it is again."""
    import time

    from vmsim.tui.too_small import TooSmallScreen

    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        app.paused = False
        await pilot.resize_terminal(30, 8)
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        before = app.session.now
        app._last_tick = time.monotonic() - 0.2
        app.tick()
        assert app.session.now == before


async def test_screenshot_and_export_write_files(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        app.advance(30.0)
        await pilot.press("s", "e")
        await pilot.pause()
        files = sorted((tmp_path / "exports").iterdir())
        assert [f.suffix for f in files] == [".json", ".svg"]
        data = json.loads(files[0].read_text())
        assert files[0].read_text() == render_json(app.session.state()), "written in pieces, the same bytes"
        assert data["scenario"] == "Hello" and data["time_s"] == pytest.approx(30.0)
        assert data["worlds"]["vm"]["instances"][0]["state"] == "running"
        assert files[1].read_text().lstrip().startswith("<svg")
        assert not [f for f in (tmp_path / "exports").iterdir() if f.name.endswith(".tmp")]


@pytest.mark.parametrize("folder", ["a[/]b", "x[link=x]y", "esc\x1b[31mred"])
async def test_a_notice_shows_brackets_and_escapes_as_written(tmp_path, folder):
    """A saved file's folder holds "[/]": the "Saved …" notice had stopped the app (Textual read it as markup,
    MarkupError), and "\x1b[31m" was dropped from it. Every notice shows its words as written."""
    app = VmsimApp(load_scenario("hello"), paused=True, animate=False, export_dir=tmp_path / folder)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        assert app.is_running and says_as_written(app, folder.replace("\x1b", "\\x1b"))


async def test_a_scenario_named_with_brackets_opens_and_says_so(tmp_path):
    path = tmp_path / "b.toml"
    path.write_text('name = "Test [/] scenario"\n', encoding="utf-8")
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("o")
        app.screen.query_one("#path", Input).value = str(path)
        await pilot.click("#open")
        await pilot.pause(0.3)
        assert isinstance(app.screen, MainScreen) and app.session.spec.say("name", "en") == "Test [/] scenario"
        assert says_as_written(app, "Test [/] scenario")


def says_as_written(app: VmsimApp, words: str) -> bool:
    """Whether a notice shows ``words`` as written: the text a toast draws from it, as Textual reads it (markup
    is read only when the notice asks; "[/]" read as markup raises the MarkupError that had stopped the app)."""
    from textual.content import Content

    drawn = [(Content.from_markup(n.message) if n.markup else Content(n.message)).plain for n in app._notifications]
    return any(words in text for text in drawn)


async def test_export_into_an_unwritable_place_notifies_instead_of_crashing(tmp_path):
    blocker = tmp_path / "exports"
    blocker.write_text("a file where the folder should be")
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("e")
        await pilot.pause()
        assert any("Could not export" in str(n.message) for n in app._notifications)


async def test_charts_key_toggles_the_lower_pane(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("c")
        assert app.screen.has_class("-lower-max")
        await pilot.press("L", "m")  # switching language or theme keeps the user's choice (it had undone it)
        await pilot.pause()
        assert app.screen.has_class("-lower-max")
        await pilot.press("c")
        assert not app.screen.has_class("-lower-max")


@pytest.mark.parametrize("lang", ["en", "ko"])
async def test_a_narrow_tab_strip_keeps_the_shown_tab_on_screen(tmp_path, lang):
    """At 40 columns (c gives the views the screen) the strip had shown Log to Boot timeline while Hosts was
    the one shown: the names now start after '‹', and a click still picks the name under it."""
    from vmsim.text import tr

    app = make_app(tmp_path, "hosts", lang=lang)
    async with app.run_test(size=(40, 24)) as pilot:
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        strip = app.main.lower.strip
        assert strip.active == "hosts"
        line = str(strip.render())
        assert line.startswith("‹") and f" {tr('tab.hosts', lang)} " in line, line
        start, end, view = strip.spans[-1]
        assert view == "hosts" and end <= strip.size.width
        assert strip.view_at(strip.spans[0][0]) == strip.spans[0][2] != "log"


async def test_events_reach_the_log(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        app.advance(30.0)
        await pilot.pause()
        log = app.screen.query_one(EventLog)
        text = "\n".join(line.plain for line in log.lines)
        assert "container nginx-1 ready" in text and "VM nginx-1 ready" in text


async def test_palette_command_adds_an_app(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Add redis")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert "redis-1" in ids(app, "vm")


def state_of(app: VmsimApp) -> dict[str, object]:
    """What the palette commands change, read back from the app (not from what they call)."""
    from vmsim.tui.widgets.real_host import RealHostStrip

    return {
        "paused": app.paused,
        "speed": app.speed,
        "now": app.session.now,
        "worlds": app.session.worlds,
        "vm nginx-1": app.session.sim.snapshot().world("vm").instances[0].state,
        "lower large": app.main.has_class("-lower-max"),
        "dialog": type(app.screen).__name__,
        "exports": sorted(p.suffix for p in (app.export_dir.glob("*") if app.export_dir.exists() else [])),
        "real host shown": any(strip.display for strip in app.main.query(RealHostStrip)),
        "lang": app.lang,
        "scenario": app.session.spec.name,
    }


# Each palette command by its English title (one 'Add <app>' is driven above): what it must change; everything
# else must stay as it was.
PALETTE_CASES = [
    ("Pause or resume", {"paused": False}),
    ("Step to the next event", {"now": "later"}),
    ("Faster", {"speed": 2.0}),
    ("Slower", {"speed": 0.5}),
    ("Back 10 seconds", {"now": 36.0 - REWIND_S}),
    ("Forward 10 seconds", {"now": 36.0}),  # after a rewind with the key (forward stops where time had been)
    ("Remove selected instance", {"vm nginx-1": "stopped"}),
    ("Toggle microVM world", {"worlds": ("vm", "container")}),
    ("Charts and log large", {"lower large": True}),
    ("Restart scenario", {"now": 0.0, "vm nginx-1": "booting"}),
    ("Open scenario…", {"dialog": "OpenScenarioScreen"}),
    ("Save SVG screenshot", {"exports": [".svg"]}),
    ("Export state as JSON", {"exports": [".json"]}),
    ("Show this machine's real memory and CPU", {"real host shown": True}),
    ("Switch language (English / 한국어)", {"lang": "ko"}),
    ("Help", {"dialog": "HelpScreen"}),
    (
        "Open scenario web-stack",
        {"scenario": "Web stack", "now": 0.0, "worlds": ("vm", "container"), "vm nginx-1": "booting"},
    ),
]


@pytest.mark.parametrize(("title", "changes"), PALETTE_CASES, ids=[title for title, _ in PALETTE_CASES])
async def test_every_palette_command_does_what_its_key_does(tmp_path, title, changes):
    app = make_app(tmp_path, lang="en")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        app.advance(36.0)  # something to step, rewind and restart from; nginx-1 is running everywhere
        await pilot.pause()
        if title.startswith("Forward"):
            await pilot.press("comma")
            await pilot.pause()
        before = state_of(app)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*title)
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        after = state_of(app)
    if changes.get("now") == "later":
        assert after["now"] > before["now"]
        changes = {k: v for k, v in changes.items() if k != "now"}
        after["now"] = before["now"]
    assert after == {**before, **changes}


async def test_running_app_advances_with_real_time(tmp_path):
    app = VmsimApp(load_scenario("hello"), paused=False, export_dir=tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.5)
        assert 0.2 < app.session.now < 2.0, "1× speed follows the wall clock"


async def test_quit(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0 or app.return_code is None
    assert not app.is_running


async def test_a_frame_arriving_while_quitting_is_ignored(tmp_path, monkeypatch):
    """Textual removes the screens before it stops the app's timers: a frame in between must not raise."""
    import vmsim.tui.app as app_module

    monkeypatch.setattr(app_module, "FRAME_S", 0.001)  # a frame every millisecond makes the window certain
    for _ in range(3):
        app = VmsimApp(load_scenario("hello"), export_dir=tmp_path)
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
        assert app.return_code in (0, None), app.return_code


async def test_real_host_strip_shows_this_machine_labelled_as_real(tmp_path, monkeypatch):
    import psutil

    class Memory:
        total = 16 * 2**30
        available = 6 * 2**30

    monkeypatch.setattr(psutil, "virtual_memory", lambda: Memory())
    monkeypatch.setattr(psutil, "cpu_percent", lambda interval=None: 37.0)
    monkeypatch.setattr(psutil, "cpu_count", lambda logical=True: 8)
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        from vmsim.tui.widgets.real_host import RealHostStrip

        assert not any(strip.display for strip in app.screen.query(RealHostStrip))
        await pilot.press("h")
        await pilot.pause()
        strip = app.screen.query_one(RealHostStrip)
        assert strip.display
        text = strip.render().plain
        assert "REAL" in text and "10.0 GiB of 16.0 GiB" in text and "37%" in text and "not simulated" in text
        await pilot.press("h")
        assert not strip.display


# ---------------------------------------------------------------------------------------------- key line, tabs, log
def key_labels(app: VmsimApp) -> list[str]:
    from vmsim.tui.widgets.key_bar import KeyBar

    bar = app.screen.query_one(KeyBar)
    return [span.key.description for span in bar.spans]


async def test_key_line_shows_what_applies_and_keeps_help_and_quit_when_narrow(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(160, 36)) as pilot:
        await pilot.pause()
        paused = key_labels(app)
        assert {"Add", "Step", "−10 s", "Help", "Quit"} <= set(paused)
        await pilot.press("space")  # running: stepping and rewinding do not apply
        await pilot.pause()
        running = key_labels(app)
        assert "Step" not in running and "−10 s" not in running and "Add" in running
        await pilot.resize_terminal(60, 24)
        await pilot.pause()
        narrow = key_labels(app)
        assert narrow[-3:-1] == ["Help", "Quit"] and len(narrow) < len(running)


async def test_clicking_a_key_on_the_key_line_does_what_the_key_does(tmp_path):
    from vmsim.tui.widgets.key_bar import KeyBar

    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        bar = app.screen.query_one(KeyBar)
        add = next(span for span in bar.spans if span.key.action == "add")
        await pilot.click(KeyBar, offset=(add.start + 1, 0))
        await pilot.pause()
        assert isinstance(app.screen, AddWorkloadScreen)


async def test_key_line_follows_the_language(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(160, 36)) as pilot:
        await pilot.press("L")
        await pilot.pause()
        assert "추가" in key_labels(app) and "Add" not in key_labels(app)


async def test_tabs_switch_views_by_click_and_by_arrow_keys(tmp_path):
    from vmsim.tui.widgets.lower_pane import LowerPane, TabStrip

    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        app.advance(30.0)
        await pilot.pause()
        lower = app.screen.query_one(LowerPane)
        strip = app.screen.query_one(TabStrip)
        assert lower.active == "log"
        start, _, _ = next(s for s in strip.spans if s[2] == "memory")
        await pilot.click(TabStrip, offset=(start + 1, 0))
        await pilot.pause()
        assert lower.active == "memory"
        chart = app.screen.query_one("#view-memory")
        assert chart.display and not app.screen.query_one("#log").display
        assert chart._data, "a view just shown gets its data at once"  # type: ignore[attr-defined]
        strip.focus()
        await pilot.press("right", "right")
        await pilot.pause()
        assert lower.active == "timeline"
        await pilot.press("left", "left", "left")
        await pilot.pause()
        assert lower.active == "log", "left from the first view wraps to the last, then back"


async def test_log_follows_new_events_and_the_language(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        app.advance(30.0)
        await pilot.pause()
        log = app.screen.query_one(EventLog)
        english = [line.plain for line in log.lines]
        assert any("VM nginx-1 ready" in line for line in english)
        await pilot.press("L")
        await pilot.pause()
        korean = [line.plain for line in log.lines]
        assert len(korean) == len(english) and any("준비 완료" in line for line in korean)


def log_shows_newest(log: EventLog) -> bool:
    """Whether the log's last row on screen is its newest event."""
    return log.size.height > 0 and int(log.scroll_offset.y) + log.size.height >= log.virtual_size.height


async def test_the_log_shows_its_newest_event_when_its_tab_comes_back(tmp_path):
    """hosts opens on its Hosts tab: the host failure at 45 s and the break-out at 60 s came while the log was
    hidden, and the Log tab showed its first lines (t = 0.31 s), not them."""
    app = make_app(tmp_path, "hosts")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert app.main.lower.active == "hosts"
        for _ in range(9):
            app.advance(10.0)
            await pilot.pause()
        log = app.screen.query_one(EventLog)
        app.main.lower.show_view("log")
        await pilot.pause()
        await pilot.pause()
        assert len(log.events) > log.size.height > 0 and log_shows_newest(log)


async def test_the_log_follows_batches_that_come_faster_than_its_scroll(tmp_path):
    """Twenty added through the dialog: batches of events came before the last batch's scroll was made, the
    log read that as scrolled up, and stopped at its first lines for good."""
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        app.session.add_workload("nginx", 20)
        log = app.screen.query_one(EventLog)
        for _ in range(30):
            app.advance(1.0)  # a batch a frame, no pause between them
        await pilot.pause()
        await pilot.pause()
        assert len(log.events) > log.size.height and log_shows_newest(log)
        log.scroll_to(y=0, animate=False)  # the user goes up to read: the log stays there
        await pilot.pause()
        app.advance(5.0)
        await pilot.pause()
        assert int(log.scroll_offset.y) == 0 and not log.following


async def test_every_bar_gets_the_rows_its_legend_needs_at_any_height(tmp_path):
    """A bar's legend wraps by width and the bar doubles on tall screens: no legend line may be cut off."""
    from vmsim.tui.widgets.world_panel import HostPanel

    app = make_app(tmp_path, "vm-vs-container")
    async with app.run_test(size=(140, 44)) as pilot:
        await pilot.press("right", "right")  # the question, then its reveal adds one nginx to each world
        app.advance(30.0)  # the container world's legend grows from two lines to three
        await pilot.pause()
        for size in ((140, 44), (140, 46), (100, 30), (160, 48), (120, 36), (80, 24)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            await pilot.pause()
            for panel in app.screen.query(HostPanel):
                lines = panel.lines(panel.size.width)
                assert panel.region.height == len(lines), (size, panel.kind, panel.region.height, len(lines))
                free = [text.plain for part, text in lines if part == "memory" and "free" in text.plain]
                assert free, (size, panel.kind, "the memory legend's last entry is on screen")


async def test_a_lesson_highlight_marks_exactly_one_part_of_every_world(tmp_path):
    from textual.geometry import Region

    from vmsim.tui.widgets.world_panel import FitMeter, HostPanel

    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        app.advance(3.0)
        await pilot.pause()
        main = app.main
        for part in ("memory", "disk", "cpu"):
            main.set_highlight(part)
            await pilot.pause()
            for panel in app.screen.query(HostPanel):
                kinds = [kind for kind, _ in panel.lines(panel.size.width)]
                rows = [panel.row_text(y) for y in range(len(kinds))]
                marked = {kind for kind, row in zip(kinds, rows, strict=True) if row.startswith("▌")}
                assert marked == {part}, (panel.kind, part, marked)
        main.set_highlight("fit")
        await pilot.pause()
        for meter in app.screen.query(FitMeter):  # the same half-block bar as the host panel's, not a full block
            row = "".join(s.text for s in meter.render_lines(Region(0, 0, meter.outer_size.width, 1))[0])
            assert row.startswith("▌") and "█" not in row, row
        main.set_highlight("instances")
        await pilot.pause()
        for panel in app.screen.query(HostPanel):
            assert not any(panel.row_text(y).startswith("▌") for y in range(panel.size.height))
        assert all(lst.has_class("-highlight") for lst in app.screen.query(InstanceList))
        for lst in app.screen.query(InstanceList):  # the marker takes the margin's cell: as wide as its column
            assert lst.outer_size.width == lst.parent.size.width, (lst.outer_size, lst.parent.size)
        main.set_highlight(None)
        await pilot.pause()
        assert not any(lst.has_class("-highlight") for lst in app.screen.query(InstanceList))
        for panel in app.screen.query(HostPanel):
            assert not any("▌" in panel.row_text(y) for y in range(panel.size.height))


def test_every_boot_phase_has_its_own_fill_and_colour_within_a_bar():
    # overlay, snapd seeding and ssh keys fell back to one style: three phases of a VM's bar looked as one.
    from vmsim.engine.catalog import default_catalog
    from vmsim.tui.style import PHASE_STYLES

    cat = default_catalog()
    bars = [["pull", "create", "start", "app"]]  # a container's
    for name, guest in cat.guests.items():
        phases = [p.name for p in guest.boot_phases]
        if name == "microvm-linux":
            bars.append(["pull", "create", "vmm", *phases, "start", "app"])
        else:
            bars.append(["download", "overlay", "vmm", *phases, "app"])
            bars.append(["download", "disk copy", "vmm", *phases, "app"])
    for bar in bars:
        assert [n for n in bar if n not in PHASE_STYLES] == [], bar
        for field in ("colour", "glyph"):
            seen = [getattr(PHASE_STYLES[n], field) for n in bar]
            assert len(set(seen)) == len(seen), (field, bar)


async def test_garbage_collection_paused_for_the_start_resumes_after_the_first_frame(tmp_path):
    """`vmsim tui` pauses collection while it starts; the app resumes it once the first frame is out (not at
    once: the collection holds the interpreter for ~20 ms, which the first frame would wait for)."""
    import gc

    from vmsim.tui.app import GC_RESUME_S

    gc.disable()
    try:
        app = make_app(tmp_path, gc_paused=True)
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: app.dashboard_ready)
            assert not gc.isenabled() and app.gc_paused, "still paused as the first frame goes out"
            await pilot.pause(GC_RESUME_S + 0.2)
            await until(pilot, lambda: gc.isenabled())
            assert not app.gc_paused
            assert gc.get_threshold()[0] == 10_000
    finally:
        gc.unfreeze()
        gc.set_threshold(700, 10, 10)
        gc.enable()


async def test_a_long_log_line_wraps_under_its_words_left_of_the_scroll_bar(tmp_path):
    # A refusal's reason was cut at the log's edge ("… needs 2,078 MiB (2,048 MiB…"), and an OOM kill's
    # explanation never read whole: a long event now wraps, its later rows indented under its words, within the
    # width left of the scroll bar (its last cell had been drawn under the bar).
    from vmsim.output.words import event_text as words_of

    app = make_app(tmp_path, "scale-out")
    async with app.run_test(size=(80, 24)) as pilot:
        app.advance(60.0)
        await pilot.press("c")
        await pilot.pause()
        log = app.screen.query_one(EventLog)
        width = log.scrollable_content_region.width
        assert log.show_vertical_scrollbar and width < log.size.width + log.scrollbar_size_vertical
        log.scroll_to(y=0, animate=False)
        await pilot.pause()
        rows = ["".join(s.text for s in log.render_line(y)).rstrip() for y in range(log.size.height)]
        assert all(len(row) <= width and not row.endswith("…") for row in rows), rows
        first = next(i for i, row in enumerate(rows) if "refused" in row and i + 1 < len(rows))
        event = next(e for e in log.events if e.kind == "refused")
        said = words_of(event, "en")
        indent = rows[first].index(said[:10])
        assert rows[first + 1].startswith(" " * indent) and rows[first + 1].strip(), rows[first : first + 2]
        height = next(i for i, row in enumerate(rows[first + 1 :] + ["x"]) if not row.startswith(" " * indent)) + 1
        assert first + height <= len(rows), "the whole event is on screen"
        joined = " ".join(row[indent:].strip() for row in rows[first : first + height])
        assert joined == said, (said, joined)
        assert log.virtual_size.height > len(log.events)  # the rows, not the events, are what scrolls
        # In the instance list a refused instance reads 'refused: … free, needs …', not 'failed: refused: …'.
        from vmsim.tui.widgets.instance_list import instance_line

        vm = app.snapshot.world("vm")
        refused = [i for i in vm.instances if i.reason is not None and i.reason.code == "reason.refused_prefix"]
        assert refused
        line = instance_line(refused[0], app.session.now, 60).plain
        assert line.startswith(f"✗ {refused[0].id}") and " refused: " in line and "failed" not in line, line
