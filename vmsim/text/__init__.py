"""Words for people: one catalogue per language, keyed by the codes of events, figures and messages.

``tr(code, lang, **params)`` formats one message; ``msg(code, **params)`` makes a message to render later
with ``render(message, lang)``; ``default_lang()`` reads the locale; ``table(lang)`` is one whole catalogue.
The catalogues are ``en.toml`` and ``ko.toml`` beside this file, parsed on first use.
"""

from vmsim.text.catalogue import LANGS, Msg, default_lang, msg, render, table, tr
from vmsim.text.escape import escaped, escaped_lines

__all__ = ["LANGS", "Msg", "default_lang", "escaped", "escaped_lines", "msg", "render", "table", "tr"]
