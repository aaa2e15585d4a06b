"""`.dockerignore` patterns behave as Docker's patternmatcher does."""

import pytest

from vmsim.imagebuild.dockerignore import IgnoreRules
from vmsim.imagebuild.problems import BuildInputError


def rules(text: str) -> IgnoreRules:
    return IgnoreRules.parse(text)


@pytest.mark.parametrize(
    ("patterns", "path", "ignored"),
    [
        ("node_modules", "node_modules/express/index.js", True),  # a directory excludes what is under it
        ("node_modules", "src/node_modules/x.js", False),  # a plain pattern is anchored at the context root
        ("**/node_modules", "src/node_modules/x.js", True),
        ("**/*.pyc", "a/b/c.pyc", True),
        ("**/*.pyc", "c.pyc", True),  # ** matches no directory too
        ("*.md", "README.md", True),
        ("*.md", "docs/guide.md", False),  # * does not cross a slash
        ("/build", "build/out.o", True),  # a leading slash is dropped
        ("./tmp/../cache", "cache/x", True),  # cleaned like filepath.Clean
        ("file?.txt", "file1.txt", True),
        ("file?.txt", "file10.txt", False),
        ("log[0-9]", "log7", True),
        ("log[^0-9]", "log7", False),
        ("*.md\n!README.md", "README.md", False),  # an exception brings a file back
        ("*.md\n!README.md\nREADME*", "README.md", True),  # the last match wins
        ("docs\n!docs/keep.txt", "docs/keep.txt", False),
        ("# a comment\n\n  *.log  ", "debug.log", True),
        ("a.b", "aXb", False),  # a dot is a dot
        ("data/**", "data/x/y.csv", True),
    ],
)
def test_pattern(patterns: str, path: str, ignored: bool) -> None:
    assert rules(patterns).ignored(path) is ignored


def test_a_directory_is_pruned_only_when_no_exception_could_reach_inside() -> None:
    assert rules("node_modules").prune("node_modules")
    assert not rules("docs\n!docs/keep.txt").prune("docs")


def test_a_bad_pattern_names_its_line() -> None:
    with pytest.raises(BuildInputError) as err:
        IgnoreRules.parse("ok\n[unclosed", "ctx/.dockerignore")
    assert err.value.line == 2
    assert "ctx/.dockerignore:2:" in err.value.text()


@pytest.mark.parametrize(
    "data",
    [
        b"\xef\xbb\xbfnode_modules\n*.log\n!keep.log\n",  # a byte-order mark (Windows Notepad writes one)
        b"node_modules\r\n*.log\r\n!keep.log\r\n",  # CRLF line endings
        b"\xef\xbb\xbfnode_modules\r\n*.log\r\n!keep.log",  # both, and no newline at the end
    ],
    ids=["bom", "crlf", "bom+crlf"],
)
def test_a_dockerignore_with_a_byte_order_mark_or_crlf_reads_as_plain(tmp_path, data: bytes) -> None:
    (tmp_path / ".dockerignore").write_bytes(data)
    read = IgnoreRules.for_context(tmp_path)
    assert [p.text for p in read.patterns] == ["node_modules", "*.log", "keep.log"]
    assert read.ignored("node_modules/x.js")  # the first pattern, right after the mark
    assert read.ignored("debug.log")
    assert not read.ignored("keep.log")  # the exception, not 'keep.log\r'


def test_a_bad_pattern_names_its_line_in_both_languages() -> None:
    with pytest.raises(BuildInputError) as caught:
        IgnoreRules.parse("ok\n!\n", "ctx/.dockerignore")
    assert caught.value.text("en") == "ctx/.dockerignore:2: bad pattern '!': '!' needs a pattern"
    assert caught.value.text("ko") == "ctx/.dockerignore:2: 잘못된 패턴 '!': '!' 뒤에 패턴이 필요해요"
