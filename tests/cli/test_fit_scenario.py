"""``vmsim fit APP --scenario SCENARIO``: how many fit on a scenario's hosts, with its settings and its own apps."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vmsim.cli import main


def fit_json(capsys, *args: str) -> dict:
    code = main(["fit", *args, "--format", "json"])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    return json.loads(out)


def scenario(tmp_path: Path, body: str, name: str = "fit.toml") -> str:
    path = tmp_path / name
    path.write_text('name = "Fit here"\nworlds = ["vm", "container", "microvm"]\n' + body, encoding="utf-8")
    return str(path)


def test_a_scenario_with_no_settings_fits_what_the_bare_command_fits(capsys, tmp_path):
    bare = fit_json(capsys, "nginx")
    here = fit_json(capsys, "nginx", "--scenario", scenario(tmp_path, '[host]\npreset = "laptop"\n'))
    assert here.pop("scenario") == "Fit here"
    assert here == bare


def test_the_scenarios_vm_settings_count_and_an_option_overrides_only_what_it_names(capsys, tmp_path):
    path = scenario(tmp_path, '[host]\npreset = "laptop"\n[vm]\nmemory_mib = 4096\nguest_os = "alpine-3.22"\n')
    here = fit_json(capsys, "nginx", "--scenario", path)
    assert here["worlds"] == fit_json(capsys, "nginx", "--vm-memory", "4096", "--guest-os", "alpine-3.22")["worlds"]
    assert here["worlds"] != fit_json(capsys, "nginx")["worlds"]  # the settings made a difference
    # --vm-memory replaces the scenario's VM memory and keeps its guest OS.
    overridden = fit_json(capsys, "nginx", "--scenario", path, "--vm-memory", "1024")
    expected = fit_json(capsys, "nginx", "--vm-memory", "1024", "--guest-os", "alpine-3.22")
    assert overridden["worlds"] == expected["worlds"]


def test_the_scenarios_host_and_host_count_count(capsys):
    data = fit_json(capsys, "nginx", "--scenario", "hosts")  # twelve cloud hosts of 4 cores and 16 GiB
    assert data["scenario"] == "Twelve hosts" and data["hosts"] == 12
    assert "4 cores, 16.0 GiB" in data["host"]
    assert set(data["worlds"]) == {"vm", "container"}  # the scenario's worlds, not all three
    vm = data["worlds"]["vm"]
    assert vm["max_instances"] == 12 * vm["hosts"][0]["max_instances"] > 0
    # --hosts and --host change the count and the hardware; the hosts are named host-1 … host-N.
    other = fit_json(capsys, "nginx", "--scenario", "hosts", "--hosts", "3", "--host", "server")
    assert other["hosts"] == 3 and other["host"].startswith("Server")
    assert [h["name"] for h in other["worlds"]["container"]["hosts"]] == ["host-1", "host-2", "host-3"]


def test_a_scenarios_own_host_names_are_kept(capsys):
    data = fit_json(capsys, "nginx", "--scenario", "isolation")
    names = {h["name"] for w in data["worlds"].values() for h in w["hosts"]}
    assert names == {"host-a", "host-b", "host-c"}
    # Another count cannot keep three names: the hosts are then host-1 … host-N.
    data = fit_json(capsys, "nginx", "--scenario", "isolation", "--hosts", "2")
    assert {h["name"] for w in data["worlds"].values() for h in w["hosts"]} == {"host-1", "host-2"}


def test_an_app_built_from_a_scenarios_dockerfile_fits(capsys):
    shop = fit_json(capsys, "shop", "--scenario", "dockerfile-app")
    like = fit_json(capsys, "node-web", "--scenario", "dockerfile-app")
    assert shop["app"] == "shop" and shop["scenario"] == "An app from a Dockerfile"
    # The shop is like node-web in memory and CPU; its image is its Dockerfile's, so its container disk differs.
    for world in ("container", "microvm"):
        each = dict(shop["worlds"][world]["per_instance"])
        base = dict(like["worlds"][world]["per_instance"])
        assert each["memory_mib"] == base["memory_mib"]
        assert shop["worlds"][world]["max_instances"] > 0


def test_the_table_names_the_scenario(capsys):
    assert main(["fit", "shop", "--scenario", "dockerfile-app"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("How many shop fit on Laptop")
    assert "in the scenario 'An app from a Dockerfile', before its events:" in out.splitlines()[0]


def test_an_app_only_a_scenario_defines_says_how_to_reach_it(capsys):
    assert main(["fit", "shop"]) == 2
    err = capsys.readouterr().err
    assert "unknown app 'shop'" in err and "add --scenario SCENARIO" in err and "Traceback" not in err
    assert main(["fit", "shopp", "--scenario", "dockerfile-app"]) == 2
    err = capsys.readouterr().err
    assert "did you mean 'shop'?" in err and "--scenario SCENARIO" not in err


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--scenario", "no-such-scenario"], "no such scenario"),
        (["--scenario", "hello", "--guest-os", "windows"], "unknown guest OS 'windows'"),
        (["--scenario", "hello", "--host", "mars"], "unknown host 'mars'"),
    ],
)
def test_bad_scenario_options_are_one_line_messages(capsys, args, needle):
    assert main(["fit", "nginx", *args]) == 2
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err


def test_a_broken_scenario_file_is_named_and_left_alone(capsys, tmp_path):
    path = scenario(tmp_path, "[host\n")
    before = Path(path).read_bytes()
    assert main(["fit", "nginx", "--scenario", path]) == 2
    err = capsys.readouterr().err
    assert "fit.toml" in err and "not valid TOML" in err and "Traceback" not in err
    assert Path(path).read_bytes() == before


def test_options_for_a_world_the_scenario_lacks_are_noted(capsys):
    assert main(["fit", "nginx", "--scenario", "servers-multiply", "--vm-memory", "1024"]) == 0
    out, err = capsys.readouterr()
    assert "--vm-memory and --guest-os set the VM world, which this scenario does not have" in err
    assert out.startswith("How many nginx fit")
