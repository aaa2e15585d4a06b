"""Every shipped lesson, run start to finish through the real app with → and ←, checking the simulation."""

from __future__ import annotations

import re

import pytest

from vmsim.engine.catalog import default_catalog
from vmsim.scenarios import load_scenario
from vmsim.tui.app import VmsimApp
from vmsim.tui.widgets.drift_view import DriftView
from vmsim.tui.widgets.lesson_views import Narration, SummaryView

LESSONS = ["vm-vs-container", "image-vs-container", "ec2-drift", "density", "microvm", "build-and-ship"]


def make_app(tmp_path, name: str, lang: str = "en") -> VmsimApp:
    return VmsimApp(load_scenario(name), paused=True, animate=False, export_dir=tmp_path, lang=lang)


def counts(app: VmsimApp) -> dict[str, int]:
    return {w.name: len(w.instances) for w in app.session.sim.snapshot().worlds}


def world(app: VmsimApp, name: str):
    return app.session.sim.snapshot().world(name)


async def walk(app: VmsimApp, pilot, check=None) -> None:
    """Press → through the whole lesson; questions hold their action back until revealed."""
    lesson = app.lesson
    assert lesson is not None
    while not lesson.finished:
        before = counts(app)
        await pilot.press("right")
        await pilot.pause()
        step = lesson.step
        if step is None:  # the summary that ends every lesson: it acts on nothing
            assert lesson.at_summary and counts(app) == before
            break
        added = sum(a.args[1] for a in step.actions if a.verb == "add_workload") if lesson.state.revealed else 0
        after = counts(app)
        assert all(after[w] == before.get(w, 0) + added for w in after), (lesson.state, before, after)
        narration = app.screen.query_one(Narration)
        assert narration.view is not None and narration.view.step == lesson.state.index
        if lesson.asking:
            assert narration.view.question == step.say("ask", app.lang)
            continue
        assert narration.view.text == step.say("text", app.lang)
        app.advance(step.watch_s)
        await pilot.pause()
        app.session.sim.check_invariants()
        if check is not None:
            check(lesson.state.index, app)
    narration = app.screen.query_one(Narration).view
    assert narration.finished and narration.step == len(lesson.steps) == lesson.total - 1
    assert app.paused, "the summary holds time still"
    assert app.screen.query_one(SummaryView).display


@pytest.mark.parametrize("name", LESSONS)
async def test_every_lesson_runs_start_to_finish(tmp_path, name):
    app = make_app(tmp_path, name)
    async with app.run_test(size=(140, 44)) as pilot:
        await walk(app, pilot)
        # Past the end, → changes nothing.
        state = app.lesson.state
        await pilot.press("right")
        assert app.lesson.state == state


async def test_vm_vs_container_shows_the_boot_gap_and_the_memory_cost(tmp_path):
    cat = default_catalog()
    qemu = cat.hypervisors["qemu-kvm"].overhead_mib.value

    def check(index: int, app: VmsimApp) -> None:
        if index == 1:
            vm, ct = world(app, "vm").instances[0], world(app, "container").instances[0]
            assert ct.state == "running" and ct.boot_s < 1.0
            assert vm.state == "running" and vm.boot_s > 5.0
        if index == 4:
            vm_world = world(app, "vm")
            assert vm_world.count("running") == 3
            assert vm_world.memory.get("hypervisor") == pytest.approx(3 * qemu)
            assert world(app, "container").memory.get("shared_pages") == pytest.approx(cat.apps["nginx"].file_mib.value)

    app = make_app(tmp_path, "vm-vs-container")
    async with app.run_test(size=(140, 44)) as pilot:
        await walk(app, pilot, check)


