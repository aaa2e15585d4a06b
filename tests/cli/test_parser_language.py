"""The command line's own mistakes (argparse's messages and every option's check) are said in the language the
command asks for (--lang, else the locale), while --help stays in English; argparse is left as it was found."""

from __future__ import annotations

import argparse
import gettext
import inspect

import pytest
from cli_support import run_cli

from vmsim.text import table
from vmsim.text.parsing import ARGPARSE_KEYS, prescan


@pytest.mark.parametrize(
    ("argv", "korean", "english"),
    [
        (["run", "hello", "--format", "yaml"], "'yaml'은(는) 쓸 수 없는 값이에요", "invalid choice"),
        (["run"], "필수 인수가 빠졌어요: scenario", "the following arguments"),
        (["run", "hello", "--until"], "--until: 값을 하나 줘야 해요", "expected one argument"),
        (["run", "hello", "--until", "abc"], "'abc'은(는) 초 단위 숫자가 아니에요", "is not a number of seconds"),
        (["run", "hello", "--seed", "-1"], "시드는 0 이상이어야 해요", "the seed must be"),
        (["tui", "--speed", "1000"], "'1000'은 범위를 벗어나요", "simulated seconds per real second"),
        (["tui", "--step", "x"], "'x'은(는) 단계 번호가 아니에요", "is not a step number"),
        (["fit", "nginx", "--hosts", "0"], "호스트 수는 1부터 1,000까지의 정수로 주세요", "expected a whole number"),
        (["fit", "nginx", "--vm-memory", "8"], "VM에는 적어도 16 MiB가 필요해요", "a VM needs"),
        (["probe", "--runs", "9" * 30], "30자짜리 값 '99999999999999999'…은(는) 범위를 벗어나요", "characters"),
        (["run", "hello", "--untill", "3"], "알 수 없는 인수: --untill 3 (혹시 --until인가요?)", "unrecognized"),
    ],
)
def test_a_mistake_on_the_command_line_is_said_in_korean(capsys, argv, korean, english):
    code, out, err = run_cli(capsys, *argv, "--lang", "ko")
    assert code == 2 and out == "" and "Traceback" not in err
    assert korean in err and english not in err, err
    assert err.startswith("사용법: vmsim ") and ": 오류: " in err and "error:" not in err


def test_the_same_mistakes_stay_in_english_without_korean(capsys, monkeypatch):
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    code, _, err = run_cli(capsys, "run", "hello", "--format", "yaml")
    assert code == 2 and "usage: vmsim run" in err
    assert "vmsim run: error: argument --format: invalid choice: 'yaml' (choose from 'table', 'json', 'csv')" in err


def test_a_korean_locale_without_lang_gives_korean_and_lang_en_overrides_it(capsys, monkeypatch):
    monkeypatch.setenv("LC_ALL", "ko_KR.UTF-8")
    code, _, err = run_cli(capsys, "run", "hello", "--until", "abc")
    assert code == 2 and "초 단위 숫자가 아니에요" in err
    code, _, err = run_cli(capsys, "run", "hello", "--until", "abc", "--lang=en")
    assert code == 2 and "'abc' is not a number of seconds" in err and "오류" not in err


def test_a_misspelt_command_is_refused_in_korean(capsys):
    code, out, err = run_cli(capsys, "rn", "hello", "--lang", "ko")
    assert code == 2 and out == ""
    assert err == "vmsim: 'rn': 알 수 없는 명령이에요 (혹시 run인가요?). 명령 목록은 'vmsim --help'로 볼 수 있어요\n"


def test_help_stays_english_in_korean(capsys):
    code, out, _ = run_cli(capsys, "run", "-h", "--lang", "ko")
    assert code == 0
    assert out.startswith("usage: vmsim run") and "options:" in out and "사용법" not in out


def test_argparse_is_left_as_it_was_found(capsys):
    before = (argparse._, argparse.ngettext)  # type: ignore[attr-defined]
    run_cli(capsys, "run", "hello", "--format", "yaml", "--lang", "ko")
    assert (argparse._, argparse.ngettext) == before  # type: ignore[attr-defined]
    assert argparse._ is gettext.gettext  # type: ignore[attr-defined]


def test_the_english_of_the_common_messages_is_argparses_own_text():
    # The lookup is by argparse's text: a key whose English argparse never says would never be used.
    source = inspect.getsource(argparse)
    english = table("en")
    for key in ("argparse.usage", "argparse.argument", "argparse.error", "argparse.required"):
        assert repr(english[key]) in source, key
    assert "_('invalid choice: %(value)r (choose from %(choices)s)')" in source
    assert set(ARGPARSE_KEYS) == {k for k in english if k.startswith("argparse.")}


@pytest.mark.parametrize(
    ("raw", "lang"),
    [
        (["run", "hello", "--lang", "ko"], "ko"),
        (["run", "--lang=ko", "hello", "--lang", "en"], "en"),
        (["run", "hello", "--lang", "fr"], "en"),
        (["run", "--", "--lang", "ko"], "en"),
        (["run", "hello", "--lang"], "en"),
    ],
)
def test_the_language_is_read_from_the_arguments_before_they_are_parsed(monkeypatch, raw, lang):
    monkeypatch.setenv("LC_ALL", "C")
    assert prescan(raw) == lang
