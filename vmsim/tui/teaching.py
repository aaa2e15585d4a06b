"""What the dashboard's teaching views ask of the app while they are shown: images, the drift story and its
time-lapse, the build story, and the lesson summary in words (see MainScreen.show_charts)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vmsim.imagebuild.story import BuildStory
    from vmsim.session import DriftStory, ImageUsage, LessonRunner, ScenarioSpec, Session

TYPED_LINE_S = 0.4  # the drift story's time-lapse: simulated seconds per line typed on a server


class TeachingViews:
    """Mixin for the app: the data its teaching views read, asked for only while they are on screen."""

    session: Session
    lang: str
    # The lesson's builds, made once per scenario (keyed by the spec they were made for).
    _build_story: tuple[ScenarioSpec, tuple[BuildStory | None, str]] | None = None

    @property
    def lesson(self) -> LessonRunner | None:
        """The session's lesson (None for a scenario without one)."""
        return self.session.lesson

    def images(self) -> tuple[ImageUsage, ...]:
        """Images in use in the container world (empty without one)."""
        return self.session.images()

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
