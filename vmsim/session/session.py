"""A session: a scenario being watched, the commands a user gave, and the past replayable on demand.

The engine is deterministic, so the past needs no recording: to show time ``t`` again, the latest checkpoint
at or before ``t`` (see :mod:`vmsim.session.checkpoints`; else a fresh simulation of the same scenario and
seed) is run to ``t`` with the user's commands replayed at the moments they were given, each after what
was due at that moment, as it was given. A command given after moving back in time replaces the commands
that had followed that moment (as an edit after undo does).

Everything a user can do to a running scenario is a method here, so the dashboard, the web mode and the
tests drive the same object; they read what it returns (frozen snapshots, events) and never the Simulation.
"""

from __future__ import annotations

import heapq
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from vmsim.engine.admission import FitResult
from vmsim.engine.events import WorldEvent
from vmsim.engine.kinds import WORLD_KINDS
from vmsim.engine.machines import Host
from vmsim.engine.simulation import Command, Simulation
from vmsim.engine.snapshot import ImageUsage, SimulationSnapshot
from vmsim.scenarios.build import build_simulation
from vmsim.scenarios.spec import LessonStep, ScenarioSpec
from vmsim.session.checkpoints import Checkpoints
from vmsim.session.hosts import next_version
from vmsim.session.rewind import Ahead, Replayed, play, ready_to_show, replay, run_plain
from vmsim.session.room import check_room, fit_now

if TYPE_CHECKING:
    from vmsim.engine.drift import ContainerView, Deployment, ImageBuild
    from vmsim.session.lesson import LessonRunner

SPEEDS = (0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 25.0, 50.0, 100.0)  # the speed ladder, slowest first
SEEK_STEP_S = 10.0  # how far one press of back or forward moves

Series = tuple[tuple[float, ...], tuple[float, ...]]


class DriftStory(NamedTuple):
    """The drift lesson's servers: set up by hand, from one image, and both recipes."""

    manual: tuple[Deployment, ...]
    image: tuple[Deployment, ...]
    recipe: tuple[str, ...]
    dockerfile: tuple[str, ...]
    built_here: tuple[ImageBuild, ...] = ()  # each server built its own image from the tag, on its own day
    shipped: tuple[ImageBuild, ...] = ()  # one image built once, pulled by every server
    siblings: tuple[ContainerView, ...] = ()  # two containers of that image on one server


@lru_cache(maxsize=8)
def drift_story(seed: int) -> DriftStory:
    """The drift story for ``seed`` (computed once per seed; its module loads only when first asked)."""
    from vmsim.engine.drift import (
        default_drift_model,
        image_builds,
        image_deployments,
        manual_deployments,
        sibling_containers,
    )

    model = default_drift_model()
    return DriftStory(
        manual_deployments(seed, model),
        image_deployments(seed, model),
        model.manual_recipe,
        model.dockerfile,
        image_builds(model, shipped=False),
        image_builds(model, shipped=True),
        sibling_containers(model),
    )


def _event_time(event: WorldEvent) -> float:
    return event.t_s


def _first_app(spec: ScenarioSpec) -> str | None:
    return next((str(e.args[0]) for e in spec.events if e.verb == "add_workload"), None)


