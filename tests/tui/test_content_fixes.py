"""What the dashboard shows for counts, memory and boot phases, read off the real app's screen."""

from __future__ import annotations

from vmsim.output.words import fmt_mib_compact
from vmsim.scenarios import load_scenario
from vmsim.tui.app import VmsimApp
from vmsim.tui.style import PHASE_STYLES
from vmsim.tui.widgets.status import StatusBar
from vmsim.tui.widgets.world_panel import HostPanel

ONE_CORE = """
name.en = "One core"
seed = 1
duration_s = 30
worlds = ["container"]

[host]
preset = "laptop"
cpu_cores = {cores}

[container]
cached_images = ["nginx"]

[[events]]
at_s = 0
add = "nginx"
count = {count}
"""


def app_for(tmp_path, text: str) -> VmsimApp:
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    return VmsimApp(load_scenario(str(path)), paused=True, animate=False, export_dir=tmp_path / "exports")


def screen_text(app: VmsimApp) -> str:
    """Every row of the status line and the host panels, as drawn."""
    rows = [app.screen.query_one(StatusBar).render().plain]  # type: ignore[union-attr]
    for panel in app.screen.query(HostPanel):
        rows += [panel.row_text(y) for y in range(len(panel.lines(panel.size.width)))]
    return "\n".join(rows)


async def shown(tmp_path, cores: int, count: int, lang: str) -> tuple[str, str]:
    """The status line and host panels, and the images view, of ``count`` containers on ``cores`` cores."""
    app = app_for(tmp_path, ONE_CORE.format(cores=cores, count=count))
    async with app.run_test(size=(120, 40)) as pilot:
        if lang != app.lang:
            await pilot.press("L")
        app.advance(5.0)
        await pilot.pause()
        images = app.screen.lower.show_view("images")  # type: ignore[attr-defined]
        app.advance(0.5)
        await pilot.pause()
        return screen_text(app), images.render().plain  # type: ignore[attr-defined]


async def test_counts_of_one_and_two_take_the_right_noun_in_english(tmp_path):
    one_screen, one_images = await shown(tmp_path, cores=1, count=1, lang="en")
    assert "each world: 1 core," in one_screen and "of 1 core" in one_screen
    assert "1 cores" not in one_screen
    assert "· 1 container\n" in one_images and "1 containers" not in one_images
    # one container: its image's size, not "1 × 154 MiB would be 154 MiB" (a sum of one says nothing)
    assert "One container sees its image's virtual size, 154 MiB" in one_images and "1 × " not in one_images
    two_screen, two_images = await shown(tmp_path, cores=2, count=2, lang="en")
    assert "each world: 2 cores," in two_screen and "of 2 cores" in two_screen
    assert "· 2 containers\n" in two_images and "2 × 153.8 MiB, would be" in two_images


async def test_counts_of_one_and_two_read_in_korean(tmp_path):
    one_screen, one_images = await shown(tmp_path, cores=1, count=1, lang="ko")
    assert "코어 1개" in one_screen and "컨테이너 1개" in one_images
    two_screen, two_images = await shown(tmp_path, cores=2, count=2, lang="ko")
    assert "코어 2개" in two_screen and "컨테이너 2개" in two_images
    assert "containers" not in one_images + two_images


async def test_memory_headline_names_committed_and_in_use_in_both_languages(tmp_path):
    app = VmsimApp(load_scenario("hello"), paused=True, animate=False, export_dir=tmp_path / "exports")
    async with app.run_test(size=(160, 48)) as pilot:
        app.advance(20.0)
        await pilot.pause()
        snap = app.session.sim.snapshot()
        for lang, committed, in_use in (("en", "committed", "in use"), ("ko", "확보", "사용 중")):
            if app.lang != lang:
                await pilot.press("L")
                await pilot.pause()
            for panel in app.screen.query(HostPanel):
                memory = [t.plain for part, t in panel.lines(panel.size.width) if part == "memory"]
                head = " ".join(memory[:2])
                assert f"{committed} " in head and f"{in_use} " in head, (lang, head)
            vm_head = [t.plain for p, t in app.screen.query_one("#world-vm HostPanel").lines(52) if p == "memory"]
            vm = snap.world("vm")
            assert vm.memory_touched_mib < vm.memory.total_mib - 1024  # the VM's untouched reserve ...
            committed_text, in_use_text = fmt_mib_compact(vm.memory.total_mib), fmt_mib_compact(vm.memory_touched_mib)
            assert committed_text != in_use_text  # ... so the two figures differ, and both are on the line
            assert committed_text in vm_head[0] and in_use_text in vm_head[0]


async def test_runtime_daemons_and_shims_are_two_legend_entries(tmp_path):
    app = VmsimApp(load_scenario("hello"), paused=True, animate=False, export_dir=tmp_path / "exports")
    async with app.run_test(size=(200, 50)) as pilot:
        app.advance(5.0)
        await pilot.pause()
        panel = app.screen.query_one("#world-container HostPanel", HostPanel)
        legend = " ".join(t.plain for p, t in panel.lines(panel.size.width) if p == "memory")
        assert "runtime daemons, once per host 110 MiB" in legend
        assert "shims, one per container or microVM 4.0 MiB" in legend
        # The microVM world's shim: the runtime starts one per microVM (firecracker-containerd).
        panel = app.screen.query_one("#world-microvm HostPanel", HostPanel)
        legend = " ".join(t.plain for p, t in panel.lines(panel.size.width) if p == "memory")
        assert "shims, one per container or microVM 8.7 MiB" in legend, legend


