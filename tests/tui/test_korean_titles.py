"""In Korean the dashboard shows a scenario's Korean name and description (status line, open dialog, lesson)
and the Korean words for boot phases."""

from __future__ import annotations

import pytest
from rich.console import Console
from textual.widgets import OptionList

from vmsim.scenarios import load_scenario
from vmsim.tui.app import VmsimApp
from vmsim.tui.screens.dialogs import OpenScenarioScreen
from vmsim.tui.widgets.lesson_views import Narration
from vmsim.tui.widgets.status import StatusBar


def make_app(tmp_path, name: str, lang: str) -> VmsimApp:
    return VmsimApp(load_scenario(name), paused=True, animate=False, export_dir=tmp_path, lang=lang)


async def test_the_status_line_names_the_scenario_in_the_apps_language(tmp_path):
    app = make_app(tmp_path, "web-stack", "ko")
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        line = str(app.screen.query_one(StatusBar).render())
        assert " 웹 스택 " in line and "Web stack" not in line
        await pilot.press("L")  # switch to English, live
        await pilot.pause()
        line = str(app.screen.query_one(StatusBar).render())
        assert " Web stack " in line and "웹 스택" not in line


async def test_the_open_dialog_describes_each_scenario_in_korean(tmp_path):
    app = make_app(tmp_path, "hello", "ko")
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press("o")
        assert isinstance(app.screen, OpenScenarioScreen)
        options = app.screen.query_one(OptionList)
        console = Console(width=400, color_system=None)

        def shown(prompt: object) -> str:  # an option's prompt as drawn (a name and its description, a table)
            with console.capture() as text:
                console.print(prompt)
            return " ".join(text.get().split())

        prompts = {options.get_option_at_index(i).id: shown(options.get_option_at_index(i).prompt)
                   for i in range(options.option_count)}  # fmt: skip
        assert load_scenario("oom").say("description", "ko") in prompts["oom"]
        assert "Redis fills" not in prompts["oom"]
        assert all(any("\uac00" <= ch <= "\ud7a3" for ch in p) for p in prompts.values())


async def test_a_lesson_opens_on_step_one_in_korean_with_its_korean_name_on_the_status_line(tmp_path):
    spec = load_scenario("vm-vs-container")
    app = make_app(tmp_path, "vm-vs-container", "ko")
    async with app.run_test(size=(140, 44)) as pilot:
        await pilot.pause()
        view = app.screen.query_one(Narration).view
        assert view is not None and view.step == 0 and app.paused
        assert view.title == spec.lesson[0].say("title", "ko") != spec.lesson[0].say("title", "en")
        assert app.status().scenario == spec.say("name", "ko") != spec.name


def test_boot_phases_use_the_korean_words_for_parts_and_keep_program_names():
    from vmsim.tui.widgets.instance_list import phase_label

    assert [phase_label(p, "ko") for p in ("kernel", "firmware", "bootloader", "ssh keys")] == [
        "커널",
        "펌웨어",
        "부트로더",
        "SSH 키",
    ]
    assert [phase_label(p, "ko") for p in ("systemd", "cloud-init", "initrd", "vmm")] == [
        "systemd",
        "cloud-init",
        "initrd",
        "vmm",
    ]
    assert phase_label("kernel", "en") == "kernel"


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_worlds_header_counts_the_killed_apart_from_the_failed(lang):
    # oom read "1 ready · 3 failed" above "☠ redis-1 killed": a VM refused at the door is not one killed as it ran.
    from vmsim.session import Session
    from vmsim.text import tr
    from vmsim.tui.widgets.world_panel import title_line

    session = Session(load_scenario("oom"))
    session.advance(session.spec.duration_s)
    world = session.snapshot().world("vm")
    killed = world.count("killed")
    assert killed and not world.count("failed")
    title = title_line("vm", world, 120, lang).plain
    assert tr("count.killed", lang, n=killed) in title and tr("count.failed", lang, n=killed) not in title, title


async def test_the_korean_help_wraps_its_lines_at_80_columns_rather_than_cut_them(tmp_path):
    # "b / i  고른 인스턴스의 앱(없으면 마지막에 추가한 앱) 새 버 …": each wrapped line was cut with '…'.
    from textual.geometry import Region
    from textual.widgets import Static

    app = VmsimApp(load_scenario("hello"), paused=True, animate=False, export_dir=tmp_path, lang="ko")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        for part in ("#help-keys", ".legend"):
            static = app.screen.query(part).first(Static)
            width, height = static.size
            rows = ["".join(s.text for s in strip) for strip in static.render_lines(Region(0, 0, width, height))]
            assert len(rows) > 3 and not any(row.rstrip().endswith("…") for row in rows), rows


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_narrow_worlds_header_keeps_every_count_as_its_glyph_and_figure(lang):
    # Three worlds at 80 columns: "VMs  0 ready · 50 boot…" hid how many were booting.
    from rich.cells import cell_len

    from vmsim.session import Session
    from vmsim.tui.widgets.world_panel import title_line

    session = Session(load_scenario("boot-storm"))
    session.advance(3.0)
    world = session.snapshot().world("vm")
    booting = world.count("booting")
    assert booting >= 50
    wide = title_line("vm", world, 120, lang).plain
    assert str(booting) in wide and "▶" not in wide, wide  # in words where they fit
    narrow = title_line("vm", world, 24, lang).plain
    assert cell_len(narrow) <= 24 and "…" not in narrow and str(booting) in narrow, narrow
    if lang == "en":  # "VMs  0 ready · 50 booting" is 25 cells; the Korean words fit in 24
        assert f"▶{booting}" in narrow and "●0" in narrow, narrow
