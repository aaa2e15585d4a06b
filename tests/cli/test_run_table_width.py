"""``vmsim run``'s table on a terminal: no line wider than the terminal, and every figure still there."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from cli_support import run_cli

from vmsim.cli.commands import run as run_command
from vmsim.output.formats import columns, fitted_table
from vmsim.output.result_tables import render_table
from vmsim.scenarios import load_scenario
from vmsim.session import run_headless

FIGURE = re.compile(r"[\d.,]+초?")


def figures(text: str) -> Counter[str]:
    """Every figure the text shows, as often as it shows it (instance names and words aside)."""
    return Counter(token for token in text.split() if FIGURE.fullmatch(token))


def widest(text: str) -> int:
    return max(columns(line) for line in text.splitlines())


@pytest.fixture(scope="module")
def snaps():
    found = {}
    for name in ("isolation", "hosts"):
        spec = load_scenario(name)
        found[name] = run_headless(spec, until_s=spec.duration_s).snapshot(include_events=True)
    return found


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("name", ["isolation", "hosts"])
@pytest.mark.parametrize("width", [80, 60])
def test_a_narrow_terminal_gets_every_figure_in_lines_that_fit(snaps, name, lang, width):
    whole = render_table(snaps[name], lang=lang)
    narrow = render_table(snaps[name], lang=lang, width=width)
    assert widest(whole) > 100  # a file or a pipe keeps each table whole, however wide
    assert widest(narrow) <= width
    assert figures(narrow) - figures(whole) == Counter()  # nothing made up…
    assert figures(whole) - figures(narrow) == Counter()  # …and nothing lost, wrapped or cut into blocks


def test_a_wide_table_is_cut_into_even_blocks_that_repeat_its_key_columns():
    rows = [["id", "state", *[f"phase{i}" for i in range(9)]], ["a-1", "running", *[f"{i}.00" for i in range(9)]]]
    text = fitted_table(rows, "ll" + "r" * 9, 50, keys=2)
    blocks = text.split("\n\n")
    assert len(blocks) == 3 and all(b.startswith("id   state") for b in blocks)
    counts = [len(b.splitlines()[0].split()) - 2 for b in blocks]
    assert counts == [3, 3, 3]  # even: not 4, 4 and a last block of one
    assert fitted_table(rows, "ll" + "r" * 9, None, keys=2) == fitted_table(rows, "ll" + "r" * 9, 500, keys=2)
    assert "\n\n" not in fitted_table(rows, "ll" + "r" * 9, 500, keys=2)


def test_the_command_fits_the_terminal_and_a_file_gets_the_whole_table(capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(run_command, "terminal_columns", lambda out=None: None if out else 80)
    code, out, _ = run_cli(capsys, "run", "isolation", "--lang", "en")
    assert code == 0 and widest(out) <= 80 and "What happened:" in out
    target = tmp_path / "isolation.txt"
    code, _, _ = run_cli(capsys, "run", "isolation", "--lang", "en", "--out", str(target))
    assert code == 0 and widest(target.read_text(encoding="utf-8")) > 100


def test_an_events_time_stays_with_it_on_a_very_narrow_terminal_and_headings_wrap(snaps):
    from vmsim.output.result_tables import _wrapped

    lines = _wrapped(["  t = 130.00  a kernel bug reached from node-web-2 panicked its own guest kernel"], 24)
    assert lines[0].startswith("  t = 130.00  ") and all(columns(line) <= 24 for line in lines[1:]), lines
    narrow = render_table(snaps["isolation"], lang="en", width=50)
    heading = [line for line in narrow.splitlines() if line.startswith("Virtual machines: each")]
    assert heading and columns(heading[0]) <= 50  # (58 columns whole)


def test_a_terminal_that_reports_no_width_gets_whole_lines_as_a_pipe_does(monkeypatch):
    import os
    import sys

    from vmsim.cli import scenario_options

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.stdout, "fileno", lambda: 1, raising=False)
    monkeypatch.setattr(os, "get_terminal_size", lambda fd: os.terminal_size((0, 0)))
    assert scenario_options.terminal_columns() is None  # (0 columns made one word a line)
    monkeypatch.setattr(os, "get_terminal_size", lambda fd: os.terminal_size((72, 20)))
    assert scenario_options.terminal_columns() == 72
    assert scenario_options.terminal_columns("out.txt") is None
