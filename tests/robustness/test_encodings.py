"""Scenario files and Dockerfiles in the encodings editors write: UTF-8 with a byte-order mark reads as UTF-8;
UTF-16 and UTF-32 with a mark read correctly as scenarios and are refused, saying so, as Dockerfiles (Docker
reads UTF-8 only); UTF-16 without a mark and text that is not UTF-8 are refused naming the file, what the bytes
look like and how to fix it. Never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from vmsim.imagebuild.context import ContextFiles
from vmsim.imagebuild.dockerfile import read_stages
from vmsim.imagebuild.problems import BuildInputError
from vmsim.scenarios import ScenarioError, load_scenario
from vmsim.scenarios.loader import shipped_dir

ROOT = Path(__file__).resolve().parent.parent.parent
HELLO = (shipped_dir() / "hello.toml").read_text(encoding="utf-8")
KOREAN = 'name = "안녕하세요"\nduration_s = 10\n'
DOCKERFILE = "FROM alpine:3.20\nCOPY app.txt /app/\nRUN echo héllo\n"

READABLE = {
    "utf-8 with a byte-order mark": b"\xef\xbb\xbf" + HELLO.encode("utf-8"),
    "utf-16 le with a mark": b"\xff\xfe" + HELLO.encode("utf-16-le"),
    "utf-16 be with a mark": b"\xfe\xff" + HELLO.encode("utf-16-be"),
    "utf-32 with a mark": HELLO.encode("utf-32"),
}
REFUSED = {
    "utf-16 without a mark": (HELLO.encode("utf-16-le"), ["UTF-16", "byte-order mark", "save the file as UTF-8"]),
    "utf-16 mark, odd bytes": (
        b"\xff\xfe" + HELLO.encode("utf-16-le")[:-1],
        ["UTF-16 LE byte-order mark", "not UTF-16 LE text", "save the file as UTF-8"],
    ),
    "euc-kr": (KOREAN.encode("cp949"), ["line 1", "not UTF-8", "EUC-KR (CP949)", "save the file as UTF-8"]),
    "latin-1": (b'name = "caf\xe9"\n', ["line 1", "not UTF-8 text (byte 11)", "save the file as UTF-8"]),
    "utf-8 then a bad byte on line 3": (b"# a\n# b\nname = \xff\n", ["line 3", "not UTF-8", "save the file as UTF-8"]),
}


@pytest.mark.parametrize("name", sorted(READABLE))
def test_scenarios_with_a_byte_order_mark_read_as_the_utf8_file(tmp_path, name):
    plain = tmp_path / "case.toml"
    plain.write_text(HELLO, encoding="utf-8")
    expected = load_scenario(str(plain))
    plain.write_bytes(READABLE[name])
    assert load_scenario(str(plain)) == expected


def test_a_korean_scenario_in_utf16_keeps_its_text(tmp_path):
    path = tmp_path / "ko.toml"
    path.write_bytes(KOREAN.encode("utf-16"))
    assert load_scenario(str(path)).say("name", "en") == "안녕하세요"


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_unreadable_encodings_are_refused_naming_file_encoding_and_fix(tmp_path, name):
    data, phrases = REFUSED[name]
    path = tmp_path / "case.toml"
    path.write_bytes(data)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(str(path))
    text = str(caught.value)
    assert text.startswith(f"{path}: ")
    for phrase in phrases:
        assert phrase in text, (phrase, text)


@pytest.mark.parametrize("name", ["utf-16 without a mark", "euc-kr"])
def test_the_command_line_refuses_them_without_a_traceback(tmp_path, name):
    path = tmp_path / "case.toml"
    path.write_bytes(REFUSED[name][0])
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LANG": "C.UTF-8", "PYTHONIOENCODING": "utf-8"}
    for command in (["validate", str(path)], ["run", str(path)]):
        done = subprocess.run(
            [sys.executable, "-m", "vmsim", *command], capture_output=True, text=True, env=env, timeout=60
        )
        assert done.returncode == 2, (command, done.stderr)
        assert "Traceback" not in done.stderr
        assert str(path) in done.stderr and "UTF-8" in done.stderr


def test_the_korean_message_for_euc_kr(tmp_path):
    path = tmp_path / "case.toml"
    path.write_bytes(KOREAN.encode("cp949"))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(str(path))
    text = caught.value.text("ko")
    assert "EUC-KR" in text and "UTF-8로 저장하세요" in text


def _context(tmp_path: Path, dockerfile: bytes) -> Path:
    (tmp_path / "app.txt").write_text("hello\n", encoding="utf-8")
    path = tmp_path / "Dockerfile"
    path.write_bytes(dockerfile)
    return path


def test_a_dockerfile_with_a_utf8_byte_order_mark_reads_as_without(tmp_path):
    def steps(data: bytes) -> list:
        return [
            (s.base, [(st.kind, st.line, st.text) for st in s.steps]) for s in read_stages(_context(tmp_path, data))
        ]

    plain = steps(DOCKERFILE.encode())
    assert steps(b"\xef\xbb\xbf" + DOCKERFILE.encode()) == plain
    assert plain[0][0] == "alpine:3.20" and len(plain[0][1]) == 2


@pytest.mark.parametrize(
    ("data", "phrases"),
    [
        (DOCKERFILE.encode("utf-16"), ["UTF-16 LE text", "Docker reads UTF-8 only", "as UTF-8"]),
        (b"\xfe\xff" + DOCKERFILE.encode("utf-16-be"), ["UTF-16 BE text", "as UTF-8"]),
        (DOCKERFILE.encode("utf-16-le"), ["looks like UTF-16", "as UTF-8"]),
        (DOCKERFILE.encode("latin-1"), ["line 3", "not UTF-8", "as UTF-8"]),
    ],
    ids=["utf-16 le", "utf-16 be", "utf-16 without a mark", "latin-1"],
)
def test_dockerfiles_docker_cannot_read_are_refused_saying_why(tmp_path, data, phrases):
    path = _context(tmp_path, data)
    with pytest.raises(BuildInputError) as caught:
        read_stages(path)
    text = caught.value.text()
    assert text.startswith(f"{path}: ")
    for phrase in phrases:
        assert phrase in text, (phrase, text)


def test_a_context_file_with_a_byte_order_mark_reads_without_it(tmp_path):
    (tmp_path / "package.json").write_bytes(b'\xef\xbb\xbf{"name": "x"}')
    assert ContextFiles(tmp_path).read_text("package.json") == '{"name": "x"}'
