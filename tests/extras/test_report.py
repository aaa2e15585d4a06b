"""``vmsim report``: a self-contained HTML page — structure, no network, escaping, atomic writing."""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import subprocess
import sys
import textwrap
from html.parser import HTMLParser
from pathlib import Path

import pytest

import vmsim
from vmsim.cli.commands import report
from vmsim.engine.snapshot import MEMORY_CATEGORIES
from vmsim.output import palette as colour_palette
from vmsim.output import svg_charts
from vmsim.output.result_tables import category_label
from vmsim.output.words import event_text
from vmsim.scenarios import build_simulation, load_scenario

VOID = {"meta", "br", "link", "img", "input", "hr", "wbr", "source", "area", "base", "col", "embed", "track"}
NEUTRAL = {"#ffffff", "#000000"}


class Page(HTMLParser):
    """Collects tags, attributes and text, and checks that every element is closed in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.errors: list[str] = []
        self.text: list[str] = []
        self.svg_depth = 0
        self.top_svgs: list[dict[str, str | None]] = []
        self.in_svg_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "svg":
            if self.svg_depth == 0:
                self.top_svgs.append(a)
            self.svg_depth += 1
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag == "svg":
            self.svg_depth -= 1
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)
        if self.svg_depth:
            self.in_svg_text.append(data)

    def count(self, tag: str) -> int:
        return sum(1 for t, _ in self.tags if t == tag)

    def attrs(self, tag: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag]


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="vmsim")
    report.add_parser(p.add_subparsers(dest="command"))
    return p


def run(capsys, *argv: str) -> tuple[int, str, str]:
    args = parser().parse_args(["report", *argv])
    code = args.func(args)
    out, err = capsys.readouterr()
    return code, out, err


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    page.close()
    assert page.errors == [] and page.stack == [], (page.errors, page.stack)
    return page


def assert_offline(text: str) -> None:
    """Nothing in the page can make the browser fetch anything."""
    assert "http://" not in text and "https://" not in text
    assert not re.search(r"\bsrc\s*=", text, re.I)
    assert "@import" not in text
    for m in re.finditer(r"url\(\s*([^)]*)\)", text, re.I):
        assert m.group(1).strip("'\" ").startswith("#"), m.group(0)
    for m in re.finditer(r"\bhref\s*=\s*[\"']?([^\"' >]*)", text, re.I):
        assert m.group(1).startswith("#"), m.group(0)
    for tag in ("<script", "<link", "<img", "<iframe", "<object", "<embed", "<image", "<use", "<foreignobject"):
        assert tag not in text.lower(), tag


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("reports")
    out = {}
    for name in ("hello", "web-stack"):
        path = folder / f"{name}.html"
        args = parser().parse_args(["report", name, "--out", str(path)])
        assert args.func(args) == 0
        out[name] = path.read_text(encoding="utf-8")
    return out


@pytest.mark.parametrize("name", ["hello", "web-stack"])
def test_structure(pages, name):
    text = pages[name]
    spec = load_scenario(name)
    page = parse(text)
    assert text.startswith("<!DOCTYPE html>")
    assert page.count("html") == page.count("head") == page.count("body") == 1
    assert {a.get("charset") for a in page.attrs("meta")} >= {"utf-8"}
    ids = {a.get("id") for _, a in page.tags}
    assert {"summary", "resources", "charts", "instances", "events"} <= ids
    assert page.count("h1") == 1 and spec.name in "".join(page.text)
    # tables: summary, memory, disk, one per world, events
    assert page.count("table") == 3 + len(spec.worlds) + 1
    assert page.count("caption") == page.count("table")
    # three inline SVG charts, each labelled for people and screen readers
    assert len(page.top_svgs) == page.count("svg") == 3
    assert {a.get("id") for a in page.top_svgs} == {"chart-memory", "chart-ready", "chart-timeline"}
    for a in page.top_svgs:
        assert a.get("role") == "img" and a.get("aria-labelledby") and a.get("viewbox")
        assert "xmlns" not in a  # inline SVG in HTML needs no namespace URL
    assert page.count("figure") == page.count("figcaption") == 3


@pytest.mark.parametrize("name", ["hello", "web-stack"])
def test_nothing_is_fetched_from_the_network(pages, name):
    text = pages[name]
    assert_offline(text)
    csp = [a for a in parse(text).attrs("meta") if a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in (csp[0].get("content") or "")


@pytest.mark.parametrize("name", ["hello", "web-stack"])
def test_tables_hold_the_snapshots_numbers(pages, name):
    text = pages[name]
    spec = load_scenario(name)
    sim = build_simulation(spec)
    sim.run_until(spec.duration_s)
    snap = sim.snapshot()
    body = " ".join(parse(text).text)
    for w in snap.worlds:
        assert w.label in body
        assert f"{w.count('running')} of {len(w.instances)}" in body
        for inst in w.instances:
            assert inst.id in body
            for p in inst.phases:
                assert p.name in body
        for e in w.events:
            assert event_text(e, "en") in body
    assert "memory committed" in body and "memory in use" in body and "disk used" in body
    assert "median time to ready" in body and "max time to ready" in body
    assert sum(1 for c in MEMORY_CATEGORIES if category_label(c) in body) >= 4


def test_charts_have_a_line_per_world_and_a_bar_per_phase(pages):
    text = pages["hello"]
    spec = load_scenario("hello")
    sim = build_simulation(spec)
    sim.run_until(spec.duration_s)
    snap = sim.snapshot()
    charts = re.findall(r"<svg\b.*?</svg>", text, re.S)
    assert len(charts) == 3
    memory, ready, timeline = charts
    for chart in (memory, ready):
        assert chart.count("<path ") == len(snap.worlds)
        for w in snap.worlds:
            assert chart.count(f"{w.label}") >= 2  # in the legend and at the line's end
    n_phases = sum(len(i.phases) for w in snap.worlds for i in w.instances)
    assert len(re.findall(r"<rect [^>]*><title>", timeline)) == n_phases
    for name in {p.name for w in snap.worlds for i in w.instances for p in i.phases}:
        assert f">{name}</text>" in timeline  # named in the legend
    assert "simulated time (s)" in memory and "simulated time (s)" in timeline


@pytest.mark.parametrize("name", ["hello", "web-stack"])
def test_colour_blind_safe_palette(pages, name):
    colours = {c.lower() for c in re.findall(r"#[0-9A-Fa-f]{6}\b", pages[name])}
    palette = {c.lower() for c in colour_palette.PALETTE}
    for c in colours - palette - NEUTRAL:
        r, g, b = (int(c[i : i + 2], 16) for i in (1, 3, 5))
        near_grey = max(r, g, b) - min(r, g, b) <= 16
        assert near_grey or c in {"#fff4d6", "#e6c15a", "#0b5394", "#a4310a"}, c
    for style in svg_charts.WORLD_STYLES.values():
        assert style.color.lower() in palette
    # worlds differ by more than colour
    assert len({(s.dash, s.marker) for s in svg_charts.WORLD_STYLES.values()}) == len(svg_charts.WORLD_STYLES)


def test_text_is_escaped(tmp_path, capsys):
    scenario = tmp_path / "nasty.toml"
    scenario.write_text(
        textwrap.dedent(
            """
            name = "<b>Tom & Jerry</b> \\"quoted\\" <script>alert(1)</script>"
            description = "a < b > c & d; see http://example.com/<img src=x>"
            duration_s = 5
            worlds = ["vm", "container"]
            [[events]]
            at_s = 0
            add = "hello"
            """
        ),
        encoding="utf-8",
    )
    out = tmp_path / "nasty.html"
    code, _, err = run(capsys, str(scenario), "--out", str(out))
    assert code == 0, err
    text = out.read_text(encoding="utf-8")
    page = parse(text)
    assert "<b>" not in text and "<script" not in text and "<img" not in text
    assert "&lt;b&gt;Tom &amp; Jerry&lt;/b&gt; &quot;quoted&quot; &lt;script&gt;" in text
    assert "a &lt; b &gt; c &amp; d" in text
    assert page.count("b") == page.count("script") == page.count("img") == 0
    title = text[text.index("<title>") + 7 : text.index("</title>")]
    assert "<" not in title
    assert '<b>Tom & Jerry</b> "quoted" <script>alert(1)</script>' in "".join(page.text)
    # a URL in a description is text, never a reference
    assert not re.search(r"(src|href)\s*=\s*[\"']?https?:", text)


def test_written_atomically_and_nothing_left_behind(tmp_path, capsys):
    out = tmp_path / "sub" / "report.html"
    code, stdout, err = run(capsys, "hello", "--out", str(out))
    assert code == 0 and stdout == ""
    assert f"wrote {out}" in err
    assert sorted(p.name for p in out.parent.iterdir()) == ["report.html"]
    assert oct(out.stat().st_mode & 0o777) != oct(0o600)  # the mode a new file gets, not mkstemp's


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path, capsys, monkeypatch):
    out = tmp_path / "report.html"
    out.write_text("the old report", encoding="utf-8")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    code, stdout, err = run(capsys, "hello", "--out", str(out))
    assert code == 1 and stdout == ""
    assert "cannot write" in err and "No space left" in err and "Traceback" not in err
    assert out.read_text(encoding="utf-8") == "the old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_out_is_required(capsys):
    code, out, err = run(capsys, "hello")
    assert code == 2 and out == ""
    assert "--out is required" in err and "--out report.html" in err and "Traceback" not in err


def test_out_dash_writes_to_stdout(capsys):
    code, out, _ = run(capsys, "hello", "--out", "-")
    assert code == 0 and out.startswith("<!DOCTYPE html>")


def test_out_folder_is_a_clear_error(tmp_path, capsys):
    code, _, err = run(capsys, "hello", "--out", str(tmp_path))
    assert code == 2 and "is a folder" in err


def test_unknown_scenario_is_a_clear_error(tmp_path, capsys):
    code, out, err = run(capsys, "helo", "--out", str(tmp_path / "r.html"))
    assert code == 2 and out == ""
    assert "did you mean 'hello'" in err and "Traceback" not in err
    assert not (tmp_path / "r.html").exists()


@pytest.mark.parametrize("argv", [["--seed", "-1"], ["--until", "nan"], ["--until", "-2"], ["--until", "1e9"]])
def test_bad_options_are_usage_errors(capsys, argv):
    with pytest.raises(SystemExit) as exc:
        parser().parse_args(["report", "hello", *argv, "--out", "r.html"])
    assert exc.value.code == 2


def test_seed_and_until_are_used_and_the_page_is_deterministic(tmp_path, capsys):
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    for path in (a, b):
        assert run(capsys, "web-stack", "--seed", "3", "--until", "5", "--out", str(path))[0] == 0
    text = a.read_text(encoding="utf-8")
    assert text == b.read_text(encoding="utf-8")
    assert "vmsim report web-stack --seed 3 --until 5" in text
    assert "<dt>seed</dt><dd>3</dd>" in text and "<dt>simulated time</dt><dd>5 s</dd>" in text


def test_many_instances_are_capped_in_the_timeline_but_listed_in_the_table(tmp_path, capsys):
    out = tmp_path / "ll.html"
    assert run(capsys, "laptop-limits", "--out", str(out))[0] == 0
    text = out.read_text(encoding="utf-8")
    parse(text)
    assert_offline(text)
    timeline = re.findall(r"<svg\b.*?</svg>", text, re.S)[2]
    assert "never started" in timeline and "instances are drawn" in text
    assert text.count('<tr><th scope="row">node-web-') == 400  # every instance of both worlds in the tables


def test_nice_ticks():
    assert svg_charts.nice_ticks(20) == [0, 5, 10, 15, 20]
    assert svg_charts.nice_ticks(3715, 5) == [0, 1000, 2000, 3000, 4000]
    assert svg_charts.nice_ticks(1.05, 5, integer=True) == [0, 1, 2]
    assert svg_charts.nice_ticks(0) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]


NEW_MODULES = (
    "host/hostinfo",
    "host/probe",
    "output/report_data",
    "output/report_html",
    "output/svg_charts",
    "output/palette",
    "output/series_export",
    "cli/commands/report",
)


def test_the_new_modules_import_no_ui_library():
    package = Path(vmsim.__file__).resolve().parent
    for name in NEW_MODULES:
        tree = ast.parse((package / f"{name}.py").read_text(encoding="utf-8"))
        roots = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                roots.add(node.module.split(".")[0])
                if node.module.startswith("vmsim.tui"):
                    roots.add("vmsim.tui")
        assert not roots & {"textual", "rich", "plotext", "vmsim.tui"}, name


def test_running_the_new_commands_loads_no_ui_library(tmp_path):
    script = textwrap.dedent(
        f"""
        import argparse, contextlib, io, json, sys
        from vmsim.cli.commands import host, probe, report
        from vmsim.output import series_export
        p = argparse.ArgumentParser(); sub = p.add_subparsers()
        for m in (host, probe, report):
            m.add_parser(sub)
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            out = {str(tmp_path / "r.html")!r}
            for argv in (["host"], ["probe", "--runs", "1"], ["report", "hello", "--out", out]):
                a = p.parse_args(argv)
                assert a.func(a) == 0, argv
        from vmsim.scenarios import build_simulation, load_scenario
        sim = build_simulation(load_scenario("hello")); sim.run_until(5)
        series_export.render_series_csv(sim)
        print(json.dumps(sorted({{n.split(".")[0] for n in sys.modules}} & {{"textual", "rich", "plotext"}})))
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == []


