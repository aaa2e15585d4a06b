"""The dashboard starts no text selection on a mouse-down: a click as a screen closes started one on a widget already
removed and Textual raised (AttributeError in Screen._forward_event; key-sequence fuzz, seed 3280)."""

from __future__ import annotations

from vmsim.scenarios import load_scenario
from vmsim.tui.app import VmsimApp


async def test_a_mouse_down_on_the_dashboard_starts_no_text_selection():
    app = VmsimApp(load_scenario("hello"), paused=True, animate=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        for offset in ((3, 2), (20, 5), (60, 10), (100, 20)):
            await pilot.mouse_down(offset=offset)
            assert app.screen._select_state is None, offset  # no selection begun under the pointer
            await pilot.mouse_up(offset=offset)
