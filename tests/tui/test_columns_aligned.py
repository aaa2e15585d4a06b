"""Side by side, the worlds' columns put memory, disk, the CPU line and the list on the same rows (as far as each
column has room), so a class compares them line by line."""

from __future__ import annotations

import pytest

from vmsim.scenarios import load_scenario
from vmsim.tui.app import VmsimApp
from vmsim.tui.widgets.instance_list import InstanceList
from vmsim.tui.widgets.world_panel import HostPanel


def starts(app: VmsimApp) -> list[dict[str, int]]:
    """Per column: the screen row where its memory, disk and CPU begin, and where its list does."""
    found = []
    for panel in app.screen.query(HostPanel):
        rows: dict[str, int] = {}
        for y in range(panel.size.height):
            text = panel.row_text(y).strip()
            for part, words in (("memory", ("Memory", "메모리")), ("disk", ("Disk", "디스크")), ("cpu", ("CPU",))):
                if part not in rows and text.startswith(words):
                    rows[part] = panel.region.y + y
        rows["list"] = app.screen.query_one(f"#instances-{panel.kind}", InstanceList).region.y
        found.append(rows)
    return found


@pytest.mark.parametrize(("scenario", "size", "lang"), [
    ("hello", (160, 48), "en"),
    ("hello", (120, 36), "ko"),
    ("web-stack", (160, 48), "ko"),
])  # fmt: skip
async def test_each_part_starts_on_one_row_across_the_columns(tmp_path, scenario, size, lang):
    app = VmsimApp(load_scenario(scenario), paused=True, animate=False, export_dir=tmp_path, lang=lang)
    async with app.run_test(size=size) as pilot:
        app.advance(5.0)
        await pilot.pause()
        await pilot.pause()
        columns = starts(app)
        assert len(columns) >= 2 and all(set(c) == {"memory", "disk", "cpu", "list"} for c in columns), columns
        for part in ("memory", "disk", "cpu", "list"):
            assert len({c[part] for c in columns}) == 1, (part, columns)


async def test_at_80x24_two_columns_align_and_the_list_keeps_its_rows(tmp_path):
    app = VmsimApp(load_scenario("vm-vs-container"), paused=True, animate=False, export_dir=tmp_path, lang="ko")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        vm, container = starts(app)
        assert vm["disk"] == container["disk"] and vm["cpu"] == container["cpu"], (vm, container)
        assert vm["list"] == container["list"]
