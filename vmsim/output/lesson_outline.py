"""A lesson as data and as text: every step in order (title, question, explanation, view, action) and the
summary step with the figures of a headless run. ``vmsim lesson`` prints it; the worksheets are built from it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, NamedTuple

from vmsim.output.formats import columns, wrap
from vmsim.output.lesson_summary import Row, summary_rows
from vmsim.session.summary import lesson_summary, run_lesson
from vmsim.text import table, tr

if TYPE_CHECKING:
    from vmsim.scenarios.spec import EventSpec, LessonStep, ScenarioSpec

SUMMARY_VIEW = "summary"


class OutlineStep(NamedTuple):
    """One step as the class meets it: the question (None without one) and the explanation revealed by →."""

    number: int
    title: str
    ask: str | None
    reveal: str
    view: str | None
    highlight: str | None  # the part of each column the step points at (memory, disk, cpu, instances, fit)
    watch_s: float
    action: dict[str, Any] | None  # {"verb": ..., "args": [...]}, JSON-ready
    worlds: tuple[str, ...] | None
    facts: tuple[str, ...]
    table: tuple[Row, ...] | None  # only on the summary step: its rows of words, header first


class LessonOutline(NamedTuple):
    """A whole lesson in one language: its name, title, description, seed and steps (the summary last)."""

    name: str
    lang: str
    title: str
    description: str
    seed: int
    steps: tuple[OutlineStep, ...]

    @property
    def questions(self) -> tuple[OutlineStep, ...]:
        """The steps that ask the class to predict."""
        return tuple(s for s in self.steps if s.ask)

    @property
    def summary(self) -> OutlineStep:
        """The summary step that ends the lesson."""
        return self.steps[-1]


def action_data(actions: tuple[EventSpec, ...]) -> dict[str, Any] | None:
    """A step's action in a stable JSON form (a step has at most one), or None."""
    if not actions:
        return None
    action = actions[0]
    return {"verb": action.verb, "args": list(action.args)}


def _step(number: int, step: LessonStep, lang: str) -> OutlineStep:
    return OutlineStep(
        number=number,
        title=step.say("title", lang) or tr("outline.untitled", lang, n=number),
        ask=step.say("ask", lang) or None,
        reveal=step.say("text", lang),
        view=step.view,
        highlight=step.highlight,
        watch_s=step.watch_s,
        action=action_data(step.actions),
        worlds=step.worlds,
        facts=step.facts,
        table=None,
    )


def lesson_outline(spec: ScenarioSpec, lang: str, extra_rows: tuple[Row, ...] = ()) -> LessonOutline:
    """The lesson of ``spec`` in ``lang``, its summary filled from a headless run and ``extra_rows`` (what the
    lesson's builds taught; raises ValueError without a lesson)."""
    if not spec.lesson:
        raise ValueError("this scenario has no lesson")
    steps = [_step(i, step, lang) for i, step in enumerate(spec.lesson, start=1)]
    rows = summary_rows(lesson_summary(run_lesson(spec)), lang) + extra_rows
    steps.append(
        OutlineStep(
            number=len(steps) + 1,
            title=tr("summary.title", lang),
            ask=None,
            reveal=tr("summary.text", lang),
            view=SUMMARY_VIEW,
            highlight=None,
            watch_s=0.0,
            action=None,
            worlds=None,
            facts=(),
            table=rows,
        )
    )
    return LessonOutline(
        name=spec.slug or spec.name,
        lang=lang,
        title=spec.say("name", lang),
        description=spec.say("description", lang),
        seed=spec.seed,
        steps=tuple(steps),
    )


