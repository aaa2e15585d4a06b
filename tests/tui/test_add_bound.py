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
