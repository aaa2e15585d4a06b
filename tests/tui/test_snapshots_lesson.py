"""SVG snapshots of a lesson step in English and in Korean (wide characters must align)."""

from __future__ import annotations

from vmsim.scenarios import load_scenario
from vmsim.tui.app import VmsimApp


def lesson_app(lang: str) -> VmsimApp:
    return VmsimApp(load_scenario("vm-vs-container"), paused=True, animate=False, export_dir="/nonexistent", lang=lang)


async def reveal_second_step(pilot) -> None:
    await pilot.press("right", "right")  # the question, then its reveal: one nginx in each world
    pilot.app.advance(30.0)
    await pilot.pause()


def test_lesson_step_english(snap_compare):
    """vm-vs-container, step 2 revealed, at t = 12 s, 140×44: the narration panel under the worlds reads
    'Step 2 of 8  Start one nginx in each' with the explanation (container ≈0.36 s, VM ≈25 s); the instance
    lists are highlighted; the footer shows → Next, ← Back and Lesson."""
    assert snap_compare(lesson_app("en"), terminal_size=(140, 44), run_before=reveal_second_step)


def test_lesson_step_korean(snap_compare):
    """The same step in Korean: status line, world titles (가상 머신 (VM), 컨테이너), bar labels (메모리, 디스크),
    legend, instance states (준비), narration ('8단계 중 2단계'), tabs and footer all in Korean, with the
    columns' right edges aligned exactly as in the English snapshot (wide characters take two cells)."""
    assert snap_compare(lesson_app("ko"), terminal_size=(140, 44), run_before=reveal_second_step)


def test_drift_view_korean(snap_compare):
    """ec2-drift's reveal of the hand-made servers, in Korean, 140×44: the drift story has the room (no world
    columns); ec2-a 정상, ec2-b and ec2-c 실패, each with what it got (node, packages) and its reasons in
    Korean (node 12.22.9 too old and the unset variables; fmt-date 2.4.0's time zone)."""

    async def run_before(pilot) -> None:
        await pilot.press("right")  # the reveal of step 3
        await pilot.pause()
        pilot.app.refresh_view([], charts=True)
        await pilot.pause()

    app = VmsimApp(load_scenario("ec2-drift"), animate=False, export_dir="/nonexistent", lang="ko", lesson_step=3)
    assert snap_compare(app, terminal_size=(140, 44), run_before=run_before)


def test_drift_question_80x24(snap_compare):
    """ec2-drift step 3 opened with --step 3 at 80×24, its question up: the narration asks whether the app
    works on all three servers; below, the three servers' typed commands (ec2-a and ec2-b on day 0, ec2-c on
    day 30) — no version any command gave, no ✓/✗, no verdict."""

    async def run_before(pilot) -> None:
        await pilot.pause()
        pilot.app.refresh_view([], charts=True)
        await pilot.pause()

    app = VmsimApp(load_scenario("ec2-drift"), animate=False, export_dir="/nonexistent", lesson_step=3)
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_build_compare_80x24(snap_compare):
    """build-and-ship step 3 revealed at 80×24: the well-ordered Dockerfile in one line (build 0.1 s, each server
    pulls 6.8 KiB), then node-bad/Dockerfile layer by layer: the base's two layers cached, COPY . . and
    RUN npm ci rebuilt (16.8 MiB), build 2.8 s, each server pulls 6.7 MiB, 10 servers 67.1 MiB; under it, dim,
    'f: edit src/server.js · B: rebuild', and the key line starts with 'f Edit file  B Rebuild'."""

    async def run_before(pilot) -> None:
        await pilot.press("right")
        await pilot.pause()
        pilot.app.refresh_view([], charts=True)
        await pilot.pause()

    app = VmsimApp(load_scenario("build-and-ship"), animate=False, export_dir="/nonexistent", lesson_step=3)
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_build_replay_80x24(snap_compare):
    """build-and-ship step 2 revealed at 80×24, package.json chosen with 'f' ('f: edit package.json'), rebuilt
    with 'B' and replayed 1.5 s: node-good/Dockerfile 'rebuilt after a change to package.json'; the base's two
    layers 'cached', COPY package.json package-lock.json ./ 'rebuilt', RUN npm ci 'building…', COPY . . a dim dot;
    no totals yet."""

    async def run_before(pilot) -> None:
        await pilot.press("right")
        await pilot.pause()
        pilot.app.refresh_view([], charts=True)
        await pilot.press("f", "B")
        pilot.app.replay_tick(1.5)
        await pilot.pause()

    app = VmsimApp(load_scenario("build-and-ship"), animate=False, export_dir="/nonexistent", lesson_step=2)
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_build_replay_done_160x48_korean(snap_compare):
    """The same rebuild after package.json, replayed to the end, at 160×48 in Korean: every layer but the base's
    '다시 빌드', '빌드 2.9초 · 푸시 6.7 MiB (압축)', then ten green squares and '서버 10대 중 10대가 6.7 MiB씩
    내려받음 · 모두 67.1 MiB'; the key line starts with 'f 파일 고르기  B 다시 빌드'."""

    async def run_before(pilot) -> None:
        await pilot.press("right")
        await pilot.pause()
        pilot.app.refresh_view([], charts=True)
        await pilot.press("f", "B")
        pilot.app.replay_tick(10)
        await pilot.pause()

    app = VmsimApp(load_scenario("build-and-ship"), animate=False, export_dir="/nonexistent", lang="ko", lesson_step=2)
    assert snap_compare(app, terminal_size=(160, 48), run_before=run_before)


def test_summary_160x48_korean(snap_compare):
    """vm-vs-container's summary step at 160×48 in Korean: the narration '정리: 이번 수업에서 본 것' and the table
    with a column per world (가상 머신 (VM), 컨테이너): running 3 and 3, quickest and slowest ready (≈9–10 s
    against ≈0.35 s), memory committed of 16 GiB, memory in use, disk, and how many more nginx fit."""

    async def run_before(pilot) -> None:
        await pilot.pause()
        pilot.app.refresh_view([], charts=True)
        await pilot.pause()

    app = VmsimApp(load_scenario("vm-vs-container"), animate=False, export_dir="/nonexistent", lang="ko", lesson_step=8)
    assert snap_compare(app, terminal_size=(160, 48), run_before=run_before)
