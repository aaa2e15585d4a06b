"""The language of the command line's own mistakes: argparse's messages and the options' checks.

A mistake is said before ``--lang`` is parsed, so the language is read from the arguments first (``--lang ko`` or
``--lang=ko`` anywhere), else from the locale, as every command's output is. argparse builds its messages through
gettext's ``_``; while a command line is parsed, :func:`speaking` gives argparse a ``_`` that looks the message
up in the catalogue (keys ``argparse.*``, whose English is argparse's own text) and keeps any other as it is.
Help (``-h``) stays in English, the language of every option's description.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

from vmsim.text.catalogue import LANGS, default_lang, msg, render, table

_LANG: ContextVar[str] = ContextVar("vmsim_cli_lang", default="")
_HELP: ContextVar[bool] = ContextVar("vmsim_cli_help", default=False)


def prescan(raw: list[str]) -> str:
    """The language a command line asks for (``--lang X`` or ``--lang=X``, the last one), else the locale's."""
    lang = ""
    for i, arg in enumerate(raw):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(raw):
            lang = raw[i + 1]
        elif arg.startswith("--lang="):
            lang = arg.partition("=")[2]
    return lang if lang in LANGS else default_lang()


def current() -> str:
    """The language of the command line being parsed (the locale's outside :func:`speaking`)."""
    return _LANG.get() or default_lang()


def refuse(key: str, /, **params: object) -> argparse.ArgumentTypeError:
    """An option's value refused, with the catalogue's message ``key`` in the language being spoken (parameters
    that are messages rendered in it too)."""
    return argparse.ArgumentTypeError(render(msg(key, **params), current()))


def shown(text: str, limit: int = 20) -> str:
    """An argument as a message quotes it: its repr, cut (and its length said) when it is long."""
    if len(text) <= limit:
        return repr(text)
    return render(msg("arg.cut", value=repr(text[: limit - 3]), n=f"{len(text):,}"), current())


# The messages of argparse a user can meet (not its help's headings), by the key whose English is argparse's text.
ARGPARSE_KEYS = (
    "argparse.usage",
    "argparse.argument",
    "argparse.error",
    "argparse.required",
    "argparse.one_required",
    "argparse.expected_one",
    "argparse.expected_at_most_one",
    "argparse.expected_at_least_one",
    "argparse.expected_n_one",
    "argparse.expected_n",
    "argparse.ambiguous",
    "argparse.invalid_choice",
    "argparse.invalid_type",
    "argparse.not_allowed_with",
    "argparse.ignored_explicit",
    "argparse.unrecognized",
)


@cache
def _by_english() -> dict[str, str]:
    """argparse's English messages → their catalogue keys."""
    english = table("en")
    return {english[key]: key for key in ARGPARSE_KEYS}


def _translate(message: str) -> str:
    lang = _LANG.get()
    if not lang or lang == "en" or _HELP.get():
        return message
    key = _by_english().get(message)
    return table(lang).get(key, message) if key else message


def _ntranslate(singular: str, plural: str, n: int) -> str:
    return _translate(singular if n == 1 else plural)


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """argparse's messages and the options' checks in ``lang`` while the block runs (then as before)."""
    token = _LANG.set(lang)
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._, argparse.ngettext = _translate, _ntranslate  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]
        _LANG.reset(token)


class Parser(argparse.ArgumentParser):
    """An argument parser whose help stays in English (its subcommands' parsers are of this class too)."""

    def print_help(self, file: SupportsWrite[str] | None = None) -> None:
        token = _HELP.set(True)
        try:
            super().print_help(file)
        finally:
            _HELP.reset(token)
