"""The [cluster] table and host names in events: what lands in the spec, and what is refused with which words."""

from __future__ import annotations

import pytest

from vmsim.engine.machines import Cluster
from vmsim.scenarios import ScenarioError, build_simulation, load_scenario


def load(tmp_path, text: str):
    path = tmp_path / "c.toml"
    path.write_text('name = "c"\n' + text, encoding="utf-8")
    return load_scenario(str(path))


def problems(tmp_path, text: str) -> str:
    with pytest.raises(ScenarioError) as info:
        load(tmp_path, text)
    message = str(info.value)
    assert "Traceback" not in message
    return message


def test_no_cluster_table_is_one_host(tmp_path):
    spec = load(tmp_path, "")
    assert spec.cluster == Cluster() and spec.cluster.host_names() == ("host-1",)


def test_cluster_keys_land_in_the_spec_and_the_simulation(tmp_path):
    spec = load(
        tmp_path,
        '[cluster]\nhosts = 2\nplacement = "pack"\nnames = ["ec2-a", "ec2-b"]\n'
        '[[events]]\nat_s = 0\nadd = "nginx"\nhost = "ec2-b"\n',
    )
    assert spec.cluster == Cluster(2, "pack", ("ec2-a", "ec2-b"))
    assert spec.events[0].args == ("nginx", 1, "ec2-b")
    sim = build_simulation(spec)
    sim.run_until(1)
    assert {h.name: h.instances for h in sim.snapshot().world("container").hosts} == {
        "ec2-a": (),
        "ec2-b": ("nginx-1",),
    }


def test_names_alone_give_the_count(tmp_path):
    assert load(tmp_path, '[cluster]\nnames = ["a", "b", "c"]\n').cluster.hosts == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[cluster]\nhosts = 0\n", "cluster.hosts: got 0, expected a whole number from 1 to 1,000"),
        ("[cluster]\nhosts = 1001\n", "cluster.hosts: got 1001, expected a whole number from 1 to 1,000"),
        (
            '[cluster]\nplacement = "pak"\n',
            "cluster.placement: got 'pak', expected one of spread, pack (did you mean 'pack'?)",
        ),
        ('[cluster]\nhosts = 3\nnames = ["a", "b"]\n', "cluster.names: 2 names for 3 hosts; give one name per host"),
        ('[cluster]\nnames = ["a", "a"]\n', "cluster.names: got 'a', expected each host name once"),
        ('[cluster]\nnames = ["-x"]\n', "cluster.names[0]: got '-x', expected a host name"),
        ("[cluster]\nhostz = 2\n", "cluster.hostz: unknown key (did you mean 'hosts'?)"),
        (
            '[cluster]\nnames = ["ec2-a", "ec2-b"]\n[[events]]\nat_s = 0\nadd = "nginx"\nhost = "ec2-c"\n',
            "events[0].host: got 'ec2-c', expected a host of the cluster (did you mean 'ec2-b'?)",
        ),
        (
            '[[events]]\nat_s = 0\nadd = "nginx"\nhost = "web"\n',
            "events[0].host: got 'web', expected a host of the cluster; known: host-1",
        ),
        ('[[events]]\nat_s = 0\nremove = "nginx"\nhost = "host-1"\n', "events[0].host: only goes with add"),
        ('[[events]]\nat_s = 0\nfault = "host-dwn"\nhost = "host-1"\n', "did you mean 'host-down'?"),
        ('[[events]]\nat_s = 0\nfault = "host-down"\n', 'events[0].host: missing; fault = "host-down" needs'),
        ('[[events]]\nat_s = 0\nfault = "host-down"\nhost = "hots-1"\n', "did you mean 'host-1'?"),
        ('[[events]]\nat_s = 0\nfault = "escape"\n', "events[0].instance: missing"),
        ('[[events]]\nat_s = 0\nfault = "escape"\ninstance = "ngnix-1"\n', "did you mean 'nginx'?"),
        ('[[events]]\nat_s = 0\nfault = "escape"\ninstance = "nginx-1"\nreboot = true\n', "reboot: only goes with"),
        ('[[events]]\nat_s = 0\nadd = "nginx"\ninstance = "nginx-1"\n', "events[0].instance: only goes with fault"),
        (
            '[[events]]\nat_s = 0\nadd = "nginx"\n[[events]]\nat_s = 1\ndeploy = "redis"\nversion = "2"\n',
            "events[1].deploy: no event adds redis before it, nor does a lesson step: a deploy of an app nobody runs "
            "reaches nothing "
            "(apps added by then: nginx)",
        ),
        (
            '[[events]]\nat_s = 0\nadd = "nginx"\n[[events]]\nat_s = 1\nfault = "escape"\ninstance = "redis-1"\n',
            "events[1].instance: no event before it, nor a lesson step, adds an app that redis-1 is an instance of "
            "(instances are named APP-N, "
            "e.g. nginx-1; apps added by then: nginx)",
        ),
        (
            '[[events]]\nat_s = 0\nadd = "nginx"\n[[lesson]]\ntext.en = "x"\nfault = "escape"\ninstance = "redis-1"\n'
            '[[lesson]]\ntext.en = "y"\nadd = "redis"\n',
            "lesson[0].instance: no event and no earlier step adds an app that redis-1 is an instance of",
        ),
        ('[[events]]\nat_s = 0\nadd = "nginx"\ndeploy = "nginx"\n', "needs exactly one of"),
        ('[[events]]\nat_s = 0\ndeploy = "ngnix"\nversion = "2"\n', "did you mean 'nginx'?"),
        ('[[events]]\nat_s = 0\nadd = "nginx"\nversion = "2"\n', "events[0].version: only goes with deploy"),
        ('[[events]]\nat_s = 0\nadd = "nginx"\n[[events]]\nat_s = 1\ndeploy = "nginx"\n', "events[1].version: missing"),
        (
            '[[events]]\nat_s = 0\nadd = "nginx"\n[[events]]\nat_s = 1\ndeploy = "nginx"\nversion = ""\n',
            "events[1].version: missing or empty",
        ),
        (
            '[[events]]\nat_s = 0\nadd = "nginx"\n[[lesson]]\ntext.en = "x"\ndeploy = "redis"\nversion = "2"\n',
            "lesson[0].deploy: no event and no earlier step adds redis: a deploy of an app nobody runs reaches "
            "nothing (apps added by then: nginx)",
        ),
        (
            '[[events]]\nat_s = 0\nadd = "nginx"\n[[events]]\nat_s = 1\ndeploy = "nginx"\nversion = "2"\n'
            'method = "by-han"\n',
            "did you mean 'by-hand'?",
        ),
        (
            '[[events]]\nat_s = 0\nadd = "nginx"\n[[events]]\nat_s = 1\ndeploy = "nginx"\nversion = "2"\n'
            'hosts = ["host-9"]\n',
            "events[1].hosts[0]: got 'host-9', expected a host of the cluster",
        ),
    ],
)
def test_bad_cluster_keys_name_the_key_and_a_close_match(tmp_path, text, expected):
    assert expected in problems(tmp_path, text)


