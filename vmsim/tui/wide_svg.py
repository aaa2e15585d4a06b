"""Screenshots that keep wide characters (Hangul, CJK) in their two terminal cells.

Rich's SVG export (which Textual's ``export_screenshot`` uses) places each run of text at the right column
but sizes it with ``textLength`` = one cell per *character*: a run holding Hangul, two cells per character
on screen, is squeezed into half its width, so its glyphs overlap each other and the letters after them
(Rich 15.0). ``place_wide_glyphs`` rewrites those runs only: every wide character becomes its own
``<tspan>`` at its own column, and the narrow stretches between them keep a ``textLength`` of their cells.
Runs without wide characters are left byte for byte as Rich wrote them.
"""

from __future__ import annotations

import html
import re

from rich.cells import cell_len

# Rich's export_svg: 20 px characters with Fira Code's 0.61 width-to-height ratio (its defaults, which
# Textual's export_screenshot keeps).
CELL_WIDTH_PX = 20 * 0.61

# Rich writes: <text class=".." x=".." y=".." textLength=".." clip-path="..">escaped text</text>
_TEXT = re.compile(
    r'<text class="(?P<cls>[^"]*)" x="(?P<x>[^"]*)" y="(?P<y>[^"]*)" textLength="[^"]*" '
    r'clip-path="(?P<clip>[^"]*)">(?P<body>.*?)</text>'
)

# Monospaced fonts for Latin first, then fonts with Hangul for the characters those lack.
_RICH_FONTS = "font-family: Fira Code, monospace;"
_FONTS = (
    'font-family: "Fira Code", "DejaVu Sans Mono", Menlo, Consolas, "D2Coding", "NanumGothicCoding", '
    '"Noto Sans Mono CJK KR", "Noto Sans CJK KR", "Malgun Gothic", "Apple SD Gothic Neo", monospace;'
)


def _num(value: float) -> str:
    """A coordinate as Rich writes them."""
    return format(value, "g")


def _runs(text: str) -> list[tuple[str, int]]:
    """``text`` cut into (piece, cells): each wide character alone, the narrow stretches between them whole
    (a zero-width character stays with the one before it)."""
    runs: list[tuple[str, int]] = []
    narrow = ""
    for ch in text:
        width = cell_len(ch)
        if width == 2:
            if narrow:
                runs.append((narrow, cell_len(narrow)))
                narrow = ""
            runs.append((ch, 2))
        else:
            narrow += ch
    if narrow:
        runs.append((narrow, cell_len(narrow)))
    return runs


def _escape(text: str) -> str:
    """Escaped as Rich escapes text (spaces kept as no-break spaces)."""
    return html.escape(text).replace(" ", "&#160;")


def _place(match: re.Match[str], cell_px: float) -> str:
    """One ``<text>`` element with each wide character at its own column."""
    text = html.unescape(match["body"]).replace("\xa0", " ")
    if cell_len(text) == len(text):
        return match[0]
    col = round(float(match["x"]) / cell_px)
    spans = []
    for piece, cells in _runs(text):
        x = _num(col * cell_px)
        if cells == 2 and len(piece) == 1:
            # Centred on its two cells, whatever the width of the font's glyph (often 1 em: less than 2 cells).
            centre = _num((col + 1) * cell_px)
            spans.append(f'<tspan x="{centre}" text-anchor="middle">{_escape(piece)}</tspan>')
        elif piece.strip(" "):
            spans.append(f'<tspan x="{x}" textLength="{_num(cells * cell_px)}">{_escape(piece)}</tspan>')
        col += cells
    return (
        f'<text class="{match["cls"]}" x="{match["x"]}" y="{match["y"]}" clip-path="{match["clip"]}">'
        f"{''.join(spans)}</text>"
    )


def place_wide_glyphs(svg: str, cell_px: float = CELL_WIDTH_PX) -> str:
    """``svg`` (from Rich's export) with every wide character two cells wide and in its own columns, and a
    font list that has Hangul for the characters Fira Code lacks."""
    fixed = _TEXT.sub(lambda m: _place(m, cell_px), svg)
    return fixed.replace(_RICH_FONTS, _FONTS, 1)
