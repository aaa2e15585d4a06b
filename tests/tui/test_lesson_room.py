"""A lesson step that points at a part of the host panels keeps all of that part on screen, at 80x24 too: what
else the column holds gives way (two-row bars, blank rows, the other parts' legends, the instance list)."""

from __future__ import annotations

import pytest

from vmsim.scenarios import load_scenario, shipped_names
from vmsim.tui.app import VmsimApp
from vmsim.tui.widgets.world_panel import HOST_PARTS, HostPanel, WorldPanel

POINTED = [
    (name, number, step.highlight)
    for name in shipped_names()
    for number, step in enumerate(load_scenario(name).lesson, start=1)
    if step.highlight in HOST_PARTS
]


def test_the_shipped_lessons_point_at_host_parts():
    assert {part for _, _, part in POINTED} == set(HOST_PARTS), POINTED


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize(("name", "number", "part"), POINTED)
async def test_the_part_a_step_points_at_is_whole_on_screen_at_80x24(tmp_path, name, number, part, lang):
    app = VmsimApp(load_scenario(name), animate=False, export_dir=tmp_path, lang=lang, lesson_step=number)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        lesson = app.lesson
        assert lesson is not None
        if lesson.asking:
            await pilot.press("right")  # the answer: the narration is at its longest
            for _ in range(3):  # a watched step: → runs time on to the moment it explains
                if not lesson.watch_end(app.session.now):
                    break
                await pilot.press("right")
            await pilot.pause()
        assert lesson.state.index == number - 1 and lesson.state.revealed
        if app.main.has_class("-lower-max"):
            # The step's own view has the middle of a short screen (image-vs-container's images, whose disk sums
            # are what its disk step asks about): it is on screen, in place of the worlds.
            view = lesson.step.view if lesson.step is not None else None
            assert view is not None and app.main.lower.strip.active == view, (view, app.main.lower.strip.active)
            assert app.main.lower.region.height > 12
            return
        for column in app.screen.query(WorldPanel):
            panel = column.query_one(HostPanel)
            lines = panel.lines(panel.size.width)
            assert panel.region.height == len(lines), (column.kind, panel.region.height, len(lines))
            rows = [y for y, (kind, _) in enumerate(lines) if kind == part]
            assert rows, (column.kind, part, "the part is drawn")
            fit_line = column.region.bottom - 1
            last = panel.region.y + rows[-1]
            assert last < fit_line, (column.kind, part, [text.plain for kind, text in lines if kind == part])
            # ... and the list keeps a row for the instances, whose times the step's narration may quote (ec2-stack
            # step 2: "ready after about 76 s"). A fit line the lesson keeps back is blank and gives the list its row.
            assert panel.world is not None
            meter, shown = column.fit_meter, column.instance_list.region
            end = meter.region.y if meter.display else column.region.bottom
            if panel.world.instances:
                assert min(shown.bottom, end) - shown.y >= 1, (column.kind, shown, meter.display, meter.region)
            assert meter.display == (meter.fit is not None or meter.has_class("-highlight"))


