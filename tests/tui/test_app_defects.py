"""Defects of the dashboard, each pinned by a test that failed before its fix."""

from __future__ import annotations

import asyncio
import importlib
import re
from pathlib import Path

import pytest
import textual.pilot
from textual.case import camel_to_snake
from textual.message import Message
from textual.widgets import OptionList

from vmsim.scenarios import load_scenario
from vmsim.tui.app import VmsimApp
from vmsim.tui.screens.main import MainScreen


def make_app(tmp_path, scenario: str = "hello", **kwargs) -> VmsimApp:
    """A paused app with no timer: the test decides when simulated time moves."""
    return VmsimApp(load_scenario(scenario), paused=True, animate=False, export_dir=tmp_path / "exports", **kwargs)


async def until(pilot, condition, turns: int = 200) -> None:
    """Let the app work until ``condition()`` holds (however slow the machine); fail after ``turns`` pauses."""
    for _ in range(turns):
        if condition():
            return
        await pilot.pause()
    raise AssertionError(f"still not true after {turns} pauses")


async def test_textuals_animate_still_works_on_the_app(tmp_path):
    """The app's 'animate' option (run frames on a timer) was stored as ``self.animate``, hiding Textual's
    ``App.animate`` method behind a boolean: animating any attribute of the app raised TypeError."""
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        app.animate("speed", 4.0, duration=0.05)
        await pilot.wait_for_animation()
        assert app.speed == 4.0
        assert app.session.speed == 4.0  # the reactive is the session's pace, seen by the key line


async def test_pace_changed_before_the_dashboard_exists_waits_for_it(tmp_path):
    """Pausing or changing speed while the app starts (before the dashboard's widgets exist) draws nothing
    then: ``self.is_mounted`` (a method of App, so always true) guarded the redraw, which reached for widgets
    that were not there yet. The pace still reaches the session, and the first frame shows it."""
    app = make_app(tmp_path)
    drawn_early: list[bool] = []
    real_refresh = app.refresh_view

    def refresh_view(*args, **kwargs):
        drawn_early.append(not app.main.panels or not all(p.is_mounted for p in app.main.panels.values()))
        return real_refresh(*args, **kwargs)

    app.refresh_view = refresh_view  # type: ignore[method-assign]
    seen: list[object] = []

    async def auto_pilot(pilot) -> None:
        seen.append(app.dashboard_ready)
        app.speed = 5.0
        app.paused = False
        while not app.dashboard_ready:
            await pilot.pause()
        await pilot.pause()
        seen.extend([app.session.speed, app.session.paused, app.main.status_bar.status.speed])
        app.exit()

    await app.run_async(headless=True, auto_pilot=auto_pilot, size=(120, 36))
    assert seen[0] is False  # the pace really changed before the dashboard was ready
    assert seen[1:] == [5.0, False, 5.0]
    assert drawn_early and not any(drawn_early)


async def _one_turn(min_sleep: float = 0.0, max_sleep: float = 1.0) -> None:
    await asyncio.sleep(0)


@pytest.fixture
def starved_machine(monkeypatch):
    """Pilot's pauses as on a machine busy with other work: Textual's idle check compares the process's CPU
    time with the wall clock, so a process that gets little CPU looks idle at once and a pause returns after
    one turn of the event loop. Tests that counted pauses passed or failed with the machine's load."""
    monkeypatch.setattr(textual.pilot, "wait_for_idle", _one_turn)


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 36)])
async def test_open_dialog_on_web_stack_fits_on_a_starved_machine(tmp_path, starved_machine, size):
    """The open dialog on web-stack (the last preset, so the list must scroll to it on a short terminal) shows
    its path field, buttons and chosen option once it says it has fitted, however little CPU the app gets."""
    app = make_app(tmp_path, scenario="web-stack")
    async with app.run_test(size=size) as pilot:
        await pilot.press("o")
        await until(pilot, lambda: getattr(app.screen, "fitted", False))
        dialog = app.screen.query_one(".dialog")
        for part in ("#path", "#open", "#cancel"):
            region = app.screen.query_one(part).region
            assert region and dialog.content_region.contains_region(region), part
        options = app.screen.query_one(OptionList)
        chosen = options.get_option_at_index(options.highlighted).id
        assert chosen == "web-stack"
        shown = ["".join(seg.text for seg in options.render_line(y)) for y in range(options.size.height)]
        assert any(line.strip().startswith("web-stack ") for line in shown), shown


