"""``vmsim worksheet LESSON``: every lesson's sheet and key in both languages and formats; the sheet holds the
questions and empty cells, never an explanation or a figure of the run; the key holds every explanation and
the run's figures; the HTML is one self-contained, escaped A4 page; bad input and unsafe --out refused."""

from __future__ import annotations

import re
from html import unescape

import pytest
from cli_support import run_cli

from vmsim.cli import main
from vmsim.cli.scenario_options import lesson_names
from vmsim.output.lesson_outline import lesson_outline
from vmsim.scenarios import load_scenario
from vmsim.text import tr

LESSONS = lesson_names()
LANGS = ("en", "ko")
FORMATS = ("md", "html")


run = run_cli


def sheet(capsys, name: str, lang: str, fmt: str, answers: bool) -> str:
    argv = ["worksheet", name, "--lang", lang, "--format", fmt] + (["--answers"] if answers else [])
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    assert err == ""
    return out


def plain(page: str, fmt: str) -> str:
    """What a reader sees of the sheet: HTML without its tags, entities read."""
    return unescape(re.sub(r"<[^>]+>", "", page)) if fmt == "html" else page


def seen(text: str, fmt: str) -> str:
    """``text`` of a lesson file as a reader sees it on the sheet (HTML sets `commands` as code)."""
    return text.replace("`", "") if fmt == "html" else text


def figures(name: str, lang: str) -> list[str]:
    """The figure cells of the key's summary table (not the measure names, the blanks or a section's heading)."""
    rows = lesson_outline(load_scenario(name), lang).summary.table or ()
    return [cell for row in rows[1:] if row[0] for cell in row[1:] if cell not in ("", "—")]


def table_cells(text: str, fmt: str) -> list[list[str]]:
    """The cells after the first column of the sheet's last table (its body rows)."""
    if fmt == "html":
        body = text.rsplit("<tbody>", 1)[1].split("</tbody>", 1)[0]
        return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in body.split("</tr>") if "<td" in row]
    lines = [line for line in text.splitlines() if line.startswith("| ")][1:]
    return [[cell.strip() for cell in line.strip("|").split(" | ")[1:]] for line in lines]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", LESSONS)
def test_every_lesson_has_a_sheet_without_answers_and_a_key_with_them(capsys, name, lang, fmt):
    spec = load_scenario(name)
    blank_page = sheet(capsys, name, lang, fmt, answers=False)
    key_page = sheet(capsys, name, lang, fmt, answers=True)
    blank, key = plain(blank_page, fmt), plain(key_page, fmt)
    title = spec.say("name", lang)
    assert seen(tr("worksheet.title", lang, lesson=title), fmt) in blank
    assert seen(tr("worksheet.key_title", lang, lesson=title), fmt) in key
    questions = [s for s in spec.lesson if s.ask]
    assert questions, f"{name} asks nothing"
    for n, step in enumerate(questions, start=1):
        for text in (blank, key):
            assert seen(step.say("ask", lang), fmt) in text
        assert seen(tr("worksheet.question", lang, n=n, step=spec.lesson.index(step) + 1,
                         title=step.say("title", lang)), fmt) in blank  # fmt: skip
        # the key explains every question
        assert seen(step.say("text", lang), fmt) in key
    for label in ("predict", "observe", "explain", "name", "class", "date"):
        assert seen(tr(f"worksheet.{label}", lang), fmt) in blank
    # the sheet explains nothing: no step's explanation, no fact of an answer
    for step in spec.lesson:
        assert seen(step.say("text", lang), fmt) not in blank
        for fact in step.facts:
            assert fact not in blank, (step.say("title", lang), fact)
    # and holds no figure of the run: its table is empty, and no figure with a unit appears anywhere
    key_cells = table_cells(key_page, fmt)
    blank_cells = table_cells(blank_page, fmt)
    assert len(blank_cells) == len(key_cells) > 0
    headings = [row for row in blank_cells if row in key_cells]  # a section's heading keeps its words
    assert len(headings) <= 1 and all(cell == "" for row in blank_cells if row not in headings for cell in row)
    for figure in figures(name, lang):
        assert seen(figure, fmt) in key
        if not figure.isdigit():
            assert seen(figure, fmt) not in blank, figure


@pytest.mark.parametrize("lang", LANGS)
def test_the_html_is_one_printable_page_with_nothing_from_outside(capsys, lang):
    for answers in (False, True):
        page = sheet(capsys, "ec2-drift", lang, "html", answers)
        assert page.startswith("<!DOCTYPE html>") and f'<html lang="{lang}">' in page
        assert re.search(r"@page\s*\{[^}]*size:\s*A4", page)
        assert re.search(r"@page\s*\{[^}]*margin:", page)
        assert "break-inside: avoid" in page
        for outside in ("<script", "<link", "<img", "src=", "url(", "@import", "http://", "https://"):
            assert outside not in page, outside
        assert page.count("<section>") == page.count("</section>") == 4  # three questions and the table


def test_korean_sheets_use_korean_labels(capsys):
    page = sheet(capsys, "vm-vs-container", "ko", "html", answers=False)
    for label in ("예상", "관찰", "설명", "이름", "학습지"):
        assert label in page
    for english in ("Predict", "Observe", "Explain", "Worksheet", "Name"):
        assert english not in page


