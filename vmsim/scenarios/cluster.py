"""The ``[cluster]`` table: how many copies of the host, their names and the placement policy; and the host
names events may give."""

from __future__ import annotations

import re
from typing import Any

from vmsim.engine.catalog import Catalog
from vmsim.engine.deploy import METHODS
from vmsim.engine.faults import FAULT_KINDS, HOST_FAULTS
from vmsim.engine.machines import MAX_HOSTS, PLACEMENTS, Cluster
from vmsim.scenarios.errors import suggest
from vmsim.scenarios.reader import Reader
from vmsim.scenarios.spec import EventSpec
from vmsim.text import msg

CLUSTER_KEYS = ["hosts", "placement", "names"]
HOST_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,62}")


def read_cluster(r: Reader, top: dict[str, Any]) -> Cluster:
    """``[cluster]``: hosts (1 to 1,000), placement (spread or pack) and optional names, one per host."""
    if "cluster" not in top:
        return Cluster()
    c = r.table(top["cluster"], "cluster", CLUSTER_KEYS)
    default = Cluster()
    hosts = r.number(c, "hosts", "cluster", None, 1, MAX_HOSTS, whole=True)
    placement = r.string(c, "placement", "cluster", default.placement, choices=list(PLACEMENTS))

    def name_ok(item: str, where: str) -> str | None:
        if HOST_NAME.fullmatch(item):
            return item
        r.problem(where, item, msg("scenario.host_name"))
        return None

    names: tuple[str, ...] = r.string_list(c, "names", "cluster", (), name_ok, max_items=MAX_HOSTS)
    if len(set(names)) != len(names):
        dup = next(n for i, n in enumerate(names) if n in names[:i])
        r.problem("cluster.names", dup, msg("scenario.host_names_once"))
    if names and hosts is not None and len(names) != hosts:
        r.add("scenario.host_names_count", names=len(names), hosts=hosts)
    count = hosts if hosts is not None else (len(names) or default.hosts)
    return Cluster(hosts=count, placement=placement, names=names if len(names) == count else ())


def check_event_hosts(r: Reader, cluster: Cluster) -> None:
    """Every host an event names is one of the cluster's (with the closest name when it is not)."""
    known = list(cluster.host_names())
    names = set(known)
    for where, host in r.named_hosts:
        if host not in names:
            shown = known if len(known) <= 10 else [*known[:10], "…"]
            hint = suggest(host, known) or msg("scenario.known", known=", ".join(shown))
            r.problem(where, host, msg("scenario.host_of_cluster"), hint)


def read_fault(r: Reader, e: dict[str, Any], path: str, catalog: Catalog, at_s: float) -> EventSpec | None:
    """``fault = KIND`` with ``host`` (host-down) or ``instance`` (the others); ``reboot`` with a guest kernel
    panic, ``memory_mib`` with a noisy neighbour."""
    kind = r.string(e, "fault", path, None, choices=list(FAULT_KINDS))
    for key, only in (
        ("count", "add"),
        ("reboot", 'fault = "guest-kernel-panic"'),
        ("memory_mib", 'fault = "noisy-neighbour"'),
    ):
        if (
            key in e
            and not (key == "reboot" and kind == "guest-kernel-panic")
            and not (key == "memory_mib" and kind == "noisy-neighbour")
        ):
            r.add("scenario.only_with", where=f"{path}.{key}", verb=only)
    if kind is None:
        return None
    host: str | None = None
    instance: str | None = None
    if kind in HOST_FAULTS:
        if "instance" in e:
            kinds = ", ".join(k for k in FAULT_KINDS if k not in HOST_FAULTS)
            r.add("scenario.only_with", where=f"{path}.instance", verb=msg("scenario.instance_faults", kinds=kinds))
        host = r.string(e, "host", path, None, max_len=63)
        if host is None:
            r.add("scenario.fault_host", path=path, kind=kind)
            return None
        r.named_hosts.append((f"{path}.host", host))
    else:
        if "host" in e:
            r.add("scenario.only_with", where=f"{path}.host", verb='fault = "host-down"')
        instance = r.string(e, "instance", path, None, max_len=200)
        if instance is None:
            r.add("scenario.fault_instance", path=path, kind=kind)
            return None
        app, _, number = instance.rpartition("-")
        if app not in catalog.apps or not number.isdigit():
            r.problem(f"{path}.instance", instance, msg("scenario.instance_id"), suggest(app, list(catalog.apps)))
            return None
    reboot = bool(r.boolean(e, "reboot", path, False))
    mib = r.number(e, "memory_mib", path, None, 0, 1 << 30, lo_open=True)
    return EventSpec(at_s, "fault", (kind, host, instance, reboot, mib))