@pytest.mark.parametrize(("key", "chosen"), [("a", "nginx"), ("o", "hello")])
async def test_a_dialogs_list_opens_with_the_chosen_options_name_on_its_first_row(tmp_path, key, chosen):
    """At 80×24 the add and open dialogs' four-row lists opened scrolled to the tail of the option before the
    chosen one: the first row read 'RSS 1.0 MiB · image 8.0 MiB …', with no name."""
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(key)
        await until(pilot, lambda: getattr(app.screen, "fitted", False))
        options = app.screen.query_one(OptionList)
        assert options.get_option_at_index(options.highlighted).id == chosen
        first = "".join(seg.text for seg in options.render_line(0))
        assert first.strip().startswith(chosen + " "), first


async def test_open_dialog_loads_web_stack_on_a_starved_machine(tmp_path, starved_machine):
    """Choosing web-stack in the open dialog replaces the world columns; the app says when that is done."""
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("o")
        await until(pilot, lambda: getattr(app.screen, "fitted", False))
        options = app.screen.query_one(OptionList)
        options.highlighted = [options.get_option_at_index(i).id for i in range(options.option_count)].index(
            "web-stack"
        )
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, MainScreen) and app.settled)
        assert app.session.spec.name == "Web stack"
        assert [p.id for p in app.screen.query(".world-panel")] == ["world-vm", "world-container"]


VMSIM = Path(__file__).parents[2] / "vmsim"
SOURCES = {p: p.read_text(encoding="utf-8") for p in VMSIM.rglob("*.py")}
# Methods Textual calls by name: a subclass defines them without anything in vmsim calling them.
TEXTUAL_HOOKS = ("on_", "action_", "watch_", "validate_", "compute_", "_")
TEXTUAL_NAMES = {
    "can_focus",
    "can_focus_children",
    "compose",
    "render",
    "render_line",
    "render_lines",
    "get_content_width",
    "get_content_height",
}


def used_elsewhere(name: str, defined_in: Path) -> bool:
    """``name`` appears as a word in a vmsim module other than ``defined_in``, or twice in ``defined_in``."""
    word = re.compile(rf"\b{re.escape(name)}\b")
    if len(word.findall(SOURCES[defined_in])) > 1:
        return True
    return any(word.search(text) for path, text in SOURCES.items() if path != defined_in)


def test_every_style_name_is_used():
    """tui/style.py held world titles, nouns and blurbs and English category labels that nothing read."""
    from vmsim.tui import style

    path = VMSIM / "tui" / "style.py"
    # Every name the module itself defines at its top level (assignments, functions, classes), not imports.
    names = re.findall(r"^(?:def |class )?([A-Za-z]\w*)\s*[:=(]", SOURCES[path], flags=re.MULTILINE)
    names += [
        *style.CategoryStyle._fields,
        *(n for n, v in vars(style.CategoryStyle).items() if isinstance(v, property)),
    ]
    unused = [n for n in names if n.isidentifier() and not used_elsewhere(n, path)]
    assert unused == []


@pytest.mark.parametrize(
    "cls_path", ["vmsim.tui.widgets.instance_list:InstanceList", "vmsim.tui.widgets.lower_pane:LowerPane"]
)
def test_widget_members_are_used(cls_path):
    """InstanceList posted a Selected message that nothing handled."""
    module_name, cls_name = cls_path.split(":")
    module = importlib.import_module(module_name)
    cls = getattr(module, cls_name)
    path = Path(module.__file__)
    members = [n for n in vars(cls) if not n.startswith(TEXTUAL_HOOKS) and n not in TEXTUAL_NAMES and n.isidentifier()]
    members = [n for n in members if n not in ("DEFAULT_CSS", "BINDINGS", "COMPONENT_CLASSES")]
    unused = []
    for name in members:
        if isinstance(vars(cls)[name], type) and issubclass(vars(cls)[name], Message):
            # A message is used when something handles it: an on_<widget>_<message> method or @on(Widget.Message).
            handler = f"on_{camel_to_snake(cls_name)}_{camel_to_snake(name)}"
            if not any(handler in t or f"{cls_name}.{name}" in t for t in SOURCES.values()):
                unused.append(name)
        elif not used_elsewhere(name, path):
            unused.append(name)
    assert unused == []


