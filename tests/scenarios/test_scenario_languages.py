"""A scenario's name and description by language: a plain string is English; name.ko / description.ko add Korean."""

from __future__ import annotations

import pytest

from vmsim.scenarios import ScenarioError, load_scenario, parse_scenario, shipped_names


def problems(data: dict) -> str:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data, "t.toml")
    return str(info.value)


def test_a_plain_name_is_english_and_every_language_falls_back_to_it():
    spec = parse_scenario({"name": "Plain", "description": "About"})
    assert (spec.name, spec.description) == ("Plain", "About")
    assert (spec.say("name", "ko"), spec.say("description", "ko")) == ("Plain", "About")


def test_names_by_language_are_read_in_each_language():
    spec = parse_scenario(
        {"name": {"en": "Hello", "ko": "첫 데모"}, "description": {"en": "One nginx", "ko": "nginx 하나"}}
    )
    assert (spec.name, spec.description) == ("Hello", "One nginx")  # the English texts, as before
    assert (spec.say("name", "en"), spec.say("name", "ko")) == ("Hello", "첫 데모")
    assert (spec.say("description", "en"), spec.say("description", "ko")) == ("One nginx", "nginx 하나")


def test_a_description_only_in_english_falls_back_while_the_name_is_translated():
    spec = parse_scenario({"name": {"en": "Hello", "ko": "첫 데모"}, "description": "One nginx"})
    assert (spec.say("name", "ko"), spec.say("description", "ko")) == ("첫 데모", "One nginx")


@pytest.mark.parametrize(
    ("data", "part"),
    [
        ({"name": {"ko": "이름"}}, "name.en"),  # English is required
        ({"name": {"en": "A", "fr": "B"}}, "name.fr"),  # an unknown language, named
        ({"name": {"en": "A", "ko": "둘째\n줄"}}, "name.ko"),  # a name is one line
        ({"name": {"en": "A", "ko": "가" * 201}}, "name.ko"),  # at most 200 characters
        ({"name": "A", "description": {"en": "d", "ko": "나" * 2001}}, "description.ko"),
        ({"name": 5}, "name"),
        ({"description": "no name"}, "name"),
    ],
)
def test_bad_names_by_language_say_which_key(data, part):
    text = problems(data)
    assert f"t.toml: {part}:" in text, text


@pytest.mark.parametrize("name", shipped_names())
def test_every_shipped_scenario_has_a_korean_name_and_description(name):
    spec = load_scenario(name)
    for field in ("name", "description"):
        korean = spec.say(field, "ko")
        assert korean != spec.say(field, "en")
        assert any("\uac00" <= ch <= "\ud7a3" for ch in korean), (name, field, korean)
