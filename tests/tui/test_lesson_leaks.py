"""Predict, then reveal: while a lesson's question is on screen, nothing on screen gives its answer away.

For every step of every shipped lesson that asks a question, in both languages and at a laptop's (80×24) and
a projector's (160×48) size, the dashboard is opened at that step (``--step N``) and read as plain text, cell
by cell, as a class would see it. Before the reveal: the question is there; the explanation, the step's
``facts`` (versions, figures, instance names, verdicts) and the fit line are not; while a revealed step is
watched, the explanation and the fit line still wait. After the reveal (and the step's watching time): every
fact shows on screen or in the explanation, so a fact that never appears — and so could never leak — fails too.
"""

from __future__ import annotations

import pytest

from vmsim.scenarios import load_scenario, shipped_names
from vmsim.tui.app import VmsimApp
from vmsim.tui.widgets.lesson_views import Narration, narration_text
from vmsim.tui.widgets.world_panel import FitMeter

LESSONS = [name for name in shipped_names() if load_scenario(name).lesson]
SIZES = [(80, 24), (160, 48)]
ASKING = [
    (name, number) for name in LESSONS for number, step in enumerate(load_scenario(name).lesson, start=1) if step.ask
]


def screen_text(app: VmsimApp) -> str:
    """Every character on screen, line by line (what a photo of the projector would hold)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def flat(text: str) -> str:
    return " ".join(text.split())


def test_every_lesson_asks_and_every_question_names_its_facts():
    assert set(LESSONS) >= {"vm-vs-container", "image-vs-container", "ec2-drift", "density", "microvm"}
    for name, number in ASKING:
        assert load_scenario(name).lesson[number - 1].facts, f"{name} step {number} asks but names no facts"


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize(("name", "number"), ASKING, ids=lambda v: str(v))
async def test_no_answer_is_on_screen_before_its_reveal(tmp_path, name, number, lang, size):
    spec = load_scenario(name)
    step = spec.lesson[number - 1]
    app = VmsimApp(spec, animate=False, export_dir=tmp_path, lang=lang, lesson_step=number)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        app.refresh_view([], charts=True)
        await pilot.pause()
        assert app.lesson.asking and app.paused
        before = screen_text(app)
        narration = app.screen.query_one(Narration)
        assert narration.view.question == step.say("ask", lang)
        assert flat(step.say("ask", lang))[:24] in flat(before), "the question is on screen"
        reveal = flat(step.say("text", lang))
        assert reveal[:24] not in flat(before), "the explanation waits for →"
        leaked = [fact for fact in step.facts if fact in before]
        assert leaked == [], f"on screen before the reveal: {leaked}"
        assert all(meter.render().plain in ("", "?") for meter in app.screen.query(FitMeter)), "the fit line waits"

        await pilot.press("right")
        await pilot.pause()
        if app.lesson.watch_end(app.session.now) is not None:
            # Revealed, and now watched: what happens is on screen as it happens, but the explanation (in the past
            # tense) and the fit line wait for the watching to end.
            app.refresh_view([], charts=True)
            await pilot.pause()
            watching = screen_text(app)
            assert reveal[:24] not in flat(watching), "the explanation came before what it explains"
            # Nor when it ends: 'the answer comes at t = 1132 s', under "how long until the last server is done?",
            # told the class it would be about 1,000 s (the step's watching is set just past its answer).
            end = app.lesson.watch_end(app.session.now)
            told = narration_text(app.screen.query_one(Narration).view, lang).plain
            assert end is not None and f"{end:.2f}" not in told and f"{end:,.0f}" not in told, told
            assert all(meter.render().plain in ("", "?") for meter in app.screen.query(FitMeter)), "the fit line waits"
        app.advance(step.watch_s)
        app.refresh_view([], charts=True)
        await pilot.pause()
        assert not app.lesson.asking
        after = screen_text(app)
        if size == (160, 48):
            missing = [fact for fact in step.facts if fact not in after and fact not in step.say("text", lang)]
            assert missing == [], f"facts never shown after the reveal: {missing}"
