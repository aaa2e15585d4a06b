"""The hosts view and the host keys, driven through the real app: tiles, a host that is down, the stack of the
selected instance, the keys, and a thousand hosts drawn as cells by one widget."""

from __future__ import annotations

import re

import pytest

import vmsim.tui.app
from vmsim.engine.machines import Cluster
from vmsim.scenarios import load_scenario
from vmsim.scenarios.spec import ScenarioSpec
from vmsim.text import tr
from vmsim.tui.app import VmsimApp
from vmsim.tui.widgets.hosts_view import DOWN, HostsView
from vmsim.tui.widgets.key_bar import KeyBar


def make_app(spec: ScenarioSpec | str = "hosts", lang: str = "en") -> VmsimApp:
    spec = load_scenario(spec) if isinstance(spec, str) else spec
    return VmsimApp(spec, paused=True, animate=False, export_dir="/nonexistent", lang=lang)


def thousand_hosts() -> ScenarioSpec:
    """The hosts scenario on 1,000 hosts, three instances each."""
    spec = load_scenario("hosts")
    counts = {"nginx": 2000, "redis": 1000}
    events = tuple(
        e._replace(args=(e.args[0], counts[str(e.args[0])])) if e.verb == "add_workload" else e for e in spec.events
    )
    return spec._replace(cluster=Cluster(1000, "spread", ()), events=events)


async def ready(pilot, seconds: float = 0.0) -> HostsView:
    app = pilot.app
    while not app.dashboard_ready:
        await pilot.pause()
    if seconds:
        app.advance(seconds)
    app.refresh_view([], charts=True)
    await pilot.pause()
    return app.main.lower.view("hosts")


def plain(view: HostsView) -> str:
    return view.render().plain


def keys_shown(app: VmsimApp) -> list[str]:
    return [k.key for k in app.main.query_one(KeyBar).shown_keys()[0]]


async def test_a_scenario_of_many_hosts_opens_on_a_tile_for_every_host_in_every_world():
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        view = await ready(pilot, 10.0)
        assert app.main.lower.active == "hosts" and view.display
        text = plain(view)
        # One tile per host per world (vm and container): a host's name, then its memory bar.
        tiles = re.findall(r"(host-\d+) +[█░]", text)
        assert sorted(tiles) == sorted([f"host-{n}" for n in range(1, 13)] * 2)
        assert text.count("12 hosts: 12 up") == 2
        assert "DOWN" not in text


async def test_a_host_that_went_down_is_marked_in_red_and_an_escape_marks_the_exposed():
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        view = await ready(pilot, 65.0)  # host-4 went down at 45 s, nginx-5 escaped at 60 s
        text = view.render()
        assert text.plain.count("12 hosts: 11 up · 1 down") == 2
        start = text.plain.index("host-4")
        styles = [str(span.style) for span in text.spans if span.start <= start < span.end]
        assert any(DOWN in s for s in styles), styles
        assert "✗ DOWN" in text.plain[start : start + 20]
        # The container world: every container on nginx-5's host is exposed; the VM world: only nginx-5's guest.
        assert "1 exposed" in text.plain and "3 exposed" in text.plain
        assert "!!!" in text.plain


async def test_the_stack_of_the_selected_instance_shows_each_layer_down_to_the_provider():
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        view = await ready(pilot, 30.0)
        text = plain(view)
        selected = app.main.selected_instance()
        assert selected is not None
        instance_id = selected[1]
        host = next(i.host for i in app.snapshot.world("container").instances if i.id == instance_id)
        assert text.count(f"{instance_id} on {host}") == 2
        for layer in ("guest kernels", "hypervisor", "shims", "host runtime", "EC2 guest OS", "EC2 guest kernel"):
            assert layer in text, layer
        assert text.count("EC2 hypervisor") == 2 and text.count("cloud hardware") == 2
        # The EC2 guest kernel's figure is the snapshot's, for the cloud host's stack.
        kernel = next(layer for layer in app.snapshot.host.stack if layer.name == "guest-kernel")
        assert f"{kernel.memory_mib:.0f} MiB" in text


async def test_the_host_keys_add_a_host_and_take_the_selected_instances_host_down():
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        view = await ready(pilot, 20.0)
        assert "H" in keys_shown(app) and "x" in keys_shown(app)
        await pilot.press("H")
        await pilot.pause()
        assert app.snapshot.host.hosts == 13
        assert "host-13" in plain(view) and "13 hosts: 13 up" in plain(view)
        world, instance_id = app.main.selected_instance() or ("", "")
        host = next(i.host for i in app.snapshot.world(world).instances if i.id == instance_id)
        await pilot.press("x")
        await pilot.pause()
        for w in app.snapshot.worlds:
            assert [h.name for h in w.hosts if not h.up] == [host]
        assert "13 hosts: 12 up · 1 down" in plain(view)
        app.advance(20.0)
        await pilot.press("comma")  # back 10 s: the commands replay, the host is still down
        await pilot.pause()
        assert app.session.now == 30.0
        assert [h.name for h in app.snapshot.world("container").hosts if not h.up] == [host]
        assert [c.verb for c in app.session.user_commands] == ["add_host", "fault"]


