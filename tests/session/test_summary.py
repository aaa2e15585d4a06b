"""The summary that ends every lesson: its figures are the run's, and a run taught twice gives the same ones."""

from __future__ import annotations

import pytest

from vmsim.output.lesson_summary import summary_rows
from vmsim.scenarios import load_scenario, shipped_names
from vmsim.session.summary import lesson_summary, run_lesson

LESSONS = [name for name in shipped_names() if load_scenario(name).lesson]


@pytest.mark.parametrize("name", LESSONS)
def test_the_summary_is_the_runs_own_figures(name):
    session = run_lesson(load_scenario(name))
    assert session.lesson.at_summary and session.paused
    summary = lesson_summary(session)
    snap = session.snapshot()
    assert [w.kind for w in summary.worlds] == [w.name for w in snap.worlds]
    for got, world in zip(summary.worlds, snap.worlds, strict=True):
        assert got.running == world.count("running")
        assert got.memory_committed_mib == world.memory.total_mib
        assert got.memory_in_use_mib == world.memory_touched_mib <= world.memory.total_mib + 1e-6
        assert got.disk_used_mib == world.disk.total_mib
        ready = sorted(i.boot_s for i in world.instances if i.boot_s is not None)
        assert (got.first_ready_s, got.slowest_ready_s) == ((ready[0], ready[-1]) if ready else (None, None))
    again = lesson_summary(run_lesson(load_scenario(name)))
    assert again == summary, "the same lesson taught twice gives the same figures"


def test_vm_vs_container_summary_shows_the_gap_it_teaches():
    summary = lesson_summary(run_lesson(load_scenario("vm-vs-container")))
    vm, ct = summary.worlds
    assert vm.running == ct.running == 3
    assert vm.first_ready_s > 10 * ct.slowest_ready_s
    assert vm.memory_committed_mib - ct.memory_committed_mib > 3 * 2000  # three VMs of 2 GiB each
    assert vm.fits_more < ct.fits_more


def test_ec2_drift_summary_counts_the_servers_that_work():
    drift = lesson_summary(run_lesson(load_scenario("ec2-drift"))).drift
    assert drift is not None
    assert (drift.servers, drift.manual_working, drift.image_working) == (3, 1, 3)
    assert (drift.built_here_digests, drift.shipped_digests) == (2, 1)
    assert lesson_summary(run_lesson(load_scenario("density"))).drift is None


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_summary_in_words_has_a_column_per_world_and_a_row_per_measure(lang):
    rows = summary_rows(lesson_summary(run_lesson(load_scenario("ec2-drift"))), lang)
    assert all(len(row) == len(rows[0]) == 3 for row in rows)
    labels = [row[0] for row in rows[1:]]
    assert len(labels) == len(set(labels)) == 10
    if lang == "ko":
        assert all(any("\uac00" <= ch <= "\ud7a3" for ch in label) for label in labels)
