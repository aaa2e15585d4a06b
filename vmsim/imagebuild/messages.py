"""The words ``vmsim build`` prints come from the text catalogues (``imagebuild.*`` in ``vmsim/text``): one place
per language. This module fills them in and strips terminal control characters from what a file says."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from vmsim.text import Msg, msg, render, tr

if TYPE_CHECKING:
    from vmsim.imagebuild.build import Layer


def say(key: str, lang: str = "en", /, **values: object) -> str:
    """The message ``imagebuild.<key>`` in ``lang`` with its blanks filled in (nested messages rendered too)."""
    return render(problem(key, **values), lang) if values else tr("imagebuild." + key, lang)


def problem(key: str, /, **values: object) -> Msg:
    """The message ``imagebuild.<key>`` to render later in any language."""
    return msg("imagebuild." + key, **values)


# Escape sequences first (so their parameters go too), then any other control character but newline, and the
# direction marks, overrides and isolates that reorder the text around them in a terminal.
_CONTROL = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def printable(text: str) -> str:
    """``text`` without terminal control characters (escape sequences, bells, carriage returns)."""
    return _CONTROL.sub("", text.replace("\t", " "))


def layer_words(layers: Sequence[Layer], base: str, lang: str) -> list[str]:
    """Each layer as a reader sees it, bottom first: a base layer as '{base} layer 1/2' in ``lang``, any other as
    its instruction (control characters stripped). The build view and the Korean build table say them alike."""
    bases = sum(1 for layer in layers if layer.line is None)
    out: list[str] = []
    base_no = 0
    for layer in layers:
        if layer.line is None:
            base_no += 1
            out.append(tr("build.base_layer", lang, ref=printable(base), i=base_no, n=bases))
        else:
            out.append(printable(layer.instruction))
    return out
