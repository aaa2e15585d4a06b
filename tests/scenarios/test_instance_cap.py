"""A scenario may ask for 100 instances per host of its cluster: 100,000 on 1,000 hosts (10,000 on one host)."""

from __future__ import annotations

import pytest

from vmsim.scenarios import ScenarioError, load_scenario


def load(tmp_path, text: str):
    path = tmp_path / "c.toml"
    path.write_text('name = "c"\n' + text, encoding="utf-8")
    return load_scenario(str(path))


def add(count: int) -> str:
    return f'[[events]]\nat_s = 0\nadd = "nginx"\ncount = {count}\n'


def test_a_thousand_hosts_may_ask_for_a_hundred_thousand(tmp_path):
    spec = load(tmp_path, "[cluster]\nhosts = 1000\n" + add(100_000))
    assert spec.cluster.hosts == 1000 and spec.events[0].args[1] == 100_000


@pytest.mark.parametrize(("hosts", "most"), [(1, 10_000), (100, 10_000), (101, 10_100), (1000, 100_000)])
def test_one_more_than_the_cap_is_refused_naming_it(tmp_path, hosts, most):
    with pytest.raises(ScenarioError) as info:
        load(tmp_path, f"[cluster]\nhosts = {hosts}\n" + add(most) + add(1))
    assert f"at most {most:,}" in str(info.value)
    assert load(tmp_path, f"[cluster]\nhosts = {hosts}\n" + add(most)).cluster.hosts == hosts
