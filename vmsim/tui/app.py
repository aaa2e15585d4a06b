"""The vmsim dashboard: the only writer to the simulation; it paces simulated time and renders snapshots."""

from __future__ import annotations

import gc
import io
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events
from textual.app import App
from textual.reactive import reactive
from textual.timer import Timer

from vmsim.engine.catalog import default_catalog
from vmsim.engine.snapshot import SimulationSnapshot
from vmsim.i18n import LANGS, default_lang, tr
from vmsim.output.exports import DEFAULT_EXPORT_DIR, export_name, write_export
from vmsim.scenarios import ScenarioSpec
from vmsim.session.served import ServedLimits
from vmsim.session.session import Session
from vmsim.tui.commands import VmsimCommands
from vmsim.tui.screens.main import MainScreen
from vmsim.tui.style import SPEEDS, fmt_speed
from vmsim.tui.theme import PROJECTOR_THEME
from vmsim.tui.widgets.lesson_views import NarrationView
from vmsim.tui.widgets.status import Status

if TYPE_CHECKING:
    from vmsim.session.lesson import LessonRunner

FRAME_S = 1 / 12  # ≥ 10 frames per second for the clock and boot bars
CHART_EVERY_S = 0.5  # charts are costly to repaint: at most twice a second
MAX_FRAME_DT = 0.25  # a slow frame never makes simulated time jump more than this × speed
REWIND_S = 10.0


def lesson_runner(spec: ScenarioSpec) -> LessonRunner | None:
    """The scenario's lesson, ready to start (its module is loaded only for lessons), or None."""
    if not spec.lesson:
        return None
    from vmsim.session.lesson import LessonRunner

    return LessonRunner(spec.lesson)


