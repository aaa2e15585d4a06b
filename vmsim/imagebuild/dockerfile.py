"""A Dockerfile read into build stages and their steps (parsed by ``dockerfile-parse``, then checked)."""

from __future__ import annotations

import difflib
import io
import json
from pathlib import Path
from typing import NamedTuple

from vmsim.imagebuild.files import read_build_file
from vmsim.imagebuild.messages import problem
from vmsim.imagebuild.problems import BuildInputError
from vmsim.imagebuild.substitution import substitute
from vmsim.scenarios.loader import EncodingProblem, decode_text
from vmsim.text import msg

KNOWN = (
    "ADD ARG CMD COPY ENTRYPOINT ENV EXPOSE FROM HEALTHCHECK LABEL MAINTAINER ONBUILD RUN SHELL STOPSIGNAL USER "
    "VOLUME WORKDIR"
).split()
LAYER_KINDS = ("RUN", "COPY", "ADD")


class Instruction(NamedTuple):
    """One instruction as written: its keyword, first line (1-based) and value with continuations joined."""

    keyword: str
    line: int
    value: str


class Step(NamedTuple):
    """A filesystem-changing instruction (RUN, COPY, ADD): one layer.

    ``sources`` and ``dest`` are for COPY/ADD, after ARG/ENV substitution; ``from_stage`` names the stage or
    image of ``COPY --from``; ``env`` is the ARG and ENV values in effect, which a RUN's cache key includes.
    """

    kind: str
    line: int
    text: str
    command: str
    sources: tuple[str, ...]
    dest: str
    from_stage: str | None
    env: tuple[tuple[str, str], ...]


class Stage(NamedTuple):
    """A build stage: ``FROM base [AS name]`` and its layer-making steps in order."""

    number: int
    name: str | None
    base: str
    line: int
    steps: tuple[Step, ...]


def read_instructions(path: Path) -> list[Instruction]:
    """The instructions of the Dockerfile at ``path``; every problem names the file and line."""
    where = str(path)
    if path.is_dir():
        raise BuildInputError(where, "is_directory", path=path)
    try:
        data = read_build_file(path, where)
    except FileNotFoundError:
        raise BuildInputError(where, "no_file") from None
    try:
        # UTF-8 with or without a byte-order mark, as Docker reads it (BuildKit skips the mark); Docker has no
        # UTF-16, so a UTF-16 Dockerfile (Windows PowerShell's '>' writes one) is refused saying so.
        text = decode_text(data, utf16=False)
    except EncodingProblem as exc:
        reason = problem("reason_utf8_only", detail=exc.english) if not exc.code else msg(exc.code, **exc.params)
        raise BuildInputError(where, "not_text", reason=reason) from None
    if "\x00" in text:
        raise BuildInputError(where, "not_text", reason=problem("reason_nul"))
    data = text.encode("utf-8")  # without the byte-order mark, which the parser would read as part of FROM

    from dockerfile_parse import DockerfileParser

    try:
        structure = DockerfileParser(fileobj=io.BytesIO(data)).structure
    except Exception as exc:  # noqa: BLE001 - a third-party parser: whatever it rejects is a syntax error here
        raise BuildInputError(where, "syntax", reason=str(exc) or type(exc).__name__) from None
    covered: set[int] = set()
    instructions: list[Instruction] = []
    for item in structure:
        covered.update(range(item["startline"], item["endline"] + 1))
        if item["instruction"] != "COMMENT":
            instructions.append(Instruction(item["instruction"], item["startline"] + 1, item["value"].strip()))
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if number in covered or not line.strip():
            continue
        tail = [ln for ln in lines[number:] if ln.strip() and not ln.lstrip().startswith("#")]
        if (
            tail
            and tail[-1].rstrip().endswith(("\\", "`"))
            and all(k not in covered for k in range(number, len(lines)))
        ):
            raise BuildInputError(where, "continuation_at_end", number + 1)
        raise BuildInputError(where, "bare_word", number + 1, word=line.strip().split()[0])
    if not instructions:
        raise BuildInputError(where, "empty")
    for ins in instructions:
        if ins.keyword not in KNOWN:
            close = difflib.get_close_matches(ins.keyword, KNOWN, n=1)
            guess = problem("guess", word=close[0]) if close else ""
            if any("<<" in earlier.value for earlier in instructions if earlier.line < ins.line):
                guess = problem("heredoc_hint")  # 'RUN <<EOF': the lines after it are read as instructions
            known = ", ".join(KNOWN)
            raise BuildInputError(where, "unknown_instruction", ins.line, word=ins.keyword, guess=guess, known=known)
        if not ins.value:
            raise BuildInputError(where, "syntax", ins.line, reason=problem("reason_needs_args", word=ins.keyword))
        if ins.keyword == "ONBUILD" and (inner := ins.value.split()[0].upper()) in ("ONBUILD", "FROM", "MAINTAINER"):
            raise BuildInputError(where, "onbuild_word", ins.line, word=inner)  # Docker refuses these too
    return instructions


def _words(text: str) -> list[str]:
    from dockerfile_parse.util import WordSplitter

    return list(WordSplitter(text).split())