def test_an_event_may_reach_an_app_a_lesson_step_adds(tmp_path):
    """The class reaches the step that adds nginx before the event's time: the fault is not refused (it was
    for a while, when the event check counted only other events' adds)."""
    text = '[[events]]\nat_s = 30\nfault = "kernel-panic"\ninstance = "nginx-1"\n'
    text += '[[lesson]]\ntext.en = "add"\nadd = "nginx"\n[[lesson]]\ntext.en = "watch"\nwatch_s = 60\n'
    assert load(tmp_path, text).events[0].args[2] == "nginx-1"
    assert "nor a lesson step, adds an app" in problems(tmp_path, text.replace('add = "nginx"', 'add = "redis"'))


def test_more_hosts_may_ask_for_more_instances(tmp_path):
    many = '[[events]]\nat_s = 0\nadd = "nginx"\ncount = 15000\n'
    assert "at most 10,000" in problems(tmp_path, many)
    assert load(tmp_path, "[cluster]\nhosts = 1000\n" + many).cluster.hosts == 1000


def test_validate_says_which_key_and_exits_2(tmp_path, capsys):
    from vmsim.cli import main

    path = tmp_path / "v.toml"
    path.write_text('name = "v"\n[cluster]\nhosts = 1001\nplacement = "spred"\n', encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "cluster.hosts: got 1001" in err and "did you mean 'spread'?" in err


def test_fault_events_land_in_the_spec_and_run(tmp_path):
    spec = load(
        tmp_path,
        '[cluster]\nhosts = 2\n[[events]]\nat_s = 0\nadd = "nginx"\ncount = 2\n'
        '[[events]]\nat_s = 5\nfault = "host-down"\nhost = "host-2"\n'
        '[[events]]\nat_s = 6\nfault = "guest-kernel-panic"\ninstance = "nginx-1"\nreboot = true\n'
        '[[events]]\nat_s = 7\nfault = "noisy-neighbour"\ninstance = "nginx-1"\nmemory_mib = 100\n',
    )
    assert [e.args for e in spec.events[1:]] == [
        ("host-down", "host-2", None, False, None),
        ("guest-kernel-panic", None, "nginx-1", True, None),
        ("noisy-neighbour", None, "nginx-1", False, 100),
    ]
    sim = build_simulation(spec)
    sim.run_until(10)
    kinds = [e.kind for e in sim.snapshot().world("container").events]
    assert kinds.count("host-down") == kinds.count("guest-kernel-panic") == kinds.count("noisy-neighbour") == 1


def test_deploy_events_land_in_the_spec_and_run(tmp_path):
    spec = load(
        tmp_path,
        '[cluster]\nhosts = 2\n[[events]]\nat_s = 0\nadd = "nginx"\ncount = 2\n'
        '[[events]]\nat_s = 5\ndeploy = "nginx"\nmethod = "by-hand"\nversion = "2.0"\nhosts = ["host-2"]\n',
    )
    assert spec.events[1].args == ("nginx", "by-hand", "2.0", ("host-2",), 1)
    sim = build_simulation(spec)
    sim.run_until(2000)
    events = [e for e in sim.snapshot().world("vm").events if e.kind == "deployed"]
    assert [(e.host, e.version) for e in events] == [("host-2", "2.0")]