def outline_json(outline: LessonOutline) -> str:
    """The outline as JSON: the lesson, then its steps in order, the summary last."""
    steps = []
    for s in outline.steps:
        item: dict[str, Any] = {
            "number": s.number,
            "title": s.title,
            "ask": s.ask,
            "reveal": s.reveal,
            "view": s.view,
            "highlight": s.highlight,
            "watch_s": s.watch_s,
            "action": s.action,
            "worlds": list(s.worlds) if s.worlds else None,
            "facts": list(s.facts),
        }
        if s.table is not None:
            item["table"] = [list(row) for row in s.table]
        steps.append(item)
    data = {
        "lesson": outline.name,
        "lang": outline.lang,
        "title": outline.title,
        "description": outline.description,
        "seed": outline.seed,
        "steps": steps,
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


width = columns  # columns ``text`` takes in a terminal: wide (Hangul, CJK) characters take two


def action_words(action: dict[str, Any], lang: str) -> str:
    """What a step's action does, in words."""
    verb, args = action["verb"], action["args"]
    if verb == "add_workload":
        return tr("outline.add_workload", lang, app=args[0], count=args[1])
    if verb == "grow_app":
        return tr("outline.grow_app", lang, target=args[0], mib=f"{args[1]:g}")
    if verb == "deploy":
        app, method, version, hosts = args[0], args[1], args[2], args[3]
        where = tr("outline.deploy_to", lang, hosts=", ".join(hosts)) if hosts else ""
        how = tr(f"summary.method.{method}", lang)
        return tr("outline.deploy", lang, app=app, version=version, method=how, where=where)
    if verb == "fault":
        kind, host, instance = args[0], args[1], args[2]
        return tr("outline.fault", lang, what=tr(f"outline.fault.{kind}", lang, target=host or instance))
    return tr(f"outline.{verb}", lang, target=args[0])


def highlight_words(part: str, lang: str) -> str:
    """The part of each column a step points at, in words ('the memory bars')."""
    return {
        "memory": tr("outline.part.memory", lang),
        "disk": tr("outline.part.disk", lang),
        "cpu": tr("outline.part.cpu", lang),
        "instances": tr("outline.part.instances", lang),
        "fit": tr("outline.part.fit", lang),
    }.get(part, part)


def view_words(view: str, lang: str) -> str:
    """A lesson view by the name of the dashboard's tab that shows it (and its own name when they differ)."""
    if f"outline.view.{view}" in table("en"):
        return tr(f"outline.view.{view}", lang)
    key = f"tab.{view.split('-')[0]}"
    if key not in table("en"):
        return view
    name = tr(key, lang)
    return name if view == view.split("-")[0] else f"{name} ({view})"


def table_lines(rows: tuple[Row, ...]) -> list[str]:
    """Rows of words as aligned columns (wide characters counted as two columns)."""
    widths = [max(width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [cell + " " * (widths[i] - width(cell)) for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    return lines


def outline_text(outline: LessonOutline, columns: int = 88) -> str:
    """The outline for a teacher to read before class: numbered steps, each question and its explanation."""
    lang = outline.lang
    out = [
        tr("outline.heading", lang, title=outline.title, steps=len(outline.steps), questions=len(outline.questions)),
        *wrap(outline.description, columns),
    ]
    indent = "   "
    for s in outline.steps:
        out += ["", f"{s.number}. {s.title}"]
        details = []
        if s.highlight:
            details.append(tr("outline.points_at", lang, part=highlight_words(s.highlight, lang)))
        if s.view and s.view != SUMMARY_VIEW:
            details.append(tr("outline.view", lang, view=view_words(s.view, lang)))
        if s.worlds:
            details.append(tr("outline.worlds", lang, worlds=", ".join(tr(f"world.{w}", lang) for w in s.worlds)))
        if s.action:
            details.append(action_words(s.action, lang))
        if s.watch_s:
            details.append(tr("outline.watch", lang, s=f"{s.watch_s:g}"))
        if details:  # one line when it fits, else broken between its parts
            out += [indent + line for line in wrap(" · ".join(details), columns - len(indent), sep=" · ")]
        if s.ask:
            out += _labelled(tr("outline.ask", lang), s.ask, indent, columns)
            out += _labelled(tr("outline.reveal", lang), s.reveal, indent, columns)
        else:
            out += _labelled(tr("outline.say", lang), s.reveal, indent, columns)
        if s.table:
            out += [indent + line for line in table_lines(s.table)]
    return "\n".join(out) + "\n"


def _labelled(label: str, text: str, indent: str, columns: int) -> list[str]:
    lines = wrap(f"{label} {text}", columns - len(indent))
    return [indent + line for line in lines]
