"""Words the engine leaves to the text catalogues: stored artifacts in the log, the drift story's console step,
and seconds in the instance list, in both languages."""

from __future__ import annotations

from vmsim.engine.drift import default_drift_model
from vmsim.engine.events import ArtifactFetched
from vmsim.output.words import artifact_name, event_text
from vmsim.session import load_scenario, run_headless
from vmsim.tui.widgets.drift_view import step_text
from vmsim.tui.widgets.instance_list import instance_line


def test_a_stored_layer_or_image_is_named_in_the_logs_language() -> None:
    layer = ArtifactFetched(1.0, "container", "nginx-1", "layer node-24", 148.4)
    image = ArtifactFetched(9.0, "vm", "nginx-1", "Ubuntu Server 24.04 (cloud image) image", 572.0)
    assert event_text(layer, "en") == "layer node-24 stored on a container host (148 MiB)"
    assert event_text(layer, "ko") == "레이어 node-24: 컨테이너 호스트에 저장됨 (148 MiB)"
    assert event_text(image, "ko").startswith("이미지 Ubuntu Server 24.04 (cloud image): VM 호스트에 저장됨")
    microvm = ArtifactFetched(1.0, "microvm", "nginx-1", "layer node-24", 148.4)  # the same layer, another world
    assert event_text(microvm, "en") == "layer node-24 stored on a microVM host (148 MiB)"
    assert "image" not in event_text(image, "ko").split("(cloud image)")[1]
    assert artifact_name("something else", "ko") == "something else"


def test_every_artifact_a_shipped_scenario_stores_is_named_in_korean() -> None:
    """Every label the engine gives a stored artifact has one of the forms the words recognise."""
    labels = set()
    for name in ("hello", "cold-vs-warm", "microvm", "dockerfile-app"):
        session = run_headless(load_scenario(name), until_s=120.0)
        labels |= {e.artifact for e in session.recent_events(10_000) if isinstance(e, ArtifactFetched)}
    assert labels
    for label in labels:
        assert artifact_name(label, "ko") != label, label


def test_the_console_step_of_the_setup_by_hand_is_not_a_shell_command() -> None:
    recipe = default_drift_model().manual_recipe
    port = default_drift_model().data["app"]["port"]
    codes = [step for step in recipe if step.startswith("open-port:")]
    assert codes == [f"open-port:{port}"]
    assert step_text(codes[0], "en") == f"# open port {port} in the security group (cloud console)"
    assert step_text(codes[0], "ko") == f"# 보안 그룹에서 포트 {port} 열기 (클라우드 콘솔)"
    assert step_text("npm install", "ko") == "$ npm install"


def test_the_instance_list_gives_seconds_in_the_dashboards_language() -> None:
    snap = run_headless(load_scenario("hello"), until_s=30.0).snapshot()
    inst = snap.world("container").instances[0]
    assert inst.state == "running" and inst.boot_s is not None
    assert instance_line(inst, 30.0, 60, "ko").plain.endswith(f"{inst.boot_s:.2f}초")
    assert instance_line(inst, 30.0, 60, "en").plain.endswith(f"{inst.boot_s:.2f} s")
    # Three columns at 80x24 (25 cells a row): the time a lesson compares stays whole, "ready" gives way.
    for lang, unit in (("en", " s"), ("ko", "초")):
        narrow = instance_line(inst._replace(id="python-api-20"), 30.0, 24, lang).plain
        assert narrow == f"● python-api-20 {inst.boot_s:.2f}{unit}", narrow


def test_the_status_lines_clock_says_seconds_in_the_dashboards_language_at_the_same_width() -> None:
    from rich.cells import cell_len

    from vmsim.tui.widgets.status import _clock

    assert _clock(12.3, "en") == "t =   12.30 s " and _clock(12.3, "ko") == "t =   12.30초 "
    assert cell_len(_clock(1234.5, "ko")) == cell_len(_clock(1234.5, "en")), "the clock's cells are repainted alone"
    from vmsim.engine.events import InstanceReady
    from vmsim.tui.widgets.event_log import event_text

    event = InstanceReady(12.3, "container", "nginx-1", 0.3)
    en, ko = event_text(event, "en").plain, event_text(event, "ko").plain
    assert en.startswith("t=  12.30 s  ") and ko.startswith("t=  12.30초  "), (en, ko)


def test_a_korean_particle_follows_the_sound_before_it():
    from vmsim.text import tr
    from vmsim.text.catalogue import ends_closed, fill

    # 2 (이), 4 (사), 5 (오), 9 (구) end in a vowel; 0 1 3 6 7 8 (영 일 삼 육 칠 팔) in a consonant.
    assert [ends_closed(str(d)) for d in range(10)] == [True, True, False, True, False, False, True, True, True, False]
    assert (ends_closed("컨테이너"), ends_closed("호스트 셋"), ends_closed("build")) == (False, True, None)
    assert (ends_closed("'메모리'"), ends_closed("(셋)"), ends_closed("컨테이너 ")) == (False, True, False)
    assert fill("{x:을|를} {y:이|가}", {"x": "'메모리'", "y": "컨테이너 "}) == "'메모리'를 컨테이너가"
    assert fill("{v:을|를} · {h:이|가} · {w:은|는} · {x:과|와}", {"v": 2, "h": "host-3", "w": "이미지", "x": "b"}) == (
        "2를 · host-3이 · 이미지는 · b과(와)"
    )
    line = tr("outline.deploy", "ko", app="node-web", version="2", method="수동", where="")
    assert "버전 2를" in line and "을(를)" not in line, line


