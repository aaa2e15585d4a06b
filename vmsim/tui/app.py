"""The vmsim dashboard: the only writer to the simulation; it paces simulated time and renders snapshots."""

from __future__ import annotations

import gc
import io
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from textual import events
from textual.app import App
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.timer import Timer

from vmsim.output.exports import DEFAULT_EXPORT_DIR, export_name, write_export
from vmsim.session import (
    SEEK_STEP_S,
    ScenarioSpec,
    Session,
    SimulationSnapshot,
    TooManyInstances,
    WorldEvent,
)
from vmsim.session.served import ServedLimits
from vmsim.text import LANGS, default_lang, tr
from vmsim.tui.commands import KeyGuards, VmsimCommands
from vmsim.tui.hosts_actions import HostsActions
from vmsim.tui.key_gate import KeyGate
from vmsim.tui.keys import KEYS
from vmsim.tui.notices import PlainNotices
from vmsim.tui.screens.main import MainScreen
from vmsim.tui.seeking import Seeking
from vmsim.tui.teaching import TeachingViews
from vmsim.tui.theme import PROJECTOR_THEME
from vmsim.tui.widgets.event_log import MAX_EVENTS
from vmsim.tui.widgets.lower_pane import TabStrip
from vmsim.tui.widgets.status import Status, hosts_in

FRAME_S = 1 / 12  # ≥ 10 frames per second for the clock and boot bars
CHART_EVERY_S = 0.5  # charts are costly to repaint: at most twice a second
MAX_FRAME_DT = 0.25  # a slow frame never makes simulated time jump more than this × speed
REWIND_S = SEEK_STEP_S  # how far the back and forward keys move
GC_RESUME_S = 0.5  # garbage collection, paused for the start, resumes this long after the first frame


