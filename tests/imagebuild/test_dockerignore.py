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
