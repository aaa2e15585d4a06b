"""Drawing row by row (Textual's line API), shared by the instance lists, the log and the host panels."""

from __future__ import annotations

from rich.console import Console
from rich.style import Style
from rich.text import Text
from textual.geometry import Region
from textual.strip import Strip


def flow(items: list[Text], width: int) -> list[Text]:
    """Legend entries left to right, two cells apart, wrapping at ``width``: denser than a grid for uneven
    lengths."""
    lines: list[Text] = []
    line = Text(no_wrap=True, overflow="ellipsis")
    for item in items:
        if line.cell_len and line.cell_len + 2 + item.cell_len > width:
            lines.append(line)
            line = Text(no_wrap=True, overflow="ellipsis")
        if line.cell_len:
            line.append("  ")
        line.append_text(item)
    lines.append(line)
    return lines


def text_strip(text: Text, width: int, base: Style, console: Console) -> Strip:
    """One row: ``text`` as a strip exactly ``width`` cells wide, on the widget's own style ``base``."""
    return Strip(list(text.render(console))).adjust_cell_length(width).apply_style(base)


class StylePerPaint:
    """Mixin for a line-API widget: its own style and width are looked up once per paint rather than once per
    row (``rich_style`` walks the ancestors). ``render_line`` reads them as ``self.base_style`` and
    ``self.paint_width``."""

    _base_style: Style | None = None
    _paint_width: int | None = None

    def render_lines(self, crop: Region) -> list[Strip]:
        self._base_style = self.rich_style  # type: ignore[attr-defined]
        self._paint_width = self.scrollable_content_region.width  # type: ignore[attr-defined]
        try:
            return super().render_lines(crop)  # type: ignore[misc]
        finally:
            self._paint_width = None

    @property
    def paint_width(self) -> int:
        """The widget's width as of this paint, without a vertical scroll bar's cells (a line cut to the width with
        them would lose its last cell, the '…', under the bar). Worked out on every call outside a paint."""
        if self._paint_width is None:
            return self.scrollable_content_region.width  # type: ignore[attr-defined]
        return self._paint_width

    @property
    def base_style(self) -> Style:
        """The widget's own style as of this paint (looked up now when asked outside one)."""
        return self.rich_style if self._base_style is None else self._base_style  # type: ignore[attr-defined]
