"""Scenario files (TOML) → :class:`ScenarioSpec`, with errors that name the file, the key and the fix."""

from __future__ import annotations

import difflib
import math
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from vmsim.engine.catalog import Catalog, default_catalog
from vmsim.engine.kinds import WORLD_KINDS
from vmsim.engine.machines import ContainerSettings, MicroVmSettings, VmSettings
from vmsim.i18n import LANGS, Bilingual, ko_of
from vmsim.scenarios.spec import EventSpec, HostSpec, LessonStep, ScenarioSpec

MAX_FILE_BYTES = 1 << 20
MAX_COUNT = 100_000
MAX_INSTANCES = 10_000  # in all, per world: the engine benchmark runs 10,000 per world in three worlds in seconds
# tomllib is quadratic in a key's parts (40,000 took 20 s); a 1 MiB file of 100-part keys parses in under 1 s.
MAX_DOTS_PER_LINE = 100
MAX_BROAD_EVENTS = 100  # grow and remove-all events each visit every instance of an app
MAX_TIME_S = 1_000_000.0


class ScenarioError(Exception):
    """A scenario that cannot be used. ``str()`` is a complete message for a person."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(self.text("en"))

    def text(self, lang: str = "en") -> str:
        """Every problem, one per line, in ``lang`` (Korean where the problem carries it)."""
        return "\n".join(f"{self.source}: {p.in_lang(lang) if isinstance(p, Bilingual) else p}" for p in self.problems)


def _suggest(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(str(word), choices, n=1, cutoff=0.5)
    return Bilingual(f" (did you mean {close[0]!r}?)", f" ({close[0]!r}을(를) 말한 건가요?)") if close else ""


def _num(x: float) -> str:
    """A bound as people write it: 4,194,304 rather than 4.1943e+06."""
    return f"{int(x):,}" if float(x).is_integer() else f"{x:g}"


def _one_of(choices: Any) -> Bilingual:
    names = ", ".join(choices)
    return Bilingual(f"one of {names}", f"다음 중 하나: {names}")


def _string_of(max_len: int, shown: str | None = None) -> Bilingual:
    shown = shown or str(max_len)
    return Bilingual(f"a string of at most {shown} characters", f"최대 {shown}자의 문자열")


_AT_LEAST_ONE_WORLD = Bilingual("at least one of vm, container, microvm", "vm, container, microvm 중 하나 이상")


def _show(value: Any) -> str:
    """A value from the file as the message shows it: short, and safe to print on a terminal."""
    try:
        text = repr(value)
    except (ValueError, RecursionError):
        # A 5,000-digit integer or a table nested a thousand deep cannot be repr()'d: describe it.
        text = (
            f"an integer of about {int(value.bit_length() * 0.30103) + 1:,} digits"
            if isinstance(value, int)
            else (f"a {type(value).__name__} nested too deeply to show")
        )
    return text if len(text) <= 60 else text[:57] + "..."


def _safe(key: str) -> str:
    """A key from the file, quoted when it holds characters a terminal would act on (newlines, escapes)."""
    return key if key.isprintable() else repr(key)


class _Reader:
    """Reads one parsed TOML document, collecting every problem with its key path."""

    def __init__(self, source: str, catalog: Catalog) -> None:
        self.source = source
        self.catalog = catalog
        self.problems: list[str] = []

    def problem(self, path: str, value: Any, expected: str, hint: str = "") -> None:
        shown = _show(value)
        self.problems.append(
            Bilingual(
                f"{path}: got {shown}, expected {expected}{hint}",
                f"{path}: {shown}은(는) 쓸 수 없습니다. 필요한 값: {ko_of(expected)}{ko_of(hint)}",
            )
        )

    def table(self, data: Any, path: str, allowed: list[str]) -> dict[str, Any]:
        if not isinstance(data, dict):
            keys = ", ".join(allowed)
            self.problem(
                path, data, Bilingual(f"a table ([{path}]) with keys {keys}", f"키 {keys}를 가진 테이블 ([{path}])")
            )
            return {}
        for key in data:
            if key not in allowed:
                where = f"{path}.{_safe(key)}" if path else _safe(key)
                hint, keys = _suggest(key, allowed), ", ".join(allowed)
                self.problems.append(
                    Bilingual(
                        f"{where}: unknown key{hint}; known keys here: {keys}",
                        f"{where}: 모르는 키입니다{ko_of(hint)}. 여기서 쓸 수 있는 키: {keys}",
                    )
                )
        return data

    def number(
        self,
        t: dict,
        key: str,
        path: str,
        default: Any,
        lo: float,
        hi: float,
        whole: bool = False,
        lo_open: bool = False,
    ) -> Any:
        if key not in t:
            return default
        v = t[key]
        where = f"{path}.{key}" if path else key
        kind = "a whole number" if whole else "a number"
        lo_s, hi_s = _num(lo), _num(hi)
        span = f"{'above' if lo_open else 'from'} {lo_s} {'up to' if lo_open else 'to'} {hi_s}"
        ko_kind = "정수" if whole else "숫자"
        ko_span = f"{lo_s} 초과 {hi_s} 이하의" if lo_open else f"{lo_s}부터 {hi_s}까지의"
        expected = Bilingual(f"{kind} {span}", f"{ko_span} {ko_kind}")
        ok = (
            isinstance(v, int) and not isinstance(v, bool)
            if whole
            else (isinstance(v, (int, float)) and not isinstance(v, bool))
        )
        if not ok or (isinstance(v, float) and not math.isfinite(v)):
            self.problem(where, v, expected)
            return default
        if v < lo or v > hi or (lo_open and v <= lo):
            self.problem(where, v, expected)
            return default
        return v

    def string(
        self,
        t: dict,
        key: str,
        path: str,
        default: Any,
        choices: list[str] | None = None,
        required: bool = False,
        max_len: int = 2000,
    ) -> Any:
        where = f"{path}.{key}" if path else key
        if key not in t:
            if required:
                self.problems.append(
                    Bilingual(f'{where}: missing; add {key} = "..."', f'{where}: 없습니다. {key} = "..."를 추가하세요')
                )
            return default
        v = t[key]
        if not isinstance(v, str) or len(v) > max_len:
            self.problem(
                where,
                v,
                _string_of(max_len) if choices is None else _one_of(choices),
            )
            return default
        if choices is not None and v not in choices:
            self.problem(where, v, _one_of(choices), _suggest(v, choices))
            return default
        return v

    def boolean(self, t: dict, key: str, path: str, default: bool) -> bool:
        if key not in t:
            return default
        v = t[key]
        if not isinstance(v, bool):
            self.problem(f"{path}.{key}", v, Bilingual("true or false", "true 또는 false"))
            return default
        return v

    def string_list(
        self,
        t: dict,
        key: str,
        path: str,
        default: tuple,
        check: Callable[[str, str], str | None],
        max_items: int = 100,
    ) -> tuple:
        if key not in t:
            return default
        v = t[key]
        where = f"{path}.{key}" if path else key
        if not isinstance(v, list) or len(v) > max_items:
            self.problem(
                where,
                v,
                Bilingual(
                    f'a list of at most {max_items} strings, like ["a", "b"]',
                    f'문자열 최대 {max_items}개의 목록 (예: ["a", "b"])',
                ),
            )
            return default
        out = []
        for i, item in enumerate(v):
            if not isinstance(item, str):
                self.problem(f"{where}[{i}]", item, Bilingual("a string", "문자열"))
                continue
            fixed = check(item, f"{where}[{i}]")
            if fixed is not None:
                out.append(fixed)
        return tuple(out)


TOP_KEYS = [
    "name",
    "description",
    "seed",
    "duration_s",
    "worlds",
    "host",
    "vm",
    "container",
    "microvm",
    "events",
    "lesson",
]
HOST_KEYS = ["preset", "cpu_cores", "memory_gib", "memory_mib", "disk_gib"]
VM_KEYS = [
    "guest_os",
    "memory_mib",
    "vcpus",
    "disk",
    "clone",
    "image_cached",
    "overcommit_ratio",
    "cpu_allocation_ratio",
    "ksm",
]
CONTAINER_KEYS = ["registry_mbps", "cached_images", "memory_limit_mib"]
MICROVM_KEYS = ["memory_mib", "vcpus", "overcommit_ratio"]
EVENT_KEYS = ["at_s", "add", "count", "remove", "grow", "memory_mib"]
LESSON_KEYS = [
    "title",
    "text",
    "ask",
    "add",
    "count",
    "remove",
    "grow",
    "memory_mib",
    "pause",
    "worlds",
    "view",
    "highlight",
    "watch_s",
]
LESSON_VIEWS = ("log", "memory", "ready", "timeline", "images", "drift", "drift-manual")
LESSON_HIGHLIGHTS = ("memory", "disk", "cpu", "instances", "fit")


def parse_scenario(
    data: dict[str, Any], source: str = "<memory>", catalog: Catalog | None = None, slug: str = ""
) -> ScenarioSpec:
    """Validate a parsed TOML document; raise :class:`ScenarioError` listing every problem."""
    catalog = catalog or default_catalog()
    r = _Reader(source, catalog)
    top = r.table(data, "", TOP_KEYS)
    guests = [g for g in catalog.guests if g != "microvm-linux"]

    name = r.string(top, "name", "", "", required=True, max_len=200)
    description = r.string(top, "description", "", "", max_len=2000)
    seed = r.number(top, "seed", "", 0, 0, 2**63 - 1, whole=True)
    duration_s = r.number(top, "duration_s", "", 60.0, 0, MAX_TIME_S, lo_open=True)

    def world_ok(item: str, where: str) -> str | None:
        if item in WORLD_KINDS:
            return item
        r.problem(where, item, _one_of(WORLD_KINDS), _suggest(item, list(WORLD_KINDS)))
        return None

    worlds = r.string_list(top, "worlds", "", ("vm", "container"), world_ok, max_items=3)
    if "worlds" in top and isinstance(top["worlds"], list) and not worlds and not r.problems:
        r.problem("worlds", top["worlds"], _AT_LEAST_ONE_WORLD)
    if len(set(worlds)) != len(worlds):
        r.problem("worlds", list(worlds), Bilingual("each world at most once", "각 세계는 한 번씩만"))

    h = r.table(top.get("host", {}), "host", HOST_KEYS)
    preset = r.string(h, "preset", "host", "laptop", choices=list(catalog.hosts))
    cores = r.number(h, "cpu_cores", "host", None, 1, 4096, whole=True)
    mem_gib = r.number(h, "memory_gib", "host", None, 0, 65536, lo_open=True)
    mem_mib = r.number(h, "memory_mib", "host", None, 0, 65536 * 1024, lo_open=True)
    if mem_gib is not None and mem_mib is not None:
        r.problems.append(
            Bilingual("host: give memory_gib or memory_mib, not both", "host: memory_gib과 memory_mib 중 하나만 쓰세요")
        )
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
        own = f"{floor:g} MiB" + (
            f" ({os_mib:g} MiB OS + {runtime_mib:g} MiB container runtime)" if runtime_mib else ""
        )
        r.problem(
            "host.memory_gib" if mem_gib is not None else "host.memory_mib",
            mem_gib or mem_mib,
            Bilingual(f"more than the host's own {own}", f"호스트가 스스로 쓰는 {own}보다 큰 값"),
        )
    if host_preset is not None and host.disk_mib is not None and host.disk_mib <= host_preset.host_os_disk_mib.value:
        r.problem(
            "host.disk_gib",
            disk_gib,
            Bilingual(
                f"more than the host OS's own {host_preset.host_os_disk_mib.value / 1024:g} GiB",
                f"호스트 OS가 쓰는 {host_preset.host_os_disk_mib.value / 1024:g} GiB보다 큰 값",
            ),
        )

    v = r.table(top.get("vm", {}), "vm", VM_KEYS)
    d = VmSettings()
    vm = VmSettings(
        guest_os=r.string(v, "guest_os", "vm", d.guest_os, choices=guests),
        memory_mib=r.number(v, "memory_mib", "vm", d.memory_mib, 16, 4 * 1024 * 1024),
        vcpus=r.number(v, "vcpus", "vm", d.vcpus, 1, 512, whole=True),
        disk=r.string(v, "disk", "vm", d.disk, choices=["thin", "preallocated"]),
        clone=r.string(v, "clone", "vm", d.clone, choices=["copy", "linked"]),
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
        known = ", ".join(choices)
        r.problem(
            where,
            item,
            Bilingual("an image or app name", "이미지 또는 앱 이름"),
            _suggest(item, choices) or Bilingual(f"; known: {known}", f"; 가능한 값: {known}"),
        )
        return None

    c = r.table(top.get("container", {}), "container", CONTAINER_KEYS)
    cd = ContainerSettings()
    container = ContainerSettings(
        # From 1 kbit/s: a slower link would make a download outlast any simulation (and underflow to 0).
        registry_mbps=r.number(c, "registry_mbps", "container", cd.registry_mbps, 0.001, 1_000_000),
        cached_images=r.string_list(c, "cached_images", "container", (), image_ok),
        memory_limit_mib=r.number(c, "memory_limit_mib", "container", None, 0, 1 << 30, lo_open=True),
    )

    m = r.table(top.get("microvm", {}), "microvm", MICROVM_KEYS)
    md = MicroVmSettings()
    microvm = MicroVmSettings(
        memory_mib=r.number(m, "memory_mib", "microvm", md.memory_mib, 16, 4 * 1024 * 1024),
        vcpus=r.number(m, "vcpus", "microvm", md.vcpus, 1, 512, whole=True),
        overcommit_ratio=r.number(m, "overcommit_ratio", "microvm", md.overcommit_ratio, 1, 100),
    )

    events: list[EventSpec] = []
    raw_events = top.get("events", [])
    if not isinstance(raw_events, list):
        r.problem(
            "events",
            raw_events,
            Bilingual(
                'an array of tables: [[events]] at_s = 0 add = "nginx"',
                '테이블 배열: [[events]] at_s = 0 add = "nginx"',
            ),
        )
        raw_events = []
    if len(raw_events) > 10_000:
        r.problem("events", f"{len(raw_events)} events", Bilingual("at most 10,000 events", "이벤트 최대 10,000개"))
        raw_events = []
    for i, raw in enumerate(raw_events):
        path = f"events[{i}]"
        e = r.table(raw, path, EVENT_KEYS)
        if not e:
            if isinstance(raw, dict):
                r.problems.append(
                    Bilingual(
                        f"{path}: empty; add at_s and one of add, remove, grow",
                        f"{path}: 비어 있습니다. at_s와 add, remove, grow 중 하나를 넣으세요",
                    )
                )
            continue
        if "at_s" not in e:
            r.problems.append(
                Bilingual(
                    f"{path}.at_s: missing; say when, in simulated seconds (at_s = 0)",
                    f"{path}.at_s: 없습니다. 언제인지 시뮬레이션 초로 쓰세요 (at_s = 0)",
                )
            )
        at_s = r.number(e, "at_s", path, 0.0, 0, MAX_TIME_S)
        verbs = [k for k in ("add", "remove", "grow") if k in e]
        if len(verbs) != 1:
            found = ", ".join(verbs) or "none"
            r.problems.append(
                Bilingual(
                    f"{path}: needs exactly one of add, remove, grow (found {found})",
                    f"{path}: add, remove, grow 중 정확히 하나가 필요합니다 (찾은 것: {found})",
                )
            )
            continue
        action = _read_action(r, e, path, catalog, float(at_s))
        if action is not None:
            events.append(action)

    lesson = _read_lesson(r, top.get("lesson", []), catalog)
    broad = sum(1 for e in events if e.verb in ("grow_app", "remove_app")) + sum(
        1 for step in lesson for a in step.actions if a.verb in ("grow_app", "remove_app")
    )
    if broad > MAX_BROAD_EVENTS:
        # Each touches every instance of its app: ten thousand of them over 15,000 containers ran for minutes.
        r.problems.append(
            Bilingual(
                f"events: {broad:,} grow or remove-all events; a scenario may have at most {MAX_BROAD_EVENTS}",
                f"events: grow 또는 전체 remove 이벤트가 {broad:,}개입니다. "
                f"시나리오 하나는 최대 {MAX_BROAD_EVENTS}개까지",
            )
        )
    asked = sum(int(e.args[1]) for e in events if e.verb == "add_workload") + sum(
        int(a.args[1]) for step in lesson for a in step.actions if a.verb == "add_workload"
    )
    if asked > MAX_INSTANCES:
        # Each count is within bounds, but ten thousand events of them would never finish.
        r.problems.append(
            Bilingual(
                f"events: ask for {asked:,} instances in all; a scenario may ask for at most {MAX_INSTANCES:,}",
                f"events: 모두 {asked:,}개의 인스턴스를 요청합니다. 시나리오 하나는 최대 {MAX_INSTANCES:,}개까지",
            )
        )

    if r.problems:
        raise ScenarioError(source, r.problems)
    return ScenarioSpec(
        name=name,
        description=description,
        seed=seed,
        duration_s=float(duration_s),
        worlds=tuple(worlds),
        host=host,
        vm=vm,
        container=container,
        microvm=microvm,
        events=tuple(sorted(events, key=lambda ev: ev.at_s)),
        lesson=lesson,
        source=source,
        slug=slug,
    )


def _read_action(r: _Reader, e: dict[str, Any], path: str, catalog: Catalog, at_s: float) -> EventSpec | None:
    """One of add (+count), remove, grow (+memory_mib) from a table, or None (problems recorded)."""
    apps = list(catalog.apps)
    verb = next(k for k in ("add", "remove", "grow") if k in e)
    target = r.string(e, verb, path, None, max_len=200)
    if target is None:
        return None
    if verb != "remove" and target not in catalog.apps:
        names = ", ".join(apps)
        r.problem(
            f"{path}.{verb}",
            target,
            Bilingual("an app name", "앱 이름"),
            _suggest(target, apps) or Bilingual(f"; apps: {names}", f"; 앱: {names}"),
        )
        return None
    if verb == "add":
        if "memory_mib" in e:
            r.problems.append(
                Bilingual(f"{path}.memory_mib: only goes with grow", f"{path}.memory_mib: grow와 함께만 씁니다")
            )
        count = r.number(e, "count", path, 1, 1, MAX_COUNT, whole=True)
        return EventSpec(at_s, "add_workload", (target, count))
    if verb == "grow":
        if "count" in e:
            r.problems.append(Bilingual(f"{path}.count: only goes with add", f"{path}.count: add와 함께만 씁니다"))
        if "memory_mib" not in e:
            r.problems.append(
                Bilingual(
                    f"{path}.memory_mib: missing; how much more memory each instance takes",
                    f"{path}.memory_mib: 없습니다. 인스턴스마다 메모리를 얼마나 더 쓰는지 적으세요",
                )
            )
        mib = r.number(e, "memory_mib", path, 0.0, 0, 1 << 30, lo_open=True)
        return EventSpec(at_s, "grow_app", (target, mib))
    for extra in ("count", "memory_mib"):
        if extra in e:
            verb_for = "add" if extra == "count" else "grow"
            r.problems.append(
                Bilingual(f"{path}.{extra}: only goes with {verb_for}", f"{path}.{extra}: {verb_for}와 함께만 씁니다")
            )
    if target in catalog.apps:
        return EventSpec(at_s, "remove_app", (target,))
    app_part = target.rsplit("-", 1)[0]
    if app_part not in catalog.apps or not target.rsplit("-", 1)[-1].isdigit():
        r.problem(
            f"{path}.remove",
            target,
            Bilingual(
                'an app name (remove all of it) or an instance id like "nginx-2"',
                '앱 이름 (전부 삭제) 또는 "nginx-2" 같은 인스턴스 id',
            ),
            _suggest(app_part, apps),
        )
        return None
    return EventSpec(at_s, "remove_instance", (target,))


def _read_texts(r: _Reader, t: dict[str, Any], key: str, path: str, required: bool) -> dict[str, str] | None:
    """A text by language: ``key.en = "..."`` (required when ``required``), ``key.ko = "..."``."""
    where = f"{path}.{key}"
    if key not in t:
        if required:
            r.problems.append(
                Bilingual(
                    f'{where}: missing; add {key}.en = "..." (and {key}.ko = "..." for Korean)',
                    f'{where}: 없습니다. {key}.en = "..."를 추가하세요 (한국어는 {key}.ko = "...")',
                )
            )
        return None
    raw = t[key]
    if isinstance(raw, str):
        raw = {"en": raw}
    if not isinstance(raw, dict):
        r.problem(
            where,
            raw,
            Bilingual(
                f'texts by language: {key}.en = "...", {key}.ko = "..."',
                f'언어별 글: {key}.en = "...", {key}.ko = "..."',
            ),
        )
        return None
    out: dict[str, str] = {}
    for lang, text in raw.items():
        if lang not in LANGS:
            hint = _suggest(lang, list(LANGS))
            lang = _safe(lang)
            known = ", ".join(LANGS)
            r.problems.append(
                Bilingual(
                    f"{where}.{lang}: unknown language{hint}; known: {known}",
                    f"{where}.{lang}: 모르는 언어입니다{ko_of(hint)}. 가능한 값: {known}",
                )
            )
        elif not isinstance(text, str) or len(text) > 4000:
            r.problem(f"{where}.{lang}", text, _string_of(4000, "4,000"))
        else:
            out[lang] = text
    if "en" not in out and not any(p.startswith(f"{where}.en") for p in r.problems):
        r.problems.append(
            Bilingual(
                f'{where}.en: missing; every text needs English ({key}.en = "...")',
                f'{where}.en: 없습니다. 모든 글에는 영어가 필요합니다 ({key}.en = "...")',
            )
        )
    return out


def _read_lesson(r: _Reader, raw_steps: Any, catalog: Catalog) -> tuple[LessonStep, ...]:
    """The ``[[lesson]]`` steps, validated."""
    if not isinstance(raw_steps, list):
        r.problem(
            "lesson",
            raw_steps,
            Bilingual('an array of tables: [[lesson]] text.en = "..."', '테이블 배열: [[lesson]] text.en = "..."'),
        )
        return ()
    if len(raw_steps) > 200:
        r.problem("lesson", f"{len(raw_steps)} steps", Bilingual("at most 200 steps", "최대 200단계"))
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
        verbs = [k for k in ("add", "remove", "grow") if k in t]
        if len(verbs) > 1:
            found = ", ".join(verbs)
            r.problems.append(
                Bilingual(
                    f"{path}: at most one of add, remove, grow per step (found {found})",
                    f"{path}: 한 단계에는 add, remove, grow 중 하나만 (찾은 것: {found})",
                )
            )
        elif verbs:
            action = _read_action(r, t, path, catalog, 0.0)
            actions = (action,) if action is not None else ()
        elif "count" in t or "memory_mib" in t:
            r.problems.append(
                Bilingual(
                    f"{path}: count and memory_mib go with add and grow",
                    f"{path}: count와 memory_mib는 add, grow와 함께 씁니다",
                )
            )

        def world_ok(item: str, where: str) -> str | None:
            if item in WORLD_KINDS:
                return item
            r.problem(where, item, _one_of(WORLD_KINDS), _suggest(item, list(WORLD_KINDS)))
            return None

        worlds = r.string_list(t, "worlds", path, None, world_ok, max_items=3) if "worlds" in t else None
        if worlds is not None and not worlds:
            r.problem(f"{path}.worlds", t["worlds"], _AT_LEAST_ONE_WORLD)
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
            )
        )
    return tuple(steps)


# ---------------------------------------------------------------------------------------- files
def shipped_dir() -> Path:
    """Where the shipped scenarios are: inside the installed package, or the checkout's top level."""
    package = Path(__file__).resolve().parent.parent
    packaged = package / "_scenarios"  # where the wheel puts them (see pyproject.toml)
    if packaged.is_dir():
        return packaged
    return package.parent / "scenarios"


