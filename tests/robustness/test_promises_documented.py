"""docs/robustness.md names, for each promise, the tests that check it: every one of them must exist."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
DOC = ROOT / "docs" / "robustness.md"


def test_every_test_named_in_robustness_md_exists():
    named = re.findall(r"`(tests/[\w/]+\.py)::(\w+)`", DOC.read_text(encoding="utf-8"))
    assert len(named) >= 30, "the promises table lost its tests"
    missing = []
    for path, name in named:
        file = ROOT / path
        defined = set()
        if file.exists():
            tree = ast.parse(file.read_text(encoding="utf-8"))
            defined = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}
        if name not in defined:
            missing.append(f"{path}::{name}")
    assert missing == [], f"docs/robustness.md names tests that do not exist: {missing}"
