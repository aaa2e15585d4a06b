"""The headless commands speak the reader's language: --lang ko, or a Korean locale, gives Korean tables."""

from __future__ import annotations

import json
import re
import unicodedata

import pytest
from cli_support import run_cli

from vmsim.scenarios import load_scenario, shipped_names


def columns(text: str) -> int:
    """Terminal columns: Hangul takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def test_run_table_in_korean_names_rows_worlds_host_and_what_happened(capsys):
    code, out, err = run_cli(capsys, "run", "hosts", "--lang", "ko")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].startswith("호스트 열두 대 — 시드 7, t = 120.00초")
    assert lines[1] == "호스트 12대: 각각 코어 4개, 메모리 16.0 GiB, 디스크 30.0 GiB (cloud-nested), 배치 방식 spread"
    rows = ("준비된 인스턴스", "확보된 메모리", "사용 중인 메모리", "디스크 사용량")
    for row in (*rows, "가상 머신(VM): 인스턴스마다", "컨테이너: 인스턴스마다"):
        assert any(line.startswith(row) for line in lines), row
    for english in ("instances ready", "memory committed", "disk used", "Virtual machines", "running", "What happened"):
        assert english not in out, english
    # Each world's faults, in its own words: the VM keeps the break-out inside its guest, the container does not.
    assert out.count("일어난 일:") == 2
    vm, container = out.split("\n컨테이너: 인스턴스마다 부팅 단계별 시간(초)\n")
    assert "게스트" in vm.split("일어난 일:")[1] and "host-5" in container.split("일어난 일:")[1]


def test_run_table_in_english_says_how_many_hosts_once_and_lists_the_faults(capsys):
    code, out, _ = run_cli(capsys, "run", "hosts")
    assert code == 0
    host_line = out.splitlines()[1]
    assert host_line.startswith("hosts: 12 × Custom host (cloud-nested)") and host_line.endswith("placed by spread")
    assert host_line.count("cores") == 1  # the label's figures, not the label and the figures again
    events = out.split("What happened:\n")
    assert len(events) == 3
    assert "t = 45.00  host-4 went down: 3 VMs on it stopped" in events[1]
    assert "t = 60.00  nginx-5 broke out of its container onto host-5" in events[2]


def test_a_korean_locale_gives_korean_without_a_flag(capsys, monkeypatch):
    monkeypatch.setenv("LC_ALL", "ko_KR.UTF-8")
    code, out, _ = run_cli(capsys, "scenarios")
    assert code == 0
    assert out.splitlines()[0].split() == ["이름", "칸", "설명"]
    for name in shipped_names():
        line = next(line for line in out.splitlines() if line.startswith(name + " "))
        assert load_scenario(name).say("description", "ko") in line
    code, out, _ = run_cli(capsys, "validate", "density")
    assert code == 0 and out.rstrip().endswith(
        "문제없어요 — '집적도', 이벤트 0개, 칸: 가상 머신(VM), 컨테이너 · 수업 5단계"
    )


@pytest.mark.parametrize("argv", [("fit", "nginx"), ("fit", "nginx", "--hosts", "3")])
def test_fit_in_korean_lines_up_its_columns_under_wide_characters(capsys, argv):
    code, out, _ = run_cli(capsys, *argv, "--lang", "ko")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].endswith("에 들어가는 nginx 수:") and "코어 8개, 메모리 16.0 GiB" in lines[0]
    table = lines[1:6]
    assert [line.split()[0] for line in table[2:]] == ["가상", "컨테이너", "마이크로VM"]
    # The count column is right-aligned: it ends at the same terminal column on every row, as its dashes do.
    dashes = table[1].split("  ")
    end = columns(dashes[0]) + 2 + columns(dashes[1])
    for line in [table[0], *table[2:]]:
        count = re.split(r"\s{2,}", line)[1]
        assert columns(line[: line.index(count) + len(count)]) == end, line
    assert "world" not in out and "runs out first" not in out


@pytest.mark.parametrize(
    ("argv", "korean", "english"),
    [
        (("run", "hello", "--host", "mars"), "알 수 없는 호스트예요: 'mars'", "unknown host 'mars'"),
        (("run", "hello", "--seek-to", "99"), "--seek-to 99: 실행은 40초에 끝나요", "is after the end"),
        (("lesson", "nosuch"), "그런 수업은 없어요", "no such lesson"),
        (("fit", "nginx", "--guest-os", "win"), "알 수 없는 게스트 OS예요: 'win'", "unknown guest OS 'win'"),
    ],
)
def test_a_mistake_is_said_in_the_command_s_language(capsys, argv, korean, english):
    code, out, err = run_cli(capsys, *argv, "--lang", "ko")
    assert code == 2 and out == "" and korean in err and english not in err, err
    code, _, err = run_cli(capsys, *argv, "--lang", "en")
    assert code == 2 and english in err and korean not in err, err


def test_figures_side_by_side_share_a_unit():
    from vmsim.output.result_tables import same_unit

    assert same_unit([8668.0, 81920.0]) == ["8.5 GiB", "80.0 GiB"]  # not '8,668 MiB' beside '80.0 GiB'
    assert same_unit([0.0, 59187.2]) == ["0 GiB", "57.8 GiB"]
    assert same_unit([110.0, 61.2]) == ["110 MiB", "61.2 MiB"]  # below 10 GiB each keeps its own


def test_the_scenarios_json_stays_english_under_a_korean_locale(capsys, monkeypatch):
    monkeypatch.setenv("LC_ALL", "ko_KR.UTF-8")
    code, out, _ = run_cli(capsys, "scenarios", "--format", "json")
    rows = {r["name"]: r for r in json.loads(out)}
    assert code == 0 and rows["hello"]["title"] == "Hello" and rows["hello"]["description"].startswith("One nginx")


def test_an_unknown_app_is_said_in_one_language(capsys):
    code, _, err = run_cli(capsys, "fit", "ngnix", "--lang", "ko")
    assert code == 2 and "알 수 없는 앱이에요: 'ngnix' (혹시 'nginx'인가요?)" in err and "unknown app" not in err, err
    code, _, err = run_cli(capsys, "fit", "ngnix", "--scenario", "hosts", "--lang", "ko")
    assert code == 2 and "알 수 없는 앱이에요" in err and "unknown" not in err, err
    code, _, err = run_cli(capsys, "fit", "ngnix")
    assert "unknown app 'ngnix' (did you mean 'nginx'?); apps: hello, nginx" in err, err
