"""The summary that ends every lesson: its figures are the run's, and a run taught twice gives the same ones."""

from __future__ import annotations

import pytest

from vmsim.output.lesson_summary import summary_rows
from vmsim.scenarios import load_scenario, shipped_names
from vmsim.session.summary import ImagesSummary, LessonSummary, WorldSummary, lesson_summary, run_lesson
from vmsim.text import tr

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
        assert got.starting == world.count("pending") + world.count("booting")
        assert got.running + got.starting + got.lost == len(world.instances) - world.count("stopped")
        # The host OS is left out: the same in every world, it hides what the workloads cost.
        host_memory, host_disk = world.memory.get("host_os"), world.disk.get("host_os")
        assert host_memory > 0 and host_disk > 0
        assert got.memory_committed_mib == world.memory.total_mib - host_memory
        assert got.memory_in_use_mib == world.memory_touched_mib - host_memory <= got.memory_committed_mib + 1e-6
        assert got.disk_used_mib == world.disk.total_mib - host_disk
        # ... from the capacity too: what the workloads committed out of what they could have (ec2-stack's
        # "3.1 GiB / 4.0 GiB" beside "0 more" read as 0.9 GiB free, where 0.5 GiB was).
        assert got.memory_capacity_mib == world.memory.capacity_mib - host_memory
        assert got.memory_capacity_mib - got.memory_committed_mib == pytest.approx(world.memory.free_mib)
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
    labels = [row[0] for row in rows[1:] if row[0]]
    assert len(labels) == len(set(labels)) == 12
    headings = [row for row in rows[1:] if not row[0]]  # the drift rows' heading: the servers, not a world
    assert len(headings) == 1 and headings[0][1] and not any(headings[0][2:])
    if lang == "ko":
        assert all(any("\uac00" <= ch <= "\ud7a3" for ch in label) for label in labels)


def test_the_images_lesson_sums_up_layers_stored_once_and_shared():
    session = run_lesson(load_scenario("image-vs-container"))
    images = lesson_summary(session).images
    assert images is not None
    usage = session.images()
    disk = session.snapshot().world("container").disk
    assert images.images == len(usage) == 2
    assert (
        images.containers
        == sum(len(i.containers) for i in usage)
        == session.snapshot().world("container").count("running")
    )
    # the disk holds each layer once: what the ledger books for image layers, less than all containers see
    assert images.layers_stored_mib == pytest.approx(disk.get("image_layers"))
    assert images.virtual_size_mib > 3 * images.layers_stored_mib
    # the base both images are built on is the layer they share
    nginx, python = ({layer.id: layer.size_mib for layer in i.layers} for i in usage)
    assert images.shared_layers_mib == sum(nginx[k] for k in nginx.keys() & python.keys()) > 0
    assert images.writable_layers_mib == disk.get("writable_layers") > 0
    for name in ("vm-vs-container", "ec2-drift", "density"):
        assert lesson_summary(run_lesson(load_scenario(name))).images is None, name


def _world(**change) -> WorldSummary:
    base = dict(kind="vm", running=2, starting=0, lost=0, first_ready_s=9.0, slowest_ready_s=10.0,
                memory_committed_mib=4096.0, memory_in_use_mib=900.0, memory_capacity_mib=16384.0,
                disk_used_mib=30000.0, fits_more=3, limited_by="memory")  # fmt: skip
    return WorldSummary(**{**base, **change})


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({}, None),
        ({"starting": 1}, "summary.count_starting"),
        ({"lost": 4}, None),
        ({"starting": 1, "lost": 4}, "summary.count_starting"),
    ],
)
def test_the_running_cell_says_what_is_still_starting_and_a_row_what_was_lost(lang, change, key):
    world = _world(**change)
    rows = summary_rows(LessonSummary(30.0, "nginx", (world,), None), lang)
    cell = rows[1][1]
    if key is None:
        assert cell == "2"
    else:
        assert cell == tr(key, lang, n=2, starting=world.starting)
    lost = [row for row in rows if row[0] == tr("summary.lost", lang)]
    # Refused or killed, a row of its own when any world lost some ("7 (14 refused or killed)" was cut at 80).
    assert lost == ([(tr("summary.lost", lang), "4")] if change.get("lost") else [])


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_images_rows_fill_the_container_column_only(lang):
    images = ImagesSummary(2, 5, 753.9, 217.5, 75.0, 0.5)
    worlds = (_world(), _world(kind="container"))
    rows = summary_rows(LessonSummary(30.0, "nginx", worlds, None, images), lang)
    tail = rows[-5:]
    keys = ("images", "virtual_size", "layers_stored", "shared_layers", "writable_layers")
    assert [row[0] for row in tail] == [tr(f"summary.{k}", lang) for k in keys]
    assert all(row[1] == "" and row[2] for row in tail)
    assert [row[2] for row in tail[1:]] == ["754 MiB", "218 MiB", "75 MiB", "0.5 MiB"]
    only_vm = summary_rows(LessonSummary(30.0, "nginx", (_world(),), None, images), lang)
    assert len(only_vm) == len(rows) - 5, "without the container column there is nowhere to put them"


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_servers_lesson_sums_up_each_deploy_per_world(lang):
    summary = lesson_summary(run_lesson(load_scenario("servers-multiply")))
    one, ten, image, rollback = summary.deploys
    assert (one.method, one.hosts, ten.method, ten.hosts) == ("by-hand", 1, "by-hand", 10)
    assert (image.method, image.version, rollback.version) == ("image", "3", "2")
    (one_c,), (ten_c,), (image_c,), (back_c,) = (d.per_world for d in summary.deploys)
    assert ten_c[0] > 5 * one_c[0]  # one person, one server after another
    assert image_c[0] < ten_c[0] / 5 and image_c[1] == image_c[2] == 10  # one image: fast, every server works
    assert ten_c[1] < ten_c[2]  # by hand, some servers do not work
    rows = summary_rows(summary, lang)
    deploy_rows = rows[-4:]
    assert len({row[0] for row in deploy_rows}) == 4 and all(row[1] for row in deploy_rows)
    assert f"{ten_c[0]:,.0f}" in deploy_rows[1][1]
    assert lesson_summary(run_lesson(load_scenario("vm-vs-container"))).deploys == ()