async def test_image_vs_container_stores_each_layer_once(tmp_path):
    cat = default_catalog()
    nginx = cat.images["nginx"].size_mib
    writable = cat.runtimes["containerd"].writable_layer_mib.value

    def check(index: int, app: VmsimApp) -> None:
        disk = world(app, "container").disk
        if index == 1:
            assert disk.get("image_layers") == pytest.approx(nginx)
            assert world(app, "container").instances[0].phases[0].name == "pull"
        if index == 2:
            assert disk.get("image_layers") == pytest.approx(nginx), "no second copy of the image"
            assert disk.get("writable_layers") == pytest.approx(4 * writable)
            assert all(p.name != "pull" for i in world(app, "container").instances[1:] for p in i.phases)
        if index == 4:
            added = sum(layer.size_mib for layer in cat.images["python-api"].app_layers)
            assert disk.get("image_layers") == pytest.approx(nginx + added), "the Debian base is reused"

    app = make_app(tmp_path, "image-vs-container")
    async with app.run_test(size=(140, 44)) as pilot:
        await walk(app, pilot, check)


async def test_ec2_drift_shows_manual_servers_differ_and_the_image_does_not(tmp_path):
    app = make_app(tmp_path, "ec2-drift")
    async with app.run_test(size=(140, 44)) as pilot:
        drift = app.screen.query_one(DriftView)
        assert drift.mode == "setup" and app.paused, "opens paused on the setup"
        await pilot.press("right")  # the time-lapse plays
        await pilot.pause()
        assert not app.paused
        typed = []
        for _ in range(4):
            app.advance(1.0)
            app.refresh_view([], charts=True)
            await pilot.pause()
            typed.append(drift.typed)
        assert typed == sorted(typed) and typed[0] < typed[-1], "the commands go in over time"
        await pilot.press("right")  # the time-lapse is watched to its end first
        await pilot.pause()
        assert app.lesson.number == 2 and app.lesson.watch_end(app.session.now) is None
        await pilot.press("right")  # the question: what each server got is still hidden
        await pilot.pause()
        app.refresh_view([], charts=True)
        await pilot.pause()
        assert app.lesson.asking and drift.mode == "setup" and drift.typed is None
        text = drift.render().plain
        assert "ec2-b" in text and "12.22.9" not in text and "FAILS" not in text
        await pilot.press("right")  # reveal
        await pilot.pause()
        app.refresh_view([], charts=True)
        await pilot.pause()
        assert drift.mode == "manual"
        assert [d.works for d in drift.manual] == [True, False, False]
        text = drift.render().plain
        assert "FAILS" in text and "12.22.9" in text and "fmt-date 2.4.0" in text
        await pilot.press("right", "right", "right")  # a word, the question about building, its reveal
        await pilot.pause()
        app.refresh_view([], charts=True)
        await pilot.pause()
        assert drift.mode == "build"
        assert len({b.digest for b in drift.built_here}) == 2, "the tag moved between builds"
        assert len({b.digest for b in drift.shipped}) == 1, "one image, one digest"
        await walk(app, pilot)
        assert all(d.works for d in drift.image)
        assert len({d.fingerprint() for d in drift.image}) == 1
        assert world(app, "container").instances[0].state == "running"


async def test_density_refuses_vms_past_seven(tmp_path):
    def check(index: int, app: VmsimApp) -> None:
        if index == 2:
            vm = world(app, "vm")
            assert vm.count("running") == 7 and vm.count("failed") == 2
            assert world(app, "container").count("running") == 9

    app = make_app(tmp_path, "density")
    async with app.run_test(size=(140, 44)) as pilot:
        await walk(app, pilot, check)


async def test_back_returns_the_simulation_to_the_earlier_step(tmp_path):
    app = make_app(tmp_path, "vm-vs-container")
    async with app.run_test(size=(140, 44)) as pilot:
        await pilot.press("right", "right")  # the question, its reveal (adds nginx-1)
        app.advance(30.0)
        await pilot.pause()
        assert counts(app) == {"vm": 1, "container": 1}
        await pilot.press("left")  # back to the question: nothing added yet
        await pilot.pause()
        assert app.lesson.asking
        assert counts(app) == {"vm": 0, "container": 0}
        assert app.session.now == pytest.approx(0.0)
        await pilot.press("right")
        await pilot.pause()
        assert counts(app) == {"vm": 1, "container": 1}


async def test_lesson_keys_do_nothing_without_a_lesson(tmp_path):
    app = make_app(tmp_path, "hello")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("right", "right", "l")
        assert app.lesson is None
        assert counts(app) == {"vm": 1, "container": 1, "microvm": 1}
        assert not any(panel.display for panel in app.screen.query(Narration))