def test_the_lower_pane_has_no_relabel_of_its_own():
    """LowerPane.relabel was never called: a change of language repaints every widget (MainScreen.relabel),
    the tab names with them. (Its name is shared with MainScreen's, so the word search above cannot see it.)"""
    from vmsim.tui.widgets.lower_pane import LowerPane

    assert "relabel" not in vars(LowerPane)


async def test_the_log_shows_the_past_after_a_jump_in_time(tmp_path):
    """A lesson opened at a later step, a rewind, and a step back each emptied the event log: the students saw
    no line of what had happened until then. The log now shows the past as it is at the moment shown."""
    app = VmsimApp(load_scenario("vm-vs-container"), animate=False, export_dir=tmp_path / "exports", lesson_step=3)
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: app.dashboard_ready)
        log = app.main.lower.event_log
        assert app.session.now > 0
        shown = [e for e in log.events]
        assert shown, "the steps before step 3 happened, and the log says what"
        assert all(e.kind != "added" for e in shown)
        assert [e.t_s for e in shown] == sorted(e.t_s for e in shown)
    app = make_app(tmp_path, "web-stack")
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: app.dashboard_ready)
        app.advance(30.0)
        before = list(app.main.lower.event_log.events)
        await pilot.press("comma")  # back 10 s
        await pilot.pause()
        now = app.session.now
        after = list(app.main.lower.event_log.events)
        assert after, "a rewind keeps what happened before the moment shown"
        assert after == [e for e in before if e.t_s <= now + 1e-9]


SUMMARY_CASES = [("ec2-drift", "ko", (80, 24)), ("ec2-drift", "en", (80, 24)), ("ec2-drift", "ko", (160, 48))]
SUMMARY_CASES += [(name, "ko", (80, 24)) for name in ("image-vs-container", "servers-multiply", "build-and-ship")]


@pytest.mark.parametrize(("name", "lang", "size"), SUMMARY_CASES)
async def test_the_summary_table_keeps_each_measure_on_one_line(tmp_path, name, lang, size):
    """At 80x24 in Korean the summary's columns were wider than the screen: every row wrapped, its figures
    landing under the next measure's name. Each measure and its figures now share one line; the drift rows sit
    under a heading of their own (they are about the servers, not the first world). Every row is on screen:
    a short one gives up blank lines and section rules first (the drift rows had fallen off the bottom)."""
    spec = load_scenario(name)
    app = VmsimApp(spec, animate=False, export_dir=tmp_path, lang=lang, lesson_step=len(spec.lesson) + 1)
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: app.dashboard_ready)
        await pilot.pause()
        table = app.main.query_one("#view-summary").table
        lines = [s.text for s in app.screen._compositor.render_strips()]
        for label, *cells in table[1:]:
            if not label:
                continue
            row = next((line for line in lines if line.strip().startswith(label)), None)
            if row is None:  # a name cut to make room for the figures
                row = next((line for line in lines if line.strip().startswith(label[:7]) and "…" in line), None)
            assert row is not None, f"{label!r} is not at the start of any line"
            for cell in cells:
                if cell:
                    assert cell in row, f"{cell!r} is not on the line of {label!r}: {row!r}"
        heading = next((row for row in table[1:] if not row[0]), None)
        assert heading is not None or name != "ec2-drift", "the drift rows have a heading of their own"
        assert heading is None or (heading[1] and any(heading[1] in line for line in lines))


