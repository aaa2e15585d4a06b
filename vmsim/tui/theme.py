"""The projector theme: high contrast on a black background, accents from a colour-blind-safe palette."""

from __future__ import annotations

from textual.theme import Theme

PROJECTOR_THEME = Theme(
    name="vmsim-projector",
    primary="#56b4e9",
    secondary="#0072b2",
    accent="#e69f00",
    warning="#e69f00",
    error="#d55e00",
    success="#009e73",
    foreground="#f5f5f5",
    background="#000000",
    surface="#111111",
    panel="#1c1c1c",
    dark=True,
)
