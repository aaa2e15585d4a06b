"""Screenshots (s) in Korean: every wide character two cells wide, every character at its terminal column."""

from __future__ import annotations

import html
import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from rich.cells import cell_len
from rich.console import Console

from vmsim.scenarios import load_scenario
from vmsim.tui.app import VmsimApp
from vmsim.tui.wide_svg import CELL_WIDTH_PX, place_wide_glyphs

SVG = "{http://www.w3.org/2000/svg}"
CW = CELL_WIDTH_PX


def rich_svg(*lines: str, width: int = 30) -> str:
    """Rich's own export of ``lines``."""
    console = Console(width=width, file=io.StringIO(), record=True, force_terminal=True, color_system="truecolor")
    for line in lines:
        console.print(line, highlight=False)
    return console.export_svg(title="t")


def cells(svg: str) -> dict[tuple[float, int], str]:
    """(y, column) → character, read from the positions an SVG viewer uses: a wide character centred on its
    two cells, a narrow stretch from its x over its textLength (one cell per character)."""
    grid: dict[tuple[float, int], str] = {}
    root = ET.fromstring(svg)
    for text in root.iter(f"{SVG}text"):
        spans = list(text.iter(f"{SVG}tspan"))
        if not spans:  # Rich's own element: x and one cell per character
            if (text.text or "").strip() and text.get("textLength"):
                spans = [text]
            else:
                continue
        y = float(text.get("y", "0"))
        for span in spans:
            content = (span.text or "").replace("\xa0", " ")
            x = float(span.get("x", "0"))
            if span.get("text-anchor") == "middle":
                assert len(content) == 1 and cell_len(content) == 2
                grid[(y, round(x / CW) - 1)] = content
                continue
            assert float(span.get("textLength", "0")) == round(cell_len(content) * CW, 6)
            col = round(x / CW)
            for ch in content:
                grid[(y, col)] = ch
                col += cell_len(ch)
    return grid


def line(grid: dict[tuple[float, int], str], y: float) -> str:
    """The characters on the line at ``y``, as the terminal shows them (a wide one then a blank cell)."""
    cols = {c: ch for (yy, c), ch in grid.items() if yy == y}
    out, col = "", 0
    while col <= max(cols):
        ch = cols.get(col, " ")
        out += ch
        col += max(cell_len(ch), 1)
    return out.rstrip()


def test_the_character_after_hangul_is_at_its_cell_column():
    """'한국어 abc': the Hangul takes columns 0–5, 'a' is at column 7, and the text reads back unchanged."""
    svg = place_wide_glyphs(rich_svg("한국어 abc|x"))
    grid = cells(svg)
    first_y = min(y for y, _ in grid)
    assert [grid[(first_y, c)] for c in (0, 2, 4, 7, 8, 9, 10, 11)] == list("한국어abc|x")
    assert line(grid, first_y) == "한국어 abc|x"
    # Each Hangul syllable is centred on its own two cells; the narrow rest starts at column 6, four cells long.
    assert re.search(rf'<tspan x="{CW * 3:g}" text-anchor="middle">국</tspan>', svg)
    assert re.search(rf'<tspan x="{CW * 6:g}" textLength="{CW * 6:g}">&#160;abc|x</tspan>', svg)


def test_text_without_wide_characters_is_left_as_rich_wrote_it():
    """An English screen comes out byte for byte as Rich exported it, except for the font list."""
    raw = rich_svg("memory 3.5 GiB", "disk 25 GiB")
    fixed = place_wide_glyphs(raw)
    assert "<tspan" not in fixed
    assert fixed.replace("NanumGothicCoding", "") != raw  # the font list changed
    assert re.findall(r"<text [^>]*>[^<]*</text>", fixed) == re.findall(r"<text [^>]*>[^<]*</text>", raw)


def test_rich_alone_squeezes_hangul_into_half_its_width():
    """The defect this module exists for: without it, a run of three syllables (six cells) gets a
    textLength of three cells, so its glyphs overlap."""
    raw = rich_svg("한국어")
    length = float(re.search(r'textLength="([^"]*)"[^>]*>한국어<', raw)[1])  # type: ignore[index]
    assert length < cell_len("한국어") * CW


async def test_s_saves_a_korean_screen_with_every_character_in_its_column(tmp_path: Path):
    """The s key in Korean, 100×30: the saved SVG is well-formed, holds Hangul, sizes every narrow stretch by
    its cells, and every line read from its positions is the line read from Rich's own per-run columns."""
    app = VmsimApp(load_scenario("vm-vs-container"), paused=True, animate=False, export_dir=str(tmp_path), lang="ko")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("right", "right", "right")
        app.advance(30.0)
        await pilot.pause()
        raw = app.export_screenshot(title="t")
        await pilot.press("s")
        await pilot.pause()
    saved = [p.read_text(encoding="utf-8") for p in tmp_path.glob("*.svg")]
    assert len(saved) == 1
    svg = saved[0]
    assert "메모리" not in svg  # one syllable per tspan: '메', '모', '리'
    assert sum(1 for ch in svg if "\uac00" <= ch <= "\ud7a3") > 100
    grid = cells(svg)
    # Rich's own runs start at the right column (only their width is wrong): read them cell by cell.
    expected: dict[tuple[float, int], str] = {}
    for m in re.finditer(r'<text class="[^"]*" x="([^"]*)" y="([^"]*)"[^>]*>([^<]*)</text>', raw):
        col = round(float(m[1]) / CW)
        for ch in html.unescape(m[3]).replace("\xa0", " "):
            expected[(float(m[2]), col)] = ch
            col += cell_len(ch)
    hangul_lines = {y for (y, _), ch in expected.items() if cell_len(ch) == 2}
    assert len(hangul_lines) > 10
    for y in hangul_lines:
        assert line(grid, y) == line(expected, y)
    assert ">vmsim&#160;—&#160;VM과&#160;컨테이너</text>" in svg  # the window title in the app's language


async def test_textuals_own_screenshot_command_saves_as_s_does(tmp_path: Path):
    """The command palette's built-in 'Screenshot' (Textual's deliver_screenshot) writes vmsim's fixed SVG
    into the export folder too."""
    app = VmsimApp(load_scenario("hello"), paused=True, animate=False, export_dir=str(tmp_path), lang="ko")
    async with app.run_test(size=(80, 24)) as pilot:
        app.deliver_screenshot()
        await pilot.pause()
    saved = list(tmp_path.glob("hello-*.svg"))
    assert len(saved) == 1
    assert 'text-anchor="middle">메</tspan>' in saved[0].read_text(encoding="utf-8")
