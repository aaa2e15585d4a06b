"""What a scenario file may say: its keys, their types, ranges and defaults, checked into a ScenarioSpec."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from vmsim.engine.catalog import Catalog, default_catalog
from vmsim.engine.kinds import WORLD_KINDS
from vmsim.engine.machines import ContainerSettings, MicroVmSettings, VmSettings
from vmsim.scenarios.apps import read_apps, with_app_images
from vmsim.scenarios.cluster import (
    check_deploys,
    check_event_hosts,
    check_lesson_deploys,
    read_cluster,
    read_deploy,
    read_fault,
)
from vmsim.scenarios.errors import AT_LEAST_ONE_WORLD, ScenarioError, one_of, safe, string_of, suggest
from vmsim.scenarios.image_build import read_build
from vmsim.scenarios.reader import Reader
from vmsim.scenarios.spec import EventSpec, HostSpec, LessonStep, ScenarioSpec
from vmsim.text import LANGS, msg, render

VERBS = ("add", "remove", "grow", "fault", "deploy")
MAX_COUNT = 100_000
MAX_INSTANCES = 10_000  # in all, per world, on one host or a few: a run of it takes seconds
PER_HOST = 100  # more hosts may run more: 1,000 hosts × 100 = 100,000 (bench/run.py runs 30,000 per world)
MAX_BROAD_EVENTS = 100  # grow and remove-all events each visit every instance of an app
MAX_TIME_S = 1_000_000.0

TOP_KEYS = [
    "name",
    "description",
    "seed",
    "duration_s",
    "worlds",
    "host",
    "cluster",
    "vm",
    "container",
    "microvm",
    "events",
    "lesson",
    "build",
    "apps",
]
HOST_KEYS = ["preset", "cpu_cores", "memory_gib", "memory_mib", "disk_gib"]
VM_KEYS = [
    "guest_os",
    "memory_mib",
    "vcpus",
    "disk",
    "clone",
    "boot",
    "image_cached",
    "overcommit_ratio",
    "cpu_allocation_ratio",
    "ksm",
]
CONTAINER_KEYS = ["registry_mbps", "cached_images", "memory_limit_mib", "networks"]
MICROVM_KEYS = ["memory_mib", "vcpus", "overcommit_ratio"]
# What an event and a lesson step may do (one verb, with its options).
ACTION_KEYS = [
    "add",
    "count",
    "host",
    "remove",
    "grow",
    "memory_mib",
    "fault",
    "instance",
    "reboot",
    "deploy",
    "method",
    "version",
    "hosts",
    "max_unavailable",
]
EVENT_KEYS = ["at_s", *ACTION_KEYS]
DEPLOY_KEYS = ("method", "version", "hosts", "max_unavailable")
LESSON_KEYS = [
    "title",
    "text",
    "ask",
    *ACTION_KEYS,
    "pause",
    "worlds",
    "view",
    "highlight",
    "watch_s",
    "facts",
    "fit",
]
LESSON_VIEWS = (
    "log",
    "memory",
    "ready",
    "timeline",
    "images",
    "drift",
    "drift-setup",
    "drift-manual",
    "drift-dockerfile",
    "drift-build",
    "build-first",
    "build-change",
    "build-compare",
    "hosts",
)
LESSON_HIGHLIGHTS = ("memory", "disk", "cpu", "instances", "fit")


def parse_scenario(
    data: dict[str, Any], source: str = "<memory>", catalog: Catalog | None = None, slug: str = ""
) -> ScenarioSpec:
    """Validate a parsed TOML document; raise :class:`ScenarioError` listing every problem."""
    catalog = catalog or default_catalog()
    r = Reader(source, catalog)
    top = r.table(data, "", TOP_KEYS)
    # Apps defined by a Dockerfile come first: events, lesson steps and cached images may name them.
    apps = read_apps(r, top["apps"], source, catalog) if "apps" in top else ()
    catalog = r.catalog = with_app_images(catalog, apps)
    guests = [g for g in catalog.guests if g != "microvm-linux"]

    # A string (English), or a table by language like a lesson's texts: name.en = "...", name.ko = "...".
    names = _read_texts(r, top, "name", "", required=True, max_len=200, allowed="") or {}
    descriptions = _read_texts(r, top, "description", "", required=False, max_len=2000, allowed="") or {}
    seed = r.number(top, "seed", "", 0, 0, 2**63 - 1, whole=True)
    duration_s = r.number(top, "duration_s", "", 60.0, 0, MAX_TIME_S, lo_open=True)

    def world_ok(item: str, where: str) -> str | None:
        if item in WORLD_KINDS:
            return item
        r.problem(where, item, one_of(WORLD_KINDS), suggest(item, list(WORLD_KINDS)))
        return None

    worlds = r.string_list(top, "worlds", "", ("vm", "container"), world_ok, max_items=3)
    if "worlds" in top and isinstance(top["worlds"], list) and not worlds and not r.problems:
        r.problem("worlds", top["worlds"], AT_LEAST_ONE_WORLD)
    if len(set(worlds)) != len(worlds):
        r.problem("worlds", list(worlds), msg("scenario.worlds_once"))

    h = r.table(top.get("host", {}), "host", HOST_KEYS)
    preset = r.string(h, "preset", "host", "laptop", choices=list(catalog.hosts))
    cores = r.number(h, "cpu_cores", "host", None, 1, 4096, whole=True)
    mem_gib = r.number(h, "memory_gib", "host", None, 0, 65536, lo_open=True)
    mem_mib = r.number(h, "memory_mib", "host", None, 0, 65536 * 1024, lo_open=True)
    if mem_gib is not None and mem_mib is not None:
        r.add("scenario.memory_both")
    disk_gib = r.number(h, "disk_gib", "host", None, 0, 1 << 20, lo_open=True)
    host = HostSpec(
        preset=preset,
        cpu_cores=cores,
        memory_mib=mem_mib if mem_mib is not None else (mem_gib * 1024 if mem_gib is not None else None),
        disk_mib=disk_gib * 1024 if disk_gib is not None else None,
    )
    host_preset = catalog.hosts.get(preset)
    # Containers and microVMs also need the container runtime's daemons beside the host OS.
    needs_runtime = any(w in ("container", "microvm") for w in worlds)
    os_mib = host_preset.host_os_memory_mib.value if host_preset is not None else 0.0
    runtime_mib = catalog.runtimes[ContainerSettings().runtime].daemon_memory_mib.value if needs_runtime else 0.0
    floor = os_mib + runtime_mib
    if host_preset is not None and host.memory_mib is not None and host.memory_mib <= floor:
        # The floor in the unit the file used: "got 1, expected more than 1.61 GiB", not "than 1646 MiB".
        limit = f"{floor / 1024:.3g} GiB" if mem_gib is not None else f"{floor:,g} MiB"
        own = (
            msg("scenario.host_own_runtime", floor=limit, os=f"{os_mib:,g}", runtime=f"{runtime_mib:,g}")
            if runtime_mib
            else msg("scenario.host_own_os", floor=limit)
        )
        r.problem(
            "host.memory_gib" if mem_gib is not None else "host.memory_mib",
            mem_gib or mem_mib,
            msg("scenario.host_memory", own=own),
        )
    if host_preset is not None and host.disk_mib is not None and host.disk_mib <= host_preset.host_os_disk_mib.value:
        gib = f"{host_preset.host_os_disk_mib.value / 1024:g}"
        r.problem("host.disk_gib", disk_gib, msg("scenario.host_disk", gib=gib))

    cluster = read_cluster(r, top)

    v = r.table(top.get("vm", {}), "vm", VM_KEYS)
    d = VmSettings()
    vm = VmSettings(
        guest_os=r.string(v, "guest_os", "vm", d.guest_os, choices=guests),
        memory_mib=r.number(v, "memory_mib", "vm", d.memory_mib, 16, 4 * 1024 * 1024),
        vcpus=r.number(v, "vcpus", "vm", d.vcpus, 1, 512, whole=True),
        disk=r.string(v, "disk", "vm", d.disk, choices=["thin", "preallocated"]),
        clone=r.string(v, "clone", "vm", d.clone, choices=["overlay", "copy", "linked"]),
        boot=r.string(v, "boot", "vm", d.boot, choices=["first", "reboot"]),
        image_cached=r.boolean(v, "image_cached", "vm", d.image_cached),
        overcommit_ratio=r.number(v, "overcommit_ratio", "vm", d.overcommit_ratio, 1, 100),
        cpu_allocation_ratio=r.number(v, "cpu_allocation_ratio", "vm", None, 0, 1000, lo_open=True),
        ksm=r.boolean(v, "ksm", "vm", d.ksm),
    )

    def image_ok(item: str, where: str) -> str | None:
        if item in catalog.images:
            return item
        if item in catalog.apps:
            return catalog.apps[item].image.name
        choices = sorted(set(catalog.images) | set(catalog.apps))
        hint = suggest(item, choices) or msg("scenario.known", known=", ".join(choices))
        r.problem(where, item, msg("scenario.image_or_app"), hint)
        return None

    c = r.table(top.get("container", {}), "container", CONTAINER_KEYS)
    cd = ContainerSettings()
    container = ContainerSettings(
        # From 1 kbit/s: a slower link would make a download outlast any simulation (and underflow to 0).
        registry_mbps=r.number(c, "registry_mbps", "container", cd.registry_mbps, 0.001, 1_000_000),
        cached_images=r.string_list(c, "cached_images", "container", (), image_ok),
        memory_limit_mib=r.number(c, "memory_limit_mib", "container", None, 0, 1 << 30, lo_open=True),
        # Docker's default address pools give about 31 user-defined networks.
        networks=r.number(c, "networks", "container", cd.networks, 1, 31, whole=True),
    )

    m = r.table(top.get("microvm", {}), "microvm", MICROVM_KEYS)
    md = MicroVmSettings()
    microvm = MicroVmSettings(
        memory_mib=r.number(m, "memory_mib", "microvm", md.memory_mib, 16, 4 * 1024 * 1024),
        vcpus=r.number(m, "vcpus", "microvm", md.vcpus, 1, 512, whole=True),
        overcommit_ratio=r.number(m, "overcommit_ratio", "microvm", md.overcommit_ratio, 1, 100),
    )

    events, paths = _read_events(r, top.get("events", []), catalog)
    build = read_build(r, top["build"], source) if "build" in top else None
    lesson = _read_lesson(r, top.get("lesson", []), catalog)
    # An event may reach an app a lesson step adds (the class reaches that step before the event's time).
    step_apps = {str(a.args[0]) for step in lesson for a in step.actions if a.verb == "add_workload"}
    check_deploys(r, events, paths, step_apps)
    check_lesson_deploys(r, events, [step.actions for step in lesson])
    check_event_hosts(r, cluster)
    broad = sum(1 for e in events if e.verb in ("grow_app", "remove_app")) + sum(
        1 for step in lesson for a in step.actions if a.verb in ("grow_app", "remove_app")
    )
    if broad > MAX_BROAD_EVENTS:
        # Each touches every instance of its app: ten thousand of them over 15,000 containers ran for minutes.
        r.add("scenario.broad_events", broad=f"{broad:,}", max=MAX_BROAD_EVENTS)
    asked = _added(events) + sum(_added(step.actions) for step in lesson)
    most = max(MAX_INSTANCES, PER_HOST * cluster.hosts)
    if asked > most:
        # Each count is within bounds, but ten thousand events of them would never finish.
        r.add(
            "scenario.instances",
            asked=f"{asked:,}",
            max=f"{most:,}",
            hosts=MAX_INSTANCES // PER_HOST,
            per_host=PER_HOST,
        )

    if r.problems:
        raise ScenarioError(source, r.problems)
    return ScenarioSpec(
        name=names["en"],
        description=descriptions.get("en", ""),
        seed=seed,
        duration_s=float(duration_s),
        worlds=tuple(worlds),
        host=host,
        cluster=cluster,
        vm=vm,
        container=container,
        microvm=microvm,
        events=tuple(sorted(events, key=lambda ev: ev.at_s)),
        lesson=lesson,
        build=build,
        apps=apps,
        source=source,
        slug=slug,
        texts={"name": names, "description": descriptions},
    )


def _added(actions: Iterable[EventSpec]) -> int:
    """How many instances the add events among ``actions`` ask for."""
    return sum(n for a in actions if a.verb == "add_workload" and isinstance(n := a.args[1], int))


def _read_events(r: Reader, raw_events: Any, catalog: Catalog) -> tuple[list[EventSpec], list[str]]:
    """The ``[[events]]``, validated, and where each is in the file (``events[3]``)."""
    events: list[EventSpec] = []
    paths: list[str] = []
    if not isinstance(raw_events, list):
        r.problem("events", raw_events, msg("scenario.events_array"))
        return events, paths
    if len(raw_events) > 10_000:
        r.problem("events", f"{len(raw_events)} events", msg("scenario.events_max"))
        return events, paths
    for i, raw in enumerate(raw_events):
        path = f"events[{i}]"
        e = r.table(raw, path, EVENT_KEYS)
        if not e:
            if isinstance(raw, dict):
                r.add("scenario.event_empty", path=path)
            continue
        if "at_s" not in e:
            r.add("scenario.at_s_missing", path=path)
        at_s = r.number(e, "at_s", path, 0.0, 0, MAX_TIME_S)
        verbs = [k for k in VERBS if k in e]
        if len(verbs) != 1:
            r.add("scenario.one_verb", path=path, found=", ".join(verbs) or msg("scenario.none"))
            continue
        action = _read_action(r, e, path, catalog, float(at_s))
        if action is not None:
            events.append(action)
            paths.append(path)
    return events, paths


def _read_action(r: Reader, e: dict[str, Any], path: str, catalog: Catalog, at_s: float) -> EventSpec | None:
    """One of add (+count), remove, grow (+memory_mib), fault from a table, or None (problems recorded)."""
    apps = list(catalog.apps)
    verb = next(k for k in VERBS if k in e)
    if verb == "fault":
        return read_fault(r, e, path, catalog, at_s)
    if verb == "deploy":
        return read_deploy(r, e, path, catalog, at_s)
    for key in DEPLOY_KEYS:
        if key in e:
            r.add("scenario.only_with", where=f"{path}.{key}", verb="deploy")
    for key in ("instance", "reboot"):
        if key in e:
            r.add("scenario.only_with", where=f"{path}.{key}", verb="fault")
    target = r.string(e, verb, path, None, max_len=200)
    if target is None:
        return None
    if verb != "remove" and target not in catalog.apps:
        hint = suggest(target, apps) or msg("scenario.apps", names=", ".join(apps))
        r.problem(f"{path}.{verb}", target, msg("scenario.app_name"), hint)
        return None
    if verb == "add":
        if "memory_mib" in e:
            r.add("scenario.only_with", where=f"{path}.memory_mib", verb="grow")
        count = r.number(e, "count", path, 1, 1, MAX_COUNT, whole=True)
        host = r.string(e, "host", path, None, max_len=63)
        if host is None:
            return EventSpec(at_s, "add_workload", (target, count))
        r.named_hosts.append((f"{path}.host", host))
        return EventSpec(at_s, "add_workload", (target, count, host))
    if "host" in e:
        r.add("scenario.only_with", where=f"{path}.host", verb="add")
    if verb == "grow":
        if "count" in e:
            r.add("scenario.only_with", where=f"{path}.count", verb="add")
        if "memory_mib" not in e:
            r.add("scenario.grow_memory_missing", path=path)
        mib = r.number(e, "memory_mib", path, 0.0, 0, 1 << 30, lo_open=True)
        return EventSpec(at_s, "grow_app", (target, mib))
    for extra in ("count", "memory_mib"):
        if extra in e:
            r.add("scenario.only_with", where=f"{path}.{extra}", verb="add" if extra == "count" else "grow")
    if target in catalog.apps:
        return EventSpec(at_s, "remove_app", (target,))
    app_part = target.rsplit("-", 1)[0]
    if app_part not in catalog.apps or not target.rsplit("-", 1)[-1].isdigit():
        r.problem(f"{path}.remove", target, msg("scenario.remove_target"), suggest(app_part, apps))
        return None
    return EventSpec(at_s, "remove_instance", (target,))


def _read_texts(
    r: Reader,
    t: dict[str, Any],
    key: str,
    path: str,
    required: bool,
    max_len: int = 4000,
    allowed: str = "\n\t",
) -> dict[str, str] | None:
    """A text by language: ``key.en = "..."`` (required when ``required``), ``key.ko = "..."``; a plain string
    is the English text. Each at most ``max_len`` characters, with no control character outside ``allowed``."""
    where = f"{path}.{key}" if path else key
    if key not in t:
        if required:
            # At the top level the plain form is the simplest advice (name = "..."); in a step, by language.
            r.add("scenario.text_missing" if path else "scenario.missing", where=where, key=key)
        return None
    raw = t[key]
    if isinstance(raw, str):
        if len(raw) > max_len:
            r.problem(where, raw, string_of(max_len, f"{max_len:,}"))
            return {}
        return {"en": raw} if r.control_free(where, raw, allowed=allowed) else {}
    if not isinstance(raw, dict):
        r.problem(where, raw, msg("scenario.texts_by_language", key=key))
        return None
    out: dict[str, str] = {}
    for lang, text in raw.items():
        if lang not in LANGS:
            hint = suggest(lang, list(LANGS))
            r.add("scenario.unknown_language", where=f"{where}.{safe(lang)}", hint=hint, known=", ".join(LANGS))
        elif not isinstance(text, str) or len(text) > max_len:
            r.problem(f"{where}.{lang}", text, string_of(max_len, f"{max_len:,}"))
        elif r.control_free(f"{where}.{lang}", text, allowed=allowed):
            out[lang] = text
    if "en" not in out and not any(render(p).startswith(f"{where}.en") for p in r.problems):
        r.add("scenario.english_missing", where=where, key=key)
    return out


def _read_lesson(r: Reader, raw_steps: Any, catalog: Catalog) -> tuple[LessonStep, ...]:
    """The ``[[lesson]]`` steps, validated."""
    if not isinstance(raw_steps, list):
        r.problem("lesson", raw_steps, msg("scenario.lesson_array"))
        return ()
    if len(raw_steps) > 200:
        r.problem("lesson", f"{len(raw_steps)} steps", msg("scenario.lesson_max"))
        return ()
    steps = []
    for i, raw in enumerate(raw_steps):
        path = f"lesson[{i}]"
        t = r.table(raw, path, LESSON_KEYS)
        if not isinstance(raw, dict):
            continue
        text = _read_texts(r, t, "text", path, required=True) or {}
        title = _read_texts(r, t, "title", path, required=False) or {}
        ask = _read_texts(r, t, "ask", path, required=False)
        actions: tuple[EventSpec, ...] = ()
        verbs = [k for k in VERBS if k in t]
        if len(verbs) > 1:
            r.add("scenario.one_action", path=path, found=", ".join(verbs))
        elif verbs:
            action = _read_action(r, t, path, catalog, 0.0)
            actions = (action,) if action is not None else ()
        elif "count" in t or "memory_mib" in t:
            r.add("scenario.count_without_verb", path=path)

        def world_ok(item: str, where: str) -> str | None:
            if item in WORLD_KINDS:
                return item
            r.problem(where, item, one_of(WORLD_KINDS), suggest(item, list(WORLD_KINDS)))
            return None

        worlds = r.string_list(t, "worlds", path, None, world_ok, max_items=3) if "worlds" in t else None
        if worlds is not None and not worlds:
            r.problem(f"{path}.worlds", t["worlds"], AT_LEAST_ONE_WORLD)
        steps.append(
            LessonStep(
                text=text,
                title=title,
                ask=ask,
                actions=actions,
                pause=r.boolean(t, "pause", path, None) if "pause" in t else None,  # type: ignore[arg-type]
                worlds=tuple(worlds) if worlds else None,
                view=r.string(t, "view", path, None, choices=list(LESSON_VIEWS)),
                highlight=r.string(t, "highlight", path, None, choices=list(LESSON_HIGHLIGHTS)),
                watch_s=float(r.number(t, "watch_s", path, 0.0, 0, 3600)),
                show_fit=bool(r.boolean(t, "fit", path, True)),
                facts=r.string_list(t, "facts", path, (), lambda item, where: item or None, max_items=20),
            )
        )
    return tuple(steps)