def _key_values(ins: Instruction, values: dict[str, str], where: str) -> list[tuple[str, str | None]]:
    """The ``name=value`` pairs of an ARG or ENV (``ENV name value`` and ``ARG name`` forms too)."""
    from dockerfile_parse.util import WordSplitter

    raw = list(WordSplitter(ins.value).split(dequote=False))
    if ins.keyword == "ENV" and raw and "=" not in raw[0]:
        name, _, rest = ins.value.partition(" ")
        return [(name, WordSplitter(substitute(rest.strip(), values)).dequote())]
    pairs: list[tuple[str, str | None]] = []
    for word in raw:
        name, sep, value = word.partition("=")
        if not name:
            raise BuildInputError(
                where, "syntax", ins.line, reason=problem("reason_no_name", word=ins.keyword, item=word)
            )
        pairs.append((name, WordSplitter(substitute(value, values)).dequote() if sep else None))
    return pairs


# The flags Docker's builder takes on COPY and ADD; it refuses any other.
COPY_FLAGS = {
    "COPY": ("from", "chown", "chmod", "link", "parents", "exclude"),
    "ADD": ("chown", "chmod", "link", "keep-git-dir", "checksum", "exclude", "unpack"),
}

# The build's own ARGs, set by the builder without an ARG line (Docker's "automatic platform ARGs").
BUILT_IN_ARGS = frozenset(
    f"{who}{what}" for who in ("BUILD", "TARGET") for what in ("PLATFORM", "OS", "ARCH", "VARIANT")
)


def _copy_args(ins: Instruction, values: dict[str, str], where: str) -> tuple[list[str], str | None]:
    """(sources + destination, ``--from`` value) of a COPY or ADD."""
    value = ins.value
    flags: dict[str, str] = {}
    while value.startswith("--"):
        flag, _, value = value.partition(" ")
        if flag == "--":  # the end of the flags, as Docker reads it: what follows is sources and destination
            value = value.lstrip()
            break
        name, _, arg = flag[2:].partition("=")
        known = COPY_FLAGS[ins.keyword]
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            guess = problem("guess", word=f"--{close[0]}") if close else ""
            raise BuildInputError(
                where,
                "unknown_flag",
                ins.line,
                word=ins.keyword,
                flag=f"--{name}",
                guess=guess,
                known=", ".join(f"--{each}" for each in known),
            )
        flags[name] = substitute(arg, values)
        value = value.lstrip()
    if value.startswith("["):
        try:
            words = json.loads(value)
        except json.JSONDecodeError as exc:
            raise BuildInputError(where, "bad_json", ins.line, word=ins.keyword, reason=exc.msg) from None
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            raise BuildInputError(where, "bad_json", ins.line, word=ins.keyword, reason=problem("reason_list"))
        words = [substitute(w, values) for w in words]
    else:
        words = _words(substitute(value, values))
    if len(words) < 2:
        raise BuildInputError(where, "copy_args", ins.line, word=ins.keyword)
    return words, flags.get("from")


def read_stages(path: Path) -> list[Stage]:
    """The build stages of the Dockerfile at ``path``, with ARG and ENV substituted as Docker does."""
    where = str(path)
    instructions = read_instructions(path)
    global_args: dict[str, str] = {}
    stages: list[Stage] = []
    current: dict[str, object] | None = None
    steps: list[Step] = []
    values: dict[str, str] = {}

    def close() -> None:
        if current is not None:
            stages.append(Stage(len(stages), current["name"], current["base"], current["line"], tuple(steps)))  # type: ignore[arg-type]

    for ins in instructions:
        if ins.keyword == "FROM":
            close()
            image = next((w for w in ins.value.split() if not w.startswith("--")), "")  # not --platform=$…
            unset: list[str] = []
            substitute(image, global_args, unset)
            unset = [name for name in unset if name not in BUILT_IN_ARGS]
            if unset:  # Docker would build FROM an empty name ('node:' from 'node:${TAG}')
                raise BuildInputError(where, "from_unset", ins.line, names=unset[0], value=ins.value)
            words = [w for w in _words(substitute(ins.value, global_args)) if not w.startswith("--")]
            if len(words) not in (1, 3) or (len(words) == 3 and words[1].lower() != "as"):
                raise BuildInputError(where, "from_args", ins.line)
            current = {"name": words[2].lower() if len(words) == 3 else None, "base": words[0], "line": ins.line}
            if current["name"] is not None and any(s.name == current["name"] for s in stages):
                raise BuildInputError(where, "duplicate_stage", ins.line, name=words[2])
            steps = []
            values = {}
            continue
        if current is None:
            if ins.keyword != "ARG":
                raise BuildInputError(where, "first_not_from", ins.line, word=ins.keyword)
            for name, value in _key_values(ins, global_args, where):
                global_args[name] = value if value is not None else global_args.get(name, "")
            continue
        if ins.keyword in ("ARG", "ENV"):
            for name, value in _key_values(ins, values, where):
                if value is None:
                    value = global_args.get(name, values.get(name, ""))
                values[name] = value
            continue
        if ins.keyword not in LAYER_KINDS:
            continue
        env = tuple(sorted(values.items()))
        text = " ".join(f"{ins.keyword} {ins.value}".split())
        if ins.keyword == "RUN":
            command = ins.value
            if command.startswith("["):
                # Exec form; what is not a JSON list of strings is run in a shell as written, as Docker does
                # (moby/moby#32074): the command as the shell would see it either way.
                try:
                    parts = json.loads(command)
                except json.JSONDecodeError:
                    parts = None
                if isinstance(parts, list) and all(isinstance(p, str) for p in parts):
                    command = " ".join(parts)
            steps.append(Step("RUN", ins.line, text, command, (), "", None, env))
        else:
            words, from_stage = _copy_args(ins, values, where)
            shown = " ".join(f"{ins.keyword} {substitute(ins.value, values)}".split())
            steps.append(Step(ins.keyword, ins.line, shown, "", tuple(words[:-1]), words[-1], from_stage, env))
    close()
    return stages
