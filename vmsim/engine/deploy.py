"""Deploying a new version of an app to many servers: by hand, one server after another, or from one image.

*By hand* a person walks the hosts in order (SSH: connect, install the runtime, the packages, set the
environment, restart); in the VM worlds inside each VM's guest, in the container world by building the
image on each server from a checkout (``docker build`` there). Each server (or VM) draws from a seeded
stream named after the seed, the world, the server and the version whether the person missed it (it keeps
its old version), forgot a variable, or installed a release that breaks the app: the drift of
:mod:`vmsim.engine.drift`, per server. *From an image* one build ships one digest: every targeted host pulls
the new layer in parallel, sharing the registry's bandwidth, then restarts its instances ``max_unavailable``
at a time; the VM worlds boot replacements from a baked image (an AMI), each paying a boot. Every instance
reached runs the version asked for, and the app works.

Step durations and chances are in data/drift.toml ``[deploy]`` (modelling choices, with their ranges).
"""

from __future__ import annotations

import math
import random
from functools import partial
from typing import TYPE_CHECKING, Any

from vmsim.engine.events import WorldEvent, _set

if TYPE_CHECKING:
    from collections.abc import Sequence

    from vmsim.engine.instance import Instance
    from vmsim.engine.node import Node
    from vmsim.engine.world import World

METHODS = ("by-hand", "image")


class HostDeployed(WorldEvent):
    """A deploy finished on one host: ``version`` asked for, ``affected`` the instances it reached there,
    ``works`` how many of them run the app correctly afterwards, ``elapsed_s`` since the deploy began."""

    __slots__ = ("host", "version", "method", "reached", "works", "elapsed_s")
    kind = "deployed"
    host: str
    version: str
    method: str
    reached: tuple[str, ...]
    works: int
    elapsed_s: float

    def __init__(
        self,
        t_s: float,
        world: str,
        instance: str | None,
        host: str,
        version: str,
        method: str,
        reached: tuple[str, ...],
        works: int,
        elapsed_s: float,
    ) -> None:
        super().__init__(t_s, world, instance)
        for name, value in (
            ("host", host),
            ("version", version),
            ("method", method),
            ("reached", reached),
            ("works", works),
            ("elapsed_s", elapsed_s),
        ):
            _set(self, name, value)

    @property
    def affected(self) -> tuple[str, ...]:
        """The instances the deploy reached on this host."""
        return self.reached


def figure(name: str) -> float:
    """A deploy figure from data/drift.toml ``[deploy]``."""
    return float(_drift_data()["deploy"][name]["v"])


def _drift_data() -> dict[str, Any]:
    # Loaded on the first deploy, not with the engine: most scenarios deploy nothing, and the drift model (its
    # data file and classes) is a few milliseconds of every start of the dashboard.
    from vmsim.engine.drift import default_drift_model

    return default_drift_model().data


def restart_s(world: World, inst: Instance) -> float:
    """How long one instance takes to come back on a new version: a container restarts (create, start, the
    app); a VM or microVM replacement boots from the image (its VMM, its guest's boot phases, the app)."""
    node = inst.node
    assert node is not None
    behaviour = node.behaviour
    runtime = world.runtime
    app_s = inst.app.start_s.value
    if not behaviour.has_guest:
        return runtime.create_s.value + runtime.start_s.value + app_s
    guest = getattr(behaviour, "guest")  # noqa: B009 - the guest kinds' OS (no protocol field: containers have none)
    hypervisor = getattr(behaviour, "hypervisor")  # noqa: B009
    create = runtime.create_s.value if behaviour.uses_images else 0.0
    boot = float(hypervisor.vmm_init_s.value) + sum(float(p.seconds(True)) for p in guest.boot_phases)
    return create + boot + app_s


class Rollout:
    """One deploy in one world: it schedules each host's finish on the clock (bound methods and partials, so
    the engine stays picklable) and marks the instances it reached with their version and whether they work."""

    def __init__(
        self, world: World, app: str, method: str, version: str, hosts: Sequence[str] | None, max_unavailable: int
    ) -> None:
        self.world = world
        self.app = app
        self.method = method
        self.version = version
        self.max_unavailable = max(1, max_unavailable)
        self.start_s = world.clock.now
        wanted = set(hosts) if hosts is not None else None
        self.targets = [
            (node, [i for i in node.instances if i.live and i.app.name == app])
            for node in world.nodes
            if node.up and (wanted is None or node.name in wanted)
        ]
        self.targets = [(node, insts) for node, insts in self.targets if insts]

    def start(self) -> float:
        """Schedule every host's finish; returns when the last one finishes (seconds from now)."""
        if self.method == "by-hand":
            return self._by_hand()
        return self._image()

    def _by_hand(self) -> float:
        world = self.world
        t = 0.0
        if world.behaviour.has_guest:  # inside each VM's guest, one after another
            per_unit = figure("connect_s") + figure("install_runtime_s") + figure("install_packages_s")
            per_unit += figure("set_env_s") + figure("restart_s")
        else:  # on each server: check out, build the image there, run it with the variables typed by hand
            per_unit = figure("connect_s") + figure("checkout_s") + figure("docker_build_s") + figure("set_env_s")
        for node, insts in self.targets:
            units = len(insts) if world.behaviour.has_guest else 1
            t += per_unit * units
            if not world.behaviour.has_guest:
                t += sum(restart_s(world, i) for i in insts)  # each container restarted on the new image
            world.clock.schedule(self.start_s + t, partial(self._host_done, node, insts))
        return t

    def _image(self) -> float:
        world = self.world
        if world.behaviour.uses_images:
            # One build, one push of the changed top layer; then every host pulls it at once, sharing the
            # registry's bandwidth (the base layers are on the hosts already).
            layer_mib = world.catalog.apps[self.app].image.layers[-1].size_mib * world.runtime.compressed_ratio.value
            mibps = world.settings.registry_mibps
            shipped = figure("image_build_s") + layer_mib / mibps + len(self.targets) * layer_mib / mibps
        else:
            shipped = figure("image_bake_s")  # a VM image (an AMI): replacements boot from it
        longest = 0.0
        for node, insts in self.targets:
            rounds = math.ceil(len(insts) / self.max_unavailable)
            t = shipped + rounds * max(restart_s(world, i) for i in insts)
            longest = max(longest, t)
            world.clock.schedule(self.start_s + t, partial(self._host_done, node, insts))
        return longest

    def _host_done(self, node: Node, insts: list[Instance]) -> None:
        world = self.world
        reached: list[str] = []
        for inst in insts:
            if not inst.live:
                continue  # stopped or killed while the deploy was under way
            if self.method == "by-hand":
                unit = inst.id if world.behaviour.has_guest else node.name
                rng = random.Random(f"{world.seed}/deploy/{world.kind}/{unit}/{self.version}")
                people = _drift_data()["people"]
                if rng.random() < figure("skip_server"):
                    continue  # missed: it keeps the version it had
                forgot = rng.random() < float(people["forget_env"]["v"])
                broken = rng.random() < figure("broken_build")
                inst.works = not (forgot or broken)
            else:
                inst.works = True
            inst.version = self.version
            inst.snap = None
            reached.append(inst.id)
        world.dirty = True
        works = sum(1 for i in insts if i.id in reached and i.works)
        now = world.clock.now
        world.record(
            HostDeployed(
                now, world.kind, None, node.name, self.version, self.method, tuple(reached), works, now - self.start_s
            )
        )