async def test_narration_toggle_and_korean(tmp_path):
    app = make_app(tmp_path, "vm-vs-container", lang="ko")
    async with app.run_test(size=(140, 44)) as pilot:
        await pilot.pause()
        narration = app.screen.query_one(Narration)
        assert narration.display
        assert "노트북" in narration.render().plain
        await pilot.press("l")
        assert not narration.display
        await pilot.press("l")
        assert narration.display
        await pilot.press("L")  # live switch to English
        await pilot.pause()
        assert app.lang == "en"
        assert "laptop" in narration.render().plain


async def test_r_goes_back_to_step_one_paused_with_its_narration(tmp_path):
    app = make_app(tmp_path, "vm-vs-container")
    async with app.run_test(size=(140, 44)) as pilot:
        # the question, its reveal, the rest of the 30 s it is watched for, then step 3
        await pilot.press("right", "right", "right", "right")
        app.advance(30.0)
        await pilot.pause()
        assert app.lesson.state.index == 2 and counts(app) == {"vm": 1, "container": 1}
        await pilot.press("r")
        await pilot.pause()
        narration = app.screen.query_one(Narration).view
        assert app.lesson.state.index == 0 and narration.step == 0
        assert narration.title == app.lesson.steps[0].say("title", "en")
        assert app.paused and app.session.now == 0.0 and counts(app) == {"vm": 0, "container": 0}
        await pilot.press("right")  # and the lesson goes on from there
        await pilot.pause()
        assert app.lesson.asking and app.lesson.state.index == 1


@pytest.mark.parametrize("name", LESSONS)
@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_every_step_opens_with_step_n_in_both_languages(tmp_path, name, size):
    """--step N for every N: opens paused on that step (a question unanswered), renders without error."""
    total = len(load_scenario(name).lesson) + 1
    for number in range(1, total + 1):
        for lang in ("en", "ko"):
            app = VmsimApp(load_scenario(name), animate=False, export_dir=tmp_path, lang=lang, lesson_step=number)
            async with app.run_test(size=size) as pilot:
                await pilot.pause()
                app.refresh_view([], charts=True)
                await pilot.pause()
                narration = app.screen.query_one(Narration).view
                assert narration.step == number - 1 and app.paused
                step = app.lesson.step
                assert (narration.question is not None) == bool(step is not None and step.ask)


async def test_build_and_ship_shows_the_cache_and_the_bytes_each_server_pulls(tmp_path):
    from vmsim.tui.widgets.build_view import BuildView

    app = make_app(tmp_path, "build-and-ship")
    async with app.run_test(size=(140, 44)) as pilot:
        app.refresh_view([], charts=True)
        await pilot.pause()
        view = app.screen.query_one(BuildView)
        story = view.story
        assert view.mode == "first" and story is not None
        assert {layer.cache for layer in story.first.layers} == {"miss"}, "a first build builds every layer"
        await pilot.press("right", "right")  # the question about one changed line, then its reveal
        await pilot.pause()
        assert view.mode == "change"
        assert [layer.cache for layer in story.change.layers][-1] == "miss"
        assert all(layer.cache == "hit" for layer in story.change.layers[:-1]), "only COPY . . is rebuilt"
        await pilot.press("right", "right")
        await pilot.pause()
        assert view.mode == "compare" and story.compare is not None
        npm = next(layer for layer in story.compare.layers if "npm ci" in layer.instruction)
        assert npm.cache == "miss", "copying the code first reinstalls the dependencies"
        assert story.compare.pull_mib > 100 * story.change.pull_mib
        text = view.render().plain
        assert "node-bad/Dockerfile" in text and "10 servers" in text