class Session:
    """One scenario, one seed, the user's commands, the pace of time and the lesson; owns the Simulation.

    Invariants: ``now <= high_water_s`` unless time was moved back; ``speed`` is on the ``SPEEDS`` ladder
    after ``faster``/``slower``; ``sim`` is only replaced, never changed, outside this class's methods.
    """

    def __init__(
        self,
        spec: ScenarioSpec,
        seed: int | None = None,
        worlds: tuple[str, ...] | None = None,
        play_lesson: bool = False,
        *,
        speed: float = 1.0,
        paused: bool = False,
        lesson_step: int | None = None,
        checkpoints: bool = True,
    ) -> None:
        self.spec = spec
        self.seed = spec.seed if seed is None else seed
        # Headless runs play a lesson's actions as timed events (no teacher presses a key between steps).
        self.play_lesson = play_lesson
        self.worlds = tuple(k for k in WORLD_KINDS if k in (worlds or spec.worlds))
        self.user_commands: list[Command] = []
        self.high_water_s = 0.0
        self.dropped_future: tuple[float, float] | None = None  # (from, to) a command at a rewound moment dropped
        self.speed = speed
        self.paused = paused
        # The app the fit meter follows and 'add again' repeats: the last one added, by the user or a lesson.
        self.last_app: str | None = _first_app(spec)
        self.checkpoints = Checkpoints(enabled=checkpoints)  # none for a run that never goes back (headless)
        self.sim = self._fresh()  # the simulation this session drives: changed only by the methods below
        self.seen = 0  # how many of user_commands ``sim`` has been given (fewer after moving back in time)
        self.ahead: Ahead | None = None  # the next rewind, made in advance while paused (see prepare_back)
        self.lesson: LessonRunner | None = None
        if spec.lesson:
            from vmsim.session.lesson import LessonRunner  # loaded only for lessons

            self.lesson = LessonRunner(spec.lesson)
            self.lesson.start(self)
            self.paused = True  # a lesson opens on its first step, and nothing moves until the teacher says
            if lesson_step is not None:
                self.lesson_goto(lesson_step)

    def _fresh(self) -> Simulation:
        sim = build_simulation(self.spec._replace(worlds=self.worlds), seed=self.seed, play_lesson=self.play_lesson)
        # Settle t = 0 first, so the scenario's own t = 0 events come before anything the user does.
        self._run(sim, 0.0, 0)
        return sim

    def _run(self, sim: Simulation, t_s: float, commands: int) -> list[WorldEvent]:
        """Run ``sim`` (which has seen ``commands`` user commands) to ``t_s``, taking checkpoints as they fall due."""
        book = self.checkpoints
        if not book.enabled:
            return sim.run_until(t_s)
        events: list[WorldEvent] = []
        while True:
            due, quiet_after = book.due(sim)
            if due == 0 and sim.now > 0:
                book.take(sim, commands)
                due, quiet_after = book.due(sim)
            fired, done = sim.run_some(t_s, due, (SEEK_STEP_S, quiet_after))
            events += fired
            if done:
                return events
            book.take(sim, commands)

    # ------------------------------------------------------------------ what is shown
    @property
    def now(self) -> float:
        """Simulated seconds."""
        return self.sim.now

    @property
    def rewound(self) -> bool:
        """True while showing a moment earlier than time had already reached."""
        return self.sim.now < self.high_water_s - 1e-9

    @property
    def host(self) -> Host:
        """The physical machine every world copies."""
        return self.sim.host

    def snapshot(self, include_events: bool = False) -> SimulationSnapshot:
        """The whole state now, frozen (without the event history unless asked)."""
        return self.sim.snapshot(include_events=include_events)

    def state(self) -> SimulationSnapshot:
        """The state a JSON export writes: the snapshot with every event so far."""
        return self.sim.snapshot(include_events=True)

    def fit(self, app: str | None = None) -> dict[str, FitResult] | None:
        """How many more of ``app`` (default: the last app added) each world could take, or None."""
        app = app or self.last_app
        return fit_now(self.sim, app) if app else None

    def series(self) -> dict[str, Series]:
        """Every recorded metric series by name, as (times, values)."""
        return {name: s.points() for name, s in self.sim.series.items()}

    def images(self) -> tuple[ImageUsage, ...]:
        """Images in use in the container world (empty without one)."""
        world = self.sim.worlds.get("container")
        return world.image_usage() if world is not None else ()

    def recent_events(self, limit: int) -> list[WorldEvent]:
        """The last ``limit`` events of all the worlds, in time order: what a log shows after a jump in time."""
        tails = [world.events[-limit:] for world in self.sim.worlds.values()]
        return list(heapq.merge(*tails, key=_event_time))[-limit:]

    def drift(self) -> DriftStory:
        """The drift story for this session's seed."""
        return drift_story(self.seed)

    # ------------------------------------------------------------------ commands
    def _log(self, verb: str, args: tuple[object, ...]) -> None:
        now = self.sim.now
        # Moving back and then acting starts a new future: the old one's later commands are dropped.
        self.dropped_future = (now, self.high_water_s) if self.high_water_s > now + 1e-9 else None
        self.user_commands = [c for c in self.user_commands if c.t_s <= now]
        self.checkpoints.forget_after(now, len(self.user_commands))
        self.user_commands.append(Command(now, verb, args))
        self.seen = len(self.user_commands)
        self.high_water_s = now

    def add_workload(self, app: str, count: int = 1) -> list[str]:
        """Add ``count`` of ``app`` to every world now; it becomes the app the fit meter follows."""
        ids = self.sim.add_workload(app, check_room(self.sim, count))  # (TooManyInstances past the bound)
        self._log("add_workload", (app, count))
        self.last_app = app
        return ids

    def add_again(self) -> list[str]:
        """One more of the last app added (nothing when none was)."""
        return self.add_workload(self.last_app, 1) if self.last_app else []

    def remove_instance(self, instance_id: str) -> bool:
        """Remove one instance (in every world) now."""
        removed = self.sim.remove_instance(instance_id)
        if removed:
            self._log("remove_instance", (instance_id,))
        return removed

    def remove_app(self, app: str) -> int:
        """Remove every live instance of ``app`` now."""
        n = self.sim.remove_app(app)
        self._log("remove_app", (app,))
        return n

    def grow_app(self, app: str, memory_mib: float) -> int:
        """Every running ``app`` takes ``memory_mib`` more now."""
        n = self.sim.grow_app(app, memory_mib)
        self._log("grow_app", (app, memory_mib))
        return n

    def add_host(self) -> str:
        """One more host, empty and up, in every world now; returns its name."""
        name = self.sim.add_host()
        self._log("add_host", (name,))
        return name

    def fail_host(self, host: str | None = None) -> str | None:
        """Take ``host`` down in every world now (a host-down fault: its instances are replaced on the hosts still
        up), or, without a name, the first host that is up; returns the host's name, or None when none is up."""
        if host is None:
            first = next(iter(self.sim.worlds.values()))
            host = next((n.name for n in first.nodes if n.up), None)
            if host is None:
                return None
        self.fault("host-down", host=host)
        return host

    def fault(
        self,
        kind: str,
        host: str | None = None,
        instance: str | None = None,
        reboot: bool = False,
        memory_mib: float | None = None,
    ) -> int:
        """Strike every world with fault ``kind`` now (see ``Simulation.fault``); returns how many it reached."""
        n = self.sim.fault(kind, host, instance, reboot, memory_mib)
        self._log("fault", (kind, host, instance, reboot, memory_mib))
        return n

    def deploy(
        self,
        app: str | None = None,
        method: str = "image",
        version: str | None = None,
        hosts: tuple[str, ...] | None = None,
        max_unavailable: int = 1,
    ) -> str | None:
        """Deploy ``version`` of ``app`` (default: the last app added) now, ``method`` by-hand or image, to ``hosts``
        (default every host running it; see ``Simulation.deploy``); ``version`` defaults to one above the highest
        whole-number version deployed so far (the first deploy ships "2"). Returns the version, or None when there
        is no app to deploy."""
        app = app or self.last_app
        if app is None:
            return None
        if version is None:
            version = next_version(self.sim.snapshot(include_events=False), app)
        self.sim.deploy(app, method, version, hosts, max_unavailable)
        self._log("deploy", (app, method, version, hosts, max_unavailable))
        return version

    def settle(self) -> list[WorldEvent]:
        """Run what is due at this very moment (a command's immediate effects); returns those events."""
        return self.sim.run_until(self.sim.now)

    # ------------------------------------------------------------------ pace
    def pause(self) -> None:
        """Stop simulated time (``tick`` then does nothing)."""
        self.paused = True

    def resume(self) -> None:
        """Let simulated time run again (a rewind made in advance goes: it would only hold memory)."""
        self.paused = False
        self.ahead = None

    def toggle_pause(self) -> bool:
        """Pause or resume; returns True when now paused."""
        self.pause() if not self.paused else self.resume()
        return self.paused

    def set_speed(self, speed: float) -> None:
        """Run ``speed`` simulated seconds per real second (any positive speed, not only the ladder's)."""
        if not speed > 0:
            raise ValueError(f"speed must be above 0, not {speed}")
        self.speed = speed

    def faster(self) -> float:
        """The next speed up the ladder (the top one stays); returns the speed."""
        self.speed = next((s for s in SPEEDS if s > self.speed + 1e-9), SPEEDS[-1])
        return self.speed

    def slower(self) -> float:
        """The next speed down the ladder (the bottom one stays); returns the speed."""
        self.speed = next((s for s in reversed(SPEEDS) if s < self.speed - 1e-9), SPEEDS[0])
        return self.speed

    def tick(self, real_dt: float) -> list[WorldEvent] | None:
        """``real_dt`` seconds of real time passed: run ``real_dt`` × speed, or None (nothing ran) while paused."""
        if self.paused:
            return None
        end = self.lesson.watch_end(self.now) if self.lesson is not None else None  # an answer comes at its moment
        return self.advance(real_dt * self.speed if end is None else min(real_dt * self.speed, end - self.now))

    # ------------------------------------------------------------------ time
    def advance(self, dt: float) -> list[WorldEvent]:
        """Run forward ``dt`` simulated seconds; returns the events that fired."""
        events = self._forward_to(self.sim.now + max(dt, 0.0))
        self.high_water_s = max(self.high_water_s, self.sim.now)
        return events

    def run_until(self, t_s: float) -> list[WorldEvent]:
        """Run forward to exactly ``t_s`` (a headless run to its end); a moment already past is shown by ``seek``."""
        if t_s < self.sim.now:
            return self.seek(t_s)
        events = self._forward_to(t_s)
        self.high_water_s = max(self.high_water_s, self.sim.now)
        return events

    def step(self) -> list[WorldEvent]:
        """Run to the next moment something happens (or 0.1 s when nothing is scheduled)."""
        nxt = self.sim.next_event_s()
        target = self.sim.now + 0.1 if nxt is None else max(nxt, self.sim.now)
        return self.advance(target - self.sim.now)

    def seek(self, t_s: float) -> list[WorldEvent]:
        """Show the simulation at ``t_s`` (clamped at 0): earlier by replaying, later by running."""
        t_s = max(0.0, t_s)
        if t_s < self.sim.now:
            high = self.high_water_s
            self.adopt(self._replay(t_s))
            self.high_water_s = high
            return []
        return self.advance(t_s - self.sim.now)

    def replay_to(self, t_s: float) -> Replayed:
        """The simulation at an earlier ``t_s``, made without changing what is shown (a front end may make it on
        another thread while nothing else acts on the session, then show it with :meth:`adopt`), ready to show."""
        return ready_to_show(self._replay(max(0.0, t_s)))

    def adopt(self, replayed: Replayed) -> None:
        """Show a simulation made by :meth:`replay_to` from this session's commands."""
        high = self.high_water_s
        self.sim, self.seen = replayed
        self.high_water_s = high

    def back(self, seconds: float = SEEK_STEP_S) -> list[WorldEvent]:
        """Back ``seconds`` (not before 0), replaying the deterministic past."""
        return self.seek(self.sim.now - seconds)

    def forward(self, seconds: float = SEEK_STEP_S) -> list[WorldEvent]:
        """Forward ``seconds``, at most to where time had already reached; returns the events replayed on."""
        now = self.sim.now
        return self.seek(min(now + seconds, max(self.high_water_s, now)))

    def _replay(self, t_s: float) -> Replayed:
        """The simulation at ``t_s``: the rewind made in advance for it, else from the nearest checkpoint before it."""
        ahead = self.ahead
        if ahead is not None and ahead.fits(t_s, self.user_commands, self.worlds):
            self.ahead = None
            return ahead.replayed
        return replay(self.checkpoints, self.user_commands, t_s, self._fresh, self._run)

    def prepare_back(self, seconds: float = SEEK_STEP_S) -> bool:
        """Make ``back(seconds)`` in advance (see :mod:`vmsim.session.rewind`), without changing what is shown or the
        checkpoints: a front end may call it on another thread while paused. False when there is nothing to make."""
        now, commands, worlds = self.sim.now, self.user_commands, self.worlds
        t_s = max(0.0, now - seconds)
        if t_s >= now or self.back_ready(seconds):
            return t_s < now
        made = replay(self.checkpoints, commands, t_s, self._fresh, run_plain)
        self.ahead = Ahead(t_s, tuple(commands[: made.seen]), worlds, ready_to_show(made, collect=True))
        return True

    def back_ready(self, seconds: float = SEEK_STEP_S) -> bool:
        """Whether ``back(seconds)`` has been made in advance (it then only swaps the simulation shown)."""
        ahead, t_s = self.ahead, max(0.0, self.sim.now - seconds)
        return ahead is not None and ahead.fits(t_s, self.user_commands, self.worlds)

    def _forward_to(self, t_s: float) -> list[WorldEvent]:
        """Run the simulation shown to ``t_s``, giving it the commands of that stretch it has not seen (after
        moving back in time, the ones that had followed)."""
        self.seen, events = play(self.sim, self.user_commands, self.seen, t_s, self._run)
        return events

    def restore(self, t_s: float, commands: int) -> None:
        """Back to ``t_s`` with only the first ``commands`` user commands (a command given at ``t_s``
        itself is undone too, which ``seek`` alone cannot tell apart)."""
        high = self.high_water_s
        self.user_commands = self.user_commands[:commands]
        self.checkpoints.forget_after(max(0.0, t_s), commands)
        self.adopt(self._replay(max(0.0, t_s)))
        self.high_water_s = high

    def restart(self) -> None:
        """Back to t = 0 with no user commands (and the lesson, if any, before its first step)."""
        self.user_commands = []
        self.high_water_s = 0.0
        self.checkpoints.forget_after(0.0, 0)
        self.sim = self._fresh()
        self.seen = 0
        if self.lesson is not None:
            self.lesson.start(self)
            self.paused = True

    def set_worlds(self, worlds: tuple[str, ...]) -> None:
        """Show a different set of worlds, at the same moment with the same commands."""
        now = self.sim.now
        self.worlds = tuple(k for k in WORLD_KINDS if k in worlds)
        self.checkpoints.clear()  # they hold the other worlds
        self.adopt(self._replay(now))

    def toggle_world(self, kind: str) -> bool:
        """Show or hide one world (rebuilt by replay, so it has seen the same workloads); False, and nothing
        changed, when it is the only world shown."""
        new = tuple(w for w in self.worlds if w != kind) if kind in self.worlds else (*self.worlds, kind)
        if not new:
            return False
        self.set_worlds(new)
        return True

    # ------------------------------------------------------------------ lesson
    def lesson_next(self) -> LessonStep | None:
        """Reveal the current step's answer, or go to the next step; returns the step now shown."""
        lesson = self.lesson
        if lesson is None or lesson.finished:
            return None
        if (end := lesson.watch_end(self.now)) is not None:  # first, the rest of what this step shows
            self.run_until(end)
            return lesson.step
        step = lesson.forward(self)
        if step is not None and lesson.state.revealed:
            # The fit meter follows the app the lesson just added, as it follows the user's own additions.
            self.last_app = next((str(a.args[0]) for a in step.actions if a.verb == "add_workload"), self.last_app)
        self._lesson_pace()
        return step

    def _lesson_pace(self) -> None:
        """Time stands still while a question waits for its answer and on the summary; a revealed step runs
        unless it says ``pause = true``."""
        lesson = self.lesson
        if lesson is None:
            return
        step = lesson.step
        if step is None or lesson.asking:
            self.paused = True
        else:
            self.paused = step.pause if step.pause is not None else False

    def lesson_goto(self, number: int) -> None:
        """Open step ``number`` (1-based; ``lesson.total`` is the summary), paused, as if the steps before it had
        been taught: each revealed and watched for its ``watch_s``; step ``number`` shows its question unanswered.
        Going back from there walks through those steps as a class would have seen them."""
        lesson = self.lesson
        if lesson is None:
            raise ValueError("this scenario has no lesson")
        if not 1 <= number <= lesson.total:
            raise ValueError(f"step {number} is not in 1..{lesson.total}")
        lesson.start(self)
        while lesson.number < number:
            self.lesson_next()  # reveals a question, runs a watched step to the end of its watching, or moves on
        self.paused = True

    def lesson_back(self) -> LessonStep | None:
        """Back to the lesson state shown before this one, and the simulation to that moment, paused (as the
        lesson opens: space lets time run); at the first state, nothing changes."""
        if self.lesson is None or len(self.lesson.history) <= 1:
            return None
        step = self.lesson.back(self)
        self.paused = True
        return step
