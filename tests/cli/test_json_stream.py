"""The run's JSON written in pieces (``formats.write_json``): the same bytes as ``render_json`` for every shipped
scenario and for large runs, never the whole document in one piece, and what ``vmsim run --format json`` uses."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from vmsim.cli import main
from vmsim.output import formats, json_fast
from vmsim.output.words import ENGLISH
from vmsim.scenarios.loader import shipped_names
from vmsim.session import load_scenario, run_headless

GOLDEN = Path(__file__).parent / "golden" / "hello.json"
LARGE_TOML = """name.en = "Large"
name.ko = "큰 실행"
seed = 3
duration_s = 20
worlds = ["vm", "container", "microvm"]

[host]
preset = "server"

[cluster]
hosts = 4

[vm]
memory_mib = 256
image_cached = true
clone = "linked"

[[events]]
at_s = 0
add = "nginx"
count = 230

[[events]]
at_s = 1
add = "redis"
count = 20
"""


class Pieces(io.StringIO):
    """A text file that remembers the length of every piece written to it."""

    def __init__(self) -> None:
        super().__init__()
        self.sizes: list[int] = []

    def write(self, s: str) -> int:
        self.sizes.append(len(s))
        return super().write(s)


def streamed(snap) -> Pieces:
    fp = Pieces()
    formats.write_json(snap, fp)
    return fp


def first_difference(a: str, b: str) -> str | None:
    """Where two documents first differ (pytest's own diff of two large strings takes minutes), or None."""
    if a == b:
        return None
    n = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return f"at {n} of {len(a)}/{len(b)}: {a[max(0, n - 40) : n + 40]!r} vs {b[max(0, n - 40) : n + 40]!r}"


def slow(snap) -> str:
    """json.dumps of the dict form, compact: what the fast writer must equal, byte for byte."""
    data = snap.as_dict(ENGLISH)
    for w in snap.worlds:
        data["worlds"][w.name]["summary"] = formats.world_summary(w)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    path = tmp_path_factory.mktemp("large") / "large.toml"
    path.write_text(LARGE_TOML, encoding="utf-8")
    snap = run_headless(load_scenario(str(path))).state()
    assert sum(len(w.instances) for w in snap.worlds) > formats.INDENT_MAX_INSTANCES  # the compact path
    return path, snap


@pytest.mark.parametrize("name", shipped_names())
@pytest.mark.parametrize("until", [3.0, None])
def test_streamed_json_is_the_string_json_for_every_shipped_scenario(name, until):
    snap = run_headless(load_scenario(name), until_s=until).state()
    text = formats.render_json(snap)
    assert first_difference(streamed(snap).getvalue(), text) is None
    assert json.loads(text) == json.loads(slow(snap))


@pytest.mark.parametrize("batch", [1, 2, 7, 1000])
def test_a_large_run_is_written_in_pieces_with_the_bytes_of_json_dumps(large, monkeypatch, batch):
    _, snap = large
    monkeypatch.setattr(json_fast, "BATCH", batch)
    fp = streamed(snap)
    text = fp.getvalue()
    assert first_difference(text, slow(snap)) is None
    assert first_difference(text, formats.render_json(snap)) is None
    assert text.startswith('{"scenario":"Large"')
    if batch < 10:  # no piece holds more than a batch of instances or events: the document never exists whole
        assert max(fp.sizes) < len(text) / 20
        assert len(fp.sizes) >= sum(len(w.instances) + len(w.events) for w in snap.worlds) / batch


def test_a_field_the_fast_writer_does_not_know_makes_it_write_the_slow_way(large, monkeypatch):
    _, snap = large
    cls = type(snap.worlds[0].instances[0])
    real = cls.as_dict
    monkeypatch.setattr(cls, "as_dict", lambda i, w: {**real(i, w), "extra": 1})
    text = streamed(snap).getvalue()
    assert first_difference(text, slow(snap)) is None and '"extra":1' in text


def test_vmsim_run_json_streams_to_stdout_and_matches_the_golden_file(capsys, monkeypatch):
    def whole(snap):
        raise AssertionError("vmsim run built the whole document as one string")

    monkeypatch.setattr(formats, "render_json", whole)
    assert main(["run", "hello", "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert err == "" and first_difference(out, GOLDEN.read_text(encoding="utf-8")) is None


def test_vmsim_run_json_out_streams_a_large_run_to_the_file(large, capsys, monkeypatch, tmp_path):
    path, snap = large
    expected = formats.render_json(snap)
    pieces: list[int] = []
    real = formats.write_json

    def counting(snap, fp):
        class Counting:
            def write(self, s: str) -> int:
                pieces.append(len(s))
                return fp.write(s)

        real(snap, Counting())

    monkeypatch.setattr(formats, "render_json", None)  # any use of it would fail
    monkeypatch.setattr(formats, "write_json", counting)
    target = tmp_path / "out" / "large.json"
    assert main(["run", str(path), "--format", "json", "--out", str(target)]) == 0
    out, err = capsys.readouterr()
    assert out == "" and str(target) in err
    assert first_difference(target.read_text(encoding="utf-8"), expected) is None
    assert len(pieces) > 3 and max(pieces) < len(expected)
