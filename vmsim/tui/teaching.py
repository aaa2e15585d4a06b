"""What the dashboard's teaching views ask of the app while they are shown: images, the drift story and its
time-lapse, the build story, and the lesson summary in words (see MainScreen.show_charts)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vmsim.text import tr

if TYPE_CHECKING:
    from pathlib import Path

    from textual.timer import Timer

    from vmsim.imagebuild.story import BuildReplay, BuildStory
    from vmsim.session import Catalog, DriftStory, ImageUsage, LessonRunner, ScenarioSpec, Session, WorldEvent
    from vmsim.tui.screens.main import MainScreen

TYPED_LINE_S = 0.4  # the drift story's time-lapse: simulated seconds per line typed on a server
REPLAY_TICK_S = 0.1  # how often a build replay moves on (wall seconds)


class TeachingViews:
    """Mixin for the app: the data its teaching views read, asked for only while they are on screen."""

    session: Session
    lang: str
    # The lesson's builds, made once per scenario (keyed by the spec they were made for).
    _build_story: tuple[ScenarioSpec, tuple[BuildStory | None, str]] | None = None
    # The build view's "edit a file and rebuild": the file chosen per Dockerfile, and the replay on show.
    _build_edits: dict[Path, tuple[tuple[str, ...], int]]
    _build_replay: tuple[BuildReplay, float] | None = None
    _replay_timer: Timer | None = None
    ticking: bool

    @property
    def main(self) -> MainScreen:
        raise NotImplementedError  # the app's: the dashboard screen under any dialog

    @property
    def catalog(self) -> Catalog:
        """The catalog the session's simulation runs with (the scenario's Dockerfile apps included)."""
        return self.session.sim.settings.catalog

    def empty_hint(self, key: str, in_lesson: str) -> str:
        """What an empty view suggests: adding a workload (``key``), or during a lesson its next step (→)."""
        lesson = self.lesson
        return tr(in_lesson if lesson is not None and not lesson.finished else key, self.lang)

    @property
    def lesson(self) -> LessonRunner | None:
        """The session's lesson (None for a scenario without one)."""
        return self.session.lesson

    def last_deploy(self, world: str) -> WorldEvent | None:
        """The latest host a deploy finished on in ``world`` (None before any deploy)."""
        from vmsim.session.hosts import last_deploy

        return last_deploy(self.session.sim.worlds[world].events)

    def images(self) -> tuple[ImageUsage, ...]:
        """Images in use in the container world (empty without one)."""
        return self.session.images()

    def question_open(self) -> bool:
        """True while a lesson's question waits for its answer, or its answer for the class to watch it happen:
        what would answer it (the fit line, the images' disk sums) stays off the screen until then."""
        lesson = self.session.lesson
        return lesson is not None and lesson.question_shown(self.session.now)

    def build_story(self) -> tuple[BuildStory | None, str]:
        """The lesson's builds (made once per scenario), or None and why they could not be made."""
        spec = self.session.spec
        if self._build_story is not None and self._build_story[0] is spec:
            return self._build_story[1]
        from vmsim.imagebuild.story import make_build_story

        made = make_build_story(spec.build, self.lang)
        self._build_story = (spec, made)
        return made

    def summary_table(self) -> tuple[tuple[str, ...], ...]:
        """The lesson summary's table, in words of the app's language."""
        from vmsim.output.lesson_summary import summary_rows
        from vmsim.session.summary import lesson_summary

        rows = summary_rows(lesson_summary(self.session), self.lang)
        story, _problem = self.build_story() if self.session.spec.build is not None else (None, "")
        if story is None:
            return rows
        from vmsim.imagebuild.story import build_rows

        return rows + build_rows(story, len(rows[0]), self.lang)

    def drift_typed(self) -> int | None:
        """How many typed lines the drift story's time-lapse shows now (None: all), while a step plays it."""
        lesson = self.lesson
        step = lesson.step if lesson is not None else None
        if lesson is None or step is None or step.view != "drift-setup" or lesson.asking:
            return None
        return int((self.session.now - lesson.state.t_s) / TYPED_LINE_S)

    def drift(self) -> DriftStory:
        """The drift story for this session's seed: by hand, from one image, and both recipes."""
        return self.session.drift()

    def drift_apart(self) -> bool:
        """Whether the drift story is apart from this scenario (none of its lesson steps shows it)."""
        return not any((step.view or "").startswith("drift") for step in self.session.spec.lesson)

    # ------------------------------------------------------------------ the build view's keys
    def build_mode(self) -> str | None:
        """The build view's mode (first, change, compare) when it is on screen with a build to show and no lesson
        question waits for its answer, else None."""
        try:
            lower = self.main.lower
        except RuntimeError:
            return None
        if "build" not in lower.shown() or self.session.spec.build is None:
            return None
        if self.lesson is not None and self.lesson.asking:
            return None  # a question waits: the learner predicts before any rebuild shows what the cache does
        story, _problem = self.build_story()
        return None if story is None else str(lower.view("build").mode)  # type: ignore[attr-defined]

    def _shown_dockerfile(self, mode: str) -> Path:
        build = self.session.spec.build
        assert build is not None
        return build.compare if mode == "compare" and build.compare is not None else build.dockerfile

    def _edit_choices(self, dockerfile: Path) -> tuple[tuple[str, ...], int]:
        edits = self.__dict__.setdefault("_build_edits", {})
        if dockerfile not in edits:
            from vmsim.imagebuild.problems import BuildInputError
            from vmsim.imagebuild.story import edit_choices

            try:
                choices = edit_choices(dockerfile)
            except (BuildInputError, OSError):
                choices = ()
            spec = self.session.spec.build
            first = spec.changed[0] if spec is not None and spec.changed else ""
            edits[dockerfile] = (choices, choices.index(first) if first in choices else 0)
        return edits[dockerfile]

    def build_edit(self) -> tuple[str, BuildReplay | None]:
        """The file the build view's keys would edit, and the replay of the last rebuild (None when none is on
        show in this view)."""
        mode = self.build_mode()
        if mode is None:
            return "", None
        choices, index = self._edit_choices(self._shown_dockerfile(mode))
        replay = self._build_replay[0] if self._build_replay is not None else None
        return (choices[index] if choices else ""), (replay if replay is not None and replay.mode == mode else None)

    def action_build_pick(self) -> None:
        """Choose the next file of the build context to edit."""
        mode = self.build_mode()
        if mode is None:
            return
        dockerfile = self._shown_dockerfile(mode)
        choices, index = self._edit_choices(dockerfile)
        if choices:
            self._build_edits[dockerfile] = (choices, (index + 1) % len(choices))
        self._show_build()

    def action_build_rebuild(self) -> None:
        """Edit the chosen file and build again: the view replays the build, the push and each server's pull."""
        mode = self.build_mode()
        edited, _replay = self.build_edit()
        build = self.session.spec.build
        if mode is None or not edited or build is None:
            return
        from vmsim.imagebuild.problems import BuildInputError
        from vmsim.imagebuild.story import rebuild

        try:
            replay = rebuild(self._shown_dockerfile(mode), edited, build.servers, mode)
        except (BuildInputError, OSError) as exc:
            text = exc.text(self.lang) if isinstance(exc, BuildInputError) else f"{exc.filename}: {exc.strerror}"
            self.notify(text, severity="error")  # type: ignore[attr-defined]
            return
        self._build_replay = (replay, 0.0)
        if self.ticking and self._replay_timer is None:
            self._replay_timer = self.set_interval(REPLAY_TICK_S, self.replay_tick)  # type: ignore[attr-defined]
        self._show_build()

    def replay_tick(self, dt: float = REPLAY_TICK_S) -> None:
        """Move the build replay on by ``dt`` wall seconds (the timer calls this; tests call it by hand)."""
        if self._build_replay is None:
            return
        from vmsim.imagebuild.story import replay_at

        replay, elapsed = self._build_replay
        elapsed += dt
        self._build_replay = (replay_at(replay, elapsed), elapsed)
        if self._build_replay[0].done and self._replay_timer is not None:
            self._replay_timer.stop()
            self._replay_timer = None
        self._show_build()

    def _show_build(self) -> None:
        """Hand the build view its file and replay now (it is on screen: the keys act only then)."""
        if self.build_mode() is None:
            return
        widget = self.main.lower.view("build")
        widget.edit, widget.replay = self.build_edit()  # type: ignore[attr-defined]
