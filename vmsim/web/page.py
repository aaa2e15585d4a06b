"""The served page, as textual-serve's template draws it, but fetching nothing from outside this server.

textual-serve's page asks fonts.googleapis.com for Roboto Mono, which it also ships in its own static folder:
every student's browser told Google it was in class, and on a network without the internet the page waited on
the request before its text appeared. Here the template's link is replaced by an ``@font-face`` for the copy in
the server's static folder (the page itself is unchanged otherwise).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

GOOGLE_FONTS = """    <link
      rel="stylesheet"
      href="https://fonts.googleapis.com/css?family=Roboto%20Mono"
    />"""
LOCAL_FONTS = """    <style>
      @font-face {
        font-family: "Roboto Mono";
        src: url("{{ config.static.url }}fonts/RobotoMono-VariableFont_wght.ttf") format("truetype");
        font-weight: 100 700;
      }
    </style>"""


def local_template(source: str) -> str:
    """``source`` (textual-serve's page) with its Google Fonts link replaced by the server's own copy."""
    return source.replace(GOOGLE_FONTS, LOCAL_FONTS)


def template_loader(templates: Path) -> Any:
    """A jinja2 loader of textual-serve's templates, each through :func:`local_template`."""
    import jinja2

    def load(name: str) -> tuple[str, str, Any] | None:
        path = (templates / name).resolve()
        if path.parent != templates.resolve() or not path.is_file():
            return None
        source = local_template(path.read_text(encoding="utf-8"))
        mtime = path.stat().st_mtime
        return source, str(path), lambda: path.is_file() and path.stat().st_mtime == mtime

    return jinja2.FunctionLoader(load)