def read_deploy(r: Reader, e: dict[str, Any], path: str, catalog: Catalog, at_s: float) -> EventSpec | None:
    """``deploy = APP`` with ``method`` (by-hand or image), ``version``, optional ``hosts`` and
    ``max_unavailable`` (image: instances restarted at once per host)."""
    app = r.string(e, "deploy", path, None, max_len=200)
    method = r.string(e, "method", path, "image", choices=list(METHODS))
    version = r.string(e, "version", path, None, max_len=40)
    if "version" not in e or version == "":
        r.add("scenario.deploy_version", path=path)
        version = None

    def host_ok(item: str, where: str) -> str | None:
        r.named_hosts.append((where, item))
        return item

    hosts = r.string_list(e, "hosts", path, None, host_ok, max_items=1000)
    most = r.number(e, "max_unavailable", path, 1, 1, 10_000, whole=True)
    if app is not None and app not in catalog.apps:
        apps = list(catalog.apps)
        r.problem(
            f"{path}.deploy",
            app,
            msg("scenario.app_name"),
            suggest(app, apps) or msg("scenario.apps", names=", ".join(apps)),
        )
        return None
    if app is None or version is None:
        return None
    return EventSpec(at_s, "deploy", (app, method, version, hosts, most))


def _untargeted(event: EventSpec, added: set[str]) -> tuple[str, str] | None:
    """(key, name) when ``event`` is a deploy of an app none of ``added`` is, or a fault on an instance whose
    name (``APP-N``, as the engine names them) is of no app in ``added``: else None. (Which numbers exist is
    known only when the run gets there: a replacement takes the next one.)"""
    if event.verb == "deploy" and event.args[0] not in added:
        return "deploy", str(event.args[0])
    instance = event.args[2] if event.verb == "fault" else None
    if instance is not None and str(instance).rpartition("-")[0] not in added:
        return "instance", str(instance)
    return None


def check_deploys(r: Reader, events: list[EventSpec], where: list[str], step_apps: set[str] | None = None) -> None:
    """A deploy goes to an app, and a fault to an instance of an app, some earlier (or simultaneous) event, or
    any lesson step (``step_apps``), added: else it reaches nothing."""
    first_added: dict[str, float] = {}  # each app's first add: one pass, not one scan of the events per event
    for e in events:
        if e.verb == "add_workload":
            first_added[str(e.args[0])] = min(e.at_s, first_added.get(str(e.args[0]), e.at_s))
    for event, path in zip(events, where, strict=True):
        if event.verb not in ("deploy", "fault"):
            continue
        added = {app for app, at_s in first_added.items() if at_s <= event.at_s} | (step_apps or set())
        if (miss := _untargeted(event, added)) is not None:
            names = ", ".join(sorted(added)) or msg("scenario.none")
            r.add(f"scenario.{miss[0]}_nobody", path=path, app=miss[1], added=names)


def check_lesson_deploys(r: Reader, events: list[EventSpec], steps: list[tuple[EventSpec, ...]]) -> None:
    """A lesson step's deploy or fault reaches an app an event or an earlier step added: else nothing."""
    added = {str(e.args[0]) for e in events if e.verb == "add_workload"}
    for i, actions in enumerate(steps):
        for action in actions:
            if (miss := _untargeted(action, added)) is not None:
                names = ", ".join(sorted(added)) or msg("scenario.none")
                r.add(f"scenario.{miss[0]}_nobody_step", path=f"lesson[{i}]", app=miss[1], added=names)
            elif action.verb == "add_workload":
                added.add(str(action.args[0]))
