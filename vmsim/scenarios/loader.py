"""Scenario files: finding them by name or path, and reading one (TOML) into a :class:`ScenarioSpec`.

Every failure is a :class:`ScenarioError` naming the file; what the file may say is in ``schema``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from vmsim.engine.catalog import Catalog
from vmsim.scenarios.errors import ScenarioError, suggest
from vmsim.scenarios.schema import parse_scenario
from vmsim.scenarios.spec import ScenarioSpec
from vmsim.text import Msg, msg

MAX_FILE_BYTES = 1 << 20
# tomllib is quadratic in a key's parts (40,000 took 20 s); a 1 MiB file of 100-part keys parses in under 1 s.
MAX_DOTS_PER_LINE = 100


def shipped_dir() -> Path:
    """Where the shipped scenarios are: inside the installed package, or the checkout's top level."""
    package = Path(__file__).resolve().parent.parent
    packaged = package / "_scenarios"  # where the wheel puts them (see pyproject.toml)
    if packaged.is_dir():
        return packaged
    return package.parent / "scenarios"


def shipped_names() -> list[str]:
    """Names of the shipped scenarios, sorted."""
    d = shipped_dir()
    return sorted(p.stem for p in d.glob("*.toml")) if d.is_dir() else []


def is_path(arg: str) -> bool:
    """The one rule for a scenario argument: it is a path when it ends in ``.toml`` or holds a path separator
    (``./hello``, ``lessons/oom.toml``, ``oom.toml``); anything else is the name of a shipped scenario, whatever
    files the current folder holds."""
    return arg.endswith(".toml") or "/" in arg or "\\" in arg


def resolve(name_or_path: str) -> tuple[Path, str]:
    """A scenario name (``hello``) or path → (file, slug), by :func:`is_path`. Raises ScenarioError naming the
    choices (and, for a bare name that is no shipped scenario, the file of that name here, when there is one)."""
    if is_path(name_or_path):
        p = Path(name_or_path)
        return p, p.stem
    candidate = shipped_dir() / f"{name_or_path}.toml"
    if candidate.is_file():
        return candidate, name_or_path
    names = shipped_names()
    local = local_file(name_or_path)
    hint = msg("scenario.local_hint", path=local) if local else suggest(name_or_path, names)
    shown = name_or_path if name_or_path.strip() else repr(name_or_path)  # '' named, not an empty prefix
    raise ScenarioError(shown, [msg("scenario.no_such", hint=hint, shipped=", ".join(names))])


def local_file(name: str) -> str | None:
    """For a bare name: the path that opens the file of that name in the current folder, written as
    ``./name`` or ``./name.toml``; None when there is none or ``name`` is already a path."""
    if is_path(name) or not name or name in (".", ".."):
        return None
    for candidate in (name, f"{name}.toml"):
        try:
            if Path(candidate).is_file():
                return f"./{candidate}"
        except OSError:  # a name too long for the file system, say
            return None
    return None


def shadowed_note(name: str) -> Msg | None:
    """When a bare name opens a shipped scenario and the current folder holds a file of that name: a note saying
    which was opened and how to open the other. None otherwise."""
    if is_path(name) or not (shipped_dir() / f"{name}.toml").is_file():
        return None
    local = local_file(name)
    return msg("scenario.shadowed", name=name, path=local) if local else None


def _check_key_depth(text: str, source: str) -> None:
    """Refuse lines with thousands of dots outside strings before parsing: tomllib takes quadratic time in
    the parts of a dotted key (40,000 parts: 20 s), wherever the key stands (a header, an inline table)."""
    dots, line, i, n = 0, 1, 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\n":
            dots, line = 0, line + 1
        elif ch == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        elif ch in "\"'":
            # Skip a string (basic, literal, or multi-line of either kind).
            quote = ch * 3 if text.startswith(ch * 3, i) else ch
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                if ch == '"' and text[j] == "\\":
                    j += 1
                elif text[j] == "\n":
                    if len(quote) == 1:
                        break
                    line += 1
                j += 1
            i = j + len(quote)
            continue
        elif ch == ".":
            dots += 1
            if dots > MAX_DOTS_PER_LINE:
                raise ScenarioError(source, [msg("scenario.key_depth", line=line, max=f"{MAX_DOTS_PER_LINE:,}")])
        i += 1


