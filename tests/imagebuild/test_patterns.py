"""Docker's path patterns matched in linear time, with the same answers as the regular expression Docker builds."""

from __future__ import annotations

import random
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from vmsim.cli.main import main
from vmsim.imagebuild.glob import compile_glob

_ESCAPE = set(".+()|{}$^")


def docker_regex(text: str) -> re.Pattern[str]:
    """The regular expression moby/patternmatcher builds (as vmsim once used it directly): the reference."""
    out = ["^"]
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "*":
            if i + 1 < n and text[i + 1] == "*":
                i += 1
                if i + 1 < n and text[i + 1] == "/":
                    i += 1
                out.append(".*" if i + 1 >= n else "(.*/)?")
            else:
                out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "\\":
            if i + 1 < n:
                i += 1
                out.append(re.escape(text[i]))
            else:
                out.append(re.escape("\\"))
        elif ch == "[":
            end = text.find("]", i + 1)
            body = text[i + 1 : end]
            body = "^" + body[1:].replace("\\", "\\\\") if body.startswith("^") else body.replace("\\", "\\\\")
            out.append(f"[{body}]")
            i = end
        elif ch in _ESCAPE:
            out.append("\\" + ch)
        else:
            out.append(ch)
        i += 1
    return re.compile("".join(out) + r"\Z")  # Go's '$': the end of the text, not before a final newline


PIECES = ["a", "b", "/", "*", "**", "**/", "?", ".", "[ab]", "[^a]", "\\*", "x.y", "-"]
PATH_PIECES = ["a", "b", "/", ".", "x.y", "ab", "*", "-", "aa/", "b/a"]


def test_the_same_answers_as_dockers_regular_expression_on_random_patterns():
    rng = random.Random(20261205)
    checked = 0
    for _ in range(3000):
        pattern = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 6)))
        if pattern.count("**") > 3:  # the reference backtracks; keep it quick
            continue
        glob, reference = compile_glob(pattern), docker_regex(pattern)
        for _ in range(12):
            path = "".join(rng.choice(PATH_PIECES) for _ in range(rng.randint(0, 6)))
            assert glob.match(path) == bool(reference.match(path)), (pattern, path)
            checked += 1
    assert checked > 20_000


@pytest.mark.parametrize(
    ("pattern", "yes", "no"),
    [
        ("**/zz", ["zz", "a/zz", "a/b/c/zz"], ["zzz", "a/zz/b"]),
        ("src/**", ["src/a", "src/a/b"], ["src", "lib/a"]),
        ("*.py", ["a.py"], ["a/b.py", "apy"]),
        ("a/**/b", ["a/b", "a/x/b", "a/x/y/b"], ["a/xb", "b"]),
        ("[^a]?", ["bc", "bb"], ["ab", "b"]),
        ("\\*", ["*"], ["a"]),
    ],
)
def test_what_docker_matches(pattern, yes, no):
    glob = compile_glob(pattern)
    assert [p for p in yes if not glob.match(p)] == []
    assert [p for p in no if glob.match(p)] == []


def test_many_double_stars_against_a_deep_path_take_linear_time(tmp_path: Path):
    # Python's re took a minute for ten '**' here (exponential backtracking). Run in a child with a timeout, so a
    # regression fails instead of hanging the suite.
    script = textwrap.dedent(
        """
        from vmsim.imagebuild.glob import compile_glob
        deep = "/".join(["a"] * 60) + "/f"
        for n in (12, 40):
            assert not compile_glob("/".join(["**"] * n) + "/zz").match(deep)
            assert compile_glob("/".join(["**"] * n) + "/f").match(deep)
        assert not compile_glob("**/a/" * 20 + "zz").match(deep)
        print("ok")
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


def test_a_dockerignore_of_double_stars_builds_at_once(tmp_path: Path):
    ctx = tmp_path / "ctx"
    deep = ctx.joinpath(*["a"] * 25)
    deep.mkdir(parents=True)
    (deep / "f").write_text("x", encoding="utf-8")
    (ctx / ".dockerignore").write_text("/".join(["**"] * 12) + "/zz\n", encoding="utf-8")
    (ctx / "Dockerfile").write_text("FROM alpine:3.22\nCOPY . /app\n", encoding="utf-8")
    script = f"from vmsim.cli.main import main; raise SystemExit(main(['build', {str(ctx / 'Dockerfile')!r}]))"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "COPY . /app" in done.stdout


def fails(capsys, *argv: str) -> str:
    assert main(["build", *argv]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "Traceback" not in err and err.count("\n") == 1
    return err


def test_a_copy_source_with_an_unclosed_bracket_is_a_message_not_a_crash(capsys, tmp_path: Path):
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.22\nCOPY a[b /x\n", encoding="utf-8")
    err = fails(capsys, str(tmp_path / "Dockerfile"))
    assert "Dockerfile:2: COPY source 'a[b' is not a pattern Docker reads: unclosed '['" in err


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("FROM alpine:3.22 AS a\nFROM b AS b\n", "Dockerfile:2: FROM b names this very stage"),
        ("FROM a AS a\n", "Dockerfile:1: FROM a names this very stage"),
        ("FROM alpine:3.22 AS a\nFROM a AS b\nFROM b AS a\n", "Dockerfile:3: a stage named a is already defined"),
        ("FROM c AS a\nFROM alpine:3.22 AS c\nFROM a\n", "Dockerfile:1: FROM c names a stage defined below this one"),
    ],
)
def test_a_stage_from_itself_or_named_twice_is_a_message_not_a_crash(capsys, tmp_path: Path, text: str, words: str):
    (tmp_path / "Dockerfile").write_text(text, encoding="utf-8")
    assert words in fails(capsys, str(tmp_path / "Dockerfile"))


def test_a_posix_class_in_dockerignore_prints_no_python_warning(capsys, tmp_path: Path):
    (tmp_path / ".dockerignore").write_text("[[:alpha:]]\n", encoding="utf-8")
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.22\nCOPY . /app\n", encoding="utf-8")
    script = f"from vmsim.cli.main import main; raise SystemExit(main(['build', {str(tmp_path / 'Dockerfile')!r}]))"
    done = subprocess.run([sys.executable, "-W", "default", "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "Warning" not in done.stderr, done.stderr


def test_a_heredoc_is_named_when_its_lines_read_as_instructions(capsys, tmp_path: Path):
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.22\nRUN <<EOF\napk add curl\nEOF\n", encoding="utf-8")
    err = fails(capsys, str(tmp_path / "Dockerfile"))
    assert "Dockerfile:3: unknown instruction 'APK' (an earlier line opens a heredoc, <<" in err
