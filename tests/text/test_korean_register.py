"""Korean reads in one register: 해요체 sentences (narration, questions, messages), noun phrases for labels, and
the terms of the glossary (no 세계 for "world", no 합쇼체 '…니다' beside 해요체)."""

from __future__ import annotations

import re

import pytest

from vmsim.scenarios import load_scenario, shipped_names
from vmsim.text import table

HANGUL = re.compile(r"[\uac00-\ud7a3]")


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` that end in '.', '?' or '!' before a space or the end ('0.35', 'Node.js' and
    'text.en' do not end one), without the parenthesised asides that may close them."""
    text = re.sub(r"`[^`]*`", "code", text)  # `COPY . .` ends no sentence
    text = re.sub(r"\([^()]*\)", "", text)
    return [s for s in re.split(r"(?<=[.?!])(?=\s|$)", text) if s.strip() and s.strip()[-1] in ".?!"]


def not_polite(text: str) -> list[str]:
    """Sentences whose last Hangul syllable is not 요 (a list after '…요:' counts as the 요): 반말 ('…야.',
    '…해.', '…까?') or a bare noun phrase."""
    return [s.strip() for s in sentences(text) if (h := HANGUL.findall(s)) and h[-1] != "요" and "요:" not in s]


def test_the_check_tells_the_registers_apart():
    assert not_polite("컨테이너는 약 0.35초 만에 준비됐어. VM은 느려요.") == ["컨테이너는 약 0.35초 만에 준비됐어."]
    assert not_polite("어느 쪽이 먼저 준비될까?") == ["어느 쪽이 먼저 준비될까?"]
    assert not_polite("약 0.35초 만에 준비됐어요(런타임 shim 4 MiB). 어느 쪽일까요?") == []
    assert not_polite("레이어가 쌓여 있어요: OS 베이스, 런타임, 앱. Node.js 앱이에요.") == []
    assert not_polite("마지막 레이어 `COPY . .`만 다시 빌드해요. 그래.") == ["그래."]


def korean_lesson_texts() -> list[tuple[str, str]]:
    out = []
    for name in shipped_names():
        spec = load_scenario(name)
        out += [(f"{name}.description", spec.say("description", "ko"))]
        for i, step in enumerate(spec.lesson):
            for field in ("text", "ask"):
                if step.say(field, "ko") != step.say(field, "en"):
                    out.append((f"{name}.lesson[{i}].{field}", step.say(field, "ko")))
    return out


@pytest.mark.parametrize(("where", "text"), korean_lesson_texts())
def test_lesson_sentences_are_haeyo(where, text):
    assert not_polite(text) == [], where
    assert "세계" not in text, where


def test_messages_are_haeyo_and_use_the_glossarys_terms():
    ko = table("ko")
    assert {k: v for k, v in ko.items() if "니다" in v} == {}
    assert {k: v for k, v in ko.items() if "세계" in v} == {}
    assert {k: not_polite(v) for k, v in ko.items() if not_polite(v)} == {}


def test_every_shipped_lesson_has_korean_for_every_text():
    for name in shipped_names():
        for i, step in enumerate(load_scenario(name).lesson):
            for field in ("text", "ask", "title"):
                english = step.say(field, "en")
                assert not english or step.say(field, "ko") != english, f"{name}.lesson[{i}].{field}"