async def test_one_host_shows_the_host_keys_only_with_the_hosts_view_but_they_act_anywhere():
    app = make_app("hello")
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot, 1.0)
        assert app.main.lower.active == "log"
        assert "H" not in keys_shown(app) and "x" not in keys_shown(app)
        app.main.set_view("hosts")
        await pilot.pause()
        app.refresh_bindings()
        await pilot.pause()
        assert "H" in keys_shown(app) and "x" in keys_shown(app)
        app.main.set_view("log")
        await pilot.pause()
        app.refresh_bindings()
        await pilot.pause()
        assert "H" not in keys_shown(app)
        await pilot.press("H")  # the help lists it: it acts here too, and says so
        await pilot.pause()
        assert app.snapshot.host.hosts == 2 and "H" in keys_shown(app)


async def test_a_thousand_hosts_are_cells_drawn_by_one_widget_and_refreshed_with_the_charts_only(monkeypatch):
    app = make_app(thousand_hosts())
    async with app.run_test(size=(160, 48)) as pilot:
        view = await ready(pilot, 30.0)
        assert list(view.query("*")) == []  # one widget, no widget per host
        text = plain(view)
        lines = text.split("\n")
        assert len(lines) <= view.size.height
        assert text.count("1,000 hosts: 1,000 up") == 2 and "3 per host" in text and "3–3" not in text
        assert "1 cell = 2 hosts" in text and "host-500" not in text
        # The view's figures are the session's summary: recomputed when the charts are, not every frame.
        before = view.data
        monkeypatch.setattr(vmsim.tui.app, "CHART_EVERY_S", 1e9)  # however slow this machine, no chart is due
        app.session.advance(1.0)
        for _ in range(3):
            app.refresh_view([], charts=False)
        assert view.data is before
        app.refresh_view([], charts=True)
        assert view.data is not before


async def test_a_thousand_hosts_with_one_down_marks_its_cell():
    app = make_app(thousand_hosts())
    async with app.run_test(size=(80, 24)) as pilot:
        view = await ready(pilot, 50.0)
        await pilot.press("c")
        app.refresh_view([], charts=True)
        await pilot.pause()
        text = plain(view)
        assert text.count("1,000 hosts: 999 up · 1 down") == 2
        cells = [line for line in text.split("\n") if set(line.strip()) <= set("░▒▓█✗ ") and line.strip()]
        assert cells and sum(line.count("✗") for line in cells) == 2  # host-4's cell, in each world
        assert text.count("1 cell = 6 hosts") == 2


async def test_the_deploy_keys_ship_a_new_version_of_the_selected_app_by_hand_or_as_an_image():
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        view = await ready(pilot, 50.0)  # after host-4's instances were replaced at 45 s
        world, instance_id = app.main.selected_instance() or ("", "")
        selected_app = next(i.app for i in app.snapshot.world(world).instances if i.id == instance_id)
        await pilot.press("i")
        await pilot.pause()
        assert [(c.verb, c.args[:3]) for c in app.session.user_commands] == [("deploy", (selected_app, "image", "2"))]
        app.advance(120.0)
        app.refresh_view([], charts=True)
        await pilot.pause()
        running = [
            i for i in app.snapshot.world("container").instances if i.app == selected_app and i.state == "running"
        ]
        assert {i.version for i in running} == {"2"}
        assert f"v2 ×{len(running)}" in plain(view)
        await pilot.press("b")
        await pilot.pause()
        assert app.session.user_commands[-1].args[:3] == (selected_app, "by-hand", "3")


async def test_the_stack_follows_what_a_lesson_step_is_about_until_a_list_moves():
    # isolation step 3 crashes host-b's kernel from node-web-2: the stack beside the tiles showed the newest
    # instance (node-web-4, on host-a), not the one the step talks about.
    from vmsim.tui.widgets.instance_list import InstanceList

    app = VmsimApp(load_scenario("isolation"), animate=False, export_dir="/nonexistent", lesson_step=3)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("right")  # the answer
        await pilot.press("right")  # watched to its end
        view = await ready(pilot)
        assert app.lesson is not None and app.lesson.state.revealed
        assert plain(view).count("node-web-2 on host-b") == 2, plain(view)
        assert app.main.selected_instance() != ("vm", "node-web-2")  # d and the host keys: the lists' selection
        lists = list(app.screen.query(InstanceList))
        lists[0].focus()
        await pilot.press("up")  # the user's choice wins from now on
        app.refresh_view([], charts=True)
        await pilot.pause()
        chosen = lists[0].selected
        assert chosen is not None and chosen.id != "node-web-2"
        assert f"{chosen.id} on {chosen.host}" in plain(view), plain(view)
        await pilot.press("left")  # step 3's question: the same step, the user's choice stays
        await pilot.pause()
        assert app.main.stack_instance() == chosen.id
        await pilot.press("left")  # step 2: what that step is about (node-web-1's guest kernel)
        await pilot.pause()
        assert app.lesson.state.index == 1
        assert app.main.stack_instance() == "node-web-1"


