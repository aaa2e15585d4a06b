"""Failure domains: what a fault reaches in one world.

A host that goes down takes every instance on it; a host kernel bug reached from a workload takes every
container on that host (they share its kernel) but, in a VM, only the guest it started in; an escape
from a container exposes every container on its host, from a VM only that guest; a noisy neighbour
fills shared memory that the host's OOM killer charges to no process, so it kills the neighbours first
(containers without a memory limit; a cgroup limit counts those pages and stops the noisy one), while in a
VM it fills only its own guest, whose OOM killer stops its own app (a modelling choice: Linux's OOM badness
counts a process's resident, swap and page-table memory, not shmem or tmpfs pages it does not map).
Modelling rules from calibration corrections §12 (no quantitative source: the blast radius is the
design consequence of a shared kernel). A host kernel panic here stops the containers and leaves the
host up (it is taken to reboot at once); a host that goes down stays down.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vmsim.engine.codes import coded
from vmsim.engine.events import FAULTS, FaultHappened
from vmsim.engine.instance import Instance

if TYPE_CHECKING:
    from vmsim.engine.node import Node
    from vmsim.engine.world import World

FAULT_KINDS = tuple(FAULTS)
HOST_FAULTS = ("host-down",)  # faults that name a host; the others name an instance


def strike(
    world: World, kind: str, host: str | None, instance: str | None, memory_mib: float | None = None
) -> tuple[FaultHappened, list[Instance]]:
    """Apply fault ``kind`` in ``world``; returns its event (already recorded) and the instances it stopped that
    are to be replaced (host-down: all of them; guest-kernel-panic: the guest, when it is to reboot)."""
    now = world.clock.now
    cls = FAULTS[kind]
    if kind == "host-down":
        assert host is not None
        lost = _host_down(world, world.by_name[host])
        event = cls(now, world.kind, None, host, tuple(i.id for i in lost), "host")
        world.record(event)
        return event, lost
    inst = world.by_id.get(instance or "")
    placed = inst.node if inst is not None else None
    if inst is None or placed is None or not inst.live:
        event = cls(now, world.kind, instance, None if placed is None else placed.name, (), "none")
        world.record(event)
        return event, []
    node = placed
    reached: list[Instance]
    scope = "guest" if world.behaviour.has_guest else "host"
    if kind == "guest-kernel-panic":
        if not world.behaviour.has_guest:
            scope, reached = "none", []  # containers have no guest kernel: nothing to panic
        else:
            reached = [inst]
            world.end(inst, "killed", coded("reason.guest_kernel_panic"), None)
    elif kind == "kernel-panic":
        reached = _live(node) if scope == "host" else [inst]
        reason = coded("reason.kernel_panic", host=node.name, origin=inst.id)
        for victim in reached:
            world.end(victim, "killed", reason if scope == "host" else coded("reason.guest_kernel_panic"), None)
    elif kind == "escape":
        reached = _live(node) if scope == "host" else [inst]
        for exposed in reached:
            exposed.exposed = True
            exposed.snap = None
        world.dirty = True
    else:  # noisy-neighbour
        reached = _noisy(world, node, inst, memory_mib if memory_mib is not None else node.host.memory_mib)
    event = cls(now, world.kind, inst.id, node.name, tuple(i.id for i in reached), scope)
    world.record(event)
    return event, reached if kind == "guest-kernel-panic" else []


def _live(node: Node) -> list[Instance]:
    return [i for i in node.instances if i.live]


def _host_down(world: World, node: Node) -> list[Instance]:
    if not node.up:
        return []
    node.up = False
    lost = _live(node)
    reason = coded("reason.host_went_down", host=node.name)
    for inst in lost:
        world.end(inst, "killed", reason, None)
    for inst in node.instances:
        if inst.holds:  # a VM whose app its guest killed: the VM process goes with the host
            world.release(inst)
    world.placement.changed(node)
    return lost


def _noisy(world: World, node: Node, inst: Instance, mib: float) -> list[Instance]:
    """The instance's app takes ``mib`` more memory at once; whatever stops because of it was reached."""
    before = _live(node)
    if inst.state == "running":
        inst.app_extra_mib += mib
        if not world.behaviour.has_guest and world.settings.container.memory_limit_mib is None:
            # Without a cgroup limit the pages it fills (shared memory, tmpfs) are charged to no process: the
            # host's OOM killer, ranking processes by what they hold, picks its neighbours first.
            inst.oom_hidden_mib += mib
        node.behaviour.grow(inst, mib)
        world.host_pressure(node)
    return [inst] + [i for i in before if i is not inst and not i.live]
