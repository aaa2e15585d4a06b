"""ARG/ENV substitution as Docker does it."""

import pytest

from vmsim.imagebuild.substitution import substitute

VALUES = {"V": "18", "APP": "/app", "EMPTY": ""}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("node:${V}-slim", "node:18-slim"),
        ("$APP/src", "/app/src"),
        ("${MISSING}x", "x"),
        ("${MISSING:-20}", "20"),
        ("${EMPTY:-d}", "d"),
        ("${V:+set}", "set"),
        ("${MISSING:+set}", ""),
        ("'$APP'", "'$APP'"),  # single quotes keep the text
        ('"$APP"', '"/app"'),
        (r"\$APP", r"\$APP"),  # an escaped dollar is left for the shell
        ("cost: $5", "cost: $5"),
        ("no variables", "no variables"),
    ],
)
def test_substitute(text: str, expected: str) -> None:
    assert substitute(text, VALUES) == expected
