"""vmsim validate-model: every reference experiment lands inside its published tolerance, and the checks can fail."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time

import pytest

from vmsim.engine import Figure, default_catalog
from vmsim.validation.checks import main, render_validation, run_validation

SOURCE_KEY = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$")


@pytest.fixture(scope="module")
def timed_checks():
    start = time.perf_counter()
    checks = run_validation()
    return checks, time.perf_counter() - start


@pytest.fixture(scope="module")
def checks(timed_checks):
    return timed_checks[0]


def test_every_reference_lands_inside_its_tolerance(checks):
    failing = [
        f"{c.name}: vmsim {c.vmsim}, published {c.published} [{c.source}], tolerance {c.tolerance}"
        for c in checks
        if not c.passed
    ]
    assert failing == []


def test_the_report_covers_what_the_issue_asks_for(checks):
    names = " | ".join(c.name for c in checks).lower()
    for topic in (
        "vm boot",
        "cloud-init done",
        "warm image",
        "cold container start",
        "microvm boot",
        "qemu per-vm overhead",
        "flat",
        "firecracker overhead",
        "per additional container",
        "per additional vm",
        "density",
        "boot storm",
        "1,000 already running",
    ):
        assert topic in names, topic
    assert len({c.name for c in checks}) == len(checks), "check names must be unique"


def test_every_check_names_its_source_and_conditions(checks):
    for c in checks:
        assert c.sources, c.name
        assert all(SOURCE_KEY.match(key) for key in c.sources), (c.name, c.sources)
        assert c.conditions.strip(), c.name
        assert c.published.strip() and c.vmsim.strip() and c.tolerance.strip(), c.name
        assert c.basis.strip(), f"{c.name}: say why the tolerance is what it is"
        if c.model_choice:
            assert len(c.note) > 40, f"{c.name}: a modelling choice must say what vmsim does differently and why"


def test_json_lists_every_check(checks):
    data = json.loads(render_validation(checks, "json"))
    assert [row["name"] for row in data["checks"]] == [c.name for c in checks]
    assert [row["passed"] for row in data["checks"]] == [c.passed for c in checks]
    for row in data["checks"]:
        assert row["sources"] and row["conditions"] and row["published"] and row["tolerance"]
    assert data["summary"]["total"] == len(checks)
    assert data["summary"]["passed"] + data["summary"]["failed"] == len(checks)


def test_table_lists_every_check_with_its_result_and_notes(checks):
    text = render_validation(checks, "table")
    for n, c in enumerate(checks, 1):
        assert c.name in text
        assert f"{n:>3}. {c.name} [{c.result}]" in text
    assert {c.result for c in checks} <= {"pass", "pass*", "FAIL"}
    with pytest.raises(ValueError):
        render_validation(checks, "yaml")


def test_main_prints_the_report_and_exits_by_the_verdict(capsys, checks):
    code = main(["--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code == (0 if all(c["passed"] for c in data["checks"]) else 1)
    assert code == (0 if all(c.passed for c in checks) else 1)


def test_a_broken_catalog_figure_makes_the_overhead_checks_fail():
    cat = default_catalog()
    qemu = cat.hypervisors["qemu-kvm"]
    doubled = Figure(qemu.overhead_mib.value * 2, qemu.overhead_mib.source, "deliberately wrong, for this test")
    broken = cat._replace(hypervisors={**cat.hypervisors, "qemu-kvm": qemu._replace(overhead_mib=doubled)})
    by_name = {c.name: c for c in run_validation(broken)}
    overhead = [c for name, c in by_name.items() if name.startswith("QEMU per-VM overhead")]
    assert len(overhead) == 3
    assert not any(c.passed for c in overhead)
    assert all(c.value == pytest.approx(262.0) for c in overhead)
    # The shipped catalog is untouched.
    assert default_catalog().hypervisors["qemu-kvm"].overhead_mib.value == qemu.overhead_mib.value


def test_the_whole_validation_runs_in_under_10_seconds(timed_checks):
    assert timed_checks[1] < 10.0


def test_validation_does_not_import_ui_libraries():
    script = (
        "import sys, vmsim.validation.checks; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'rich', 'plotext'}))"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
