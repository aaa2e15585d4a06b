"""The dashboard's add stops at a world's bound on instances (a served tab could otherwise add 1,000 at a time
until its memory cap killed it) and says how many more fit."""

from __future__ import annotations

from vmsim.scenarios import load_scenario
from vmsim.scenarios.schema import MAX_INSTANCES
from vmsim.tui.app import VmsimApp


async def test_adding_past_the_bound_adds_nothing_and_says_why(tmp_path):
    app = VmsimApp(load_scenario("hello"), paused=True, animate=False, export_dir=tmp_path, lang="en")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        before = app.session.state().world("vm").instances
        app.add_workload("nginx", MAX_INSTANCES)
        await pilot.pause()
        assert app.session.state().world("vm").instances == before
        notes = [n.message for n in app._notifications]
        said = f"stops at {MAX_INSTANCES:,} added in all: room for {MAX_INSTANCES - len(before):,} more"
        assert any(said in m for m in notes), notes


async def test_a_paste_too_long_for_the_count_is_refused_with_a_message_not_dropped(tmp_path):
    """Pasting 400 digits left the field as it was without a word; Enter then added the 1 still there."""
    from textual import events

    from vmsim.tui.screens.dialogs import AddWorkloadScreen, DialogError

    app = VmsimApp(load_scenario("hello"), paused=True, animate=False, export_dir=tmp_path, lang="en")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AddWorkloadScreen)
        field = app.screen.query_one("#count")
        field.focus()
        field.post_message(events.Paste("9" * 400))
        await pilot.pause()
        error = str(app.screen.query_one(DialogError).render())
        assert field.value == "1" and "How many must be a whole number from 1 to 1,000." in error
        field.value, field.cursor_position = "", 0
        field.post_message(events.Paste("12"))  # one that fits is pasted as before
        await pilot.pause()
        assert field.value == "12"