def test_a_lesson_report_plays_the_lessons_actions(tmp_path, capsys):
    """A lesson scenario adds its instances in its steps, not in timed events: the report shows what
    'vmsim run' of the same lesson shows (it once showed no instances at all)."""
    from vmsim.cli import main

    assert main(["run", "vm-vs-container", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr()[0])
    ids = [i["id"] for w in data["worlds"].values() for i in w["instances"]]
    assert ids
    out = tmp_path / "lesson.html"
    assert run(capsys, "vm-vs-container", "--out", str(out))[0] == 0
    text = out.read_text(encoding="utf-8")
    body = " ".join(parse(text).text)
    assert "no instances" not in body
    for instance_id in ids:
        assert instance_id in body
    for name, world in data["worlds"].items():
        ready = sum(1 for i in world["instances"] if i["state"] == "running")
        assert f"{ready} of {len(world['instances'])}" in body, name


def test_refusals_in_the_timeline_are_said_in_words(tmp_path, capsys):
    """density refuses ~100 VMs: the timeline's group line gave the reason as its code's repr ('Coded(code=...')."""
    for lang, words in (("en", "never started"), ("ko", "시작하지 못함")):
        out = tmp_path / f"density-{lang}.html"
        code, _, _ = run(capsys, "density", "--lang", lang, "--out", str(out))
        text = out.read_text(encoding="utf-8")
        assert code == 0 and "Coded(" not in text
        group = next(t for t in parse(text).text if words in t)
        assert ("302 MiB" in group) and ("2,078 MiB" in group), group


def test_a_korean_report_speaks_korean(tmp_path, capsys):
    out = tmp_path / "hosts-ko.html"
    code, _, err = run(capsys, "hosts", "--lang", "ko", "--out", str(out))
    text = out.read_text(encoding="utf-8")
    assert code == 0 and "파일을 저장했어요" in err
    page = parse(text)
    assert '<html lang="ko">' in text and "<title>호스트 열두 대 — vmsim 보고서</title>" in text
    headings = [t.strip() for t in page.text if t.strip() in ("요약", "메모리와 디스크", "차트", "인스턴스", "이벤트")]
    assert len(set(headings)) == 5, headings
    shown = " ".join(page.text)
    for english in ("Summary per world", "memory committed", "Boot timeline", "every instance", "what happened"):
        assert english not in shown, english
    assert "호스트 12대, 각각 코어 4개" in shown  # twelve hosts, said (the page named one host before)
    assert "컨테이너를 벗어나 호스트 host-5에 닿았어요" in shown  # the event, in Korean
    assert_offline(text)


def test_the_report_s_own_mistakes_are_said_in_its_language(tmp_path, capsys):
    code, _, err = run(capsys, "hello", "--lang", "ko")
    assert code == 2 and "--out이 필요해요" in err
    code, _, err = run(capsys, "hello", "--lang", "ko", "--out", str(tmp_path))
    assert code == 2 and "폴더예요" in err
    code, _, err = run(capsys, "nosuch", "--lang", "ko", "--out", str(tmp_path / "r.html"))
    assert code == 2 and "그런 시나리오는 없어요" in err


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_lessons_report_gives_the_memory_and_disk_its_answer_key_gives(tmp_path, lang):
    """The report counts the host OS in; a lesson's summary (the answer key) leaves it out: the report gives both."""
    from vmsim.output.lesson_summary import summary_rows as lesson_rows
    from vmsim.session.summary import lesson_summary, run_lesson
    from vmsim.text import tr

    spec = load_scenario("vm-vs-container")
    key = {row[0]: row[1:] for row in lesson_rows(lesson_summary(run_lesson(spec)), lang)}
    path = tmp_path / "report.html"
    args = parser().parse_args(["report", "vm-vs-container", "--lang", lang, "--out", str(path)])
    assert args.func(args) == 0
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))
    without = re.escape(tr("report.without_host_os", lang).replace("'", "&#x27;"))
    found = re.findall(without + r" ((?:\S+ (?:GiB|MiB) ?){2})", text)
    memory, disk = (tuple(re.findall(r"\S+ (?:GiB|MiB)", cells)) for cells in found)
    assert memory == key[tr("summary.committed", lang)], (memory, key)
    assert disk == key[tr("summary.disk", lang)], (disk, key)