def _read_bytes(path: Path, source: str) -> bytes:
    """The file's bytes, refusing folders, devices, pipes and anything over MAX_FILE_BYTES."""
    try:
        if path.is_dir():
            raise ScenarioError(source, [msg("scenario.folder")])
        if path.exists() and not path.is_file():
            raise ScenarioError(source, [msg("scenario.not_regular")])
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScenarioError(source, [msg("scenario.too_large", mib=f"{size / 2**20:.1f}")])
        # Read at most one byte past the limit: a file that grows while read cannot make this endless.
        with path.open("rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            raise ScenarioError(source, [msg("scenario.grew_too_large")])
    except FileNotFoundError:
        raise ScenarioError(source, [msg("scenario.not_found")]) from None
    except PermissionError:
        raise ScenarioError(source, [msg("scenario.permission")]) from None
    except OSError as exc:
        raise ScenarioError(source, [msg("scenario.unreadable", why=exc.strerror or exc)]) from None
    return raw


# Byte-order marks, longest first (UTF-32 LE starts with UTF-16 LE's mark).
BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32 LE", "utf-32"),
    (b"\x00\x00\xfe\xff", "UTF-32 BE", "utf-32"),
    (b"\xef\xbb\xbf", "UTF-8", "utf-8-sig"),
    (b"\xff\xfe", "UTF-16 LE", "utf-16"),
    (b"\xfe\xff", "UTF-16 BE", "utf-16"),
)


class EncodingProblem(ValueError):
    """Bytes that are not text vmsim reads: ``code`` is a message of ``vmsim/text``, ``params`` its blanks, and
    ``english`` the same problem in words (for ``vmsim build``, whose messages are English only)."""

    def __init__(self, code: str, english: str, **params: object) -> None:
        self.code = code
        self.params = params
        self.english = english
        super().__init__(english)


def byte_order_mark(raw: bytes) -> tuple[str, str] | None:
    """(name, Python codec) of the byte-order mark ``raw`` starts with, or None."""
    for mark, name, codec in BOMS:
        if raw.startswith(mark):
            return name, codec
    return None


def looks_like_utf16(raw: bytes) -> bool:
    """True for text saved as UTF-16 without a byte-order mark: mostly-ASCII text then has a NUL in every other
    byte (Windows PowerShell 5's ``>`` and some editors write this)."""
    sample = raw[:4096]
    if len(sample) < 4:
        return False
    even, odd = sample[0::2], sample[1::2]
    return max(even.count(0) / len(even), odd.count(0) / len(odd)) > 0.3


def decode_text(raw: bytes, utf16: bool = True) -> str:
    """A text file's bytes as text: UTF-8, with or without a byte-order mark, or (when ``utf16``) UTF-16 and
    UTF-32 with one. Anything else raises :class:`EncodingProblem` saying what the bytes look like."""
    mark = byte_order_mark(raw)
    if mark is not None and mark[0] != "UTF-8":
        name, codec = mark
        if not utf16:
            raise EncodingProblem("", f"{name} text (byte-order mark); Docker reads UTF-8 only: save it as UTF-8")
        try:
            return raw.decode(codec)
        except UnicodeDecodeError as exc:
            raise EncodingProblem(
                "scenario.bad_bom_text",
                f"starts with a {name} byte-order mark but is not {name} text (byte {exc.start}); save it as UTF-8",
                name=name,
                byte=exc.start,
            ) from None
    if looks_like_utf16(raw):
        raise EncodingProblem(
            "scenario.utf16_no_bom", "looks like UTF-16 text without a byte-order mark; save it as UTF-8"
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        guess = _guess_legacy(raw)
        english = f"line {line}: not UTF-8 text (byte {exc.start}){f', it looks like {guess}' if guess else ''}"
        looks = msg("scenario.looks_like", name=guess) if guess else ""
        raise EncodingProblem(
            "scenario.not_utf8", english + "; save it as UTF-8", line=line, byte=exc.start, guess=looks
        ) from None


def _guess_legacy(raw: bytes) -> str:
    """The legacy encoding a file that is not UTF-8 was most likely saved in, when it is a likely one."""
    try:
        text = raw.decode("cp949")
    except UnicodeDecodeError:
        return ""
    return "EUC-KR (CP949)" if any("\uac00" <= ch <= "\ud7a3" for ch in text) else ""


def load_scenario(name_or_path: str, catalog: Catalog | None = None) -> ScenarioSpec:
    """Read, parse and validate a scenario by name or path; every failure is a ScenarioError."""
    path, slug = resolve(name_or_path)
    source = str(path)
    raw = _read_bytes(path, source)
    try:
        text = decode_text(raw)
    except EncodingProblem as exc:
        raise ScenarioError(source, [msg(exc.code, **exc.params)]) from None
    _check_key_depth(text, source)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(source, [msg("scenario.bad_toml", error=exc)]) from None
    except ValueError as exc:
        # tomllib lets Python's integer-size limit escape as ValueError (an integer of over 4,300 digits).
        raise ScenarioError(source, [msg("scenario.number_too_long", error=exc)]) from None
    except RecursionError:
        raise ScenarioError(source, [msg("scenario.too_deep")]) from None
    return parse_scenario(data, source, catalog, slug=slug)
