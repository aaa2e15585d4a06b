"""Event lines and reasons are made from templates looked up once and remembered texts (a large run's JSON has
hundreds of thousands): the same words as formatting each through the catalogue, in every language."""

from __future__ import annotations

import pytest

from vmsim.engine.codes import Coded, coded
from vmsim.engine.deploy import HostDeployed
from vmsim.engine.events import ArtifactFetched, FaultHappened
from vmsim.output import words
from vmsim.output.words import as_msg, coded_text, event_text
from vmsim.scenarios.loader import shipped_names
from vmsim.session import load_scenario, run_headless
from vmsim.text import LANGS, render, tr


def through_the_catalogue(event, lang: str) -> str:
    """An event's line as tr makes it, every time: what the cached templates must equal."""
    if isinstance(event, ArtifactFetched | HostDeployed | FaultHappened):
        return event_text(event, lang)  # these three go through tr as before
    extra = {}
    if event.kind == "added":
        extra = {"app": event.app}
    elif event.kind == "ready":
        extra = {"s": f"{event.boot_s:.2f}"}
    elif event.kind == "grew":
        plural = "noun." if event.count == 1 else "nouns."
        what = tr(plural + event.world, lang)
        extra = {"app": event.app, "mib": words.fmt_mib(event.memory_mib), "n": event.count, "what": what}
    elif hasattr(event, "reason"):
        extra = {"reason": render(as_msg(event.reason), lang)}
    return tr("event." + event.kind, lang, noun=tr("noun." + event.world, lang), id=event.instance, **extra)


@pytest.mark.parametrize("name", shipped_names())
def test_every_event_line_and_reason_is_the_catalogues_text(name):
    snap = run_headless(load_scenario(name)).state()
    kinds = set()
    for w in snap.worlds:
        for e in w.events:
            kinds.add(e.kind)
            for lang in LANGS:
                assert event_text(e, lang) == through_the_catalogue(e, lang)
        for i in w.instances:
            if i.reason is not None:
                for lang in LANGS:
                    assert coded_text(i.reason, lang) == render(as_msg(i.reason), lang)
    assert {"added", "ready"} <= kinds


def test_a_remembered_reason_is_not_given_for_one_that_only_compares_equal():
    # 1, 1.0 and True are equal (and hash alike), as are 0.0 and -0.0, but each is formatted its own way.
    texts = {}
    for value in (1, 1.0, True, 10_000_000, 1e7, 0.0, -0.0):
        reason = coded("reason.refused_prefix", reason=coded("reason.bridge_full", per=value, networks=2))
        texts[repr(value)] = coded_text(reason)
        assert texts[repr(value)] == render(as_msg(reason), "en")
    assert texts["10000000.0"] != texts["10000000"] and texts["True"] != texts["1"]
    assert texts["-0.0"] != texts["0.0"]
    inside = [Coded("reason.refused_prefix", (("reason", (v, "x")),)) for v in (1, 1.0)]  # in a tuple parameter
    assert inside[0] == inside[1] and coded_text(inside[0]) != coded_text(inside[1])
    assert [coded_text(c) for c in inside] == [render(as_msg(c), "en") for c in inside]


def test_a_reason_with_a_parameter_that_cannot_be_a_key_is_still_worded():
    reason = Coded("reason.refused_prefix", (("reason", "the host is full"),))
    unhashable = Coded("reason.refused_prefix", (("reason", ["not", "hashable"]),))
    assert coded_text(reason) == "refused: the host is full"
    assert coded_text(unhashable) == render(as_msg(unhashable), "en")


def test_the_remembered_texts_stay_bounded(monkeypatch):
    monkeypatch.setattr(words, "_CODED_TEXTS", {})
    monkeypatch.setattr(words, "_CODED_TEXTS_MAX", 5)
    for n in range(12):
        assert coded_text(coded("reason.bridge_full", per=n, networks=1)).startswith(f"bridge network full: {n} ")
        assert len(words._CODED_TEXTS) <= 5


def test_memory_an_app_takes_at_once_is_in_the_log_before_the_kills_it_causes():
    # oom's memory jumped at 35, 50 and 65 s with nothing in the log until the kills.
    snap = run_headless(load_scenario("oom")).state()
    for world in snap.worlds:
        kinds = [(e.t_s, e.kind) for e in world.events if e.kind in ("grew", "killed")]
        grew = [t for t, kind in kinds if kind == "grew"]
        assert grew == [35.0, 50.0, 65.0][: len(grew)] and len(grew) >= 2, (world.name, kinds)
        first_kill = next(i for i, (_, kind) in enumerate(kinds) if kind == "killed")
        assert kinds[first_kill - 1][1] == "grew", (world.name, kinds)  # the grow that caused it, just before
        line = event_text(next(e for e in world.events if e.kind == "grew"), "en")
        noun = "VMs" if world.name == "vm" else "containers"
        assert line == f"redis fills its cache: 3 {noun} take 1,000 MiB more memory each", line