LESSON_WITH_MARKUP = """
name = "Markup <b>lesson</b>"
[[lesson]]
title.en = "Tags & <i>pipes</i> | here"
ask.en = "Is <script>alert(1)</script> shown as text?"
text.en = "Yes: <img src=x> & friends stay text; `docker run` is code, `<b>` stays text."
add = "nginx"
"""


def test_text_from_a_lesson_file_is_escaped_in_html(capsys, tmp_path):
    path = tmp_path / "markup.toml"
    path.write_text(LESSON_WITH_MARKUP, encoding="utf-8")
    for answers in (False, True):
        page = sheet(capsys, str(path), "en", "html", answers)
        assert "<script" not in page and "<i>" not in page and "<b>lesson" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "Tags &amp; &lt;i&gt;pipes&lt;/i&gt; | here" in page
    key = sheet(capsys, str(path), "en", "html", True)
    assert "<img" not in key and "&lt;img src=x&gt; &amp; friends" in key
    assert "<code>docker run</code>" in key and "<b>" not in key.split("<body")[1].replace("<b>Answer</b>", "")


def test_a_scenario_without_a_lesson_is_refused(capsys):
    code, out, err = run(capsys, "worksheet", "hello", "--format", "html")
    assert code == 2 and out == "" and "has no lesson" in err and "Traceback" not in err
    assert "'hello' (file " in err and "hello.toml" in err, "the refusal names the scenario and its file"
    assert all(name in err for name in LESSONS)


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["worksheet", "vm-vs-container", "--lang", "de"], "invalid choice: 'de'"),
        (["worksheet", "vm-vs-container", "--format", "pdf"], "invalid choice: 'pdf'"),
        (["worksheet", "no-such-lesson", "--answers"], "no-such-lesson"),
    ],
)
def test_bad_input_is_refused_with_a_message(capsys, argv, needle):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and needle in err and "Traceback" not in err


def test_out_writes_the_sheet_and_replaces_a_file(capsys, tmp_path):
    printed = sheet(capsys, "density", "ko", "html", answers=True)
    target = tmp_path / "key.html"
    target.write_text("old", encoding="utf-8")
    argv = ["worksheet", "density", "--lang", "ko", "--format", "html", "--answers", "--out", str(target)]
    code, out, err = run(capsys, *argv)
    assert (
        code == 0 and out == "" and str(target) in err and "있던 파일을 덮어썼어요" in err
    )  # said in the sheet's language
    assert target.read_text(encoding="utf-8") == printed


@pytest.mark.parametrize("kind", ["symlink", "folder"])
def test_out_refuses_what_is_not_a_regular_file(capsys, tmp_path, kind):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    target = tmp_path / "sheet.html"
    if kind == "symlink":
        target.symlink_to(victim)
    else:
        target.mkdir()
    code, out, err = run(capsys, "worksheet", "vm-vs-container", "--format", "html", "--out", str(target))
    assert code == 2 and out == "" and "sheet.html" in err and "Traceback" not in err
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert target.is_symlink() if kind == "symlink" else target.is_dir()


def test_the_build_lessons_key_carries_what_each_server_pulls_and_the_sheet_does_not(capsys):
    from vmsim.cli import main

    assert main(["worksheet", "build-and-ship", "--answers", "--format", "md", "--lang", "en"]) == 0
    key = capsys.readouterr().out
    assert "node-good: after the change" in key and "6.8 KiB to each server" in key and "6.7 MiB" in key
    assert main(["worksheet", "build-and-ship", "--format", "md", "--lang", "en"]) == 0
    sheet = capsys.readouterr().out
    assert "node-good: after the change" in sheet and "6.8 KiB" not in sheet and "6.7 MiB" not in sheet


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_a_section_heading_stays_in_the_sheet_while_its_figures_go(capsys, fmt):
    """The drift rows are about the servers: the sheet names them ('3 servers') above empty cells to fill."""
    assert main(["worksheet", "ec2-drift", "--format", fmt, "--lang", "en"]) == 0
    sheet = capsys.readouterr().out
    assert "3 servers" in sheet and "1 of 3" not in sheet
    assert main(["worksheet", "ec2-drift", "--answers", "--format", fmt, "--lang", "en"]) == 0
    key = capsys.readouterr().out
    assert "3 servers" in key and "1 of 3" in key


@pytest.mark.parametrize("answers", [False, True])
def test_the_servers_figures_get_a_table_of_their_own_not_a_worlds_column(capsys, answers):
    """Under the 'Virtual machines' column, '1 of 3 working, set up by hand' read as a VM figure."""
    argv = ["worksheet", "ec2-drift", "--format", "md", "--lang", "en"] + (["--answers"] if answers else [])
    assert main(argv) == 0
    sheet = capsys.readouterr().out
    tables = [block for block in sheet.split("\n\n") if block.startswith("| ")]
    worlds, servers = tables[-2], tables[-1]
    assert worlds.splitlines()[0] == "|  | Virtual machines | Containers |"
    assert "Working, set up by hand" not in worlds
    assert servers.splitlines()[0] == "|  | 3 servers |"
    assert all(line.count("|") == 3 for line in servers.splitlines()), servers
    assert ("| Working, set up by hand | 1 of 3 |" in servers) is answers
    assert main(argv[:3] + ["html", *argv[4:]]) == 0
    html = capsys.readouterr().out
    assert html.count("<table>") == 2 and '<th scope="col">3 servers</th>' in html
