"""``vmsim lesson LESSON``: every step of the scenario file in order, then the summary with a run's table; text
for the teacher in both languages; a scenario without a lesson, a bad language or format refused (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import run_cli

from vmsim.cli import main
from vmsim.cli.scenario_options import build_summary_rows, lesson_names
from vmsim.output.lesson_outline import width
from vmsim.output.lesson_summary import summary_rows
from vmsim.scenarios import load_scenario
from vmsim.session.summary import lesson_summary, run_lesson
from vmsim.text import tr

LESSONS = lesson_names()


run = run_cli


def test_the_shipped_lessons_are_found():
    assert {"vm-vs-container", "ec2-drift"} <= set(LESSONS)


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("name", LESSONS)
def test_json_lists_the_scenario_files_steps_in_order_then_the_summary(capsys, name, lang):
    code, out, err = run(capsys, "lesson", name, "--format", "json", "--lang", lang)
    assert code == 0, err
    data = json.loads(out)
    spec = load_scenario(name)
    steps = data["steps"]
    assert data["lesson"] == name and data["lang"] == lang
    assert data["title"] == spec.say("name", lang)
    assert len(steps) == len(spec.lesson) + 1
    assert [s["number"] for s in steps] == list(range(1, len(steps) + 1))
    for got, step in zip(steps, spec.lesson, strict=False):
        assert got["ask"] == (step.say("ask", lang) or None)
        assert got["reveal"] == step.say("text", lang)
        assert got["title"] == (step.say("title", lang) or tr("outline.untitled", lang, n=got["number"]))
        assert got["view"] == step.view
        assert got["watch_s"] == step.watch_s
        if step.actions:
            args = json.loads(json.dumps(list(step.actions[0].args)))  # a tuple of hosts is a list in JSON
            assert got["action"] == {"verb": step.actions[0].verb, "args": args}
        else:
            assert got["action"] is None
        assert "table" not in got
    summary = steps[-1]
    assert summary["view"] == "summary" and summary["ask"] is None and summary["action"] is None
    assert summary["reveal"] == tr("summary.text", lang)
    expected = summary_rows(lesson_summary(run_lesson(spec)), lang) + build_summary_rows(spec, lang)
    assert summary["table"] == [list(row) for row in expected]
    assert (spec.build is not None) == (len(expected) > len(summary_rows(lesson_summary(run_lesson(spec)), lang)))
    # the table holds the run's figures, not blanks
    assert any(cell not in ("", "—") for row in summary["table"][1:] for cell in row[1:])


def test_json_asks_only_where_the_file_asks(capsys):
    code, out, _ = run(capsys, "lesson", "vm-vs-container", "--format", "json", "--lang", "en")
    steps = json.loads(out)["steps"]
    assert code == 0
    assert [s["number"] for s in steps if s["ask"]] == [2, 5]
    assert steps[1]["action"] == {"verb": "add_workload", "args": ["nginx", 1]}
    assert steps[4]["action"] == {"verb": "add_workload", "args": ["nginx", 2]}


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(("lang", "ask", "reveal"), [("en", "Ask:", "Reveal:"), ("ko", "질문:", "해설:")])
@pytest.mark.parametrize("name", LESSONS)
def test_text_numbers_every_step_with_its_question_and_explanation(capsys, name, lang, ask, reveal):
    code, out, err = run(capsys, "lesson", name, "--lang", lang)
    assert code == 0, err
    spec = load_scenario(name)
    text = flat(out)
    at = 0
    for number, step in enumerate(spec.lesson, start=1):
        title = step.say("title", lang) or tr("outline.untitled", lang, n=number)
        at = text.index(f"{number}. {title}", at)
        if step.ask:
            at = text.index(flat(f"{ask} {step.say('ask', lang)}"), at)
            at = text.index(flat(f"{reveal} {step.say('text', lang)}"), at)
        else:
            at = text.index(flat(step.say("text", lang)), at)
    at = text.index(f"{len(spec.lesson) + 1}. {tr('summary.title', lang)}", at)
    for row in summary_rows(lesson_summary(run_lesson(spec)), lang)[1:]:
        assert flat(row[0]) in text[at:]
    questions = sum(1 for s in spec.lesson if s.ask)
    assert sum(line.startswith(f"   {ask} ") for line in out.splitlines()) == questions


def test_text_lines_fit_a_terminal_in_korean(capsys):
    code, out, _ = run(capsys, "lesson", "vm-vs-container", "--lang", "ko")
    assert code == 0
    assert "단계" in out.splitlines()[0] and "steps" not in out
    assert max(width(line) for line in out.splitlines() if " " in line.strip()) <= 88


def test_a_scenario_without_a_lesson_is_refused_naming_it_and_the_lessons(capsys):
    code, out, err = run(capsys, "lesson", "hello", "--format", "json")
    assert code == 2 and out == "" and "Traceback" not in err
    assert "'hello' (file " in err and "hello.toml') has no lesson" in err
    for name in LESSONS:
        assert name in err


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_without_a_name_lesson_lists_the_lessons_and_worksheet_asks_for_one(capsys, lang):
    # 'vmsim lesson' was an argparse error that named no lesson.
    code, out, err = run(capsys, "lesson", "--lang", lang)
    assert code == 0 and err == ""
    rows = out.splitlines()[2:]
    assert [row.split()[0] for row in rows] == LESSONS
    spec = load_scenario("isolation")
    steps = f"{len(spec.lesson) + 1} steps" if lang == "en" else f"{len(spec.lesson) + 1}단계"
    assert any(row.split()[0] == "isolation" and row.endswith(f"{spec.say('name', lang)} ({steps})") for row in rows)
    code, out, err = run(capsys, "worksheet", "--lang", lang)
    assert code == 2 and out == "" and "isolation" in err and "Traceback" not in err


@pytest.mark.parametrize("command", ["lesson", "worksheet"])
def test_a_name_that_is_no_scenario_lists_the_lessons_not_every_scenario(capsys, command):
    # It listed every shipped scenario (hello, oom, web-stack…), most of which are no lesson.
    code, out, err = run(capsys, command, "isolaton", "--lang", "en")
    assert code == 2 and out == "" and "Traceback" not in err
    assert "isolaton: no such lesson (did you mean 'isolation'?); lessons: " + ", ".join(LESSONS) in err
    assert "web-stack" not in err and "hello" not in err
    code, _, err = run(capsys, command, "nosuch", "--lang", "ko")
    assert code == 2 and "nosuch: 그런 수업은 없어요. 수업: " + ", ".join(LESSONS) in err


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["lesson", "vm-vs-container", "--lang", "fr"], "invalid choice: 'fr'"),
        (["lesson", "vm-vs-container", "--format", "yaml"], "invalid choice: 'yaml'"),
        (["lesson", "no-such-lesson"], "no-such-lesson"),
    ],
)
def test_bad_input_is_refused_with_a_message(capsys, argv, needle):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and needle in err and "Traceback" not in err


def test_out_writes_the_same_text_as_stdout(capsys, tmp_path):
    _, printed, _ = run(capsys, "lesson", "ec2-drift", "--format", "json", "--lang", "ko")
    target = tmp_path / "ec2.json"
    code, out, err = run(capsys, "lesson", "ec2-drift", "--format", "json", "--lang", "ko", "--out", str(target))
    assert code == 0 and out == "" and str(target) in err
    assert target.read_text(encoding="utf-8") == printed


def test_the_same_lesson_prints_the_same_bytes(capsys):
    first = run(capsys, "lesson", "density", "--format", "json", "--lang", "en")[1]
    assert run(capsys, "lesson", "density", "--format", "json", "--lang", "en")[1] == first


def test_a_path_without_a_lesson_is_named_once(capsys, tmp_path):
    path = tmp_path / "plain.toml"
    path.write_bytes(Path(load_scenario("hello").source).read_bytes())
    code, out, err = run(capsys, "lesson", str(path))
    assert code == 2 and out == ""
    assert f"{str(path)!r} has no lesson" in err and err.count("plain.toml") == 1


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("name", ["servers-multiply", "isolation", "build-and-ship"])
def test_an_outline_names_every_action_and_view_in_words(capsys, name, lang):
    # Deploys, faults and the build views were printed as raw keys ('outline.deploy', 'build-first').
    assert main(["lesson", name, "--lang", lang]) == 0
    out = capsys.readouterr().out
    assert "outline." not in out and "build-first" not in out and "build-change" not in out


def test_a_figure_and_its_unit_are_never_split_between_lines():
    from vmsim.output.lesson_outline import wrap

    lines = wrap("메모리는 약 34 MiB 정도예요, 그리고 0.35 s에 끝나요", 12)
    assert "약" in lines[0] and any(line.endswith("34 MiB") or "34 MiB " in line for line in lines), lines
    assert all(not line.rstrip().endswith(("34", "0.35")) for line in lines), lines
    assert wrap("5 servers", 3) == ["5", "servers"]  # a word that is not a unit still breaks


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_each_step_says_which_part_of_the_columns_it_points_at(capsys, lang):
    from vmsim.output.lesson_outline import highlight_words

    spec = load_scenario("vm-vs-container")
    code, out, _ = run_cli(capsys, "lesson", "vm-vs-container", "--lang", lang)
    assert code == 0
    blocks = out.split("\n\n")[1:]  # after the heading: one block a step
    pointed = [s.highlight for s in spec.lesson]
    assert pointed.count("memory") == 2 and None in pointed  # (the lesson points at several parts, not every step)
    for block, part in zip(blocks, pointed, strict=False):
        words = tr("outline.points_at", lang, part=highlight_words(part, lang)) if part else None
        assert (words in block) if words else (tr("outline.points_at", lang, part="") not in block), block
    code, out, _ = run_cli(capsys, "lesson", "vm-vs-container", "--format", "json")
    assert [s["highlight"] for s in json.loads(out)["steps"]][:-1] == pointed


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_lesson_fits_an_80_column_terminal_its_details_broken_between_parts(lang, capsys, monkeypatch):
    from vmsim.output.formats import columns

    monkeypatch.setattr("vmsim.cli.scenario_options.terminal_columns", lambda out=None: 80)
    for name in LESSONS:
        code, out, _ = run(capsys, "lesson", name, "--lang", lang)
        assert code == 0
        wide = [line for line in out.splitlines() if columns(line) > 80]
        assert wide == [], (name, wide)
        pointed = [line for line in out.splitlines() if line.strip().startswith(tr("outline.points_at", lang, part=""))]
        assert all(not line.rstrip().endswith("·") for line in pointed)  # (broken between parts, not after a dot)
