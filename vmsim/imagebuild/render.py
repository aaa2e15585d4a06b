"""A build as a table for people or as JSON (the contract in docs/json.md)."""

from __future__ import annotations

import json
from typing import Any

from vmsim.imagebuild.build import BuildResult
from vmsim.imagebuild.messages import printable, say
from vmsim.output.formats import table

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
        "image_size_complete": result.base_size_known,
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
    return json.dumps(to_data(result), indent=2, ensure_ascii=False) + "\n"


def _mib(value: float) -> str:
    return f"{value:.3f}" if value < 1 else f"{value:.1f}"


def _short(text: str, width: int) -> str:
    text = printable(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _base_line(result: BuildResult) -> str:
    n = sum(1 for layer in result.layers if layer.line is None)
    ref = printable(result.base)
    key = {"catalog": "base-known", "given": "base-given", "scratch": "base-scratch", "stage": "base-stage"}
    return say(key.get(result.base_kind, "base-unknown"), ref=ref, n=n)


def render_table(result: BuildResult) -> str:
    """The layers bottom first with size, how the size was found, hit or miss and a short digest."""
    lines = [say("title", dockerfile=printable(result.dockerfile), context=printable(result.context))]
    lines.append(_base_line(result))
    if result.changed:
        lines.append(say("changed", paths=printable(", ".join(result.changed))))
    else:
        lines.append(say("first-build"))
    lines.append("")
    rows: list[list[str]] = [say("head").split("|")]
    notes: list[str] = []
    for n, layer in enumerate(result.layers, start=1):
        size = say("unknown-size") if layer.size_mib is None else f"{layer.size_mib:.2f}"
        rows.append(
            [
                str(n),
                "-" if layer.line is None else str(layer.line),
                _short(layer.instruction, _INSTRUCTION_WIDTH),
                size,
                layer.size_source,
                layer.cache,
                layer.digest[:19],
            ]
        )
        if layer.size_source == "estimated":
            notes.append(f"  {n}: {printable(layer.note)}")
    lines.append(table(rows, align="rllrlll"))
    lines.append("")
    unknown = "" if result.base_size_known else say("image-unknown")
    lines.append(say("image", size=f"{result.image_mib:.1f}", unknown=unknown, build_s=f"{result.build_s:.1f}"))
    if result.push_mib is not None:
        lines.append(
            say(
                "push",
                push=_mib(result.push_mib),
                push_s=f"{result.push_s or 0.0:.2f}",
                pull=_mib(result.pull_mib or 0.0),
                pull_s=f"{result.pull_s or 0.0:.2f}",
            )
        )
    if notes:
        lines.append(say("models"))
        lines.extend(notes)
    return "\n".join(lines) + "\n"
