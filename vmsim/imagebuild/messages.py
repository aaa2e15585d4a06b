"""The words ``vmsim build`` prints, in one place (English only until the ``vmsim.text`` catalogues take them)."""

from __future__ import annotations

import re

MESSAGES: dict[str, str] = {
    # Problems: each says what is wrong and how to fix it.
    "no-file": "no such file; give the path of a Dockerfile",
    "is-directory": "is a directory; give the Dockerfile inside it (for example {path}/Dockerfile)",
    "not-text": "cannot be read as text ({reason}); give a Dockerfile",
    "no-context": "the build context {context} is not a directory; pass --context DIR",
    "empty": "has no instructions; a Dockerfile starts with FROM",
    "syntax": "syntax error: {reason}",
    "bare-word": "'{word}' is not an instruction followed by its arguments (did a line continuation '\\' go missing?)",
    "continuation-at-end": "the last instruction ends with a line continuation '\\' and nothing follows it",
    "unknown-instruction": "unknown instruction '{word}'{guess}; Dockerfile instructions are {known}",
    "guess": " (did you mean {word}?)",
    "first-not-from": "the first instruction is {word}; a build stage starts with FROM (only ARG may come before it)",
    "from-args": "FROM takes an image and an optional 'AS name', e.g. 'FROM node:24-trixie-slim AS build'",
    "copy-args": "{word} needs at least one source and a destination, e.g. '{word} package.json ./'",
    "bad-json": "{word} in JSON form must be a list of strings: {reason}",
    "unknown-stage": "--from={name} names no earlier stage (stages: {stages}) and is not an image reference",
    "outside-context": "{word} source '{src}' is outside the build context; copy only files under {context}",
    "no-match": "{word} source '{src}' matches no file in the build context{ignored}",
    "ignored-hint": " (.dockerignore excludes it)",
    "changed-missing": "--changed: no such file or directory in the build context {context}",
    "changed-outside": "--changed: outside the build context {context}; name a path inside it",
    "bad-ignore": "bad pattern '{pattern}': {reason}",
    "base-size": "--base-size must be a size in MiB from 0 to 1048576",
    "unreadable": "cannot read {path}: {reason}",
    "interrupted": "stopped while reading the build context",
    # Table.
    "title": "Image built from {dockerfile} (context {context})",
    "base-known": "base {ref}: {n} layer(s) from the catalog",
    "base-given": "base {ref}: size given with --base-size",
    "base-unknown": "base {ref}: not in the catalog, size unknown (give it with --base-size MIB)",
    "base-scratch": "base scratch: an empty image, no layers",
    "base-stage": "base: stage {ref} of this Dockerfile",
    "changed": "rebuilt after a change to: {paths}",
    "first-build": "first build: nothing cached yet",
    "head": "#|line|instruction|size MiB|size from|cache|digest",
    "base-layer": "(base) {ref} layer {i}/{n}",
    "unknown-size": "unknown",
    "image": "image {size} MiB{unknown}; build {build_s} s (modelled: cache hits cost 0 s)",
    "image-unknown": " + the base's unknown size",
    "push": "push: {push} MiB compressed ({push_s} s); "
    "a server running the previous version pulls {pull} MiB ({pull_s} s)",
    "models": "estimated sizes:",
}


def say(key: str, **values: object) -> str:
    """The message ``key`` with its blanks filled in."""
    return MESSAGES[key].format(**values)


# Escape sequences first (so their parameters go too), then any other control character but newline.
_CONTROL = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` without terminal control characters (escape sequences, bells, carriage returns)."""
    return _CONTROL.sub("", text.replace("\t", " "))
