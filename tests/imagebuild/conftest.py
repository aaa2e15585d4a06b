"""Fixtures for the image build tests: the shipped example contexts and a writer of small ones."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def node_app(tmp_path: Path) -> Path:
    """A copy of the Node app's context that a test may change."""
    return Path(shutil.copytree(FIXTURES / "node-app", tmp_path / "node-app"))


@pytest.fixture
def write_context(tmp_path: Path) -> Callable[..., Path]:
    """Write a context: ``write_context(Dockerfile="FROM scratch", **{"src/a.txt": "hi"})`` → its directory."""

    def write(**files: str) -> Path:
        root = tmp_path / "ctx"
        for name, text in files.items():
            path = root / name.replace("__", "/")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return root

    return write