@pytest.mark.parametrize("lang", ["en", "ko"])
async def test_the_key_line_shows_a_dialogs_keys_while_it_is_open(tmp_path, lang):
    # It kept the dashboard's keys (a Add, q Quit …) under every dialog, though none of them act there.
    from vmsim.text import tr
    from vmsim.tui.widgets.key_bar import KeyBar

    app = make_app(tmp_path, lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        bar = app.main.query_one(KeyBar)

        def line() -> str:
            return "".join(segment.text for segment in bar.render_line(0)).strip()

        await until(pilot, lambda: app.dashboard_ready)
        dashboard = line()
        assert f"a {tr('key.add', lang)}" in dashboard and f"q {tr('key.quit', lang)}" in dashboard, dashboard
        for key, words in (("a", "button.cancel"), ("o", "button.cancel"), ("question_mark", "button.close")):
            await pilot.press(key)
            await until(pilot, lambda: not isinstance(app.screen, MainScreen))
            await pilot.pause()
            assert line() == f"esc {tr(words, lang)}", (key, line())
            await pilot.press("escape")
            await until(pilot, lambda: isinstance(app.screen, MainScreen))
            await pilot.pause()
            assert line() == dashboard, (key, line())


async def test_keys_typed_in_one_burst_act_in_order_on_the_dialog_the_first_opened(tmp_path):
    # 'a' Tab '5' '0' Enter in one write (a paste, a macro) added 1, not 50: all five had been sent to the
    # dashboard's list before 'a' opened the dialog, and reached the dialog's bindings with no field focused.
    from textual import events

    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: app.dashboard_ready)
        keys = (("a", "a"), ("tab", "\t"), ("5", "5"), ("0", "0"), ("enter", "\r"), ("space", " "))
        for key, character in keys:  # all queued at once, as a terminal's read gives them
            app.post_message(events.Key(key, character))
        await until(
            pilot, lambda: isinstance(app.screen, MainScreen) and len(app.snapshot.world("container").instances) > 1
        )
        await pilot.pause()
        assert len(app.snapshot.world("container").instances) == 1 + 50
        # The space after Enter went to the dashboard once the dialog had closed (it had gone into the closing
        # dialog's field, "50 ", which then refused to add).
        await until(pilot, lambda: not app.paused)
        for key, character in (("question_mark", "?"), ("escape", None), ("space", " ")):  # help, closed, pause
            app.post_message(events.Key(key, character))
        await until(pilot, lambda: app.paused)  # the space reached the dashboard, not the help
        assert isinstance(app.screen, MainScreen)
        app.post_message(events.Key("o", "o"))  # a paste right after the key that opens the dialog: its path
        app.post_message(events.Paste("/no/such/dir/x.toml"))
        await until(pilot, lambda: not isinstance(app.screen, MainScreen))
        await until(pilot, lambda: app.screen.query_one("#path").value == "/no/such/dir/x.toml")


@pytest.mark.parametrize("lang", ["en", "ko"])
async def test_a_short_screen_shows_the_key_to_its_log_and_charts_and_arrows_then_switch_them(tmp_path, lang):
    # At 80x24 the log and charts are hidden, and the key line had left out c; after c, → did nothing until Tab.
    from vmsim.tui.widgets.key_bar import KeyBar

    app = make_app(tmp_path, "web-stack", lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.dashboard_ready)
        bar = app.main.query_one(KeyBar)
        shown = [k.action for k in bar.shown_keys()[0]]
        assert shown.index("add") < shown.index("toggle_pause") < shown.index("toggle_lower"), shown
        line = "".join(segment.text for segment in bar.render_line(0))
        assert f" c {bar.shown_keys()[0][shown.index('toggle_lower')].description} " in line, line
        assert app.main.lower.strip.active == "log"
        await pilot.press("c", "right", "right")
        await pilot.pause()
        assert app.main.has_class("-lower-max") and app.main.lower.strip.active == "ready"


async def test_c_twice_gives_the_focus_back_and_a_language_switch_keeps_the_log_at_its_newest(tmp_path):
    from vmsim.tui.widgets.event_log import EventLog
    from vmsim.tui.widgets.instance_list import InstanceList

    app = make_app(tmp_path, "oom")
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.dashboard_ready)
        app.advance(80.0)
        await pilot.pause()
        first = app.screen.query(InstanceList).first()
        first.focus()
        await pilot.press("c", "c")
        await pilot.pause()
        assert app.focused is first  # c then c: back on the list, not on nothing
        log = app.screen.query_one(EventLog)
        for lang_key in ("L", "L"):  # ko and back: other words take other rows; the newest stays on screen
            await pilot.press(lang_key)
            await pilot.pause()
            await pilot.pause()
            assert log.virtual_size.height > log.size.height
            assert int(log.scroll_offset.y) + log.size.height >= log.virtual_size.height, (
                log.scroll_offset,
                log.virtual_size,
            )


async def test_a_click_on_a_dialogs_key_on_the_key_line_presses_it(tmp_path):
    # The key line showed "esc Cancel" under the add dialog, but the dialog took the click and nothing happened.
    from vmsim.tui.screens.dialogs import AddWorkloadScreen
    from vmsim.tui.widgets.key_bar import KeyBar

    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.dashboard_ready)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, AddWorkloadScreen) and app.screen.ready)
        bar = app.main.query_one(KeyBar)
        bar.render()  # where each key is drawn
        span = next(s for s in bar.spans if s.key.key == "escape")
        await pilot.click(offset=(span.start + 1, 23))
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        assert len(app.snapshot.world("container").instances) == 1  # cancelled, nothing added
