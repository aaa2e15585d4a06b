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


def test_a_column_padded_above_a_part_moves_the_parts_below_it_as_far():
    from vmsim.tui.widgets.world_panel import aligned_starts

    left = {"memory": 1, "disk": 5, "cpu": 9, "end": 11}  # a short memory legend, a long disk one
    right = {"memory": 1, "disk": 7, "cpu": 10, "end": 12}
    assert aligned_starts([left, right]) == {"memory": 1, "disk": 7, "cpu": 11, "end": 13}
    assert aligned_starts([left, {"memory": 1, "cpu": 4, "end": 6}]) == {"memory": 1, "disk": 5, "cpu": 9, "end": 11}


@pytest.mark.parametrize(("lesson", "step", "lang"), [("density", 2, "ko"), ("density", 2, "en")])
async def test_a_lesson_step_at_80x24_lines_the_columns_up_below_a_padded_part(tmp_path, lesson, step, lang):
    """density's step 2, watched: the VM column is padded above its disk, which moves its CPU line and list down;
    the others follow (they were a row apart when each part's row was taken unpadded)."""
    app = VmsimApp(load_scenario(lesson), paused=True, animate=False, export_dir=tmp_path, lang=lang, lesson_step=step)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("right")  # the reveal, then a second of the watch
        await pilot.pause()
        app.advance(1.0)
        await pilot.pause()
        await pilot.pause()
        first, second = starts(app)
        shared = [part for part in ("disk", "cpu", "list") if part in first and part in second]
        assert "list" in shared and all(first[p] == second[p] for p in shared), (first, second)


@pytest.mark.parametrize("lang", ["en", "ko"])
async def test_memory_bars_stay_side_by_side_when_one_column_must_fold_its_headline(tmp_path, lang):
    """microvm's step 3 at 80x24: the microVMs' long legend folds its memory headline to two lines; the other
    columns kept three, so their bars sat a row lower. Now every column folds with it."""
    app = VmsimApp(load_scenario("microvm"), paused=True, animate=False, export_dir=tmp_path, lang=lang, lesson_step=3)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        bars = []
        for panel in app.screen.query(HostPanel):
            lines = panel.lines(panel.size.width)
            bars.append(next(y for y, (part, text) in enumerate(lines) if part == "memory" and text.plain[:1] in "█▚"))
        assert len(bars) == 3 and len(set(bars)) == 1, bars