# Nouns that end in a syllable with no final consonant followed by 이 or 과 as part of the word itself.
KOREAN_WORDS_NOT_PARTICLES = ("차이", "사이", "초과", "레이")  # 레이: 오버레이


def test_written_particles_agree_with_the_sound_before_them() -> None:
    """이/을/은/과 follow a closed syllable and 가/를/는/와 an open one: "보안 패치이 나올 때" (for 패치가) had
    slipped into a lesson when a word before a particle was changed. Particles after a {value} are the
    catalogue's {x:을|를} specs, checked where they are rendered; this reads the text as written."""
    import re
    import tomllib
    from pathlib import Path

    from vmsim.scenarios import load_scenario, shipped_names
    from vmsim.text.catalogue import ends_closed

    root = Path(__file__).resolve().parents[2]
    texts = list(tomllib.loads((root / "vmsim/text/ko.toml").read_text(encoding="utf-8")).values())
    for name in shipped_names():
        raw = (root / "scenarios" / f"{name}.toml").read_text(encoding="utf-8")
        texts += re.findall(r'^\S+\.ko = "(.*)"$', raw, re.M)
    assert load_scenario("ec2-drift").lesson  # the lessons' Korean is among the texts read
    particle = re.compile(r"([가-힣])(이|을|은|과|를|와)(?=[\s,.)!?:]|$)")
    wrong = []
    for text in texts:
        for m in particle.finditer(str(text)):
            if m.group(0) in KOREAN_WORDS_NOT_PARTICLES:
                continue
            closed = ends_closed(m.group(1))
            if closed != (m.group(2) in "이을은과"):
                wrong.append(text[max(m.start() - 12, 0) : m.end() + 4])
    assert not wrong, wrong


def test_a_host_going_down_names_its_worlds_instances_and_promises_no_other_host() -> None:
    """The two worlds' lines had been the same words ("host host-4 went down: 3 instances … replacements
    start on the other hosts"), and on a one-host world the promise was false."""
    session = run_headless(load_scenario("hosts"), until_s=50.0)
    lines = {
        lang: [event_text(e, lang) for e in session.recent_events(10_000) if getattr(e, "kind", "") == "host-down"]
        for lang in ("en", "ko")
    }
    assert len(lines["en"]) == 2 and lines["en"][0] != lines["en"][1], lines
    assert {line.split(": ")[1].split(" on it")[0] for line in lines["en"]} == {"3 VMs", "3 containers"}
    assert all("host host-4" not in line and "any other host that is up" in line for line in lines["en"])
    assert all("VM 3개" in line or "컨테이너 3개" in line for line in lines["ko"]), lines["ko"]


def test_a_deploy_line_names_its_worlds_instances() -> None:
    """With VMs and containers side by side the log read '…1 of 1 instance working' and then '…0 of 1 instance
    working' for the same host, with nothing to say which world each line was about."""
    from vmsim.output.words import event_text
    from vmsim.session import Session, load_scenario
    from vmsim.session.hosts import last_deploy

    session = Session(load_scenario("hello"))
    session.advance(40.0)
    session.deploy("nginx", "by-hand")
    session.advance(600.0)
    lines = {w.name: event_text(last_deploy(w.events), "en") for w in session.snapshot(include_events=True).worlds}
    assert lines["vm"].endswith(" of 1 VM working") and lines["container"].endswith(" of 1 container working")
    assert lines["microvm"].endswith(" of 1 microVM working")
    korean = event_text(last_deploy(session.snapshot(include_events=True).world("container").events), "ko")
    assert korean.endswith("컨테이너 1개 중 1개 정상") or korean.endswith("컨테이너 1개 중 0개 정상")


def test_each_host_s_copy_of_an_image_is_its_own_line_naming_the_host() -> None:
    """isolation's log had 'image Ubuntu …: stored on a VM host (572 MiB)' twice in a row, alike: each of its
    hosts stores a copy. A world of one host says it as before (the JSON of hello is unchanged)."""
    from vmsim.engine.events import ArtifactFetched
    from vmsim.output.words import event_text
    from vmsim.session import Session, load_scenario

    session = Session(load_scenario("isolation"))
    session.advance(120.0)
    vm = session.snapshot(include_events=True).world("vm")
    images = [e for e in vm.events if isinstance(e, ArtifactFetched) and e.artifact.endswith(" image")]
    lines = [event_text(e, "en") for e in images]
    assert len(images) == 3 and len(set(lines)) == 3, lines
    assert {e.host for e in images} == {"host-a", "host-b", "host-c"}
    assert all(f"stored on VM host {e.host} (" in line for e, line in zip(images, lines, strict=True))
    assert f"VM 호스트 {images[0].host}에 저장됨" in event_text(images[0], "ko")
    hello = Session(load_scenario("cold-vs-warm"))
    hello.advance(120.0)
    single = [e for e in hello.snapshot(include_events=True).world("vm").events if isinstance(e, ArtifactFetched)]
    assert single and all(e.host is None and "stored on a VM host" in event_text(e, "en") for e in single)
