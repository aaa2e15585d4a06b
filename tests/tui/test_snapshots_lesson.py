"""SVG snapshots of a lesson step in English and in Korean (wide characters must align)."""

from __future__ import annotations

from vmsim.scenarios import load_scenario
from vmsim.tui.app import VmsimApp


def lesson_app(lang: str) -> VmsimApp:
    return VmsimApp(load_scenario("vm-vs-container"), paused=True, animate=False, export_dir="/nonexistent", lang=lang)


async def reveal_second_step(pilot) -> None:
    await pilot.press("right", "right", "right")  # intro, question, reveal: one nginx in each world
    pilot.app.advance(12.0)
    await pilot.pause()


def test_lesson_step_english(snap_compare):
    """vm-vs-container, step 2 revealed, at t = 12 s, 140×44: the narration panel under the worlds reads
    'Step 2 of 7  Start one nginx in each' with the explanation (container ≈0.35 s, VM ≈9 s); the instance
    lists are highlighted; the footer shows → Next, ← Back and Lesson."""
    assert snap_compare(lesson_app("en"), terminal_size=(140, 44), run_before=reveal_second_step)


def test_lesson_step_korean(snap_compare):
    """The same step in Korean: status line, world titles (가상 머신 (VM), 컨테이너), bar labels (메모리, 디스크),
    legend, instance states (준비), narration ('7단계 중 2단계'), tabs and footer all in Korean, with the
    columns' right edges aligned exactly as in the English snapshot (wide characters take two cells)."""
    assert snap_compare(lesson_app("ko"), terminal_size=(140, 44), run_before=reveal_second_step)


def test_drift_view_korean(snap_compare):
    """ec2-drift's reveal of the image, in Korean, 140×44: three hand-made servers (ec2-a 정상, ec2-b and
    ec2-c 실패 with their reasons in Korean), the Dockerfile, and the three image deployments all 정상 with
    '모든 서버에서, 매일 똑같음'."""

    async def run_before(pilot) -> None:
        for _ in range(6):  # intro; question, answer; note; question, answer (the image)
            await pilot.press("right")
        await pilot.pause()
        pilot.app.refresh_view([], charts=True)
        await pilot.pause()

    app = VmsimApp(load_scenario("ec2-drift"), paused=True, animate=False, export_dir="/nonexistent", lang="ko")
    assert snap_compare(app, terminal_size=(140, 44), run_before=run_before)
