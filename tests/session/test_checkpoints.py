"""Checkpoints: the engine's state pickles and restores exactly, and seeking from a checkpoint shows the same
bytes as a run that went straight to that moment."""

from __future__ import annotations

import pickle

import pytest

from vmsim.cli import main
from vmsim.engine import Host, Settings, Simulation, VmSettings, default_catalog
from vmsim.output.formats import render_json
from vmsim.scenarios.loader import shipped_names
from vmsim.session import Session, load_scenario
from vmsim.session.checkpoints import Checkpoints

APPS = ("nginx", "redis", "python-api", "node-web")


def bench_sim(per_world: int = 120) -> Simulation:
    host = Host(
        "big",
        "big host",
        cpu_cores=8,
        memory_mib=2**22,
        disk_mib=2**30,
        host_os_memory_mib=1024,
        host_os_disk_mib=10240,
        disk_mibps=500,
    )
    settings = Settings(default_catalog(), vm=VmSettings(memory_mib=512, clone="linked"))
    sim = Simulation(host, ("vm", "container", "microvm"), settings, seed=3, scenario="ckpt")
    for i in range(per_world):
        sim.at(i * 0.5, "add_workload", APPS[i % len(APPS)], 1)
    sim.at(20.0, "remove_app", "redis")
    sim.at(25.0, "grow_app", "nginx", 64.0)
    return sim


def state(sim: Simulation) -> tuple[str, object]:
    return render_json(sim.snapshot()), {n: s.points() for n, s in sim.series.items()}


def test_the_whole_engine_state_pickles_no_closures_anywhere():
    sim = bench_sim()
    sim.run_until(10.0)
    assert sim.clock._heap, "something is scheduled (timers hold bound methods and partials)"
    pickle.dumps(sim)  # raises on a lambda or closure


@pytest.mark.parametrize("at", [0.0, 3.3, 10.0, 24.0, 41.7])
def test_restoring_a_checkpoint_and_running_on_gives_the_same_bytes_and_series(at):
    straight = bench_sim()
    straight.run_until(90.0)
    sim = bench_sim()
    sim.run_until(at)
    restored = Simulation.restore(sim.checkpoint())
    assert restored is not sim
    restored.run_until(90.0)
    sim.run_until(90.0)  # the original goes on unharmed by having been pickled
    assert state(restored) == state(straight)
    assert state(sim) == state(straight)
    assert restored.actions == straight.actions > 0


def test_stopping_on_a_budget_and_carrying_on_is_the_same_as_one_run():
    straight = bench_sim()
    straight.run_until(90.0)
    sim = bench_sim()
    stops = 0
    while True:
        _, done = sim.run_some(90.0, 25)
        if done:
            break
        stops += 1
        assert sim.now < 90.0
    assert stops > 10
    assert state(sim) == state(straight)


def test_a_session_seeks_from_its_checkpoints_and_shows_what_a_straight_run_showed(
    small_checkpoints, restores, boot_storm
):
    session = boot_storm.played(60.0)
    assert len(session.checkpoints.entries) >= 5
    targets = (50.0, 31.0, 30.0, 17.5, 12.0, 4.0)
    for target in targets:
        session.seek(target)
        assert session.now == target
        assert render_json(session.state()) == boot_storm.straight(target)
    assert restores, "the seeks used checkpoints"
    assert all(t <= target for t, target in zip(restores, targets, strict=False))


def test_a_command_after_rewinding_forgets_the_checkpoints_of_the_old_future(small_checkpoints):
    spec = load_scenario("boot-storm")
    session = Session(spec, seed=2, paused=True)
    session.run_until(40.0)
    assert any(e.t_s > 20.0 for e in session.checkpoints.entries)
    session.seek(20.0)
    session.add_workload("redis", 2)
    assert all(e.t_s <= 20.0 for e in session.checkpoints.entries)
    session.run_until(40.0)
    session.seek(33.0)
    fresh = Session(spec, seed=2, paused=True)
    fresh.run_until(20.0)
    fresh.add_workload("redis", 2)
    fresh.run_until(33.0)
    assert render_json(session.state()) == render_json(fresh.state())


def test_checkpoints_stay_within_their_memory_budget_and_keep_the_first(small_checkpoints):
    sim = bench_sim()
    one = len(sim.checkpoint().data)
    book = Checkpoints(budget_bytes=6 * one)
    times = []
    for t in range(1, 40):
        sim.run_until(float(t))
        book.take(sim, 0)
        times.append(float(t))
        assert book.bytes <= max(6 * one, sum(e.state.size_bytes for e in book.entries[-5:])) * 1.5
    kept = [e.t_s for e in book.entries]
    assert kept[0] == 1.0 and kept[-4:] == times[-4:]
    assert len(kept) < len(times)
    assert book.best(10.5, 0) is not None and book.best(10.5, 0).t_s <= 10.5
    assert book.best(0.5, 0) is None


def test_cli_seek_to_prints_the_same_bytes_as_until_and_times_it(small_checkpoints, capsys):
    assert main(["run", "boot-storm", "--until", "45", "--format", "json"]) == 0
    straight, _ = capsys.readouterr()
    assert main(["run", "boot-storm", "--until", "120", "--seek-to", "45", "--format", "json", "--timings"]) == 0
    sought, err = capsys.readouterr()
    assert sought == straight
    assert "seek to 45 s took" in err and "checkpoints kept" in err
    assert main(["run", "boot-storm", "--until", "45", "--format", "json", "--timings"]) == 0
    again, err = capsys.readouterr()
    assert again == straight and err.startswith("vmsim: ran to 45 s in ")


def test_cli_seek_to_after_the_end_is_refused(capsys):
    assert main(["run", "hello", "--until", "10", "--seek-to", "20"]) == 2
    _, err = capsys.readouterr()
    assert "--seek-to 20 is after the end of the run (10 s)" in err


@pytest.mark.parametrize("name", shipped_names())
def test_every_shipped_scenario_pickles_mid_run_and_goes_on_the_same(name, small_checkpoints):
    spec = load_scenario(name)
    straight = Session(spec, play_lesson=True, checkpoints=False)
    straight.run_until(spec.duration_s)
    session = Session(spec, play_lesson=True)
    session.run_until(spec.duration_s)
    session.seek(spec.duration_s / 3)
    session.seek(spec.duration_s)
    assert render_json(session.state()) == render_json(straight.state())


def test_a_restored_job_still_belongs_to_its_own_instance():
    """A boot step's job carries its instance (the argument its end is called with) and the instance its job: a
    cycle the checkpoint's pickler must close on the same objects, not on copies."""
    sim = bench_sim()
    sim.run_until(60.0)  # a hundred boot steps under way
    restored = Simulation.restore(sim.checkpoint())
    booting = 0
    for world in restored.worlds.values():
        by_id = {id(i) for i in world.instances}
        for inst in world.instances:
            if inst.job is not None:
                booting += 1
                assert inst.job.arg is inst, inst.id
                assert id(inst.job.arg) in by_id
    assert booting > 0
