"""Estimated sizes of RUN layers: one labelled model per package manager, fed by the lockfile or list when present."""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterable
from typing import NamedTuple

from vmsim.imagebuild.context import ContextFiles
from vmsim.imagebuild.figures import BuildFigures

_SPLIT = re.compile(r"&&|\|\||;|\n")


class Estimate(NamedTuple):
    """A RUN layer's estimated size, the model that gave it (shown beside the layer), and whether it installs."""

    size_mib: float
    note: str
    installs: bool


def _find(files: ContextFiles, copied: Iterable[str], name: str) -> str | None:
    """The context path of ``name`` among the files copied into the stage so far, else at the context's root."""
    for path in copied:
        if posixpath.basename(path) == name:
            return path
    return name if files.index(name) is not None else None


def _npm_count(files: ContextFiles, copied: list[str], omit_dev: bool) -> tuple[int, str] | None:
    path = _find(files, copied, "package-lock.json")
    text = files.read_text(path) if path else None
    if text is not None:
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            data = None
        if isinstance(data, dict):
            packages = data.get("packages")
            if isinstance(packages, dict):
                count = sum(
                    1 for k, v in packages.items() if k and not (omit_dev and isinstance(v, dict) and v.get("dev"))
                )
                return count, f"{count} packages in {path}" + (" (dev left out)" if omit_dev else "")
            deps = data.get("dependencies")
            if isinstance(deps, dict):
                return len(deps), f"{len(deps)} packages in {path}"
    path = _find(files, copied, "package.json")
    text = files.read_text(path) if path else None
    if text is not None:
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            return None
        if isinstance(data, dict):
            direct = len(data.get("dependencies") or {}) + (0 if omit_dev else len(data.get("devDependencies") or {}))
            return -direct, f"{direct} direct dependencies in {path}, no lockfile"
    return None


def _requirements(files: ContextFiles, copied: list[str], name: str) -> tuple[int, str] | None:
    path = _find(files, copied, posixpath.basename(name))
    text = files.read_text(path) if path else None
    if text is None:
        return None
    count = sum(1 for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith(("#", "-")))
    return count, f"{count} requirements in {path}"


def _go_modules(files: ContextFiles, copied: list[str]) -> tuple[int, str] | None:
    path = _find(files, copied, "go.sum")
    text = files.read_text(path) if path else None
    if text is None:
        return None
    rows = [ln.split() for ln in text.splitlines()]
    modules = {row[0] for row in rows if len(row) >= 2 and not row[1].endswith("/go.mod")}
    return len(modules), f"{len(modules)} modules in {path}"


def _named(words: list[str], after: str) -> list[str]:
    """The package names after the sub-command ``after`` (flags dropped)."""
    if after not in words:
        return []
    return [w for w in words[words.index(after) + 1 :] if not w.startswith("-")]


def estimate_run(
    command: str, env: dict[str, str], files: ContextFiles, copied: list[str], fig: BuildFigures
) -> Estimate:
    """The estimated size of the layer ``command`` writes, with the model and its inputs spelled out."""
    size = 0.0
    notes: list[str] = []
    installs = False
    for part in _SPLIT.split(command):
        words = part.replace("\\\n", " ").split()
        while words and ("=" in words[0] or words[0] in ("sudo", "exec")):
            words = words[1:]
        if not words:
            continue
        tool, rest = words[0], words[1:]
        if tool in ("python", "python3") and rest[:2] == ["-m", "pip"]:
            tool, rest = "pip", rest[2:]
        if tool in ("npm", "yarn", "pnpm") and (not rest or rest[0] in ("ci", "install", "i")):
            named = [w for w in rest[1:] if not w.startswith("-")]
            per = fig.value("run.npm_package_mib")
            fan = fig.value("run.npm_dependency_fanout")
            if named:
                size += len(named) * fan * per
                notes.append(f"{tool}: {len(named)} named × {fan:g} packages × {per:g} MiB")
            else:
                omit = any(w in ("--omit=dev", "--production", "--only=production") for w in rest)
                omit = omit or env.get("NODE_ENV") == "production"
                found = _npm_count(files, copied, omit)
                if found is None:
                    size += fig.value("run.install_default_mib")
                    notes.append(f"{tool}: no package list copied, {fig.value('run.install_default_mib'):g} MiB")
                elif found[0] < 0:
                    size += -found[0] * fan * per
                    notes.append(f"{tool}: {found[1]} × {fan:g} packages × {per:g} MiB")
                else:
                    size += found[0] * per
                    notes.append(f"{tool}: {found[1]} × {per:g} MiB")
            installs = True
        elif tool in ("pip", "pip3") and rest[:1] == ["install"]:
            per = fig.value("run.pip_requirement_mib")
            listed = [rest[i + 1] for i, w in enumerate(rest[:-1]) if w in ("-r", "--requirement")]
            count = 0
            for name in listed:
                found = _requirements(files, copied, name)
                if found:
                    count += found[0]
                    notes.append(f"pip: {found[1]} × {per:g} MiB")
                else:
                    size += fig.value("run.install_default_mib")
                    # Absent, too large, or not a file vmsim reads (a link is not followed: it may point anywhere).
                    default = fig.value("run.install_default_mib")
                    notes.append(f"pip: {name} not read from the context as a regular file, {default:g} MiB")
            named = [w for w in _named(rest, "install") if w not in listed]
            if named:
                notes.append(f"pip: {len(named)} named × {per:g} MiB")
            size += (count + len(named)) * per
            installs = True
        elif tool in ("apt-get", "apt") and ("install" in rest or "update" in rest):
            if "install" in rest:
                named = _named(rest, "install")
                per = fig.value("run.apt_package_mib")
                size += len(named) * per
                notes.append(f"apt: {len(named)} packages × {per:g} MiB")
            if "update" in rest and "/var/lib/apt/lists" not in command:
                size += fig.value("run.apt_lists_mib")
                notes.append(f"apt lists kept, {fig.value('run.apt_lists_mib'):g} MiB")
            installs = True
        elif tool == "apk" and "add" in rest:
            named = _named(rest, "add")
            per = fig.value("run.apk_package_mib")
            size += len(named) * per
            notes.append(f"apk: {len(named)} packages × {per:g} MiB")
            installs = True
        elif tool == "go" and rest[:2] == ["mod", "download"]:
            per = fig.value("run.go_module_mib")
            found = _go_modules(files, copied)
            count = found[0] if found else 0
            size += count * per
            notes.append(f"go: {found[1] if found else 'no go.sum copied'} × {per:g} MiB")
            installs = True
        elif tool == "go" and rest[:1] == ["build"]:
            size += fig.value("run.go_binary_mib")
            notes.append(f"go build: one binary, {fig.value('run.go_binary_mib'):g} MiB")
            installs = True
    if not notes:
        size = fig.value("run.other_mib")
        notes.append(f"a command that writes little, {size:g} MiB")
    return Estimate(size, "; ".join(notes) + " (model)", installs)
