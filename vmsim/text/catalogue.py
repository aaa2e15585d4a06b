"""The catalogues (``en.toml``, ``ko.toml``): read once, on first use, and the functions that format from them.

A message is a code and its parameters, ``("event.ready", (("id", "vm-1"), ...))``; it is rendered in a language
only when shown. A parameter that is itself a message is rendered in the same language.

A count's noun agrees with it through a plural field, ``{n:container|containers}``: the first form when ``n``
is 1, the second otherwise (``"{n} {n:container|containers}"`` → '1 container', '2 containers'). A language
without plural nouns (Korean counts with 개) just leaves the field out.
"""

from __future__ import annotations

import os
import string
from collections.abc import Mapping
from functools import cache
from pathlib import Path

LANGS = ("en", "ko")
Msg = tuple[str, tuple[tuple[str, object], ...]]

_HERE = Path(__file__).resolve().parent


@cache
def table(lang: str) -> Mapping[str, str]:
    """Every message of ``lang`` by code, parsed from ``<lang>.toml`` the first time it is asked for."""
    if lang not in LANGS:
        raise ValueError(f"no catalogue for language {lang!r}; known: {', '.join(LANGS)}")
    import tomllib  # here, not at the top: a run that shows no words never pays for the parser

    with (_HERE / f"{lang}.toml").open("rb") as fh:
        return tomllib.load(fh)


def msg(key: str, /, **params: object) -> Msg:
    """A message to render later in any language: (key, params)."""
    return key, tuple(sorted(params.items()))


def default_lang(environ: Mapping[str, str] | None = None) -> str:
    """'ko' when the locale (LC_ALL, LC_MESSAGES, LANG, in that order) is Korean, else 'en'."""
    env = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if value:
            return "ko" if value.lower().startswith("ko") else "en"
    return "en"


def tr(key: str, lang: str = "en", /, **params: object) -> str:
    """The text of ``key`` in ``lang`` (English when that language lacks it; the key itself when English
    does too), with ``params`` filled in."""
    template = table(lang if lang in LANGS else "en").get(key) or table("en").get(key)
    if template is None:
        return key
    return fill(template, params) if params else template


def fill(template: str, params: Mapping[str, object]) -> str:
    """``template`` with its fields filled from ``params``, plural fields (``{n:one|other}``) included."""
    return _PLURALS.vformat(template, (), params) if "|" in template else template.format(**params)


def is_one(value: object) -> bool:
    """Whether a count, as a number or as shown ('1', '1,000'), is exactly one."""
    if isinstance(value, int | float):
        return value == 1
    try:
        return float(str(value).replace(",", "")) == 1
    except ValueError:
        return False


# Korean particles that change with the sound before them: {x:을|를} writes x and the form after a final
# consonant or the form after a vowel; where the last character does not say (a Latin name), both, as 을(를).
PARTICLES = frozenset({"을|를", "이|가", "은|는", "과|와"})
_DIGIT_CLOSED = frozenset("013678")  # 영 일 삼 육 칠 팔 end in a consonant; 이 사 오 구 do not


def ends_closed(word: str) -> bool | None:
    """Whether ``word``, read in Korean, ends in a consonant (a Hangul syllable's final, or a digit's name); None
    when its last character does not say."""
    last = word.rstrip().rstrip("'\")]}>」』》〉")[-1:] or " "  # the word, not the quotes or brackets around it
    if "가" <= last <= "힣":
        return (ord(last) - ord("가")) % 28 != 0
    if last.isdigit():
        return last in _DIGIT_CLOSED
    return None


class _Plurals(string.Formatter):
    """``{n:one|other}`` picks a form by the count, ``{x:을|를}`` a Korean particle by the sound before it (see
    PARTICLES); every other field formats as ``str.format`` does."""

    def format_field(self, value: object, format_spec: str) -> str:
        if format_spec in PARTICLES:
            closed_form, _, open_form = format_spec.partition("|")
            word = str(value).rstrip()
            closed = ends_closed(word)
            if closed is None:
                return f"{word}{closed_form}({open_form})"
            return word + (closed_form if closed else open_form)
        if "|" in format_spec:
            one, _, other = format_spec.partition("|")
            return one if is_one(value) else other
        return super().format_field(value, format_spec)


_PLURALS = _Plurals()


def render(message: Msg, lang: str = "en") -> str:
    """Render a :func:`msg` in ``lang``; parameters that are messages themselves are rendered too."""
    key, params = message
    values = {k: (render(v, lang) if _is_msg(v) else v) for k, v in params}  # type: ignore[arg-type]
    return tr(key, lang, **values)


def _is_msg(value: object) -> bool:
    return (
        isinstance(value, tuple)
        and len(value) == 2
        and isinstance(value[0], str)
        and isinstance(value[1], tuple)
        and value[0] in table("en")
    )
