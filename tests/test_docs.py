"""The documentation keeps up with the code: figures.md matches the catalog, scenarios.md names every key."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from vmsim.engine import default_catalog
from vmsim.scenarios import loader, schema

DOCS = Path(__file__).resolve().parent.parent / "docs"


def load_make_figures():
    """docs/make_figures.py as a module (docs/ is not a package)."""
    spec = importlib.util.spec_from_file_location("make_figures", DOCS / "make_figures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_figures_md_is_up_to_date():
    expected = load_make_figures().render(default_catalog())
    actual = (DOCS / "figures.md").read_text(encoding="utf-8")
    assert actual == expected, "docs/figures.md is out of date: run 'python docs/make_figures.py'"


def test_figures_md_lists_every_figure_and_source():
    text = (DOCS / "figures.md").read_text(encoding="utf-8")
    catalog = default_catalog()
    for name, _ in catalog.figures():
        assert f"`{name}`" in text, name
    for key in catalog.sources:
        assert f"**{key}**" in text, key


def test_scenarios_md_names_every_shipped_scenario():
    text = (DOCS / "scenarios.md").read_text(encoding="utf-8")
    names = loader.shipped_names()
    assert names, "no shipped scenarios found"
    missing = [name for name in names if f"`{name}`" not in text]
    assert missing == [], f"docs/scenarios.md does not mention: {missing}"


def sections(text: str) -> dict[str, str]:
    """Level-2 sections of a Markdown file by heading."""
    out: dict[str, str] = {}
    heading = ""
    for line in text.splitlines():
        if line.startswith("## "):
            heading = line[3:].strip()
            out[heading] = ""
        elif heading:
            out[heading] += line + "\n"
    return out


def test_scenarios_md_documents_every_key_the_loader_accepts_in_its_section():
    parts = sections((DOCS / "scenarios.md").read_text(encoding="utf-8"))
    groups = {
        "Top level": schema.TOP_KEYS,
        "[host]": schema.HOST_KEYS,
        "[vm]": schema.VM_KEYS,
        "[container]": schema.CONTAINER_KEYS,
        "[microvm]": schema.MICROVM_KEYS,
        "[[events]]": schema.EVENT_KEYS,
    }
    missing = [
        f"{heading}: {key}"
        for heading, keys in groups.items()
        for key in keys
        if f"| `{key}` |" not in parts.get(heading, "")
    ]
    assert missing == [], f"docs/scenarios.md has no table row for: {missing}"


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*]", "", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def test_every_link_between_the_docs_reaches_a_file_and_a_heading_that_exist():
    pages = [DOCS.parent / "README.md", *sorted(DOCS.glob("*.md"))]
    anchors = {
        page.resolve(): {_slug(h) for h in re.findall(r"^#+ (.+)$", page.read_text(encoding="utf-8"), re.M)}
        for page in pages
    }
    broken, checked = [], 0
    for page in pages:
        for target, fragment in re.findall(r"\]\(([^)\s:]*?\.md|)(#[^)\s]+)?\)", page.read_text(encoding="utf-8")):
            if not target and not fragment:
                continue
            path = (page.parent / target).resolve() if target else page.resolve()
            checked += 1
            if path not in anchors:
                broken.append(f"{page.name}: {target} does not exist")
            elif fragment and fragment[1:] not in anchors[path]:
                broken.append(f"{page.name}: {target}{fragment} names no heading of {path.name}")
    assert checked > 20, checked  # (the pattern found the links)
    assert broken == []
