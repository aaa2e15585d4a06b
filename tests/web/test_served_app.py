"""The dashboard as ``vmsim serve`` runs it for a browser tab: it opens only the shipped scenarios and the
teacher's folder, and offers exports as downloads instead of writing on the server (issue 18, item 2)."""

from __future__ import annotations

from textual.widgets import Input, OptionList

from vmsim.scenarios import load_scenario, shipped_names
from vmsim.session.served import SCENARIO_DIR_ENV, SERVED_ENV, ServedLimits
from vmsim.tui.app import VmsimApp
from vmsim.tui.screens.dialogs import OpenScenarioScreen

SECRET = 'name = "secret"\ndescription = "a file a student must not open"\n'
TEACHER = 'name = "Week 3"\ndescription = "the teacher\'s lesson"\n[[events]]\nat_s = 0\nadd = "redis"\n'


def served(monkeypatch, folder=None) -> None:
    monkeypatch.setenv(SERVED_ENV, "1")
    if folder is not None:
        monkeypatch.setenv(SCENARIO_DIR_ENV, str(folder))
    else:
        monkeypatch.delenv(SCENARIO_DIR_ENV, raising=False)


def make_app(tmp_path) -> VmsimApp:
    return VmsimApp(load_scenario("hello"), paused=True, animate=False, export_dir=tmp_path / "exports")


def teachers_folder(monkeypatch, tmp_path, name: str):
    """A served tab whose teacher's folder holds one scenario file, ``name``."""
    folder = tmp_path / "lessons"
    folder.mkdir()
    (folder / name).write_text(TEACHER, encoding="utf-8")
    served(monkeypatch, folder)
    return folder


async def open_dialog(pilot, app) -> OptionList:
    """The open dialog's list, opened with 'o'."""
    await pilot.press("o")
    await pilot.pause()
    return app.screen.query_one(OptionList)


async def type_path(pilot, app, text: str) -> None:
    await pilot.press("o")
    await pilot.pause()
    assert isinstance(app.screen, OpenScenarioScreen)
    field = app.screen.query_one("#path", Input)
    field.value = text
    field.focus()
    await pilot.press("enter")
    await pilot.pause()


async def test_a_served_tab_cannot_open_a_file_by_path(monkeypatch, tmp_path):
    secret = tmp_path / "secret.toml"
    secret.write_text(SECRET, encoding="utf-8")
    served(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await type_path(pilot, app, str(secret))
        assert isinstance(app.screen, OpenScenarioScreen)  # refused: the dialog stays open
        error = str(app.screen.query_one("#open-error").render())
        assert "files on the server are not open to browsers" in error
        assert "secret" not in error
        assert app.session.spec.name == "Hello"
        for typed in ("/etc/passwd", "../secret.toml", "~/secret.toml"):
            app.screen.query_one("#path", Input).value = typed
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, OpenScenarioScreen) and app.session.spec.name == "Hello"


async def test_a_served_tab_opens_shipped_names_and_the_teachers_folder(monkeypatch, tmp_path):
    folder = teachers_folder(monkeypatch, tmp_path, "week3.toml")
    (tmp_path / "secret.toml").write_text(SECRET, encoding="utf-8")
    (folder / "link.toml").symlink_to(tmp_path / "secret.toml")  # a link out of the folder is not offered
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        options = await open_dialog(pilot, app)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert ids == [*shipped_names(), str(folder / "week3.toml")]
        await pilot.press("escape")
        await type_path(pilot, app, "week3")
        assert app.session.spec.name == "Week 3"
        await type_path(pilot, app, "link")
        assert isinstance(app.screen, OpenScenarioScreen) and app.session.spec.name == "Week 3"
        await pilot.press("escape")
        await type_path(pilot, app, "hello")
        assert app.session.spec.name == "Hello"


async def test_a_local_dashboard_still_opens_any_path(monkeypatch, tmp_path):
    monkeypatch.delenv(SERVED_ENV, raising=False)
    own = tmp_path / "own.toml"
    own.write_text(TEACHER, encoding="utf-8")
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await type_path(pilot, app, str(own))
        assert app.session.spec.name == "Week 3"


async def test_served_exports_are_downloads_not_files_on_the_server(monkeypatch, tmp_path):
    served(monkeypatch)
    app = make_app(tmp_path)
    offered: list[tuple[str, str]] = []
    monkeypatch.setattr(
        app, "deliver_text", lambda fh, save_filename=None, **kw: offered.append((save_filename, fh.read()))
    )
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("s", "e")
        await pilot.pause()
    assert not (tmp_path / "exports").exists()
    assert [name.rsplit(".", 1)[1] for name, _ in offered] == ["svg", "json"]
    assert offered[0][1].lstrip().startswith("<svg") and '"scenario": "Hello"' in offered[1][1]


async def test_local_exports_twice_at_one_moment_keep_both_files(monkeypatch, tmp_path):
    monkeypatch.delenv(SERVED_ENV, raising=False)
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("e", "e")
        await pilot.pause()
    names = sorted(p.name for p in (tmp_path / "exports").iterdir())
    assert names == ["hello-t0000.00s-2.json", "hello-t0000.00s.json"]


def test_limits_round_trip_through_the_environment(tmp_path):
    limits = ServedLimits(True, tmp_path)
    assert ServedLimits.from_environ(limits.environment()) == limits
    assert ServedLimits.from_environ({}) == ServedLimits()
    assert not ServedLimits.from_environ({SERVED_ENV: "0"}).served


async def test_a_teachers_file_name_with_escape_codes_is_shown_escaped(monkeypatch, tmp_path):
    """A file named with an ESC sequence drew colours and set the window's title in every tab's open dialog."""
    from rich.console import Console

    teachers_folder(monkeypatch, tmp_path, "b\x1b[31mad\x1b]0;PWNED\a.toml")
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        options = await open_dialog(pilot, app)
        console = Console(width=200, color_system=None)
        with console.capture() as shown:
            console.print(options.get_option_at_index(options.option_count - 1).prompt)
        text = shown.get()
        assert "\x1b" not in text and "\a" not in text
        assert "b\\x1b[31mad\\x1b]0;PWNED\\x07" in text
