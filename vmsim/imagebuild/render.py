"""A build as a table for people or as JSON (the contract in docs/json.md)."""

from __future__ import annotations

import json
from typing import Any

from vmsim.imagebuild.build import BuildResult
from vmsim.imagebuild.messages import layer_words, printable, say
from vmsim.output.formats import table
from vmsim.output.words import fmt_transfer
from vmsim.text import tr

_INSTRUCTION_WIDTH = 48


def to_data(result: BuildResult) -> dict[str, Any]:
    """The build as plain data: ``base``, ``layers``, ``image_mib``, ``build_s`` first, then the extras."""
    data: dict[str, Any] = {
        "base": result.base,
        "layers": [
            {
                "instruction": layer.instruction,
                "line": layer.line,
                "size_mib": None if layer.size_mib is None else round(layer.size_mib, 3),
                "size_source": layer.size_source,
                "digest": layer.digest,
                "cache": layer.cache,
                "size_note": layer.note,
            }
            for layer in result.layers
        ],
        "image_mib": round(result.image_mib, 3),
        "build_s": round(result.build_s, 2),
        "base_kind": result.base_kind,
        "image_size_complete": result.sizes_known,
        "changed": list(result.changed),
        "dockerfile": result.dockerfile,
        "context": result.context,
    }
    if result.push_mib is not None:
        data["push_mib"] = round(result.push_mib, 3)
        data["pull_mib"] = round(result.pull_mib or 0.0, 3)
        data["push_s"] = round(result.push_s or 0.0, 2)
        data["pull_s"] = round(result.pull_s or 0.0, 2)
    return data


def render_json(result: BuildResult) -> str:
    """The build as indented JSON, one trailing newline."""
    text = json.dumps(to_data(result), indent=2, ensure_ascii=False)
    # json escapes C0 controls itself; C1 ones (\x9b acts as ESC [ on some terminals) are escaped here too.
    return text.translate(_C1_ESCAPES) + "\n"


_C1_ESCAPES = {c: f"\\u{c:04x}" for c in range(0x7F, 0xA0)}


def _size(mib: float) -> str:
    """A layer's size: KiB below 1 MiB (a code layer is kilobytes: '0.02' MiB said nothing), else MiB."""
    return f"{mib * 1024:.1f} KiB" if mib < 1 else f"{mib:,.1f} MiB"


def _seconds(s: float) -> str:
    """A modelled transfer time: '<0.01' when it rounds to nothing but is not nothing."""
    return "<0.01" if 0 < s < 0.005 else f"{s:.2f}"


def _short(text: str, width: int) -> str:
    text = printable(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _base_line(result: BuildResult, lang: str) -> str:
    n = sum(1 for layer in result.layers if layer.line is None)
    ref = printable(result.base)
    key = {"catalog": "base_known", "given": "base_given", "scratch": "base_scratch", "stage": "base_stage"}
    return say(key.get(result.base_kind, "base_unknown"), lang, ref=ref, n=n)


def render_table(result: BuildResult, lang: str = "en") -> str:
    """The layers bottom first with size, how the size was found, hit or miss and a short digest, in ``lang``
    (the notes of estimated sizes stay English: they are the JSON's ``size_note`` data)."""
    lines = [say("title", lang, dockerfile=printable(result.dockerfile), context=printable(result.context))]
    lines.append(_base_line(result, lang))
    for line, base, stage in result.near_stages:
        lines.append(say("near_stage", lang, line=line, ref=printable(base), stage=stage))
    if result.changed:
        lines.append(say("changed", lang, paths=printable(", ".join(result.changed))))
    else:
        lines.append(say("first_build", lang))
    lines.append("")
    rows: list[list[str]] = [say("head", lang).split("|")]
    notes: list[str] = []
    words = layer_words(result.layers, result.base, lang)
    for n, layer in enumerate(result.layers, start=1):
        size = say("unknown_size", lang) if layer.size_mib is None else _size(layer.size_mib)
        # (English keeps the instruction as built, which the JSON carries too; other languages word a base layer)
        what = layer.instruction if lang == "en" else words[n - 1]
        rows.append(
            [
                str(n),
                "-" if layer.line is None else str(layer.line),
                _short(what, _INSTRUCTION_WIDTH),
                size,
                tr(f"imagebuild.source.{layer.size_source}", lang),
                tr(f"imagebuild.cache.{layer.cache}", lang),
                layer.digest[:19],
            ]
        )
        if layer.size_source == "estimated":
            notes.append(f"  {n}: {printable(layer.note)}")
    lines.append(table(rows, align="rllrlll"))
    lines.append("")
    unsized = [layer.line for layer in result.layers if layer.size_mib is None]
    ours = [str(line) for line in unsized if line is not None]  # the Dockerfile's own layers, by line
    unknown = say("image_unknown", lang) if len(ours) < len(unsized) else ""  # the base's: give --base-size
    if ours:
        unknown += say("image_unknown_lines", lang, n=len(ours), lines=", ".join(ours))
    lines.append(say("image", lang, size=f"{result.image_mib:.1f}", unknown=unknown, build_s=f"{result.build_s:.1f}"))
    if result.push_mib is not None:
        lines.append(
            say(
                "push" if result.changed else "push_first",  # a first build has no previous version to update
                lang,
                push=fmt_transfer(result.push_mib),
                push_s=_seconds(result.push_s or 0.0),
                pull=fmt_transfer(result.pull_mib or 0.0),
                pull_s=_seconds(result.pull_s or 0.0),
            )
        )
    if notes:
        lines.append(say("models", lang))
        lines.extend(notes)
    return "\n".join(lines) + "\n"