@pytest.mark.parametrize("lang", ["en", "ko"])
async def test_a_list_with_rows_below_it_says_how_many(tmp_path, lang):
    from vmsim.tui.widgets.instance_list import InstanceList

    app = VmsimApp(load_scenario("hello"), paused=True, animate=False, export_dir=tmp_path, lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        app.add_workload("nginx", 19)
        app.advance(30.0)
        await pilot.pause()
        lst = app.screen.query(InstanceList).first()
        lst.cursor = 0  # the top of the list: the rest is below it
        await pilot.pause()
        height = lst.size.height
        assert 2 <= height < 20, height
        rows = ["".join(s.text for s in lst.render_line(y)).strip() for y in range(height)]
        hidden = 20 - (height - 1)
        assert rows[-1] == ("+{n} more ↓" if lang == "en" else "+{n}개 더 ↓").format(n=hidden), rows
        assert not any("↑" in row for row in rows), rows
        assert rows[0].startswith("●") and "nginx-1" in rows[0]
        lst.cursor = 19  # at the bottom nothing is below; the first row says how many are above
        await pilot.pause()
        rows = ["".join(s.text for s in lst.render_line(y)).strip() for y in range(lst.size.height)]
        assert "nginx-20" in rows[-1] and not any("↓" in row for row in rows), rows
        above = 20 - (height - 1)
        assert rows[0] == ("+{n} more ↑" if lang == "en" else "+{n}개 더 ↑").format(n=above), rows
        assert all("nginx-" in row for row in rows[1:]), rows
        app.add_workload("nginx", 1)  # on the newest, the list follows the newest, as a log does
        await pilot.pause()
        assert lst.cursor == 20 and lst.selected is not None and lst.selected.id == "nginx-21"
        lst.cursor = 3  # elsewhere, it stays where it is
        app.add_workload("nginx", 1)
        await pilot.pause()
        assert lst.cursor == 3


def _narration_rows(view, lang: str, width: int) -> int:
    from rich.console import Console

    from vmsim.tui.widgets.lesson_views import narration_text

    return len(narration_text(view, lang).wrap(Console(width=width), width))


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_steps_narration_fits_its_panel_at_80_columns(lang):
    """The narration is at most NARRATION_ROWS rows; a longer one was cut mid-sentence (ec2-stack step 2)."""
    from vmsim.tui.widgets.lesson_views import NARRATION_ROWS, NarrationView

    width = 80 - 2  # its padding
    too_long = []
    for name in shipped_names():
        steps = load_scenario(name).lesson
        for i, step in enumerate(steps):
            title = step.say("title", lang)
            watch = 1234.5 if step.watch_s else None  # the hint with the longest time a lesson shows
            views = [NarrationView(i, len(steps) + 1, title, step.say("text", lang), None, False, watch)]
            if step.ask:
                views.append(NarrationView(i, len(steps) + 1, title, "", step.say("ask", lang), False, watch))
            for view in views:
                rows = _narration_rows(view, lang, width)
                if rows > NARRATION_ROWS:
                    too_long.append((name, i + 1, "ask" if view.question else "text", rows))
    assert not too_long, too_long


async def test_the_narration_panel_holds_narration_rows(tmp_path):
    from vmsim.tui.widgets.lesson_views import NARRATION_ROWS, Narration

    app = VmsimApp(load_scenario("ec2-stack"), animate=False, export_dir=tmp_path, lesson_step=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        narration = app.screen.query_one(Narration)
        assert narration.styles.max_height is not None
        assert narration.styles.max_height.value - 1 == NARRATION_ROWS  # less its top border
        assert _narration_rows(narration.view, "en", narration.size.width) <= narration.size.height


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_an_instance_whose_app_does_not_work_says_so_as_the_hosts_view_does(lang):
    from vmsim.session import Session
    from vmsim.tui.widgets.instance_list import instance_line

    session = Session(load_scenario("servers-multiply"))
    session.lesson_goto(3)  # after step 2: ec2-1 deployed by hand, version 2, and its app does not work
    world = session.snapshot().world("container")
    broken = [i for i in world.instances if i.state == "running" and not i.works]
    fine = [i for i in world.instances if i.state == "running" and i.works]
    assert broken and fine
    line = instance_line(broken[0], session.now, 60, lang).plain
    words = "app not working" if lang == "en" else "앱 동작 안 함"
    assert line.startswith(f"x {broken[0].id}") and f"v{broken[0].version} {words}" in line, line
    assert instance_line(fine[0], session.now, 60, lang).plain.startswith(f"● {fine[0].id}")


async def test_the_hosts_pane_takes_what_it_needs_and_all_the_middle_on_c(tmp_path):
    from vmsim.tui.widgets.hosts_view import HostsView

    app = VmsimApp(load_scenario("hosts"), paused=True, animate=False, export_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        app.advance(30.0)
        app.main.set_view("hosts")
        app.refresh_view([], charts=True)
        await pilot.pause()
        lower = app.main.lower
        view = app.screen.query_one(HostsView)
        wanted = view.rows_wanted()
        assert 0 < wanted < 40 // 2 and lower.region.height <= wanted + 2, (wanted, lower.region.height)
        await pilot.press("c")  # the whole middle at once, not at the next chart refresh
        await pilot.pause()
        assert lower.styles.max_height is None and lower.region.height > 30, lower.region
        await pilot.press("c")
        await pilot.pause()
        assert lower.region.height <= wanted + 2, lower.region


async def test_a_short_column_keeps_what_matters_most_and_uses_its_room(tmp_path):
    # What gave way went in a fixed order and never came back: the VMs' panel at 80x24 shrank to 5 of its 11 rows
    # (no legend, no disk, no CPU). Now the memory's legend is kept first (its headline folded if need be), then
    # the CPU line and the disk, as far as they fit.
    from vmsim.tui.style import MEMORY_STYLES
    from vmsim.tui.widgets.bars import legend_lines
    from vmsim.tui.widgets.world_panel import LIST_ROWS, HostPanel

    app = VmsimApp(load_scenario("microvm"), paused=True, animate=False, export_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        app.add_workload("nginx", 30)
        app.advance(60.0)
        await pilot.pause()
        for panel in app.screen.query(HostPanel):
            lines = panel.lines(panel.size.width)
            room = panel.room(LIST_ROWS)
            assert room is not None and room - 3 <= len(lines) <= room, (panel.kind, len(lines), room)
            memory = [text.plain for part, text in lines if part == "memory"]
            legend = legend_lines(panel.world.memory, MEMORY_STYLES, panel.size.width, "en")
            if 1 + 2 + 1 + len(legend) <= room:  # title, a folded headline, the bar, the legend: it fits, it is kept
                assert any("host OS" in row for row in memory), (panel.kind, memory)


@pytest.mark.parametrize("lang", ["en", "ko"])
async def test_every_list_shows_its_newest_after_a_step_adds_many(tmp_path, lang):
    from vmsim.tui.widgets.instance_list import InstanceList

    app = VmsimApp(load_scenario("microvm"), animate=False, export_dir=tmp_path, lesson_step=4, lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("right")  # twenty more in every world
        for _ in range(3):
            app.advance(2.0)
            await pilot.pause()
        for lst in app.screen.query(InstanceList):
            assert len(lst.instances) == 21 and lst.cursor == 20, (lst.world, lst.cursor)
            last = int(lst.scroll_offset.y) + lst.size.height - 1
            assert last == 20, (lst.world, lst.scroll_offset.y, lst.size.height)  # the newest is the last row shown


async def test_a_one_row_list_says_how_many_it_does_not_show(tmp_path):
    from vmsim.tui.widgets.instance_list import InstanceList

    app = VmsimApp(load_scenario("ec2-stack"), animate=False, export_dir=tmp_path, lesson_step=2)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("right", "right")  # the reveal, at the end of its watching
        await pilot.pause()
        vm = next(lst for lst in app.screen.query(InstanceList) if lst.world == "vm")
        assert vm.size.height == 1 and len(vm.instances) == 3, (vm.size, len(vm.instances))
        row = "".join(s.text for s in vm.render_line(0)).rstrip()
        assert row.endswith(" +2") and "node-web-" in row, row


async def test_a_fit_line_a_question_points_at_holds_a_question_mark_until_the_answer(tmp_path):
    from vmsim.tui.widgets.world_panel import FitMeter

    app = VmsimApp(load_scenario("microvm"), animate=False, export_dir=tmp_path, lesson_step=4)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.lesson is not None and app.lesson.asking
        assert [m.render().plain for m in app.screen.query(FitMeter)] == ["?"] * 3  # not a bare marker
        await pilot.press("right", "right")  # the answer, once watched
        await pilot.pause()
        assert all("python-api" in m.render().plain for m in app.screen.query(FitMeter))


LESSONS = [name for name in shipped_names() if load_scenario(name).lesson]


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("name", LESSONS)
def test_a_summary_at_80_columns_cuts_no_measures_name_and_no_figure(name, lang):
    """The summary's table at 78 cells (80×24 less the border): only a parenthesis's detail may be cut. The
    memory row had read "14.2 GiB / 14.5 G…" in Korean, and "python-api 더 들…" named no measure."""
    from vmsim.output.lesson_summary import summary_rows
    from vmsim.session.summary import lesson_summary, run_lesson
    from vmsim.tui.widgets.lesson_views import _column_widths

    rows = summary_rows(lesson_summary(run_lesson(load_scenario(name))), lang)
    widths, _gap = _column_widths(rows, 78)
    assert widths[0] == max(len_cells(row[0]) for row in rows), (widths, rows)
    for row in rows[1:]:
        for cell, width in zip(row[1:], widths[1:], strict=True):
            whole = cell.split(" (")[0]  # "7 (14 still starting)": the 7 is the figure, the rest its detail
            assert len_cells(whole) <= width, (cell, width)


def len_cells(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


@pytest.mark.parametrize("lang", ["en", "ko"])
async def test_the_drift_builds_verdicts_are_whole_on_screen_at_80x24(tmp_path, lang):
    """ec2-drift step 5's answer is the two verdicts under the builds: at 80x24 in Korean the ✓ line had
    fallen below the screen and the ✗ line was cut mid-sentence."""
    from vmsim.text import tr

    spec = load_scenario("ec2-drift")
    number = next(n for n, step in enumerate(spec.lesson, start=1) if step.view == "drift-build")
    app = VmsimApp(spec, animate=False, export_dir=tmp_path, lang=lang, lesson_step=number)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("right")
        await pilot.pause()
        lines = [strip.text for strip in app.screen._compositor.render_strips()]
        moved = tr("drift.tag_moved", lang, tag="node:20-slim")
        assert any(line.strip() == f"✗ {moved}" for line in lines), lines
        assert any(line.strip() == "✓ " + tr("drift.same_bytes", lang) for line in lines), lines


@pytest.mark.parametrize(("lang", "width"), [("en", 80), ("ko", 80), ("en", 124), ("ko", 112)])
async def test_the_compared_builds_pulls_are_whole_on_narrow_screens(tmp_path, lang, width):
    """build-and-ship's comparison: the well-ordered build's line had been cut at 80 columns mid-figure
    ("each server p…", "서버마다 내려받기 6.…"), the kilobytes half of the step's point."""
    spec = load_scenario("build-and-ship")
    number = next(n for n, step in enumerate(spec.lesson, start=1) if step.view == "build-compare")
    app = VmsimApp(spec, animate=False, export_dir=tmp_path, lang=lang, lesson_step=number)
    async with app.run_test(size=(width, 24)) as pilot:  # (124 and 112: one cell short of one line)
        await pilot.pause()
        await pilot.press("right")
        await pilot.pause()
        lines = [strip.text.rstrip() for strip in app.screen._compositor.render_strips()]
        pulls = [line for line in lines if "KiB" in line and ("10 servers" in line or "서버 10대" in line)]
        assert pulls and not any(line.endswith("…") for line in pulls), lines


@pytest.mark.parametrize("lang", ["en", "ko"])
async def test_the_fit_lines_side_by_side_use_the_same_words_at_80x24(tmp_path, lang):
    """vm-vs-container's last step says the line names what runs out first: at 80x24 one column read
    "room for 4 more nginx · limit: memory" beside "+1,020 nginx · bridge". When one column needs the short
    form, every column takes it."""
    from vmsim.text import tr

    spec = load_scenario("vm-vs-container")
    app = VmsimApp(spec, animate=False, export_dir=tmp_path, lang=lang, lesson_step=len(spec.lesson))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        texts = [str(panel.fit_meter.render()) for panel in app.main.panels.values()]
        assert all(texts), texts
        short = tr("fit.room_short", lang, n="@", app="nginx").split("@")[0]
        assert all(text.startswith(short) for text in texts), texts
    wide = VmsimApp(spec, animate=False, export_dir=tmp_path, lang=lang, lesson_step=len(spec.lesson))
    async with wide.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        texts = [str(panel.fit_meter.render()) for panel in wide.main.panels.values()]
        long = tr("fit.room", lang, n="@", app="nginx").split("@")[0]
        assert all(text.startswith(long) for text in texts), texts


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_ready_times_fit_their_rows_and_count_the_rest(lang):
    """The images view's ready times: at most two rows, none wider than the view, and every container either
    listed or counted in "+N more" (a last row once ran past the view's edge with its count)."""
    import re

    from rich.cells import cell_len

    from vmsim.tui.widgets.lesson_views import READY_LINES, _ready_line

    names = tuple(f"python-api-{n}" for n in range(1, 1001))
    ready: dict[str, float | None] = {name: 0.35 for name in names}
    ready[names[-1]] = None
    for count in (1, 3, 11, 1000):
        for width in range(30, 201, 7):
            out = _ready_line(names[:count], ready, lang, width).rstrip("\n").split("\n")
            assert len(out) <= READY_LINES
            assert all(cell_len(line) <= width for line in out) or width < 40, (width, out)
            listed = sum(line.count("python-api-") for line in out)
            more = re.search(r"\+(\d+) more|외 (\d+)개", out[-1])
            rest = int(next(g for g in more.groups() if g)) if more else 0
            assert listed + rest == count, (count, width, out)


async def test_an_unbounded_room_names_no_limit_even_beside_short_lines(tmp_path):
    """A room nothing limits reads 'room for N more' in every form: beside a column that takes the short
    form it must not gain a limit it does not have."""
    from vmsim.engine.admission import FitResult

    app = VmsimApp(load_scenario("hello"), animate=False, export_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        meter = next(iter(app.main.panels.values())).fit_meter
        meter.fit = ("nginx", FitResult(10**9, "memory", ()))
        meter.short = True
        assert "·" not in str(meter.render()) and "1,000,000,000" in str(meter.render())
        meter.fit = ("nginx", FitResult(6, "memory", ()))
        assert str(meter.render()).endswith("· memory")


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_refusal_in_a_narrow_column_says_what_ran_out_rather_than_a_cut_figure(lang):
    # density at 80x24 listed "✗ node-web-108 refused: 302 MiB fre…": the figure cut where it mattered.
    from rich.cells import cell_len

    from vmsim.session import Session
    from vmsim.text import tr
    from vmsim.tui.widgets.instance_list import instance_line

    session = Session(load_scenario("density"))
    session.lesson_goto(4)  # after step 3: the VMs refused for memory
    refused = [i for i in session.snapshot().world("vm").instances if i.state == "failed"]
    assert refused
    inst = refused[-1]
    wide = instance_line(inst, session.now, 100, lang).plain
    assert "…" not in wide and any(ch.isdigit() for ch in wide.split(inst.id)[1]), wide  # the figures, in full
    narrow = instance_line(inst, session.now, 37, lang).plain
    words = tr("reason.refused_prefix", lang, reason=tr("limit.memory", lang))
    assert narrow.rstrip().endswith(words) and "…" not in narrow and cell_len(narrow) <= 37, narrow
    # Three worlds at 80 columns (microvm): not even "refused: memory" fits; the red ✗ says refused, the word
    # what ran out ("✗ python-api-19 refus…" said neither).
    narrower = instance_line(inst, session.now, cell_len(narrow) - 3, lang).plain
    assert narrower.rstrip().endswith(tr("limit.memory", lang)) and "…" not in narrower, narrower


def test_a_short_narrow_memory_headline_keeps_its_figure_whole():
    # microvm at 80x24, three worlds: the VM column read "Memory committed 15.7 …", the figure cut.
    from vmsim.engine.snapshot import Ledger
    from vmsim.tui.widgets.bars import memory_headline

    ledger = Ledger(16076.8, 16384.0, (("host_os", 1536.0),))
    lines = [t.plain for t in memory_headline("Memory", ledger, 4710.4, 23, "en", compact=True)]
    assert lines == ["Committed 15.7 GiB", " in use 4.6 GiB"], lines
    wide = [t.plain for t in memory_headline("Memory", ledger, 4710.4, 30, "en", compact=True)]
    assert wide[0] == "Memory committed 15.7 GiB"  # where it fits, the title stays


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_stop_in_a_narrow_column_says_what_stopped_it_in_a_few_words(lang):
    # isolation at 80x24 listed "☠ node-web-4 killed: its host hos…"; the log keeps the whole reason.
    from rich.cells import cell_len

    from vmsim.session import Session
    from vmsim.text import tr
    from vmsim.tui.widgets.instance_list import instance_line

    session = Session(load_scenario("isolation"))
    session.lesson_goto(len(session.spec.lesson))  # every fault has happened
    killed = [i for w in session.snapshot().worlds for i in w.instances if i.state == "killed"]
    down = next(i for i in killed if i.reason is not None and i.reason.code == "reason.host_went_down")
    wide = instance_line(down, session.now, 100, lang).plain
    assert "host-a" in wide and "…" not in wide, wide
    narrow = instance_line(down, session.now, 37, lang).plain  # a world's column, two worlds at 80
    assert narrow.rstrip().endswith(tr("short.host_down", lang)) and "…" not in narrow, narrow
    assert cell_len(narrow) <= 37


def test_the_stack_draws_a_stopped_instance_by_its_state_not_as_exposed():
    # After isolation's faults a killed container that a break-out had reached showed '!' (a live one's mark).
    from vmsim.session import Session
    from vmsim.tui.style import STATE_STYLES
    from vmsim.tui.widgets.stack_view import stack_rows

    session = Session(load_scenario("isolation"))
    session.lesson_goto(len(session.spec.lesson))
    snap = session.snapshot()
    world = snap.world("container")
    gone = next(i for i in world.instances if i.exposed and i.state not in ("pending", "booting", "running"))
    host = next(h for h in world.hosts if h.name == gone.host)
    top = stack_rows("container", gone, host.memory, snap, "en")[0]
    assert top.label == f"{STATE_STYLES[gone.state][0]} {gone.id}", top


LISTED = [
    (name, number)
    for name in shipped_names()
    for number, step in enumerate(load_scenario(name).lesson, start=1)
    if step.highlight == "instances"
]


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize(("name", "number"), LISTED)
async def test_a_step_pointing_at_the_lists_gives_them_the_rows_at_80x24(tmp_path, name, number, lang):
    """isolation's step 1 points at the lists: each showed 2 or 3 of its 6 while memory's legend kept its rows."""
    from vmsim.tui.widgets.instance_list import InstanceList

    app = VmsimApp(load_scenario(name), paused=True, animate=False, export_dir=tmp_path, lang=lang, lesson_step=number)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("right")  # the reveal (or the step's action), then a little of its watch
        await pilot.pause()
        app.advance(2.0)
        await pilot.pause()
        await pilot.pause()
        for lst in app.screen.query(InstanceList):
            assert lst.has_class("-highlight")
            wanted = min(len(lst.instances), 10)
            assert lst.size.height >= wanted, (lst.id, lst.size.height, len(lst.instances))
