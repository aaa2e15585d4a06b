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
    assert all(c.value == pytest.approx(60.0) for c in overhead)
    # The shipped catalog is untouched.
    assert default_catalog().hypervisors["qemu-kvm"].overhead_mib.value == qemu.overhead_mib.value


def test_the_microvm_memory_checks_fail_when_the_guest_or_its_shim_drift():
    from vmsim.validation.resource_checks import microvm_memory

    cat = default_catalog()
    guest = cat.guests["microvm-linux"]
    rt = cat.runtimes["containerd"]
    assert all(c.passed for c in microvm_memory(cat))
    # The 10 MiB page cache of a single static binary (the old figure) is far under a real guest's.
    small = guest.page_cache_mib._replace(value=10.0)
    broken = cat._replace(guests={**cat.guests, "microvm-linux": guest._replace(page_cache_mib=small)})
    by_name = {c.name: c for c in microvm_memory(broken)}
    assert not by_name["MicroVM host memory touched, 256 MiB guest"].passed
    assert not by_name["MicroVM host memory touched, 2,048 MiB guest"].passed
    # No shim (a bare VMM) or a runc shim's 4 MiB is not what the Kata CI measured.
    for shim in (None, rt.shim_memory_mib):
        changed = cat._replace(runtimes={**cat.runtimes, "containerd": rt._replace(microvm_shim_memory_mib=shim)})
        assert not {c.name: c for c in microvm_memory(changed)}["MicroVM runtime shim, per microVM"].passed


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


# ---------------------------------------------------------------------------------------------------- kinds
def perturbed(cat, name: str, factor: float):
    """``cat`` with the figure called ``name`` (as in ``vmsim catalog``) multiplied by ``factor``."""
    if ".phases." in name:
        guest_key, phase_name = name.removeprefix("guests.").split(".phases.")
        guest = cat.guests[guest_key]
        phases = tuple(
            p._replace(duration=p.duration._replace(value=p.duration.value * factor)) if p.name == phase_name else p
            for p in guest.boot_phases
        )
        assert phases != guest.boot_phases, name
        return cat._replace(guests={**cat.guests, guest_key: guest._replace(boot_phases=phases)})
    if name.startswith("kernel_reserve."):
        group, key, field = None, None, name
    else:  # guests.ubuntu-22.04.services_mib: the key may hold dots, the field does not
        group, rest = name.split(".", 1)
        key, field = rest.rsplit(".", 1)
    if group is None:
        curve, point = field.removeprefix("kernel_reserve.").split(".")
        at = float(point.removeprefix("at_").removesuffix("_mib"))
        kr = cat.kernel_reserves[curve]
        points = tuple((x, y * factor if x == at else y) for x, y in kr.points)
        assert points != kr.points, name
        return cat._replace(kernel_reserves={**cat.kernel_reserves, curve: kr._replace(points=points)})
    items = getattr(cat, group)
    fig = getattr(items[key], field)
    changed = items[key]._replace(**{field: fig._replace(value=fig.value * factor)})
    return cat._replace(**{group: {**items, key: changed}})


# Each check that names the catalog figure it tests (every validation check, and the calibration checks against
# sources close to their figure's): factors that move the figure beyond the check's tolerance, down and up.
PERTURBATIONS = {
    "Host memory per additional container": (0.5, 1.5),
    "QEMU footprint less its mapped kernel, cloud-hypervisor #1729": (0.9, 1.2),
    "QEMU resident overhead vs KubeVirt CI": (0.9, 1.4),
    "Validation: guest kernel memory per GiB of RAM, 1 → 2 GiB": (0.99, 1.01),
    "Validation: guest kernel memory per GiB of RAM, 4 → 8 GiB": (0.99, 1.01),
    "Validation: bounce buffer once guest RAM passes 4 GiB": (0.99, 1.01),
    "Validation: containers on one Docker bridge network": (0.9, 1.1),
    "Ubuntu first boot to SSH vs cubic on KVM": (0.5, 1.5),
    "Validation: smallest microVM that runs a trivial task, buildbuddy": (0.75, 1.2),
    "Validation: idle Ubuntu 22.04 guest's used memory vs Multipass's documentation": (0.7, 1.2),
}


def test_every_check_is_validation_or_calibration_and_the_json_says_which(checks):
    from vmsim.engine.catalog import default_catalog as shipped

    kinds = {c.kind for c in checks}
    assert kinds == {"validation", "calibration"}
    data = json.loads(render_validation(checks, "json"))
    assert [row["kind"] for row in data["checks"]] == [c.kind for c in checks]
    names = {n for n, _ in shipped().figures()}
    for c in checks:
        if c.kind == "validation":
            # two-sided, from a source, testing a named catalog figure
            assert c.low is not None and c.high is not None and c.low < c.high, c.name
            assert c.figure in names, (c.name, c.figure)
            assert c.basis.strip(), c.name
    assert sum(c.kind == "validation" for c in checks) >= 7


@pytest.fixture(scope="module")
def experiment_of(checks):
    from vmsim.validation.checks import REFERENCE_EXPERIMENTS
    from vmsim.validation.published import VALIDATION_EXPERIMENTS

    cat = default_catalog()
    found = {}
    for experiment in (*REFERENCE_EXPERIMENTS, *VALIDATION_EXPERIMENTS):
        produced = experiment(cat)
        if any(c.figure for c in produced):
            for c in produced:
                found[c.name] = experiment
    return found


def test_each_validation_check_fails_when_its_figure_moves_beyond_its_tolerance(checks, experiment_of):
    validation = [c for c in checks if c.figure]
    assert {c.name for c in checks if c.kind == "validation"} <= {c.name for c in validation}
    assert {c.name for c in validation} == set(PERTURBATIONS), "add the new validation check to PERTURBATIONS"
    cat = default_catalog()
    for c in validation:
        assert c.passed, c.name
        for factor in PERTURBATIONS[c.name]:
            rerun = {r.name: r for r in experiment_of[c.name](perturbed(cat, c.figure, factor))}[c.name]
            assert not rerun.passed, f"{c.name}: {c.figure} × {factor} still passes ({rerun.vmsim})"
            assert rerun.value is None or not (c.low <= rerun.value <= c.high), c.name


def test_a_validation_verdict_is_two_sided(checks):
    from vmsim.validation.check import make_check as _check

    for c in (c for c in checks if c.kind == "validation"):
        width = c.high - c.low
        for value, ok in ((c.low - 0.01 * width, False), ((c.low + c.high) / 2, True), (c.high + 0.01 * width, False)):
            again = _check(
                c.name,
                published=c.published,
                sources=c.sources,
                conditions=c.conditions,
                value=value,
                unit=c.unit,
                low=c.low,
                high=c.high,
                tolerance=c.tolerance,
                basis=c.basis,
                kind=c.kind,
                figure=c.figure,
            )
            assert again.passed is ok, (c.name, value)