def shipped_names() -> list[str]:
    """Names of the shipped scenarios, sorted."""
    d = shipped_dir()
    return sorted(p.stem for p in d.glob("*.toml")) if d.is_dir() else []


def resolve(name_or_path: str) -> tuple[Path, str]:
    """A scenario name (``hello``) or path → (file, slug). Raises ScenarioError naming the choices."""
    p = Path(name_or_path)
    looks_like_path = p.suffix == ".toml" or "/" in name_or_path or "\\" in name_or_path
    if p.is_file() or looks_like_path:
        return p, p.stem
    candidate = shipped_dir() / f"{name_or_path}.toml"
    if candidate.is_file():
        return candidate, name_or_path
    names = shipped_names()
    hint, shipped = _suggest(name_or_path, names), ", ".join(names)
    raise ScenarioError(
        name_or_path,
        [
            Bilingual(
                f"no such scenario{hint}; shipped: {shipped} (or give a path to a .toml file)",
                f"그런 시나리오는 없습니다{ko_of(hint)}. 들어 있는 시나리오: {shipped} (또는 .toml 파일 경로)",
            )
        ],
    )


def _check_key_depth(text: str, source: str) -> None:
    """Refuse lines with thousands of dots outside strings before parsing: tomllib takes quadratic time in
    the parts of a dotted key (40,000 parts: 20 s), wherever the key stands (a header, an inline table)."""
    dots, line, i, n = 0, 1, 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\n":
            dots, line = 0, line + 1
        elif ch == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        elif ch in "\"'":
            # Skip a string (basic, literal, or multi-line of either kind).
            quote = ch * 3 if text.startswith(ch * 3, i) else ch
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                if ch == '"' and text[j] == "\\":
                    j += 1
                elif text[j] == "\n":
                    if len(quote) == 1:
                        break
                    line += 1
                j += 1
            i = j + len(quote)
            continue
        elif ch == ".":
            dots += 1
            if dots > MAX_DOTS_PER_LINE:
                raise ScenarioError(
                    source,
                    [
                        Bilingual(
                            f"line {line}: more than {MAX_DOTS_PER_LINE:,} dotted key parts; a scenario needs a few",
                            f"{line}번째 줄: 점으로 나뉜 키 부분이 {MAX_DOTS_PER_LINE:,}개를 넘습니다. "
                            "시나리오에는 몇 개면 됩니다",
                        )
                    ],
                )
        i += 1


