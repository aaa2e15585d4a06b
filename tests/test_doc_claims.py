"""The figures the README and docs/scenarios.md quote are the figures vmsim gives: each is worked out here by
running the scenario, and the sentence that quotes it must say it (a change to the model that moves one fails
here until the text follows)."""

from __future__ import annotations

from pathlib import Path

from vmsim.cli import main
from vmsim.scenarios import load_scenario
from vmsim.session import run_headless

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
SCENARIOS_MD = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")


def _world_counts(name: str) -> dict[str, tuple[int, int, float | None]]:
    """Per world: (ready, refused or failed, median seconds to ready) at the scenario's end."""
    snap = run_headless(load_scenario(name)).state()
    out = {}
    for w in snap.worlds:
        ready = sorted(i.ready_s - i.added_s for i in w.instances if i.ready_s is not None)
        failed = sum(1 for i in w.instances if i.state == "failed")
        out[w.name] = (len(ready), failed, ready[len(ready) // 2] if ready else None)
    return out


def test_hello_times_in_the_walk_through():
    counts = _world_counts("hello")
    container, microvm = counts["container"][2], counts["microvm"][2]
    assert container is not None and microvm is not None
    assert f"the container is **ready in {container:.2f} s**, the microVM in {microvm:.2f} s" in README
    assert f"the container in {container:.2f} s and the microVM in {microvm:.2f} s" in SCENARIOS_MD


def test_hello_room_after_three_more_in_the_walk_through():
    session = run_headless(load_scenario("hello"))
    session.add_workload("nginx", 3)
    fit = session.fit("nginx")
    assert fit is not None
    vm, container = fit["vm"].max_instances, fit["container"].max_instances
    assert f"`+{vm} nginx · memory` says {vm} more fit as VMs" in README
    assert f"`+{container:,} nginx · bridge`" in README


def test_laptop_limits_and_scale_out_counts():
    ready, failed, _ = _world_counts("laptop-limits")["vm"]
    assert f"{ready} VMs run and {failed} are refused" in SCENARIOS_MD
    ready, _, _ = _world_counts("scale-out")["vm"]
    ordinal = {6: "seventh", 7: "eighth", 8: "ninth"}[ready]
    assert f"the VM world refuses the {ordinal}" in SCENARIOS_MD
    words = {6: "six", 7: "seven", 8: "eight"}[ready]
    assert f"runs out of memory after {words}," in (ROOT / "scenarios" / "scale-out.toml").read_text(encoding="utf-8")


def test_ec2_stack_room_beside_three_nested_vms():
    session = run_headless(load_scenario("ec2-stack"))
    fit = session.fit("node-web")
    assert fit is not None
    more = fit["container"].max_instances
    assert f"three nested 1 GiB VMs fill it where {more} more containers still fit" in README
    assert f"where {more} more containers fit" in SCENARIOS_MD


def test_ec2_stack_first_step_splits_the_instances_os_as_the_engine_does():
    # The step said ≈186 and ≈214 MiB while the engine's stack held 228 and 172.
    spec = load_scenario("ec2-stack")
    layers = {layer.name: layer.memory_mib for layer in run_headless(spec).state().host.stack}
    kernel, rest = round(layers["guest-kernel"]), round(layers["guest-os"])
    text = spec.lesson[0]
    assert f"its kernel (≈{kernel} MiB " in text.say("text", "en") and f"rest of the OS (≈{rest} MiB)" in text.say(
        "text", "en"
    )
    assert f"약 {kernel} MiB)과 나머지 OS(약 {rest} MiB)" in text.say("text", "ko")


def test_cold_vs_warm_names_the_vm_image_the_catalog_downloads():
    from vmsim.engine import default_catalog

    mib = round(default_catalog().guests["ubuntu-24.04"].image_download_mib.value)
    assert f"(a {mib} MiB VM image, or image layers)" in SCENARIOS_MD


def test_the_validate_example_is_what_validate_prints(tmp_path, capsys, monkeypatch):
    bad = SCENARIOS_MD.split("gives, on stderr, with exit code 2")[0].rsplit("```toml", 1)[1].split("```")[0]
    (tmp_path / "bad.toml").write_text(bad, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "bad.toml"]) == 2
    printed = capsys.readouterr().err
    shown = SCENARIOS_MD.split("$ vmsim validate bad.toml\n", 1)[1].split("```")[0]
    assert printed == shown
    assert main(["validate", "helo"]) == 2
    helo = capsys.readouterr().err.strip()
    assert helo.startswith("helo: no such scenario") and helo in SCENARIOS_MD


def test_the_count_of_validation_checks_is_the_reports_wherever_the_docs_give_it():
    from vmsim.validation.checks import run_validation, summary

    counts = summary(run_validation())
    words = {7: "seven", 8: "eight", 9: "nine", 10: "ten"}
    teaching = (ROOT / "docs" / "teaching.md").read_text(encoding="utf-8")
    validation = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    assert f"reruns {counts['total']} published experiments" in teaching
    assert f"{counts['validation']} of them use sources the model was not calibrated on" in teaching
    assert f"## How independent the {words[counts['validation']]} validation checks are" in validation
    assert f"{counts['total']} checks, {counts['validation']} of them against sources the model was not" in README


def test_the_class_plans_minutes_fit_the_readmes_time_for_each_lesson():
    import re

    said = {}
    for name, low, high in re.findall(r"^\| `([a-z0-9-]+)` \|.*\| (\d+)(?:–(\d+))? min \|$", README, re.M):
        said[name] = (int(low), int(high or low))
    plan = (ROOT / "docs" / "teaching.md").read_text(encoding="utf-8")
    spans: dict[str, int] = {}
    current: list[str] = []
    for start, end, opened in re.findall(r"^\| (\d+)–(\d+) \| ([^|]*) \|", plan, re.M):
        names = re.findall(r"`vmsim ([a-z0-9-]+)`", opened)
        if names:
            current = names
        elif opened.strip() == "—":
            current = []
        for name in current:
            spans[name] = spans.get(name, 0) + int(end) - int(start)
    assert len(said) == 9 and len(spans) >= 4, (said, spans)
    for name, minutes in spans.items():
        low, high = said[name]
        assert low <= minutes <= high, f"{name}: {minutes} min in the plan, {low}–{high} in the README"


def test_vm_vs_container_two_more_gives_what_each_world_commits_for_them():
    from vmsim.session import Session

    spec = load_scenario("vm-vs-container")
    session = Session(spec)

    def committed() -> dict[str, tuple[float, dict[str, float]]]:
        return {w.name: (w.memory.total_mib, dict(w.memory.by_category)) for w in session.sim.snapshot().worlds}

    step = spec.lesson[4]
    assert step.say("ask", "en").startswith("Add two more nginx")
    session.lesson_goto(5)
    before = committed()
    session.lesson_next()
    session.run_until(session.now + step.watch_s)
    after = committed()
    vm_gib = (after["vm"][0] - before["vm"][0]) / 1024
    container = after["container"][0] - before["container"][0]
    apps = (after["container"][1]["apps"] - before["container"][1]["apps"]) / 2
    shim = (after["container"][1]["shims"] - before["container"][1]["shims"]) / 2
    en, ko = step.say("text", "en"), step.say("text", "ko")
    assert f"({vm_gib:.1f} GiB for the two)" in en and f"(둘이면 {vm_gib:.1f} GiB)" in ko
    assert f"add about {container:.0f} MiB together: a {shim:g} MiB shim and nginx's own {apps:.1f} MiB each" in en
    assert f"합쳐서 약 {container:.0f} MiB만 더해요. 하나마다 shim {shim:g} MiB와 nginx 자신의 {apps:.1f} MiB예요" in ko
