"""``[apps.NAME] dockerfile = "path"``: an app whose image is built from a Dockerfile. Its layers are what a pull
downloads and what the disk stores once; every bad Dockerfile or path is a clear message naming key, file and line."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from vmsim.cli.main import main
from vmsim.engine.catalog import default_catalog
from vmsim.imagebuild.build import build
from vmsim.scenarios import ScenarioError, build_simulation, load_scenario
from vmsim.scenarios.loader import shipped_dir

NODE_GOOD = shipped_dir() / "build" / "node-good"


def scenario(tmp_path: Path, body: str, dockerfile: str | None = None, context: Path = NODE_GOOD) -> str:
    """A scenario file in ``tmp_path`` beside a copy of ``context`` in ``app/`` (its Dockerfile replaced by
    ``dockerfile`` when given)."""
    shutil.copytree(context, tmp_path / "app")
    if dockerfile is not None:
        (tmp_path / "app" / "Dockerfile").write_text(dockerfile, encoding="utf-8")
    path = tmp_path / "s.toml"
    path.write_text('name = "x"\nworlds = ["container", "microvm", "vm"]\n' + body, encoding="utf-8")
    return str(path)


def refused(path: str) -> ScenarioError:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert caught.value.source == path and path in str(caught.value)
    return caught.value


def test_the_apps_image_is_the_dockerfiles_layers_on_the_catalogs_base_layers(tmp_path):
    spec = load_scenario(scenario(tmp_path, '[apps.shop]\ndockerfile = "app/Dockerfile"\nlike = "node-web"\n'))
    (app,) = spec.apps
    built = build(Path(tmp_path / "app" / "Dockerfile"))
    assert app.name == "shop" and app.like == "node-web"
    assert [layer.id for layer in app.layers[:2]] == ["debian-trixie-slim", "node-24"]  # the catalog's own ids
    assert [layer.id for layer in app.layers[2:]] == [layer.digest[:19] for layer in built.layers[2:]]
    assert [round(layer.size_mib, 6) for layer in app.layers] == [round(x.size_mib or 0, 6) for x in built.layers]
    assert [layer.kind for layer in app.layers[2:]] == ["measured", "choice", "measured"]  # COPY measured, RUN a model
    sim = build_simulation(spec)
    image = sim.settings.catalog.apps["shop"].image
    assert image.layers[0] is default_catalog().layers["debian-trixie-slim"]  # the same layer: stored once


def test_like_defaults_to_the_catalog_app_of_that_name_whose_image_it_replaces(tmp_path):
    spec = load_scenario(scenario(tmp_path, '[apps.node-web]\ndockerfile = "app/Dockerfile"\n'))
    catalog = build_simulation(spec).settings.catalog
    assert spec.apps[0].like == "node-web"
    assert [layer.id for layer in catalog.apps["node-web"].image.layers][2:] == [x.id for x in spec.apps[0].layers[2:]]
    assert catalog.apps["node-web"].private_mib == default_catalog().apps["node-web"].private_mib
    assert "node-web-app" not in [layer.id for layer in catalog.apps["node-web"].image.layers]


def test_the_shipped_example_pulls_only_the_dockerfiles_own_layers_and_stores_the_base_once():
    spec = load_scenario("dockerfile-app")
    own = {layer.id for layer in spec.apps[0].layers[2:]}
    sim = build_simulation(spec)
    events = sim.run_until(spec.duration_s)
    sim.check_invariants()
    snap = sim.snapshot()
    catalog = sim.settings.catalog
    for world in ("container", "microvm"):
        stored = {e.artifact.removeprefix("layer ") for e in events if e.world == world and e.kind == "fetched"}
        assert stored == own, world  # node-web's image is cached: its Debian and Node layers are not pulled
        w = next(x for x in snap.worlds if x.name == world)
        unique = {layer.id: layer.size_mib for a in ("shop", "node-web") for layer in catalog.apps[a].image.layers}
        assert w.disk.get("image_layers") == pytest.approx(sum(unique.values()))  # each layer once
        shops = [i for i in w.instances if i.app == "shop"]
        assert len(shops) == 3 and all(i.state == "running" for i in shops)


def test_a_simulation_with_a_dockerfile_app_replays_the_same(tmp_path):
    spec = load_scenario(
        scenario(
            tmp_path,
            '[apps.shop]\ndockerfile = "app/Dockerfile"\nlike = "node-web"\n'
            '[[events]]\nat_s = 0\nadd = "shop"\ncount = 2\n',
        )
    )
    a, b = build_simulation(spec), build_simulation(spec)
    a.run_until(10)
    b.run_until(10)
    assert a.snapshot() == b.snapshot()


@pytest.mark.parametrize(
    ("body", "dockerfile", "phrases"),
    [
        ('dockerfile = "app/Nope"', None, ["apps.shop.dockerfile: got 'app/Nope'", "no such file"]),
        ('dockerfile = "app"', None, ["apps.shop.dockerfile: got 'app'", "not a file (a folder"]),
        ('dockerfile = "../elsewhere/Dockerfile"', None, ["apps.shop.dockerfile", "inside the scenario's folder"]),
        ('dockerfile = "/etc/Dockerfile"', None, ["apps.shop.dockerfile", "inside the scenario's folder"]),
        (
            'dockerfile = "app/Dockerfile"',
            "FROM node:24-trixie-slim\nRUNN npm ci\n",
            ["app/Dockerfile:2: unknown instruction 'RUNN'"],
        ),
        ('dockerfile = "app/Dockerfile"', "FROM node:24\nCOPY . \\\n", ["app/Dockerfile:2:", "line continuation"]),
        (
            'dockerfile = "app/Dockerfile"',
            "FROM example.com/own:1\nCOPY . .\n",
            ["app/Dockerfile: the base image example.com/own:1 is not in the catalog", "node:24-trixie-slim"],
        ),
        (
            'dockerfile = "app/Dockerfile"',
            "FROM node:24-trixie-slim\nADD https://x.org/a.tgz /a\n",
            ["app/Dockerfile:2: ADD https://x.org/a.tgz /a: its size is not known"],
        ),
        (
            'dockerfile = "app/Dockerfile"',
            "FROM node:24-trixie-slim\nCOPY missing.txt .\n",
            ["app/Dockerfile:2: COPY source 'missing.txt' matches no file"],
        ),
        ("", None, ["apps.shop.dockerfile: missing"]),
        (
            'dockerfile = "app/Dockerfile"\nlike = "nodeweb"',
            None,
            ["apps.shop.like: got 'nodeweb'", "did you mean 'node-web'"],
        ),
    ],
    ids=[
        "missing",
        "a folder",
        "parent",
        "absolute",
        "unknown instruction",
        "continuation",
        "unknown base",
        "url",
        "no match",
        "no key",
        "like",
    ],
)
def test_bad_input_names_the_key_and_the_dockerfiles_file_and_line(tmp_path, body, dockerfile, phrases):
    like = "" if "like" in body else 'like = "node-web"\n'
    err = refused(scenario(tmp_path, f"[apps.shop]\n{like}{body}\n", dockerfile))
    text = str(err)
    assert len(err.messages) == 1, text
    for phrase in phrases:
        assert phrase in text, (phrase, text)


@pytest.mark.parametrize("table", ["[apps.node-web]", "[build]"])
def test_a_symbolic_link_out_of_the_scenarios_folder_is_refused(tmp_path, table):
    # An [apps] Dockerfile, and a lesson's [build] (whose view shows what the file says): files beside it only.
    outside = tmp_path / "outside"
    shutil.copytree(NODE_GOOD, outside)
    inner = tmp_path / "inner"
    inner.mkdir()
    os.symlink(outside, inner / "app")
    path = inner / "s.toml"
    path.write_text(f'name = "x"\n{table}\ndockerfile = "app/Dockerfile"\n', encoding="utf-8")
    assert "inside the scenario's folder" in str(refused(str(path)))


@pytest.mark.parametrize(
    ("body", "phrase"),
    [
        ('[apps.Shop]\ndockerfile = "app/Dockerfile"\nlike = "node-web"', "apps.'Shop': an app's name is lower-case"),
        ('[apps.node]\ndockerfile = "app/Dockerfile"\nlike = "node-web"', "apps.node: 'node' is a base image"),
        ('[apps.shop]\ndockerfile = "app/Dockerfile"\nsize = 3', "apps.shop.size: unknown key"),
        ("apps = 3", "apps: got 3, expected a table of apps"),
    ],
)
def test_bad_app_tables_are_named(tmp_path, body, phrase):
    assert phrase in str(refused(scenario(tmp_path, body + "\n")))


def test_an_event_may_name_the_new_app_and_a_misspelt_one_is_still_refused(tmp_path):
    ok = scenario(
        tmp_path,
        '[apps.shop]\ndockerfile = "app/Dockerfile"\nlike = "node-web"\n'
        '[[events]]\nat_s = 0\nadd = "shop"\n[[events]]\nat_s = 5\nremove = "shop-1"\n',
    )
    assert [e.verb for e in load_scenario(ok).events] == ["add_workload", "remove_instance"]
    (tmp_path / "s.toml").write_text(Path(ok).read_text().replace('add = "shop"', 'add = "shopp"'))
    assert "events[0].add: got 'shopp'" in str(refused(ok))


def test_validate_exits_2_with_the_dockerfiles_line_in_korean_too(tmp_path, capsys, monkeypatch):
    path = scenario(
        tmp_path, '[apps.web]\ndockerfile = "app/Dockerfile"\nlike = "nginx"\n', "FROM node:24-trixie-slim\nRUNN x\n"
    )
    monkeypatch.setenv("LC_ALL", "ko_KR.UTF-8")
    assert main(["validate", path]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"apps.web.dockerfile: {tmp_path / 'app' / 'Dockerfile'}:2: 알 수 없는 명령이에요: 'RUNN'" in err


def test_a_run_of_a_dockerfile_app_reports_its_layers_in_json(tmp_path, capsys):
    path = scenario(
        tmp_path, '[apps.shop]\ndockerfile = "app/Dockerfile"\nlike = "node-web"\n[[events]]\nat_s = 0\nadd = "shop"\n'
    )
    assert main(["run", path, "--format", "json", "--until", "20"]) == 0
    data = json.loads(capsys.readouterr().out)
    shop = next(i for i in data["worlds"]["container"]["instances"] if i["id"] == "shop-1")
    assert shop["state"] == "running" and shop["phases"][0]["name"] == "pull"


@pytest.mark.parametrize(
    ("build", "phrases"),
    [
        ('dockerfile = "/etc/passwd"', ["build.dockerfile", "inside the scenario's folder"]),
        ('dockerfile = "../elsewhere/Dockerfile"', ["build.dockerfile", "inside the scenario's folder"]),
        ('dockerfile = "app/Dockerfile"\ncompare = "/etc/hostname"', ["build.compare", "inside the scenario's folder"]),
        ('dockerfile = "app/Dockerfile"\nchanged = ["/etc/passwd"]', ["build.changed[0]", "of the build context"]),
        ('dockerfile = "app/Dockerfile"\nchanged = ["../../s.toml"]', ["build.changed[0]", "of the build context"]),
        ('dockerfile = "app/Dockerfile"\nchanged = ["src/nope.js"]', ["build.changed[0]", "of the build context"]),
    ],
)
def test_a_lessons_build_reads_only_files_beside_the_scenario(tmp_path, build, phrases):
    # The build view shows what its Dockerfile says (under 'vmsim serve', to a browser) and hashes its folder:
    # the same rule as an [apps] Dockerfile.
    text = str(refused(scenario(tmp_path, f"[build]\n{build}\n")))
    for phrase in phrases:
        assert phrase in text, (phrase, text)
    assert "root:" not in text


def test_a_lessons_build_beside_the_scenario_is_read(tmp_path):
    spec = load_scenario(scenario(tmp_path, '[build]\ndockerfile = "app/Dockerfile"\nchanged = ["src/server.js"]\n'))
    assert spec.build is not None and spec.build.changed == ("src/server.js",)
    assert spec.build.dockerfile == tmp_path / "app" / "Dockerfile"
