"""The colours every front end draws the worlds and categories in: Okabe & Ito's colour-blind-safe palette.

The dashboard's charts (on black) and the HTML report (on white) read the worlds' colours from here, so a
world looks the same everywhere. Each world colour keeps a contrast of at least 3:1 (the minimum for lines
and other graphics) against both black and white.
"""

from __future__ import annotations

ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"

# Okabe-Ito without black, in the palette's own order: the report's phase colours take them in turn.
PALETTE = (ORANGE, SKY_BLUE, BLUISH_GREEN, YELLOW, BLUE, VERMILLION, REDDISH_PURPLE)

WORLD_COLOURS = {"vm": BLUE, "container": VERMILLION, "microvm": BLUISH_GREEN}


def rgb(colour: str) -> tuple[int, int, int]:
    """'#D55E00' → (213, 94, 0), for libraries that take colours as RGB triples (plotext)."""
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def luminance(colour: str) -> float:
    """Relative luminance of a '#RRGGBB' colour, as WCAG defines it (0 black … 1 white)."""

    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = rgb(colour)
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours (1 … 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