class VmsimApp(PlainNotices, Seeking, TeachingViews, HostsActions, KeyGate, KeyGuards, App[None]):
    """Watch VMs and containers boot side by side on identical hosts."""

    CSS_PATH = "vmsim.tcss"
    # No text selection by mouse (the terminal's own still works): a click as a screen closes started one on a widget
    # already removed, and Textual raised (AttributeError in Screen._forward_event; key-sequence fuzz, seed 3280).
    ALLOW_SELECT = False
    SMALL_NOTICE = True  # cover the dashboard with a notice when the terminal is too small for it
    TITLE = "vmsim"
    COMMANDS = App.COMMANDS | {VmsimCommands}

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
        lesson_step: int | None = None,
    ) -> None:
        super().__init__()
        self.gc_paused = gc_paused  # the caller paused garbage collection for the start: resumed after it
        self.lang = lang if lang in LANGS else default_lang()
        # Chosen before any style is read, and without the theme watcher: the watcher re-reads every stylesheet
        # (a second parse at start-up) and would only set the classes a dark theme already has.
        self.register_theme(PROJECTOR_THEME)
        self.set_reactive(App.theme, PROJECTOR_THEME.name)
        self.set_class(True, f"-theme-{PROJECTOR_THEME.name}", update=False)
        self._bind_keys()
        self.session = Session(spec, seed=seed, speed=speed, paused=paused, lesson_step=lesson_step)
        paused = self.session.paused  # a lesson opens paused, whatever was asked
        self.export_dir = Path(export_dir)
        # Not 'animate': that name is Textual's App.animate method, which this must not hide.
        self.ticking = animate
        self.snapshot: SimulationSnapshot = self.session.snapshot()
        self._timer: Timer | None = None
        self._last_tick = time.monotonic()
        self._last_chart = 0.0
        self._swaps = 0  # changes of world columns scheduled and not yet shown
        self._log_reset = True  # the log is (re)filled from the session's past on the next view
        self._shown = False  # True once the dashboard's widgets exist and have had a snapshot
        self._watch_shown: float | None = None  # the end of the lesson step's watching, as the narration shows it
        self.set_reactive(VmsimApp.paused, paused)
        self.set_reactive(VmsimApp.speed, speed)

    def _bind_keys(self) -> None:
        """Bind every key with its footer text in the current language."""
        bindings = self._bindings
        for keys, action, label, show, display, priority in KEYS:
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

    def on_resize(self, event: events.Resize) -> None:
        """Below the smallest size the dashboard is laid out for, a screen says so (and goes when it fits)."""
        if self.SMALL_NOTICE:
            from vmsim.tui.too_small import follow_terminal_size

            follow_terminal_size(self, event.size)

    def dashboard_mounted(self) -> None:
        """The dashboard's widgets exist: give them data before the first paint (one full frame, not two)."""
        self._shown = True
        self.refresh_view(self.session.settle(), charts=True)
        self.show_lesson()
        self.refresh_bindings()  # the lesson keys apply once the dashboard is the screen
        # Keys typed meanwhile, after the first paint (by then the screen has chosen its focused widget, as it has
        # before any key a user presses once the dashboard is up).
        self.call_after_refresh(self.open_gate)
        if self.ticking:
            self._timer = self.set_interval(FRAME_S, self.tick)
        if self.gc_paused:  # later, not after the first refresh: the collection holds the interpreter for ~20 ms,
            self.set_timer(GC_RESUME_S, self._resume_gc)  # and the first frame would wait to be written

    def _resume_gc(self) -> None:
        """Collect once, then set everything alive (modules, widgets, styles, the catalogue) aside for good.

        Frozen objects are never scanned again, so later collections while the dashboard animates walk only
        what the simulation and the frames allocate.
        """
        self.gc_paused = False
        gc.collect()
        gc.freeze()
        # A young-generation collection every 10,000 objects rather than 700: a frame's snapshot and strips die
        # within the frame, so most are freed before a collection would walk them (animating 1,000 booting VMs
        # per world: 0.52 s of collections in 25 s → 0.10 s).
        gc.set_threshold(10_000, 10, 10)
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
            return  # quitting: Textual removes the screens before it stops the timers; no widgets to draw on
        now = time.monotonic()
        dt = min(now - self._last_tick, MAX_FRAME_DT)
        self._last_tick = now
        if isinstance(self.screen, ModalScreen):
            return  # a dialog (help, add, open, the palette) or the too-small notice holds simulated time
        events = self.session.tick(dt)
        if events is not None:
            self.refresh_view(events)

    def advance(self, dt: float) -> None:
        """Advance simulated time by ``dt`` seconds and render (for tests and single steps)."""
        self.refresh_view(self.session.advance(dt), charts=True)

    def refresh_view(self, events: list[WorldEvent], charts: bool = False) -> None:
        """Take a snapshot and hand it to the screen."""
        session = self.session
        self.snapshot = session.snapshot()
        self.note_new_future()
        main = self.main
        # While a lesson's question waits (or its answer is watched), the fit line (often the answer) is not shown.
        lesson = session.lesson
        step = lesson.step if lesson is not None else None
        hidden = lesson is not None and (self.question_open() or (step is not None and not step.show_fit))
        main.show(self.snapshot, self.status(), None if hidden else session.fit(), session.last_app)
        reset, self._log_reset = self._log_reset, False  # after a jump in time, a restart, a lesson move
        main.show_events(session.recent_events(2 * MAX_EVENTS) if reset else events, reset=reset)
        wall = time.monotonic()
        if charts or wall - self._last_chart >= CHART_EVERY_S:
            self._last_chart = wall
            main.show_charts(self.snapshot, session.series(), self)
        if lesson is not None and lesson.watch_end(session.now) != self._watch_shown:
            self.show_lesson()  # the step's watching ended (or began): its explanation comes, or goes
        self.keep_rewind_ready()

    def status(self) -> Status:
        """What the status line shows now."""
        session = self.session
        host = session.host
        return Status(
            session.spec.say("name", self.lang), session.now, session.speed, session.paused, host.label,
            host.cpu_cores, host.memory_mib, rewound=session.rewound, hosts=hosts_in(self.snapshot),
        )  # fmt: skip

    # The reactives mirror the session's pace (they drive the key line); setting one sets the session's.
    def watch_paused(self, paused: bool) -> None:
        self._last_tick = time.monotonic()
        self.session.pause() if paused else self.session.resume()
        if self._shown:
            self.refresh_view([])

    def watch_speed(self, speed: float) -> None:
        self.session.set_speed(speed)
        if self._shown:
            self.refresh_view([])

    # ------------------------------------------------------------------ which keys apply
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # False hides a key from the footer while it does not apply.
        if self.seeking:
            return action in ("quit", "help")  # the session is being rewound on another thread
        if action in ("step", "rewind", "forward"):
            return self.paused
        if action == "add_again":
            return self.session.last_app is not None
        if action in ("build_pick", "build_rebuild"):
            return self.build_mode() is not None and isinstance(self.screen, MainScreen)
        if action == "leave_tabs":  # in a lesson, the way back from the view tabs (where ← → switch views)
            return (
                self.lesson is not None and isinstance(self.focused, TabStrip) and isinstance(self.screen, MainScreen)
            )
        if action in ("lesson_next", "lesson_back", "toggle_narration"):
            # Lesson keys act only on the dashboard itself, never inside a dialog; ←/→ on the focused tabs switch
            # views (as the help says), never reveal an answer.
            on_tabs = action != "toggle_narration" and isinstance(self.focused, TabStrip)
            return self.lesson is not None and isinstance(self.screen, MainScreen) and not on_tabs
        return True

    def _selected_live(self) -> str | None:
        found = self.selected_snapshot()
        # A VM whose app was killed inside it still runs and holds memory: it can be removed too.
        if found is not None and (found[1].state in ("pending", "booting", "running") or found[1].memory_mib > 0):
            return found[1].id
        return None

    # ------------------------------------------------------------------ actions
    def action_add(self) -> None:
        """Open the add-workload dialog."""

        def added(result: tuple[str, int] | None) -> None:
            if result is not None:
                self.add_workload(*result)

        from vmsim.tui.screens.dialogs import AddWorkloadScreen  # dialogs load when first opened

        self.push_screen(AddWorkloadScreen(self.catalog, self.session.last_app), added)

    def add_workload(self, app: str, count: int = 1) -> None:
        """Add ``count`` of ``app`` to every world now (none, and a note, past the bound on a world's instances)."""
        try:
            self.session.add_workload(app, count)
        except TooManyInstances as exc:
            self.notify(tr("note.too_many", self.lang, most=f"{exc.most:,}", left=f"{exc.left:,}"), severity="warning")
            return
        self._after_command()

    def _after_command(self) -> None:
        self.refresh_view(self.session.settle(), charts=True)
        self.refresh_bindings()

    def action_add_again(self) -> None:
        """One more of the last app."""
        if self.session.last_app is not None:
            self.add_workload(self.session.last_app)

    def action_remove(self) -> None:
        """Remove the selected instance from every world."""
        instance_id = self._selected_live()
        if instance_id is None:
            self.notify(tr("note.select_first", self.lang), severity="warning")
            return
        self.session.remove_instance(instance_id)
        self.refresh_view(self.session.settle(), charts=True)

    def action_toggle_pause(self) -> None:
        """Pause or resume simulated time."""
        self.paused = self.session.toggle_pause()

    def action_step(self) -> None:
        """While paused: run to the next moment something happens."""
        self.refresh_view(self.session.step(), charts=True)

    def action_faster(self) -> None:
        """Next speed up (the status line shows it: a notice would cover the narration's last lines)."""
        self.speed = self.session.faster()

    def action_slower(self) -> None:
        """Next speed down (shown on the status line)."""
        self.speed = self.session.slower()

    def action_forward(self) -> None:
        """While paused: forward 10 s, at most to where time had already reached."""
        self.refresh_view(self.session.forward(REWIND_S), charts=True)

    def action_leave_tabs(self) -> None:
        """Take the focus off the view tabs: ← → move a lesson's steps again."""
        self.screen.set_focus(None)

    def action_toggle_lower(self) -> None:
        """Give the log and charts the room (or give it back to the worlds)."""
        main = self.main
        main.toggle_class("-lower-max")
        main.fit_hosts_pane()
        strip = main.lower.strip
        if main.has_class("-lower-max") and self.lesson is None:
            self._before_c = self.focused
            strip.focus()  # ← → switch the views at once (in a lesson they move the steps)
        elif self.focused is strip:
            before = getattr(self, "_before_c", None)
            if before is not None and before.is_attached:
                before.focus()  # c again: the focus goes back where it was (a list's cursor), not nowhere

    def action_toggle_microvm(self) -> None:
        """Show or hide the microVM world (rebuilt by replay, so it has seen the same workloads)."""
        if not self.session.toggle_world("microvm"):
            self.notify(tr("note.one_world", self.lang), severity="warning")
            return
        self._swap_worlds([])

    def action_restart(self) -> None:
        """Back to t = 0 of the same scenario."""
        before = self.session.worlds
        self.session.restart()
        self.paused = self.session.paused  # a lesson starts again on its first step, paused
        self._log_reset = True
        if self.lesson is not None:
            self.speed = 1.0  # ... and at 1×: the next class must not inherit the last one's 100×
            self._after_lesson_move(before)
        else:
            self.refresh_view(self.session.settle(), charts=True)
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
        self.session = Session(spec, speed=self.session.speed, paused=self.session.paused)
        if spec.lesson and isinstance(self.focused, TabStrip):
            self.screen.set_focus(None)  # ← → move the lesson's steps, not the view tabs 'c' had focused
        self._log_reset = True
        self._swap_worlds(self.session.settle())
        self.notify(tr("note.opened", self.lang, name=spec.say("name", self.lang)), timeout=2)

    def _swap_worlds(self, events: list[WorldEvent]) -> None:
        """Show the session's worlds as columns (mounting takes a few turns of the event loop), then render."""
        self._swaps += 1
        self.call_later(self._show_worlds, events)

    async def _show_worlds(self, events: list[WorldEvent]) -> None:
        try:
            await self.main.set_worlds(self.session.worlds)
            self.refresh_view(events, charts=True)
            self.show_lesson()
        finally:
            self._swaps -= 1

    @property
    def settled(self) -> bool:
        """True when the dashboard is up and shows the session's worlds (no change of columns is pending)."""
        return self.dashboard_ready and self._swaps == 0

    # ------------------------------------------------------------------ lessons and language
    def show_lesson(self) -> None:
        """Show the lesson's current step in the narration panel (or hide the panel without a lesson)."""
        lesson, now = self.lesson, self.session.now
        self._watch_shown = lesson.watch_end(now) if lesson is not None else None
        self.main.show_lesson(lesson, self.session.spec, self.lang, now)

    def action_lesson_next(self) -> None:
        """Reveal the answer, or go to the next step."""
        if self.lesson is None or self.lesson.finished:
            return
        before = self.session.worlds
        self._log_reset = self.lesson.watch_end(self.session.now) is not None  # → runs the watching to its end
        self.session.lesson_next()
        self.paused = self.session.paused  # a step may pause or resume time
        self._after_lesson_move(before)

    def action_lesson_back(self) -> None:
        """Back to the state shown before this one."""
        if self.lesson is None:
            return
        before = self.session.worlds
        self.session.lesson_back()
        self.paused = self.session.paused
        self._log_reset = True
        self._after_lesson_move(before)

    def _after_lesson_move(self, worlds_before: tuple[str, ...]) -> None:
        if self.session.worlds != worlds_before:
            self._swap_worlds(self.session.settle())
        else:  # the step first (what the hosts view's picture follows), then the views drawn for it
            self.show_lesson()
            self.refresh_view(self.session.settle(), charts=True)
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

    def open_named(self, name: str) -> None:
        """Open a shipped scenario by name (from the command palette)."""
        from vmsim.session import ScenarioError, load_scenario

        try:
            self.load(load_scenario(name))
        except ScenarioError as exc:
            self.notify(str(exc), severity="error")

    def action_help(self) -> None:
        """Every key and colour."""
        from vmsim.tui.screens.dialogs import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """Save an SVG of the screen into the export folder (Textual's own arguments are not used: the name
        and the folder are vmsim's, and a served app offers the file as a download instead)."""
        from vmsim.tui.wide_svg import place_wide_glyphs

        spec = self.session.spec
        name = export_name(spec.slug or spec.name, self.session.now, "svg")
        title = f"vmsim — {spec.say('name', self.lang)}"
        svg = place_wide_glyphs(self.export_screenshot(title=title))
        self._save(name, lambda fh: fh.write(svg), "note.save_failed")

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        """Textual's own 'Screenshot' command saves as the s key does (vmsim's folder, wide glyphs placed)."""
        self.action_screenshot()
        return None

    def action_export(self) -> None:
        """Write the current state as JSON (the same schema as 'vmsim run --format json'), in pieces: at 10,000
        instances a world the whole document is never one string."""
        from vmsim.output.formats import write_json

        name = export_name(self.session.spec.slug or self.session.spec.name, self.session.now, "json")
        state = self.session.state()
        self._save(name, lambda fh: write_json(state, fh), "note.export_failed")

    def _save(self, name: str, write: Callable[[TextIO], object], failed: str) -> None:
        """Write an export into the export folder (never over a file), or, served to a browser, offer it as a
        download: a served app never writes on the server's disk."""
        try:
            if ServedLimits.from_environ().served:
                buffer = io.StringIO()
                write(buffer)
                buffer.seek(0)
                self.deliver_text(buffer, save_filename=name)
                self.notify(tr("note.offered", self.lang, name=name), timeout=4)
                return
            path = write_export(self.export_dir, name, write)
        except OSError as exc:
            self.notify(
                tr(failed, self.lang, why=f"{exc.filename or ''} {exc.strerror or exc}".strip()), severity="error"
            )
            return
        self.notify(tr("note.saved", self.lang, path=path), timeout=4)
