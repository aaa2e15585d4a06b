"""A lesson's worksheet and answer key, as Markdown or as one printable HTML page (A4, no external assets).

The worksheet holds the lesson's questions with room to predict, observe and explain, and the summary's
table with empty cells; it never holds an explanation or a figure of the run. The key holds each question
with its explanation and the summary table filled from a headless run of the lesson.
"""

from __future__ import annotations

import re
from html import escape

from vmsim.output.lesson_outline import LessonOutline, OutlineStep
from vmsim.output.lesson_summary import Row
from vmsim.text import tr

FORMATS = ("md", "html")
BOXES = ("predict", "observe", "explain")
BOX_MM = {1: 50, 2: 38, 3: 25}  # height of the boxes to write in, by how many questions the lesson asks
WRITING_LINE = "." * 72  # a dotted line to write on: plain text in any Markdown viewer, and on paper


def render_worksheet(outline: LessonOutline, answers: bool, fmt: str) -> str:
    """The worksheet (``answers`` False) or its key, in ``fmt`` (``md`` or ``html``)."""
    if fmt == "md":
        return _markdown(outline, answers)
    if fmt == "html":
        return _html(outline, answers)
    raise ValueError(f"unknown worksheet format {fmt!r}; choose one of {', '.join(FORMATS)}")


def sections(rows: tuple[Row, ...]) -> list[tuple[Row, ...]]:
    """The summary as tables: the worlds' table, then a table of two columns for each section a row without a
    measure heads (the drift lesson's servers belong to no world: under a world's column they read as its)."""
    if not rows:
        return []
    tables: list[list[Row]] = [[rows[0]]]
    for row in rows[1:]:
        in_section = len(tables[-1][0]) == 2
        if not row[0] and any(row[1:]):
            tables.append([("", row[1])])
        elif in_section and not any(row[2:]):
            tables[-1].append(row[:2])
        else:
            if in_section:  # a world's row after a section: the worlds' header again
                tables.append([rows[0]])
            tables[-1].append(row)
    return [tuple(table) for table in tables]


def sheet_tables(outline: LessonOutline, answers: bool) -> list[tuple[Row, ...]]:
    """The summary tables to print: the run's figures in the key, empty cells to fill in the worksheet."""
    tables = sections(outline.summary.table or ())
    if answers:
        return tables
    return [(table[0], *((row[0], *("" for _ in row[1:])) for row in table[1:])) for table in tables]


def _title(outline: LessonOutline, answers: bool) -> str:
    return tr("worksheet.key_title" if answers else "worksheet.title", outline.lang, lesson=outline.title)


def _question_heading(n: int, step: OutlineStep, lang: str) -> str:
    return tr("worksheet.question", lang, n=n, step=step.number, title=step.title)


# Markdown


def _md_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _markdown(outline: LessonOutline, answers: bool) -> str:
    lang = outline.lang
    out = [f"# {_title(outline, answers)}", ""]
    if answers:
        out += [f"_{tr('worksheet.key_note', lang, seed=outline.seed)}_", ""]
    else:
        blank = "_" * 24
        out += [
            f"{tr('worksheet.name', lang)}: {blank}   {tr('worksheet.class', lang)}: {blank[:12]}   "
            f"{tr('worksheet.date', lang)}: {blank[:12]}",
            "",
            f"_{tr('worksheet.how', lang)}_",
            "",
        ]
    for n, step in enumerate(outline.questions, start=1):
        out += [f"## {_question_heading(n, step, lang)}", "", step.ask or "", ""]
        if answers:
            out += [f"**{tr('worksheet.answer', lang)}:** {step.reveal}", ""]
            continue
        for box in BOXES:
            out += [f"**{tr(f'worksheet.{box}', lang)}** ({tr(f'worksheet.{box}_hint', lang)})", ""]
            out += [WRITING_LINE, "", WRITING_LINE, ""]
    tables = sheet_tables(outline, answers)
    if tables:
        out += [f"## {tr('worksheet.key_table' if answers else 'worksheet.table', lang)}", ""]
    for rows in tables:
        out.append("| " + " | ".join(_md_cell(c) for c in rows[0]) + " |")
        out.append("|" + "---|" * len(rows[0]))
        for row in rows[1:]:
            out.append("| " + " | ".join(_md_cell(c) if c else " " for c in row) + " |")
        out.append("")
    return "\n".join(out)


# HTML