async def test_a_step_that_deploys_to_a_host_shows_an_instance_on_it():
    app = VmsimApp(load_scenario("servers-multiply"), animate=False, export_dir="/nonexistent", lesson_step=2)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("right")  # the answer, and the step's view: the hosts
        view = await ready(pilot)
        instance_id = app.main.stack_instance()
        assert instance_id is not None
        inst = next(i for i in app.snapshot.world("container").instances if i.id == instance_id)
        assert inst.host == "ec2-1", inst
        assert f"{instance_id} on ec2-1" in plain(view), plain(view)


def test_a_tile_counts_every_instance_it_has_no_room_for():
    # A host of 201 instances read "●●●+19": the tile was cut after '+196' had been written.
    from vmsim.session import Session, hosts_summary
    from vmsim.tui.widgets.hosts_view import SMALL_TILE, TILE, tile

    session = Session(load_scenario("hello"))
    session.add_workload("hello", 200)
    session.advance(60.0)
    world = session.snapshot().world("container")
    states = {
        i.id: (i.state, i.exposed, i.works) for i in world.instances if i.state in ("pending", "booting", "running")
    }
    assert len(states) > 100
    summary = hosts_summary(world)
    for shape in (TILE, SMALL_TILE):
        text = tile(world, 0, summary, states, "en", None, shape)
        text.truncate(shape.cells)  # as the view cuts it
        drawn = text.plain[shape.name + 1 + shape.bar + 1 :]
        hidden = int(re.search(r"\+(\d+)$", drawn).group(1))
        assert len(drawn.split("+")[0]) + hidden == len(states), (shape, drawn)


@pytest.mark.parametrize(("size", "lang"), [((80, 24), "en"), ((160, 48), "ko")])
async def test_a_deploy_step_shows_its_time_and_result_beside_the_hosts(size, lang):
    """servers-multiply 2 asks how long one server takes by hand and whether it works: the answer's 101 s was only
    in the Log tab, and the stack drew the broken instance with a healthy dot beside the tile's x."""
    spec = load_scenario("servers-multiply")
    app = VmsimApp(spec, animate=False, export_dir="/nonexistent", lesson_step=2, lang=lang)
    async with app.run_test(size=size) as pilot:
        await pilot.press("right")  # the answer
        await pilot.press("right")  # watched to its end
        view = await ready(pilot)
        text = plain(view)
        done = {"en": "done 101 s after the deploy began", "ko": "시작 101초 뒤 끝남"}[lang]
        assert "ec2-1: " in text and done in " ".join(line.strip() for line in text.splitlines()), text
        assert "x node-web-1" in text and "● node-web-1" not in text, text
        said = spec.lesson[1].text[lang]
        assert "101" in said and ("Log" not in said and "로그" not in said)  # it points at what is on screen


async def test_no_deploy_line_before_a_deploy():
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        view = await ready(pilot, 10.0)
        assert "deploy began" not in plain(view)


@pytest.mark.parametrize("lang", ["en", "ko"])
async def test_a_lesson_at_80_columns_keeps_the_faster_key_its_first_step_names(lang):
    """isolation's first step says '+ speeds it up': the Korean key line at 80×24 had no room left for '+ 빠르게'."""
    app = VmsimApp(load_scenario("isolation"), animate=False, export_dir="/nonexistent", lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        bar = app.main.query_one(KeyBar)
        line = "".join(segment.text for segment in bar.render_line(0))
        assert f" + {tr('key.faster', lang)} " in line, line


@pytest.mark.parametrize("lang", ["en", "ko"])
async def test_a_stopped_instance_s_stack_names_what_replaced_it_and_how_soon(lang):
    """isolation 2 says node-web-1 boots again as node-web-4 'in about 12 s': at 80×24 no time was on screen."""
    app = VmsimApp(load_scenario("isolation"), animate=False, export_dir="/nonexistent", lesson_step=2, lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right")  # the answer
        await pilot.press("right")  # watched to its end
        view = await ready(pilot)
        new = next(i for i in app.snapshot.world("vm").instances if i.replaces == "node-web-1")
        said = tr("hosts.replaced_ready", lang, id=new.id, s=f"{new.boot_s:.2f}")
        assert new.id == "node-web-4" and 11 < new.boot_s < 13 and said in plain(view), plain(view)