def test_a_build_table_naming_a_missing_dockerfile_is_refused(tmp_path):
    from vmsim.scenarios import ScenarioError

    path = tmp_path / "lesson.toml"
    path.write_text('name = "x"\n[build]\ndockerfile = "nope/Dockerfile"\nservers = 0\n', encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(str(path))
    text = caught.value.text("en")
    assert "build.dockerfile" in text and "no such file" in text and "build.servers" in text


async def test_arrows_on_the_focused_tabs_switch_tabs_and_never_move_the_lesson(tmp_path):
    # A teacher who tabs to the views below to show the log, then presses → , must not reveal the answer.
    from vmsim.tui.widgets.lower_pane import LowerPane, TabStrip

    app = make_app(tmp_path, "servers-multiply")
    async with app.run_test(size=(120, 40)) as pilot:
        lesson = app.lesson
        assert lesson is not None
        for _ in range(10):
            if lesson.asking:
                break
            await pilot.press("right")
            await pilot.pause()
        assert lesson.asking
        state = lesson.state
        strip = app.screen.query_one(TabStrip)
        for _ in range(10):
            if app.focused is strip:
                break
            await pilot.press("tab")
            await pilot.pause()
        assert app.focused is strip, app.focused
        shown = app.screen.query_one(LowerPane).active
        await pilot.press("right")
        await pilot.pause()
        assert lesson.state == state and lesson.asking, "→ on the tabs moved the lesson"
        assert app.screen.query_one(LowerPane).active != shown, "→ on the tabs did not switch the tab"
        await pilot.press("left")
        await pilot.pause()
        assert lesson.state == state and app.screen.query_one(LowerPane).active == shown
        # Off the tabs, → reveals as before.
        await pilot.press("tab")
        await pilot.pause()
        assert app.focused is not strip
        await pilot.press("right")
        await pilot.pause()
        assert lesson.state.revealed


async def test_the_images_view_keeps_the_disk_sums_back_while_a_question_waits(tmp_path):
    # Step 3 asks how much more disk three more containers use: the view's sums (a writable layer per container)
    # would answer it. After the answer, a second image's containers are counted at their own virtual size.
    from vmsim.tui.widgets.lesson_views import ImageExplorer

    app = make_app(tmp_path, "image-vs-container")
    async with app.run_test(size=(120, 40)) as pilot:
        lesson = app.lesson
        assert lesson is not None

        async def sums() -> str:
            await pilot.pause()
            app.advance(0)
            await pilot.pause()
            return str(app.screen.query_one(ImageExplorer).render())

        for _ in range(12):
            await pilot.press("right")
            if lesson.asking and "disk" in lesson.step.say("ask", "en"):
                break
            if not lesson.asking and lesson.step is not None:
                app.advance(lesson.step.watch_s)
        assert lesson.asking and "disk" in lesson.step.say("ask", "en")
        text = await sums()
        assert "nginx" in text and "writable layer" not in text and "would be" not in text
        assert "ready after" not in text, "the question asks how long they take"
        await pilot.press("right")  # the answer
        app.advance(lesson.step.watch_s)
        text = await sums()
        assert "writable layer" in text and "4 × " in text
        # The times the answer quotes are on screen, and the sum multiplies out (4 × 154 is not 615).
        times = [float(t) for t in re.findall(r"nginx-\d+ (\d+\.\d+) s", text)]
        assert len(times) == 4 and sorted(times)[0] < 0.5 < sorted(times)[-1], text
        factor, total = re.search(r"4 × ([\d.]+) MiB, would be ([\d,]+) MiB", text).groups()
        assert round(4 * float(factor)) == int(total.replace(",", "")), text
        for _ in range(6):  # on to the second image
            await pilot.press("right")
            if lesson.step is not None and not lesson.asking:
                app.advance(lesson.step.watch_s)
            if len(app.session.images()) > 1 and not lesson.asking:
                break
        text = await sums()
        products = text.split("virtual size, ")[1].split(", would be")[0].split(" + ")
        assert len(products) == 2 and products[0] != products[1], text  # "4 × 154 MiB + 1 × 139 MiB", no average
        # The base both images share is drawn the same length under each (one scale, not one per image).
        bars = [line.count("█") for line in text.splitlines() if line.strip().startswith("debian-trixie-slim")]
        assert len(bars) == 2 and bars[0] == bars[1] > 0, text


def test_a_narrow_summary_cuts_the_widest_figures_before_any_measures_name():
    # At 80 columns a lesson left early had "Quickes…" and two rows of "Memory …": names said nothing.
    from vmsim.tui.widgets.lesson_views import MIN_FIGURE, _column_widths

    rows = (
        ("", "Virtual machines", "Containers"),
        ("Running", "1 (6 still starting, and one more long detail)", "1 (108 still starting)"),
        ("Memory committed", "14.2 GiB / 16.0 GiB", "174 MiB / 16.0 GiB"),
        ("Memory in use", "672 MiB", "174 MiB"),
    )
    widths, gap = _column_widths(rows, 78)
    assert widths[0] == len("Memory committed") and sum(widths) + gap * 2 <= 78
    assert widths[1] < len(rows[1][1]) and widths[2] == len(rows[1][2])  # only the widest figure gave room
    # Three worlds at 80 columns: the one long figure ("7 (14 still starting)") levels with the next widest
    # column before a measure's name gives its tail ("Memory for worklo…" had said less than "…or kil…").
    three = (
        ("", "Virtual machines", "Containers", "MicroVMs"),
        ("Running", "7 (14 still starting here)", "21", "21"),
        ("Memory for workloads", "14.5 GiB", "14.5 GiB", "14.5 GiB"),
        ("Fit more python-api", "0 more (memory)", "648 more (memory)", "34 more (memory)"),
    )
    widths, gap = _column_widths(three, 78)
    assert widths[0] == len("Memory for workloads") and sum(widths) + gap * 3 <= 78
    assert len("648 more (memory)") <= widths[1] < len(three[1][1])
    # One world, far too narrow: figures stop at MIN_FIGURE, then the names give the rest.
    one = tuple(row[:2] for row in rows)
    widths, gap = _column_widths(one, 30)
    assert widths[1] == MIN_FIGURE and widths[0] + gap + widths[1] <= 30


async def test_an_answer_waits_for_what_it_explains_and_right_skips_to_it(tmp_path):
    """The class watches a step happen; its explanation, told in the past tense, comes when the watching ends,
    or when → runs time on to that moment, and only the press after that moves to the next step."""
    app = VmsimApp(load_scenario("servers-multiply"), animate=False, export_dir=tmp_path, lesson_step=2)
    async with app.run_test(size=(120, 40)) as pilot:
        lesson = app.lesson
        assert lesson is not None and lesson.asking
        step = lesson.step
        assert step is not None
        await pilot.press("right")
        await pilot.pause()
        narration = app.screen.query_one(Narration)
        end = lesson.watch_end(app.session.now)
        assert end is not None
        shown = narration.render().plain
        assert step.say("ask", "en") in shown and "Watch it happen" in shown
        assert f"{end:.2f}" not in shown, "when the watching ends would say how long the deploy takes"
        assert step.say("text", "en")[:40] not in shown, "the explanation came before what it explains"
        app.advance(step.watch_s / 2)
        await pilot.pause()
        assert "Watch it happen" in narration.render().plain
        await pilot.press("right")
        await pilot.pause()
        assert lesson.number == 2 and app.session.now == pytest.approx(end)
        shown = narration.render().plain
        assert step.say("text", "en")[:40] in shown and "Watch it happen" not in shown
        await pilot.press("right")
        await pilot.pause()
        assert lesson.number == 3


async def test_the_explanation_comes_by_itself_when_the_watching_ends(tmp_path):
    app = VmsimApp(load_scenario("microvm"), animate=False, export_dir=tmp_path, lesson_step=2)
    async with app.run_test(size=(120, 40)) as pilot:
        lesson = app.lesson
        assert lesson is not None and lesson.asking
        await pilot.press("right")
        await pilot.pause()
        step = lesson.step
        assert step is not None and step.watch_s > 0
        narration = app.screen.query_one(Narration)
        assert "Watch it happen" in narration.render().plain
        app.advance(step.watch_s + 0.5)
        await pilot.pause()
        assert lesson.number == 2 and step.say("text", "en")[:40] in narration.render().plain


async def test_a_click_on_a_tab_leaves_the_arrows_to_the_lesson(tmp_path):
    from vmsim.tui.widgets.lower_pane import LowerPane, TabStrip

    app = make_app(tmp_path, "image-vs-container")
    async with app.run_test(size=(160, 48)) as pilot:
        lesson = app.lesson
        assert lesson is not None and lesson.number == 1
        strip = app.screen.query_one(TabStrip)
        await pilot.pause()
        start, _end, view = next(span for span in strip.spans if span[2] == "memory")
        await pilot.click(TabStrip, offset=(start + 1, 0))
        await pilot.pause()
        assert app.screen.query_one(LowerPane).active == view
        assert app.focused is not strip, "the click kept the arrow keys on the tabs"
        await pilot.press("right")
        await pilot.pause()
        assert lesson.number == 2, "→ after a click on a tab did not move the lesson"


async def test_restarting_a_lesson_starts_it_at_normal_speed(tmp_path):
    app = make_app(tmp_path, "servers-multiply")
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(4):
            await pilot.press("plus")
        await pilot.pause()
        assert app.speed > 1
        await pilot.press("r")
        await pilot.pause()
        assert app.speed == 1.0 and app.session.speed == 1.0 and app.paused


@pytest.mark.parametrize("name", ["image-vs-container", "density", "build-and-ship"])
async def test_the_key_line_at_80_columns_names_the_lesson_keys_whatever_has_the_focus(tmp_path, name):
    """With nothing focused the bindings put ← → last, and an 80-column key line dropped them."""
    from vmsim.tui.widgets.key_bar import KeyBar

    app = make_app(tmp_path, name)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.set_focus(None)
        await pilot.pause()
        line = app.screen.query_one(KeyBar).render().plain
        assert line.lstrip().startswith(("← Back", "f ")) and "→ Next" in line, line
        # ... then pausing and the speed, before adding or removing workloads (a lesson adds its own)
        assert " a Add" not in line, line
        if line.lstrip().startswith("← Back"):  # (the build view's own keys take that room)
            assert "space Pause/run" in line and "+ Faster" in line, line


async def test_a_layer_being_pulled_fills_its_bar_as_it_arrives(tmp_path):
    # The images view drew every layer's bar full while "pulling": nothing moved until the pull was done.
    from vmsim.tui.widgets.lesson_views import ImageExplorer

    app = make_app(tmp_path, "image-vs-container")
    async with app.run_test(size=(120, 40)) as pilot:
        app.add_workload("nginx", 1)
        app.main.set_view("images")

        async def layer_rows() -> list[str]:
            app.refresh_view([], charts=True)
            await pilot.pause()
            text = str(app.screen.query_one(ImageExplorer).render())
            return [line for line in text.splitlines() if "MiB" in line and ("pulling" in line or "stored" in line)]

        app.advance(1.0)
        early = await layer_rows()
        app.advance(2.0)
        later = await layer_rows()
        assert early and all("pulling" in row for row in early), early
        for before, after in zip(early, later, strict=True):
            width = before.count("█") + before.count("░")
            assert 0 < before.count("█") < after.count("█") < width, (before, after)
            assert after.count("█") + after.count("░") == width, (before, after)  # the same bar, fuller
        app.advance(30.0)
        done = await layer_rows()
        assert done and all("stored" in row and "░" not in row for row in done), done


@pytest.mark.parametrize(("name", "apart"), [("oom", True), ("ec2-drift", False)])
async def test_the_drift_view_says_when_its_servers_are_not_the_scenarios(tmp_path, name, apart):
    # oom's Drift tab showed servers ec2-a, ec2-b and ec2-c, which oom does not have, without a word.
    from vmsim.tui.widgets.drift_view import DriftView

    app = make_app(tmp_path, name)
    async with app.run_test(size=(80, 24)) as pilot:
        app.main.set_view("drift")
        app.refresh_view([], charts=True)
        await pilot.pause()
        first = str(app.screen.query_one(DriftView).render()).splitlines()[0]
        assert ("ec2-drift" in first) == apart, first
        assert len(first) <= 78, first


async def test_escape_takes_the_focus_off_the_view_tabs_and_the_arrows_move_the_lesson_again():
    """Tab put the focus on the view tabs, where ← → switch views; nothing led back, and → never revealed the
    answer again (the key line had lost ← Back → Next)."""
    from vmsim.tui.widgets.key_bar import KeyBar
    from vmsim.tui.widgets.lower_pane import TabStrip

    app = VmsimApp(load_scenario("servers-multiply"), animate=False, export_dir="/nonexistent", lesson_step=2)
    async with app.run_test(size=(120, 36)) as pilot:
        while not app.dashboard_ready:
            await pilot.pause()
        await pilot.press("tab")
        assert isinstance(app.focused, TabStrip)
        bar = app.main.query_one(KeyBar)
        assert [k.action for k in bar.shown_keys()[0]][0] == "leave_tabs"
        await pilot.press("escape")
        assert not isinstance(app.focused, TabStrip)
        assert app.lesson is not None and not app.lesson.state.revealed
        await pilot.press("right")
        await pilot.pause()
        assert app.lesson.state.index == 1 and app.lesson.state.revealed  # → acts on the lesson again


async def test_a_lesson_opened_after_c_moves_its_steps_with_the_arrows_not_the_view_tabs():
    """'c' in a scenario without a lesson focuses the view tabs; a lesson opened then kept that focus, so → switched
    views and the steps never moved (a student could not tell why)."""
    from vmsim.tui.widgets.lower_pane import TabStrip

    app = VmsimApp(load_scenario("hello"), animate=False, export_dir="/nonexistent")
    async with app.run_test(size=(120, 36)) as pilot:
        while not app.dashboard_ready:
            await pilot.pause()
        app.screen.set_focus(None)  # nothing focused before 'c': the second 'c' leaves the focus on the tabs
        await pilot.pause()
        await pilot.press("c")
        assert isinstance(app.focused, TabStrip)
        await pilot.press("c")
        assert isinstance(app.focused, TabStrip)
        await pilot.press("o")  # the open dialog, closed with the lesson chosen: its screen gives the focus back
        await pilot.pause()
        app.screen.dismiss(load_scenario("isolation"))
        await pilot.pause()
        while not app.settled:
            await pilot.pause()
        assert not isinstance(app.focused, TabStrip)
        view = app.main.lower.active
        await pilot.press("right")  # step 1 is watched for 90 s: → first runs time on to its end
        await pilot.pause()
        assert app.session.now == pytest.approx(90.0) and app.main.lower.active == view
        await pilot.press("right")
        await pilot.pause()
        assert app.lesson is not None and app.lesson.number == 2


async def test_back_to_a_step_draws_the_hosts_view_for_that_step_at_once():
    """← from isolation's step 3 to step 2 (paused) left the hosts view drawing step 3's node-web-2 until something
    else refreshed it: the views were drawn before the step they follow was shown."""
    from vmsim.tui.widgets.hosts_view import HostsView

    app = VmsimApp(load_scenario("isolation"), animate=False, export_dir="/nonexistent", lesson_step=3)
    async with app.run_test(size=(80, 24)) as pilot:
        while not app.dashboard_ready:
            await pilot.pause()
        assert "node-web-2 on host-b" in str(app.screen.query(HostsView).first().render())
        await pilot.press("left")
        await pilot.pause()
        assert app.lesson is not None and app.lesson.number == 2 and app.session.paused
        drawn = "\n".join(str(view.render()) for view in app.screen.query(HostsView))
        assert "node-web-1 on host-a" in drawn and "node-web-2 on host-b" not in drawn


@pytest.mark.parametrize("lang", ["en", "ko"])
async def test_an_empty_list_in_a_lesson_points_at_the_next_step_not_at_adding(tmp_path, lang):
    from vmsim.text import tr
    from vmsim.tui.widgets.instance_list import InstanceList

    def hints(app: VmsimApp) -> list[str]:
        return ["".join(seg.text for seg in lst.render_line(0)).strip() for lst in app.screen.query(InstanceList)]

    app = make_app(tmp_path, "vm-vs-container", lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert hints(app) == [tr("list.empty.lesson", lang)] * 2  # step 1: both worlds empty, → moves on
    empty = load_scenario("hello")._replace(events=())  # no lesson: adding is what moves things
    plain = VmsimApp(empty, paused=True, animate=False, export_dir=tmp_path, lang=lang)
    async with plain.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert hints(plain) == [tr("list.empty", lang)] * 3
