"""Layers, sizes, digests and the build cache of real Dockerfiles."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from vmsim.imagebuild.build import build
from vmsim.imagebuild.context import MIB
from vmsim.imagebuild.figures import build_figures

from .conftest import FIXTURES


def caches(result) -> list[str]:  # noqa: ANN001
    return [layer.cache for layer in result.layers]


def test_node_app_layers_in_order_with_their_lines_and_sources() -> None:
    result = build(FIXTURES / "node-app" / "Dockerfile")
    assert [layer.line for layer in result.layers] == [None, None, 6, 7, 8]
    assert [layer.size_source for layer in result.layers] == ["catalog", "catalog", "measured", "estimated", "measured"]
    assert result.base == "node:24-trixie-slim" and result.base_kind == "catalog"
    assert caches(result) == ["miss"] * 5  # a first build: nothing cached
    assert result.image_mib == pytest.approx(sum(layer.size_mib for layer in result.layers))


def test_copy_sizes_are_the_context_files_less_what_dockerignore_excludes() -> None:
    root = FIXTURES / "node-app"
    result = build(root / "Dockerfile")
    lock = (root / "package.json").stat().st_size + (root / "package-lock.json").stat().st_size
    assert result.layers[2].size_mib == pytest.approx(lock / MIB)
    kept = ["package.json", "package-lock.json", "src/server.js", "src/routes.js", "public/index.html"]
    assert result.layers[4].size_mib == pytest.approx(sum((root / p).stat().st_size for p in kept) / MIB)
    assert "5 files" in result.layers[4].note  # not npm-debug.log, Dockerfile* or .dockerignore


def test_npm_estimate_counts_the_lockfile_without_dev_packages() -> None:
    result = build(FIXTURES / "node-app" / "Dockerfile")
    per = build_figures().value("run.npm_package_mib")
    assert result.layers[3].size_mib == pytest.approx(67 * per)
    assert "67 packages in package-lock.json" in result.layers[3].note and "(model)" in result.layers[3].note


def test_well_ordered_dockerfile_keeps_the_dependency_layer_after_a_code_change() -> None:
    result = build(FIXTURES / "node-app" / "Dockerfile", changed=["src/server.js"], push=True)
    assert caches(result) == ["hit", "hit", "hit", "hit", "miss"]
    assert result.push_mib == pytest.approx(result.layers[4].compressed_mib)
    assert result.pull_mib == pytest.approx(result.push_mib)


def test_badly_ordered_dockerfile_reinstalls_every_dependency_after_a_code_change() -> None:
    good = build(FIXTURES / "node-app" / "Dockerfile", changed=["src/server.js"], push=True)
    bad = build(FIXTURES / "node-app" / "Dockerfile.bad", changed=["src/server.js"], push=True)
    assert caches(bad) == ["hit", "hit", "miss", "miss"]
    assert bad.push_mib > 50 * good.push_mib
    assert bad.build_s > good.build_s


def test_a_lockfile_change_misses_from_the_first_copy() -> None:
    result = build(FIXTURES / "node-app" / "Dockerfile", changed=["package-lock.json"])
    assert caches(result) == ["hit", "hit", "miss", "miss", "miss"]


def test_a_change_to_an_ignored_file_misses_nothing() -> None:
    result = build(FIXTURES / "node-app" / "Dockerfile", changed=["npm-debug.log"])
    assert caches(result) == ["hit"] * 5


def test_a_changed_directory_covers_the_files_under_it() -> None:
    result = build(FIXTURES / "node-app" / "Dockerfile", changed=["src"])
    assert caches(result)[-1] == "miss" and caches(result)[3] == "hit"


def test_digests_change_exactly_when_the_layer_would(node_app: Path) -> None:
    first = build(node_app / "Dockerfile")
    again = build(node_app / "Dockerfile")
    assert [layer.digest for layer in first.layers] == [layer.digest for layer in again.layers]
    (node_app / "src" / "server.js").write_text("// edited\n", encoding="utf-8")
    (node_app / "npm-debug.log").write_text("ignored anyway\n", encoding="utf-8")
    edited = build(node_app / "Dockerfile")
    same = [a.digest == b.digest for a, b in zip(first.layers, edited.layers, strict=True)]
    assert same == [True, True, True, True, False]


def test_mtime_alone_does_not_change_a_digest(node_app: Path) -> None:
    before = build(node_app / "Dockerfile").layers[-1].digest
    import os

    os.utime(node_app / "src" / "server.js", (1, 1))
    assert build(node_app / "Dockerfile").layers[-1].digest == before


def test_a_run_digest_is_its_command_and_parent(write_context: Callable[..., Path]) -> None:
    ctx = write_context(Dockerfile="FROM alpine:3.22\nRUN echo a\nRUN echo b\n")
    a = build(ctx / "Dockerfile")
    (ctx / "Dockerfile").write_text("FROM alpine:3.22\nRUN echo A\nRUN echo b\n", encoding="utf-8")
    b = build(ctx / "Dockerfile")
    assert a.layers[0].digest == b.layers[0].digest
    assert a.layers[1].digest != b.layers[1].digest
    assert a.layers[2].digest != b.layers[2].digest  # same text, new parent


def test_python_app_estimates_pip_from_requirements(tmp_path: Path) -> None:
    root = Path(shutil.copytree(FIXTURES / "python-app", tmp_path / "python-app"))
    (root / "__pycache__").mkdir()
    (root / "__pycache__" / "app.cpython-311.pyc").write_bytes(b"compiled")
    result = build(root / "Dockerfile")
    run = result.layers[4]
    assert run.line == 6 and run.size_source == "estimated"
    assert run.size_mib == pytest.approx(3 * build_figures().value("run.pip_requirement_mib"))
    assert [layer.size_source for layer in result.layers[:3]] == ["derived"] * 3  # python:3.11-slim, §13
    assert "4 files" in result.layers[-1].note  # __pycache__ excluded by **/__pycache__


def test_multi_stage_go_build_ships_only_the_final_stage() -> None:
    result = build(FIXTURES / "go-app" / "Dockerfile", changed=["cmd/server/main.go"])
    assert result.base == "gcr.io/distroless/static-debian12" and result.base_kind == "unknown"
    assert [layer.line for layer in result.layers] == [None, 11]
    assert result.layers[0].size_mib is None and not result.sizes_known
    assert caches(result) == ["hit", "miss"]  # the binary changed because its stage rebuilt
    assert "Go binary" in result.layers[1].note


def test_a_change_the_final_stage_does_not_copy_keeps_its_layers(write_context: Callable[..., Path]) -> None:
    ctx = write_context(
        Dockerfile="FROM golang:1.23 AS build\nCOPY tools tools\nRUN go build ./...\n"
        "FROM alpine:3.22 AS unused\nCOPY docs docs\n"
        "FROM scratch\nCOPY --from=build /out /out\n",
        **{"tools__a.go": "package a", "docs__x.md": "x"},
    )
    result = build(ctx / "Dockerfile", changed=["docs/x.md"])
    assert caches(result) == ["hit"]  # the unused stage is not built at all


def test_base_size_gives_an_unknown_base_its_size() -> None:
    result = build(FIXTURES / "go-app" / "Dockerfile", base_size_mib=2.5)
    assert result.layers[0].size_mib == 2.5 and result.layers[0].size_source == "given"
    assert result.sizes_known and result.image_mib == pytest.approx(12.5)


def test_scratch_has_no_base_layers() -> None:
    result = build(FIXTURES / "go-app" / "Dockerfile.scratch")
    assert result.base_kind == "scratch" and [layer.line for layer in result.layers] == [7]


def test_arg_env_continuations_and_metadata(write_context: Callable[..., Path]) -> None:
    ctx = write_context(
        Dockerfile="ARG V=3.22\nFROM alpine:${V}\nARG DIR=conf\nENV TARGET=/etc \\\n    MODE=x\n"
        "LABEL a=b\nEXPOSE 80\nWORKDIR $TARGET\nCOPY ${DIR}/ $TARGET/\nRUN apk add --no-cache \\\n  curl \\\n  jq\n",
        **{"conf__app.ini": "k=v\n"},
    )
    result = build(ctx / "Dockerfile")
    assert result.base == "alpine:3.22" and result.base_kind == "catalog"
    assert [layer.line for layer in result.layers] == [None, 9, 10]
    assert result.layers[1].instruction == "COPY conf/ /etc/"
    assert result.layers[1].size_mib == pytest.approx(4 / MIB)
    assert result.layers[2].size_mib == pytest.approx(2 * build_figures().value("run.apk_package_mib"))


def test_copy_wildcards_and_json_form(write_context: Callable[..., Path]) -> None:
    ctx = write_context(
        Dockerfile='FROM scratch\nCOPY package*.json ./\nCOPY ["src", "/app/src"]\n',
        **{"package.json": "{}", "package-lock.json": "{}", "src__a.js": "1", "other.txt": "no"},
    )
    result = build(ctx / "Dockerfile")
    assert "2 files" in result.layers[0].note and "1 files" in result.layers[1].note


def test_push_without_changes_uploads_every_own_layer_and_a_new_server_pulls_all() -> None:
    result = build(FIXTURES / "node-app" / "Dockerfile", push=True)
    own = sum(layer.compressed_mib for layer in result.layers if layer.line is not None)
    assert result.push_mib == pytest.approx(own)
    assert result.pull_mib == pytest.approx(sum(layer.compressed_mib for layer in result.layers))
    mbps = build_figures().value("transfer.registry_mbps")
    assert result.pull_s == pytest.approx(result.pull_mib * 1.048576 * 8 / mbps)


SHIPPED = Path(__file__).parents[2] / "scenarios" / "build"


@pytest.mark.parametrize(("shipped", "fixture"), [("node-good", "Dockerfile"), ("node-bad", "Dockerfile.bad")])
def test_shipped_examples_match_the_fixtures(shipped: str, fixture: str) -> None:
    root = SHIPPED / shipped
    assert (root / "Dockerfile").read_bytes() == (FIXTURES / "node-app" / fixture).read_bytes()
    ours = build(root / "Dockerfile", changed=["src/server.js"], push=True)
    theirs = build(FIXTURES / "node-app" / fixture, changed=["src/server.js"], push=True)
    assert [(a.digest, a.cache) for a in ours.layers] == [(b.digest, b.cache) for b in theirs.layers]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_table_gives_a_code_layer_and_its_push_in_kib_as_the_lesson_does(lang: str) -> None:
    """The build-and-ship lesson says a one-line change ships 6.8 KiB; the command line said '0.007 MiB' and
    a '0.02' MiB layer. Sizes under 1 MiB are given in KiB, each with its unit."""
    from vmsim.imagebuild.render import render_table
    from vmsim.scenarios import load_scenario

    result = build(SHIPPED / "node-good" / "Dockerfile", changed=["src/server.js"], push=True)
    text = render_table(result, lang)
    assert result.push_mib is not None and result.push_mib < 1
    shipped = f"{result.push_mib * 1024:.1f} KiB"
    lesson = load_scenario("build-and-ship").lesson
    assert any(shipped in step.facts for step in lesson), (shipped, [step.facts for step in lesson])
    push_line = next(line for line in text.splitlines() if shipped in line)
    assert "MiB" not in push_line and "<0.01" in push_line
    code = result.layers[-1]
    row = next(line for line in text.splitlines() if line.startswith(f"{len(result.layers)} "))
    assert f"{code.size_mib * 1024:.1f} KiB" in row
    assert f"{result.layers[0].size_mib:.1f} MiB" in text
    # The size's source and the cache in the table's language, as its headings are ("measured", "miss" in Korean
    # under Korean headings was half a translation).
    words = {"en": ("measured", "miss"), "ko": ("측정", "다시 빌드")}[lang]
    assert all(word in row for word in words), row
    base = next(line for line in text.splitlines() if line.startswith("1 "))
    assert {"en": "layer 1/2", "ko": "레이어 1/2"}[lang] in base, base


def test_a_first_build_says_a_new_server_pulls_it_and_a_rebuild_the_previous_versions() -> None:
    from vmsim.imagebuild.render import render_table

    first = render_table(build(SHIPPED / "node-good" / "Dockerfile", push=True))
    again = render_table(build(SHIPPED / "node-good" / "Dockerfile", changed=["src/server.js"], push=True))
    assert "a new server pulls" in first and "previous version" not in first
    assert "a server running the previous version pulls" in again and "new server" not in again