class VmsimApp(App[None]):
    """Watch VMs and containers boot side by side on identical hosts."""

    CSS_PATH = "vmsim.tcss"
    TITLE = "vmsim"
    COMMANDS = App.COMMANDS | {VmsimCommands}

    # (keys, action, description key, shown in the footer, key display, priority)
    KEYS: list[tuple[str, str, str, bool, str | None, bool]] = [
        ("a", "add", "key.add", True, None, False),
        ("A", "add_again", "key.add_again", True, "A", False),
        ("d", "remove", "key.remove", True, None, False),
        ("space", "toggle_pause", "key.pause", True, None, False),
        ("n", "step", "key.step", True, None, False),
        ("plus,equals_sign", "faster", "key.faster", True, "+", False),
        ("minus", "slower", "key.slower", True, "-", False),
        ("comma", "rewind", "key.rewind", True, ",", False),
        ("full_stop", "forward", "key.forward", True, ".", False),
        ("right", "lesson_next", "key.next", True, "→", True),
        ("left", "lesson_back", "key.back", True, "←", True),
        ("l", "toggle_narration", "key.lesson", True, None, False),
        ("c", "toggle_lower", "key.lower", True, None, False),
        ("m", "toggle_microvm", "key.microvm", False, None, False),
        ("r", "restart", "key.restart", False, None, False),
        ("o", "open", "key.open", True, None, False),
        ("s", "screenshot", "key.screenshot", False, None, False),
        ("e", "export", "key.export", False, None, False),
        ("L", "toggle_lang", "key.lang", True, "L", False),
        ("h", "toggle_real_host", "key.real", False, None, False),
        ("question_mark,f1", "help", "key.help", True, "?", False),
        ("q", "quit", "key.quit", True, None, False),
    ]

    paused: reactive[bool] = reactive(False, bindings=True)
    speed: reactive[float] = reactive(1.0)

    def __init__(
        self,
        spec: ScenarioSpec,
        seed: int | None = None,
        speed: float = 1.0,
        paused: bool = False,
        export_dir: str | Path = DEFAULT_EXPORT_DIR,
        animate: bool = True,
        lang: str | None = None,
        gc_paused: bool = False,
    ) -> None:
        super().__init__()
        # True when the caller paused garbage collection for the start-up: resumed after the first frame.
        self.gc_paused = gc_paused
        self._held_keys: list[events.Key] | None = []  # keys pressed before the dashboard is mounted
        self.lang = lang if lang in LANGS else default_lang()
        # Chosen before any style is read, and without the theme watcher: the watcher re-reads every stylesheet
        # (a second parse at start-up) and would only set the classes a dark theme already has.
        self.register_theme(PROJECTOR_THEME)
        self.set_reactive(App.theme, PROJECTOR_THEME.name)
        self.set_class(True, f"-theme-{PROJECTOR_THEME.name}", update=False)
        self._bind_keys()
        self.lesson: LessonRunner | None = lesson_runner(spec)
        self._drift_cache: dict[int, tuple] = {}
        self.catalog = default_catalog()
        self.session = Session(spec, seed=seed)
        self.export_dir = Path(export_dir)
        self.animate = animate
        self.last_app: str | None = next((e.args[0] for e in spec.events if e.verb == "add_workload"), None)
        self.snapshot: SimulationSnapshot = self.session.sim.snapshot(include_events=False)
        self._timer: Timer | None = None
        self._last_tick = time.monotonic()
        self._last_chart = 0.0
        self.set_reactive(VmsimApp.paused, paused)
        self.set_reactive(VmsimApp.speed, speed)
        if self.lesson is not None:
            self.lesson.start(self.session)

    def _bind_keys(self) -> None:
        """Bind every key with its footer text in the current language."""
        bindings = self._bindings
        for keys, action, label, show, display, priority in self.KEYS:
            for key in keys.split(","):
                bindings.key_to_bindings.pop(key, None)
            bindings.bind(
                keys, action, description=tr(label, self.lang), show=show, key_display=display, priority=priority
            )

    # ------------------------------------------------------------------ lifecycle
    def get_default_screen(self) -> MainScreen:
        # The dashboard is the bottom screen itself rather than pushed over Textual's blank one in on_mount:
        # a screen pushed there paints its first frame while Textual still holds back repaints, so the
        # terminal would get a whole frame only at the next full layout (~50 ms of CPU later).
        return MainScreen(self.session.worlds)

    @property
    def dashboard_ready(self) -> bool:
        """True once the dashboard's widgets exist and have shown the first snapshot."""
        return self._held_keys is None

    async def on_event(self, event: events.Event) -> None:
        if self._held_keys is not None and isinstance(event, events.Key):
            # The dashboard is built while the app starts, so a key can arrive before its widgets exist: it
            # waits for them (an action must find what it acts on) and is handled, in order, once they do.
            self._held_keys.append(event)
            return
        await super().on_event(event)

    def dashboard_mounted(self) -> None:
        """The dashboard's widgets exist: give them data before the first paint (one full frame, not two)."""
        self.refresh_view(self.session.sim.run_until(self.session.now), charts=True)
        self.show_lesson()
        # After the first paint (by then the screen has chosen its focused widget, as it has before any key a
        # user presses once the dashboard is up), in the app's own queue.
        self.call_after_refresh(self.call_later, self._handle_held_keys)
        if self.animate:
            self._timer = self.set_interval(FRAME_S, self.tick)
        if self.gc_paused:
            self.call_after_refresh(self._resume_gc)

    async def _handle_held_keys(self) -> None:
        # Handled here one by one rather than posted again, which would let a key already waiting in the
        # queue overtake them; keys that arrive meanwhile wait in the queue, behind them.
        held = self._held_keys
        while held:
            await super().on_event(held.pop(0))
        self._held_keys = None

    def _resume_gc(self) -> None:
        """Collect once, then set everything alive (modules, widgets, styles, the catalogue) aside for good.

        Frozen objects are never scanned again, so later collections while the dashboard animates walk only
        what the simulation and the frames allocate.
        """
        self.gc_paused = False
        gc.collect()
        gc.freeze()
        gc.enable()

    @property
    def main(self) -> MainScreen:
        """The dashboard screen (under any dialog)."""
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        raise RuntimeError("the dashboard screen is not mounted")

    def tick(self) -> None:
        """One frame: advance simulated time by the real time elapsed × speed, then render."""
        if not self.is_running:
            # Quitting: Textual removes the screens before it stops the app's timers, so a late frame
            # would find no widgets to draw on.
            return
        now = time.monotonic()
        dt = min(now - self._last_tick, MAX_FRAME_DT)
        self._last_tick = now
        if self.paused:
            return
        self.refresh_view(self.session.advance(dt * self.speed))

    def advance(self, dt: float) -> None:
        """Advance simulated time by ``dt`` seconds and render (for tests and single steps)."""
        self.refresh_view(self.session.advance(dt), charts=True)

    def refresh_view(self, events: list, charts: bool = False) -> None:
        """Take a snapshot and hand it to the screen."""
        sim = self.session.sim
        self.snapshot = sim.snapshot(include_events=False)
        fits = sim.fit(self.last_app) if self.last_app else None
        main = self.main
        main.show(self.snapshot, self.status(), fits, self.last_app)
        main.show_events(events)
        wall = time.monotonic()
        if charts or wall - self._last_chart >= CHART_EVERY_S:
            self._last_chart = wall
            main.show_charts(self.snapshot, {k: s.points() for k, s in sim.series.items()}, self)

    def status(self) -> Status:
        """What the status line shows now."""
        host = self.session.sim.host
        return Status(
            self.session.spec.name,
            self.session.now,
            self.speed,
            self.paused,
            host.label,
            host.cpu_cores,
            host.memory_mib,
            rewound=self.session.now < self.session.high_water_s - 1e-9,
        )

    def watch_paused(self) -> None:
        self._last_tick = time.monotonic()
        if self.is_mounted and self.screen_stack:
            self.refresh_view([])

    def watch_speed(self) -> None:
        if self.is_mounted and self.screen_stack:
            self.refresh_view([])

    # ------------------------------------------------------------------ which keys apply
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # False hides a key from the footer while it does not apply.
        if action in ("step", "rewind", "forward"):
            return self.paused
        if action == "add_again":
            return self.last_app is not None
        if action in ("lesson_next", "lesson_back", "toggle_narration"):
            # Lesson keys act only on the dashboard itself, never inside a dialog.
            return self.lesson is not None and isinstance(self.screen, MainScreen)
        return True

    def _selected_live(self) -> str | None:
        try:
            selected = self.main.selected_instance()
        except RuntimeError:
            return None
        if selected is None:
            return None
        world, instance_id = selected
        for w in self.snapshot.worlds:
            if w.name == world:
                for inst in w.instances:
                    # A VM whose app was killed inside it still runs and holds memory: it can be removed too.
                    if inst.id == instance_id and (
                        inst.state in ("pending", "booting", "running") or inst.memory_mib > 0
                    ):
                        return instance_id
        return None

    # ------------------------------------------------------------------ actions
    def action_add(self) -> None:
        """Open the add-workload dialog."""

        def added(result: tuple[str, int] | None) -> None:
            if result is not None:
                self.add_workload(*result)

        from vmsim.tui.screens.dialogs import AddWorkloadScreen  # dialogs load when first opened

        self.push_screen(AddWorkloadScreen(self.catalog, self.last_app), added)

    def add_workload(self, app: str, count: int = 1) -> None:
        """Add ``count`` of ``app`` to every world now."""
        self.last_app = app
        self.session.add_workload(app, count)
        self.refresh_view(self.session.sim.run_until(self.session.now), charts=True)
        self.refresh_bindings()

    def action_add_again(self) -> None:
        """One more of the last app."""
        if self.last_app:
            self.add_workload(self.last_app, 1)

    def action_remove(self) -> None:
        """Remove the selected instance from every world."""
        instance_id = self._selected_live()
        if instance_id is None:
            self.notify(tr("note.select_first", self.lang), severity="warning")
            return
        self.session.remove_instance(instance_id)
        self.refresh_view(self.session.sim.run_until(self.session.now), charts=True)

    def action_toggle_pause(self) -> None:
        """Pause or resume simulated time."""
        self.paused = not self.paused

    def action_step(self) -> None:
        """While paused: run to the next moment something happens."""
        self.refresh_view(self.session.step(), charts=True)

    def action_faster(self) -> None:
        """Next speed up."""
        self.speed = next((s for s in SPEEDS if s > self.speed + 1e-9), SPEEDS[-1])
        self.notify(tr("note.speed", self.lang, speed=fmt_speed(self.speed)), timeout=1.5)

    def action_slower(self) -> None:
        """Next speed down."""
        self.speed = next((s for s in reversed(SPEEDS) if s < self.speed - 1e-9), SPEEDS[0])
        self.notify(tr("note.speed", self.lang, speed=fmt_speed(self.speed)), timeout=1.5)

    def action_rewind(self) -> None:
        """While paused: back 10 s, replaying the deterministic past."""
        self.session.seek(self.session.now - REWIND_S)
        self.main.clear_events()
        self.refresh_view([], charts=True)

    def action_forward(self) -> None:
        """While paused: forward 10 s, at most to where time had already reached."""
        target = min(self.session.now + REWIND_S, max(self.session.high_water_s, self.session.now))
        self.refresh_view(self.session.seek(target), charts=True)

    def action_toggle_lower(self) -> None:
        """Give the log and charts the room (or give it back to the worlds)."""
        self.main.toggle_class("-lower-max")

    def action_toggle_microvm(self) -> None:
        """Show or hide the microVM world (rebuilt by replay, so it has seen the same workloads)."""
        worlds = self.session.worlds
        new = tuple(w for w in worlds if w != "microvm") if "microvm" in worlds else (*worlds, "microvm")
        if not new:
            self.notify(tr("note.one_world", self.lang), severity="warning")
            return
        self.session.set_worlds(new)
        self.call_later(self._show_worlds, [])

    def action_restart(self) -> None:
        """Back to t = 0 of the same scenario."""
        self.session.restart()
        if self.lesson is not None:
            self.lesson.start(self.session)
        self.main.clear_events()
        self.refresh_view(self.session.sim.run_until(0.0), charts=True)
        self.notify(tr("note.restarted", self.lang), timeout=1.5)

    def action_open(self) -> None:
        """Open another scenario (the current one keeps running until one loads)."""

        def opened(spec: ScenarioSpec | None) -> None:
            if spec is not None:
                self.load(spec)

        from vmsim.tui.screens.dialogs import OpenScenarioScreen

        self.push_screen(OpenScenarioScreen(self.session.spec.slug), opened)

    def load(self, spec: ScenarioSpec) -> None:
        """Replace the running scenario."""
        self.session = Session(spec)
        self.last_app = next((e.args[0] for e in spec.events if e.verb == "add_workload"), None)
        self.lesson = lesson_runner(spec)
        if self.lesson is not None:
            self.lesson.start(self.session)
        self.main.clear_events()
        self.call_later(self._show_worlds, self.session.sim.run_until(0.0))
        self.notify(tr("note.opened", self.lang, name=spec.name), timeout=2)

    async def _show_worlds(self, events: list) -> None:
        await self.main.set_worlds(self.session.worlds)
        self.refresh_view(events, charts=True)
        self.show_lesson()

    # ------------------------------------------------------------------ lessons and language
    def show_lesson(self) -> None:
        """Show the lesson's current step in the narration panel (or hide the panel without a lesson)."""
        main = self.main
        lesson = self.lesson
        if lesson is None:
            main.show_narration(None)
            main.set_highlight(None)
            return
        step = lesson.step
        if step is None:
            intro = self.session.spec.description
            main.show_narration(NarrationView(-1, len(lesson.steps), self.session.spec.name, intro, None, False))
            main.set_highlight(None)
            return
        question = step.say("ask", self.lang) if lesson.asking else None
        main.show_narration(
            NarrationView(
                lesson.state.index,
                len(lesson.steps),
                step.say("title", self.lang),
                step.say("text", self.lang),
                question,
                lesson.finished,
            )
        )
        main.set_highlight(step.highlight)
        if step.view:
            main.set_view(step.view)
        # The drift story is about servers, not these worlds: it gets the room while it is shown.
        main.set_class(bool(step.view and step.view.startswith("drift")), "-lower-max")

    def action_lesson_next(self) -> None:
        """Reveal the answer, or go to the next step."""
        if self.lesson is None or self.lesson.finished:
            return
        before = self.session.worlds
        step = self.lesson.forward(self.session)
        if step is not None and self.lesson.state.revealed:
            # The fit meter follows the app the lesson just added, as it follows the user's own additions.
            self.last_app = next((a.args[0] for a in step.actions if a.verb == "add_workload"), self.last_app)
        if step is not None and self.lesson.state.revealed and step.pause is not None:
            self.paused = step.pause
        self._after_lesson_move(before)

    def action_lesson_back(self) -> None:
        """Back to the state shown before this one."""
        if self.lesson is None:
            return
        before = self.session.worlds
        self.lesson.back(self.session)
        self.main.clear_events()
        self._after_lesson_move(before)

    def _after_lesson_move(self, worlds_before: tuple[str, ...]) -> None:
        if self.session.worlds != worlds_before:
            self.call_later(self._show_worlds, self.session.sim.run_until(self.session.now))
        else:
            self.refresh_view(self.session.sim.run_until(self.session.now), charts=True)
            self.show_lesson()
        self.refresh_bindings()

    def action_toggle_narration(self) -> None:
        """Show or hide the lesson narration."""
        main = self.main
        main.toggle_class("-narration-hidden")
        self.show_lesson()

    async def action_toggle_real_host(self) -> None:
        """Show or hide the strip with this machine's real memory and CPU."""
        strip = await self.main.real_host_strip()
        strip.show(not strip.has_class("-shown"))

    def action_toggle_lang(self) -> None:
        """Switch between English and Korean, live."""
        self.lang = "ko" if self.lang == "en" else "en"
        self._bind_keys()
        self.refresh_bindings()
        self.main.relabel()
        self.refresh_view([], charts=True)
        self.show_lesson()

    # The teaching tabs ask for these only while shown (see MainScreen.show_charts).
    def images(self) -> tuple:
        """Images in use in the container world (empty without one)."""
        world = self.session.sim.worlds.get("container")
        return world.image_usage() if world is not None else ()

    def drift(self) -> tuple:
        """The drift story for this session's seed: by hand, from one image, and both recipes."""
        seed = self.session.seed
        if seed not in self._drift_cache:
            from vmsim.engine.drift import default_drift_model, image_deployments, manual_deployments

            model = default_drift_model()
            self._drift_cache[seed] = (
                manual_deployments(seed, model),
                image_deployments(seed, model),
                model.manual_recipe,
                model.dockerfile,
            )
        return self._drift_cache[seed]

    def open_named(self, name: str) -> None:
        """Open a shipped scenario by name (from the command palette)."""
        from vmsim.scenarios import ScenarioError, load_scenario

        try:
            self.load(load_scenario(name))
        except ScenarioError as exc:
            self.notify(str(exc), severity="error")

    def action_help(self) -> None:
        """Every key and colour."""
        from vmsim.tui.screens.dialogs import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_screenshot(self) -> None:
        """Save an SVG of the screen into the export folder."""
        name = export_name(self.session.spec.slug or self.session.spec.name, self.session.now, "svg")
        self._save(name, lambda: self.export_screenshot(title=f"vmsim — {self.session.spec.name}"), "note.save_failed")

    def action_export(self) -> None:
        """Write the current state as JSON (the same schema as 'vmsim run --format json')."""
        from vmsim.output.formats import render_json

        name = export_name(self.session.spec.slug or self.session.spec.name, self.session.now, "json")
        self._save(name, lambda: render_json(self.session.sim.snapshot()), "note.export_failed")

    def _save(self, name: str, render: Callable[[], str], failed: str) -> None:
        """Write an export into the export folder (never over a file), or, served to a browser, offer it as a
        download: a served app never writes on the server's disk."""
        try:
            text = render()
            if ServedLimits.from_environ().served:
                self.deliver_text(io.StringIO(text), save_filename=name)
                self.notify(tr("note.offered", self.lang, name=name), timeout=4)
                return
            path = write_export(self.export_dir, name, text)
        except OSError as exc:
            self.notify(
                tr(failed, self.lang, why=f"{exc.filename or ''} {exc.strerror or exc}".strip()), severity="error"
            )
            return
        self.notify(tr("note.saved", self.lang, path=path), timeout=4)
