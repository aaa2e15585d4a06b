"""The drift model: hand-made deployments differ where the model says they do; image deployments never do."""

from __future__ import annotations

import pytest

from vmsim.engine.drift import default_drift_model, image_deployments, manual_deployments
from vmsim.output.words import coded_text

MODEL = default_drift_model()


def problem_texts(deployment, lang="en"):
    return [coded_text(p, lang) for p in deployment.problems]


@pytest.mark.parametrize("seed", range(40))
def test_image_deployments_are_identical_on_every_server_and_day(seed):
    deployments = image_deployments(seed)
    assert [d.server for d in deployments] == [s["name"] for s in MODEL.servers]
    assert len({d.fingerprint() for d in deployments}) == 1
    assert all(d.works for d in deployments)
    # The lockfile pins what was newest on the build day, whatever day each server runs it.
    assert dict(deployments[0].packages)["fmt-date"] == "2.3.1"
    assert deployments[0].node_version == MODEL.data["image"]["base_node"]


@pytest.mark.parametrize("seed", range(40))
def test_manual_deployments_differ_where_the_model_says(seed):
    by_name = {d.server: d for d in manual_deployments(seed)}
    a, b, c = by_name["ec2-a"], by_name["ec2-b"], by_name["ec2-c"]
    # Node comes from each server's OS image: Ubuntu 22.04 carries 12.22.9, 24.04 carries 18.19.1.
    assert b.node_version == MODEL.data["os"]["ubuntu-22.04"]["apt_node"]["v"] == "12.22.9"
    assert a.node_version == c.node_version == "18.19.1"
    assert any("older than the 18.x" in p for p in problem_texts(b))
    # An unpinned range resolves to what is newest on the day: the broken 2.4.0 arrived on day 20.
    assert dict(a.packages)["fmt-date"] == "2.3.1" and dict(c.packages)["fmt-date"] == "2.4.0"
    assert any("fmt-date 2.4.0" in p for p in problem_texts(c))
    assert not c.works and not b.works
    # Forgotten steps are the only other source of failure, and each says which.
    for d in (a, b, c):
        forgotten = [var for var in MODEL.data["app"]["env"] if var not in d.env_set]
        unset = [p for p in problem_texts(d) if p.startswith("not set: ")]
        # The variables left unset are one problem that names each of them.
        assert len(unset) == (1 if forgotten else 0)
        for var in forgotten:
            assert var in unset[0]
        assert d.port_open or any("port 3000 is closed" in p for p in problem_texts(d))
        assert d.works == (
            not forgotten and d.port_open and d.node_version != "12.22.9" and dict(d.packages)["fmt-date"] != "2.4.0"
        )


def test_same_seed_same_story_and_seeds_vary_only_the_people():
    assert manual_deployments(7) == manual_deployments(7)
    stories = {tuple((d.env_set, d.port_open) for d in manual_deployments(seed)) for seed in range(40)}
    assert len(stories) > 5, "which steps a person forgets varies with the seed"
    structural = {tuple((d.node_version, d.packages) for d in manual_deployments(seed)) for seed in range(40)}
    assert len(structural) == 1, "versions depend on the servers and days, never on the seed"


def test_the_lesson_seed_tells_the_classic_story():
    # ec2-drift uses seed 2: the first server works ("works on my server"), the other two do not.
    assert [d.works for d in manual_deployments(2)] == [True, False, False]


def test_problems_read_in_korean_too():
    (b,) = [d for d in manual_deployments(2) if d.server == "ec2-b"]
    korean = " ".join(problem_texts(b, "ko"))
    assert "12.22.9" in korean and "오래된 버전" in korean
    (c,) = [d for d in manual_deployments(2) if d.server == "ec2-c"]
    assert "9시간" in " ".join(problem_texts(c, "ko"))