def load_scenario(name_or_path: str, catalog: Catalog | None = None) -> ScenarioSpec:
    """Read, parse and validate a scenario by name or path; every failure is a ScenarioError."""
    path, slug = resolve(name_or_path)
    source = str(path)
    try:
        if path.is_dir():
            raise ScenarioError(
                source, [Bilingual("is a folder; give a .toml file", "폴더입니다. .toml 파일을 주세요")]
            )
        if path.exists() and not path.is_file():
            raise ScenarioError(
                source,
                [
                    Bilingual(
                        "is not a regular file (a device or a pipe); give a .toml file",
                        "일반 파일이 아닙니다 (장치나 파이프). .toml 파일을 주세요",
                    )
                ],
            )
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            mib = f"{size / 2**20:.1f}"
            raise ScenarioError(
                source,
                [
                    Bilingual(
                        f"is {mib} MiB; scenario files are small (at most 1 MiB)",
                        f"{mib} MiB입니다. 시나리오 파일은 작습니다 (최대 1 MiB)",
                    )
                ],
            )
        # Read at most one byte past the limit: a file that grows while read cannot make this endless.
        with path.open("rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            raise ScenarioError(
                source,
                [
                    Bilingual(
                        "is larger than 1 MiB; scenario files are small", "1 MiB보다 큽니다. 시나리오 파일은 작습니다"
                    )
                ],
            )
    except FileNotFoundError:
        raise ScenarioError(
            source, ["file not found; check the path, or run 'vmsim scenarios' for shipped names"]
        ) from None
    except PermissionError:
        raise ScenarioError(
            source, [Bilingual("cannot be read (permission denied)", "읽을 수 없습니다 (권한 없음)")]
        ) from None
    except OSError as exc:
        why = exc.strerror or exc
        raise ScenarioError(source, [Bilingual(f"cannot be read: {why}", f"읽을 수 없습니다: {why}")]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScenarioError(
            source, [f"line {line}: not UTF-8 text (byte {exc.start}); save the file as UTF-8"]
        ) from None
    _check_key_depth(text, source)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(source, [Bilingual(f"not valid TOML: {exc}", f"올바른 TOML이 아닙니다: {exc}")]) from None
    except ValueError as exc:
        # tomllib lets Python's integer-size limit escape as ValueError (an integer of over 4,300 digits).
        raise ScenarioError(
            source,
            [
                Bilingual(
                    f"not valid TOML: a number is too long ({exc})",
                    f"올바른 TOML이 아닙니다: 숫자가 너무 깁니다 ({exc})",
                )
            ],
        ) from None
    except RecursionError:
        raise ScenarioError(
            source, [Bilingual("not valid TOML: nested too deeply", "올바른 TOML이 아닙니다: 너무 깊게 중첩됨")]
        ) from None
    return parse_scenario(data, source, catalog, slug=slug)