def test_every_boot_phase_has_its_own_fill_and_no_bar_repeats_a_colour():
    glyphs = [style.glyph for style in PHASE_STYLES.values()]
    assert len(set(glyphs)) == len(glyphs), "two phases share a fill: they would look alike in monochrome"
    assert PHASE_STYLES["initrd"].colour != PHASE_STYLES["systemd"].colour
    rows = {
        "vm": (
            "download",
            "disk copy",
            "vmm",
            "firmware",
            "bootloader",
            "kernel",
            "initrd",
            "systemd",
            "cloud-init",
            "app",
        ),
        "container": ("pull", "create", "start", "app"),
        "microvm": ("download", "create", "vmm", "kernel", "init", "openrc", "app"),
    }
    for world, phases in rows.items():
        colours = [PHASE_STYLES[p].colour for p in phases if p not in ("init", "openrc")]
        assert len(set(colours)) == len(colours), world


async def test_the_status_line_shows_the_hardware_whole_or_shortened_never_cut():
    """At 80 columns in Korean, a cluster's hardware does not fit: the line says "호스트 10대" rather than end in
    the middle of the long form; at 160 columns the long form is there."""
    for lang, size, whole, short in (
        ("ko", (80, 24), "각 칸: 호스트 10대 × 코어", "호스트 10대"),
        ("en", (80, 24), "each world: 10 hosts of", "10 hosts"),
    ):
        app = VmsimApp(load_scenario("servers-multiply"), paused=True, animate=False, lang=lang)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            bar = app.screen.query_one(StatusBar)
            line = bar.render().plain  # type: ignore[union-attr]
            assert line.rstrip().endswith(short), (lang, line)
            assert whole not in line, (lang, line)
            assert bar.render().cell_len <= size[0]  # type: ignore[union-attr]
            await pilot.resize_terminal(160, 48)
            await pilot.pause()
            wide = bar.render().plain  # type: ignore[union-attr]
            assert whole in wide, (lang, wide)


async def test_a_long_instance_list_spends_no_row_on_a_sideways_scroll_bar(tmp_path):
    # Its lines are cut to its width: a horizontal scroll bar would only take the row of one more instance.
    app = app_for(tmp_path, ONE_CORE.format(cores=8, count=40))
    async with app.run_test(size=(120, 36)) as pilot:
        app.advance(5.0)
        await pilot.pause()
        rows = app.screen.query_one("#instances-container")
        assert len(rows.instances) == 40 and rows.show_vertical_scrollbar
        assert not rows.show_horizontal_scrollbar
        assert rows.scrollable_content_region.height == rows.outer_size.height
        shown = [rows.render_line(y).text for y in range(rows.scrollable_content_region.height)]
        # every row an instance (the list follows the newest; the first row says how many more are above it)
        assert "more ↑" in shown[0] and all("nginx-" in line for line in shown[1:]), shown


async def test_a_frame_where_only_the_clock_moved_repaints_only_the_clocks_cells(tmp_path, monkeypatch):
    app = app_for(tmp_path, ONE_CORE.format(cores=8, count=3))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        bar = app.screen.query_one(StatusBar)
        refreshed: list[tuple[object, ...]] = []
        real = StatusBar.refresh
        monkeypatch.setattr(StatusBar, "refresh", lambda self, *r, **k: refreshed.append(r) or real(self, *r, **k))
        app.advance(1.25)
        await pilot.pause()
        plain = bar.render().plain
        start = plain.index("t = ")
        ((region,),) = refreshed
        assert (region.x, region.y, region.height) == (start, 0, 1)
        assert plain[region.x : region.x + region.width] == "t =    1.25 s "
        refreshed.clear()
        await pilot.press("space")  # running: more than the clock changes
        await pilot.pause()
        assert refreshed and () in refreshed, "the whole line"


async def test_the_disk_legend_says_a_download_is_still_arriving(tmp_path):
    """cold-vs-warm's VM downloads its OS image: the disk holds all 572 MiB from the start, and the legend says
    how much has arrived (wide: in MiB; narrow: a percent), then says nothing once it is there."""
    cases = (((120, 36), "en", "downloaded so far"), ((120, 36), "ko", "내려받음"), ((80, 24), "en", "↓"))
    for size, lang, words in cases:
        app = VmsimApp(load_scenario("cold-vs-warm"), paused=True, animate=False, export_dir=tmp_path, lang=lang)
        async with app.run_test(size=size) as pilot:
            app.advance(5.0)
            await pilot.pause()
            during = screen_text(app)
            app.advance(60.0)
            await pilot.pause()
            after = screen_text(app)
        lines = [row for row in during.splitlines() if words in row]
        assert lines, during
        assert ("572 MiB" in lines[0]) and ("OS" in lines[0]), lines
        assert words not in after
