"""The build view's keys: 'f' chooses a file of the build context to "edit", 'B' rebuilds it, and the view replays
the build (cache results layer by layer), then the push, then each server's pull. Real app, Pilot, real builds."""

from __future__ import annotations

import io

from rich.console import Console

from vmsim.scenarios import load_scenario
from vmsim.tui.app import VmsimApp
from vmsim.tui.screens.dialogs import AddWorkloadScreen, HelpScreen
from vmsim.tui.widgets.build_view import BuildView
from vmsim.tui.widgets.key_bar import KeyBar


def lesson_app(tmp_path, step: int = 2, lang: str = "en") -> VmsimApp:
    """build-and-ship at ``step`` (1-based, its question not yet revealed)."""
    return VmsimApp(load_scenario("build-and-ship"), animate=False, export_dir=tmp_path, lang=lang, lesson_step=step)


async def reveal(app: VmsimApp, pilot) -> BuildView:
    await pilot.pause()
    await pilot.press("right")
    await pilot.pause()
    app.refresh_view([], charts=True)
    await pilot.pause()
    return app.main.query_one(BuildView)


async def next_step(app: VmsimApp, pilot) -> None:
    """→ until the next step is revealed (a step with a question asks first)."""
    lesson = app.lesson
    index = lesson.state.index
    while lesson.state.index == index or lesson.asking:
        await pilot.press("right")
        await pilot.pause()
    app.refresh_view([], charts=True)
    await pilot.pause()


def keys_shown(app: VmsimApp) -> list[str]:
    return [k.key for k in app.main.query_one(KeyBar).shown_keys()[0]]


def text(view: BuildView) -> str:
    return view.render().plain


async def test_the_keys_are_shown_only_with_the_build_view(tmp_path):
    app = lesson_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await reveal(app, pilot)
        assert keys_shown(app)[:2] == ["f", "B"]  # first on the line: at 80 columns they are not cut off
        await next_step(app, pilot)  # step 3: the compare view
        assert keys_shown(app)[:2] == ["f", "B"]
        await next_step(app, pilot)  # step 4: the log
        assert app.main.lower.active == "log"
        assert "f" not in keys_shown(app) and "B" not in keys_shown(app)
    hello = VmsimApp(load_scenario("hello"), paused=True, animate=False, export_dir=tmp_path)
    async with hello.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "f" not in keys_shown(hello)
        await pilot.press("B")  # does nothing without a build view: no error, no replay
        await pilot.pause()
        assert hello.build_edit() == ("", None)


async def test_editing_the_code_rebuilds_one_layer_and_ships_kilobytes(tmp_path):
    app = lesson_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        view = await reveal(app, pilot)
        assert view.edit == "src/server.js"  # the lesson's own change, to start with
        assert "f: edit src/server.js · B: rebuild" in text(view)
        await pilot.press("B")
        await pilot.pause()
        replay = view.replay
        assert replay is not None and replay.shown == 0 and replay.edited == "src/server.js"
        assert "building…" in text(view)
        assert [layer.cache for layer in replay.result.layers] == ["hit", "hit", "hit", "hit", "miss"]
        app.replay_tick(1.2)  # four cache hits, one beat each
        await pilot.pause()
        assert view.replay.shown == 4 and not view.replay.pushed
        app.replay_tick(10)
        await pilot.pause()
        done = view.replay
        assert done.done and done.pulled == 10
        assert done.result.pull_mib is not None and done.result.pull_mib < 0.01  # kilobytes
        assert "10 of 10 servers pulled" in text(view)


async def test_editing_package_json_reinstalls_the_dependencies_layer_by_layer(tmp_path):
    app = lesson_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        view = await reveal(app, pilot)
        await pilot.press("f")  # after src/server.js comes the first file a COPY names
        await pilot.pause()
        assert view.edit == "package.json"
        await pilot.press("B")
        await pilot.pause()
        assert [layer.cache for layer in view.replay.result.layers] == ["hit", "hit", "miss", "miss", "miss"]
        seen = []
        for _ in range(60):
            app.replay_tick()
            await pilot.pause()
            seen.append((view.replay.shown, view.replay.pushed, view.replay.pulled))
        shown = [s for s, _, _ in seen]
        assert shown == sorted(shown) and set(range(2, 6)) <= set(shown)  # one layer after another
        pulled = [p for _, pushed, p in seen if pushed]
        assert pulled[0] < 10 and pulled[-1] == 10 and pulled == sorted(pulled)  # the servers finish over time
        assert not any(p for _, pushed, p in seen if not pushed)  # nothing is pulled before the push
        assert view.replay.result.pull_mib > 6  # the dependency layer travels again
        assert "6.7 MiB each" in text(view)


async def test_the_replay_belongs_to_its_view_and_the_keys_read_in_korean(tmp_path):
    app = lesson_app(tmp_path, lang="ko")
    async with app.run_test(size=(80, 24)) as pilot:
        view = await reveal(app, pilot)
        await pilot.press("B")
        app.replay_tick(20)
        await pilot.pause()
        assert "서버 10대 중 10대가" in text(view) and "f: 고칠 파일 src/server.js · B: 다시 빌드" in text(view)
        await next_step(app, pilot)  # step 3: the compare view shows its own builds, not the replay of step 2
        assert view.mode == "compare" and view.replay is None
        assert "node-good/Dockerfile" in text(view) and "node-bad/Dockerfile" in text(view)
        await pilot.press("B")  # rebuilds the Dockerfile on show: the other order
        await pilot.pause()
        assert view.replay.result.dockerfile.endswith("node-bad/Dockerfile")


async def test_help_lists_the_build_keys(tmp_path):
    app = lesson_app(tmp_path)
    async with app.run_test(size=(100, 50)) as pilot:
        await reveal(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)

        console = Console(width=120, record=True, file=io.StringIO())
        console.print(app.screen.query_one("#help-keys").content)
        shown = console.export_text()
        assert "f / B" in shown and "build view: choose a file of the context to edit" in shown


async def test_the_add_dialog_offers_the_scenarios_dockerfile_app(tmp_path):
    app = VmsimApp(load_scenario("dockerfile-app"), paused=True, animate=False, export_dir=tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        assert "shop" in app.catalog.apps
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AddWorkloadScreen) and "shop" in app.screen.catalog.apps


async def test_while_a_question_waits_the_keys_are_hidden_and_do_nothing(tmp_path):
    app = lesson_app(tmp_path, step=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.refresh_view([], charts=True)
        await pilot.pause()
        view = app.main.query_one(BuildView)  # step 1 has no question: the first build is on show, keys and all
        assert keys_shown(app)[:2] == ["f", "B"]
        await pilot.press("right")  # step 2 asks which layers a code change rebuilds: the first build stays
        await pilot.pause()
        assert app.lesson.asking and view.mode == "first"
        assert "f" not in keys_shown(app)
        await pilot.press("B")
        await pilot.pause()
        app.replay_tick(10)
        assert view.replay is None and app.build_edit() == ("", None)  # no answer before the reveal
