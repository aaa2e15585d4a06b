"""``vmsim fit APP --hosts N``: how many fit across N hosts, and what runs out first on each."""

from __future__ import annotations

import json

import pytest
from cli_support import run_cli

from vmsim.cli import main


def test_fit_across_hosts_is_the_sum_of_each_hosts_fit(capsys):
    _, one, _ = run_cli(capsys, "fit", "nginx", "--format", "json")
    code, out, err = run_cli(capsys, "fit", "nginx", "--hosts", "5", "--format", "json")
    assert code == 0 and err == ""
    single, data = json.loads(one), json.loads(out)
    assert data["hosts"] == 5
    for name, world in data["worlds"].items():
        assert [h["name"] for h in world["hosts"]] == [f"host-{i}" for i in range(1, 6)]
        each = single["worlds"][name]["max_instances"]
        assert all(h["max_instances"] == each for h in world["hosts"])
        assert world["max_instances"] == 5 * each
        assert all(h["limited_by"] == single["worlds"][name]["limited_by"] for h in world["hosts"])


def test_fit_hosts_table_names_what_runs_out_on_each_host(capsys):
    code, out, _ = run_cli(capsys, "fit", "nginx", "--hosts", "12", "--host", "small-cloud")
    assert code == 0
    assert out.startswith("How many nginx fit on 12 hosts (")
    vm = next(line for line in out.splitlines() if line.startswith("Virtual machines "))
    assert " 0 " in vm and "no nested virtualization at 0 (host-1 … host-12, 12 hosts)" in vm
    container = next(line for line in out.splitlines() if line.startswith("Containers "))
    assert "memory at" in container


@pytest.mark.parametrize("bad", ["0", "1001", "many"])
def test_fit_hosts_out_of_range_is_a_usage_error(capsys, bad):
    with pytest.raises(SystemExit) as info:
        main(["fit", "nginx", "--hosts", bad])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "--hosts" in err and "from 1 to 1,000" in err and "Traceback" not in err


def test_fit_says_what_an_instance_needs_in_words_a_student_reads():
    # 'each needs' read "0.00208692 cpu_cores": a raw key and eight digits of a modelling figure.
    from vmsim.output.result_tables import _need

    assert _need("cpu_cores", 0.00208692, "en") == "0.0021 CPU cores"
    assert _need("cpu_cores", 0.001, "en") == "0.001 CPU cores"
    assert _need("memory_mib", 2078.0, "en") == "2,078 MiB memory"
    assert _need("memory_mib", 2078.0, "ko") == "메모리 2,078 MiB"
    assert _need("cpu_cores", 0.00208692, "ko") == "CPU 0.0021코어"