_CSS = """
@page { size: A4; margin: 12mm 14mm 12mm 14mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; color: #000; background: #fff; font-size: 10pt; line-height: 1.35;
  font-family: "Noto Sans", "Noto Sans CJK KR", "Malgun Gothic", "Apple SD Gothic Neo", "Segoe UI",
  Arial, sans-serif; word-break: keep-all; overflow-wrap: anywhere; }
h1 { font-size: 15pt; margin: 0 0 2.5mm; }
h2 { font-size: 11pt; margin: 0 0 1mm; }
p { margin: 0 0 1.5mm; }
.who { display: flex; gap: 5mm; margin: 0 0 3mm; }
.who div { flex: 1 1 0; border-bottom: 1px solid #000; padding: 0 0 1mm; font-weight: bold; }
.who div.name { flex-grow: 2; }
.how, .note { font-style: italic; color: #333; margin-bottom: 3mm; }
section { break-inside: avoid; page-break-inside: avoid; margin: 0 0 3.5mm; }
.boxes { display: flex; gap: 3mm; }
.box { flex: 1 1 0; border: 1.2px solid #000; border-radius: 1.5mm; min-height: var(--box-mm, 25mm);
  padding: 1.2mm 2mm; }
.box b { display: block; }
.hint { font-size: 8.5pt; color: #444; font-weight: normal; }
.answer { border-left: 1.2mm solid #666; padding: 1mm 0 1mm 3mm; }
.answer b { margin-right: 1.5mm; }
.answer b::after { content: ":"; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #000; padding: 1mm 2mm; text-align: left; vertical-align: top; }
thead th { background: #e6e6e6; }
tbody th { font-weight: normal; width: 34%; }
td.empty { height: 7.5mm; }
code { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 0.92em; }
td.none { background: #d9d9d9; }
@media screen { body { max-width: 180mm; margin: 10mm auto; } }
"""


def _html_table(rows: tuple[Row, ...], answers: bool) -> list[str]:
    """The summary table: the figures in the key; in the sheet, cells to fill (grey where the run has nothing)."""
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in rows[0])
    out = ["<table>", f"<thead><tr>{head}</tr></thead>", "<tbody>"]
    for row in rows[1:]:
        blank = ('<td class="empty"></td>', '<td class="none"></td>')
        heading = not row[0]  # a section's heading: its words in the sheet too
        cells = "".join(f"<td>{escape(c)}</td>" if (answers or heading) and c else blank[c == ""] for c in row[1:])
        out.append(f'<tr><th scope="row">{escape(row[0])}</th>{cells}</tr>')
    out += ["</tbody>", "</table>"]
    return out


def _prose(text: str) -> str:
    """Escaped text, with `backquoted` commands set as code (as the lesson files write them)."""
    return re.sub(r"`([^`<>]+)`", r"<code>\1</code>", escape(text))


def _html(outline: LessonOutline, answers: bool) -> str:
    lang = outline.lang
    title = _title(outline, answers)
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{escape(lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{escape(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        # Fewer questions leave more room to write: the sheet still fits one A4 page.
        f'<body style="--box-mm: {BOX_MM.get(len(outline.questions), BOX_MM[3])}mm">',
        f"<h1>{escape(title)}</h1>",
    ]
    if answers:
        out.append(f'<p class="note">{escape(tr("worksheet.key_note", lang, seed=outline.seed))}</p>')
    else:
        out.append(
            '<div class="who">'
            f'<div class="name">{escape(tr("worksheet.name", lang))}:</div>'
            f"<div>{escape(tr('worksheet.class', lang))}:</div>"
            f"<div>{escape(tr('worksheet.date', lang))}:</div>"
            "</div>"
        )
        out.append(f'<p class="how">{escape(tr("worksheet.how", lang))}</p>')
    for n, step in enumerate(outline.questions, start=1):
        out += ["<section>", f"<h2>{escape(_question_heading(n, step, lang))}</h2>", f"<p>{_prose(step.ask or '')}</p>"]
        if answers:
            out.append(f'<p class="answer"><b>{escape(tr("worksheet.answer", lang))}</b>{_prose(step.reveal)}</p>')
        else:
            out.append('<div class="boxes">')
            for box in BOXES:
                out.append(
                    f'<div class="box"><b>{escape(tr(f"worksheet.{box}", lang))} '
                    f'<span class="hint">({escape(tr(f"worksheet.{box}_hint", lang))})</span></b></div>'
                )
            out.append("</div>")
        out.append("</section>")
    tables = sections(outline.summary.table or ())
    if tables:
        heading = tr("worksheet.key_table" if answers else "worksheet.table", lang)
        out += ["<section>", f"<h2>{escape(heading)}</h2>"]
        for rows in tables:
            out += _html_table(rows, answers)
        out.append("</section>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out)
