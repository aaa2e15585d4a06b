"""Looking at a world without changing it: instance snapshots, image usage, and the invariant checks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vmsim.engine.instance import Instance
from vmsim.engine.sharing import SharedCapacity
from vmsim.engine.snapshot import (
    DISK_CATEGORIES,
    MEMORY_CATEGORIES,
    STATES,
    Clocks,
    CpuSnapshot,
    HostUsage,
    ImageUsage,
    InstanceSnapshot,
    LayerUsage,
    Ledger,
    PhaseRecord,
    PhaseWork,
    WorldSnapshot,
)

if TYPE_CHECKING:
    from vmsim.engine.node import Node
    from vmsim.engine.world import World


def instance_snapshot(world: World, inst: Instance) -> InstanceSnapshot:
    """An immutable view of one instance now (cached until it changes; while it boots, until its phase changes,
    with a download's progress brought up to date)."""
    snap = inst.snap
    if snap is not None:
        if inst.state != "booting" or inst.current is None or snap[_WORK] is not None:
            return snap
        progress = _boot_progress(inst)
        if progress == snap[_PROGRESS]:
            return snap
        snap = inst.snap = _with_progress(snap, progress)
        return snap
    phase = None
    progress = 1.0 if inst.state == "running" else 0.0
    work = None
    phases = tuple(inst.phases)
    if inst.state == "booting" and inst.current is not None:
        phase = inst.current[0]
        phases += (PhaseRecord(phase, inst.current[1], None),)
        job, on = inst.job, inst.job_on
        if job is not None and on is not None:
            # Timed on a shared resource: its progress moves with the resource's clock (WorldSnapshot.progress).
            span = job.finish_v - job.start_v
            if job.done or span <= 0:
                progress = 1.0
            else:
                progress, work = 0.0, PhaseWork(on.key, job.start_v, span)
        else:
            progress = _boot_progress(inst)
    snap = InstanceSnapshot(
        id=inst.id,
        app=inst.app.name,
        world=world.kind,
        state=inst.state,
        phase=phase,
        phase_progress=progress,
        phases=phases,
        added_s=inst.added_s,
        ready_s=inst.ready_s,
        memory_mib=sum(inst.mem.values()),
        disk_mib=sum(inst.disk.values()),
        reason=inst.reason,
        host=None if inst.node is None else inst.node.name,
        replaces=inst.replaces,
        exposed=inst.exposed,
        version=inst.version,
        works=inst.works,
        work=work,
    )
    inst.snap = snap
    return snap


def instance_snapshots(world: World) -> tuple[tuple[InstanceSnapshot, ...], Clocks]:
    """Every instance of ``world`` now, in order (:func:`instance_snapshot` of each), and the clock reading of
    each shared resource a booting instance's phase runs on. A booting instance's snapshot is kept all through a
    phase timed on a resource (only the resource's clock is read, once): a dashboard tick at 10,000 booting
    instances makes no new snapshot of them."""
    out: list[InstanceSnapshot] = []
    append = out.append
    clocks: dict[str, float] = {}
    last_on: SharedCapacity | None = None
    work_index = _WORK
    for inst in world.instances:
        snap = inst.snap
        if snap is not None and inst.state != "booting":
            append(snap)  # kept until it changes
            continue
        if snap is None or snap[work_index] is None:
            snap = instance_snapshot(world, inst)  # made, or a download's progress brought up to date
        if snap[work_index] is not None:
            on = inst.job_on
            if on is not last_on and on is not None:
                last_on = on
                if on.key not in clocks:
                    clocks[on.key] = on.virtual_now()
        append(snap)
    return tuple(out), Clocks(clocks)  # read-only, as the rest of a snapshot


_PROGRESS = InstanceSnapshot._fields.index("phase_progress")
_WORK = InstanceSnapshot._fields.index("work")


def _with_progress(snap: InstanceSnapshot, progress: float) -> InstanceSnapshot:
    # snap._replace(phase_progress=...) without its keyword handling.
    return tuple.__new__(InstanceSnapshot, snap[:_PROGRESS] + (progress,) + snap[_PROGRESS + 1 :])


def _boot_progress(inst: Instance) -> float:
    """How far the booting instance's current phase is, 0..1 (a download: the share of its layers' bytes here)."""
    if inst.job is not None and inst.job_on is not None:
        return inst.job_on.progress(inst.job)
    if inst.waiting:
        total = sum(a.download_mib for a in inst.needs) or 1.0
        have = 0.0
        for art in inst.needs:
            if art.id not in inst.waiting:
                have += art.download_mib
            else:
                done = inst.node.store.download_progress(art) if inst.node is not None else None
                if done is not None:
                    have += art.download_mib * done
        return have / total
    return 0.0


def _without(memory: Ledger, down: list[Node], per_host_mib: float) -> Ledger:
    """The world's memory less that of the hosts that are down: their capacity and what their books still hold."""
    held: dict[str, float] = {}
    for node in down:
        for category, mib in node.memory.items():
            held[category] = held.get(category, 0.0) + mib
    by = tuple((c, max(0.0, mib - held.get(c, 0.0))) for c, mib in memory.by_category)
    return memory._replace(
        total_mib=max(0.0, memory.total_mib - sum(held.values())),
        capacity_mib=memory.capacity_mib - per_host_mib * len(down),
        by_category=by,
    )


def world_snapshot(world: World, include_events: bool) -> WorldSnapshot:
    """An immutable view of the whole world now."""
    cores, capacity = world.cpu_cores, len(world.nodes)
    instances, clocks = instance_snapshots(world)
    disk = world.disk.freeze(DISK_CATEGORIES, world.host.disk_mib * capacity)
    arriving: dict[str, list[float]] = {}
    for node in world.nodes:
        if node.up and node.store.fetching:  # (a host that went down is not downloading anything)
            node.store.arriving(arriving)
    if arriving:
        disk = disk._replace(arriving=tuple((c, held, got) for c, (held, got) in arriving.items() if got < held))
    memory, touched = world.memory.freeze(MEMORY_CATEGORIES, world.host.memory_mib * capacity), world.touched_mib()
    down = [node for node in world.nodes if not node.up]
    if down and len(down) < capacity:  # a host that is down lends the world none of its memory, nor what it held
        memory, touched = _without(memory, down, world.host.memory_mib), touched - sum(n.touched_mib() for n in down)
    return WorldSnapshot(
        name=world.kind,
        label=world.label,
        instances=instances,
        memory=memory,
        memory_touched_mib=touched,
        ksm_saved_mib=world.ksm_saved_mib(),
        disk=disk,
        cpu=CpuSnapshot(cores, world.cpu_demand(), world.steady_cpu),
        counts=tuple((s, world.counts[s]) for s in STATES),
        events=tuple(world.events) if include_events else (),
        hosts=tuple(host_usage(n) for n in world.nodes),
        clocks=clocks,
    )


def image_usage(world: World) -> tuple[ImageUsage, ...]:
    """Images that live instances run from, with each layer's size, state and users (O(instances))."""
    if not world.behaviour.uses_images:
        return ()
    by_image: dict[str, list[str]] = {}
    for inst in world.instances:
        if inst.live:
            by_image.setdefault(inst.app.image.name, []).append(inst.id)
    layer_images: dict[str, list[str]] = {}
    layer_users: dict[str, int] = {}
    for name, ids in by_image.items():
        for layer in world.catalog.images[name].layers:
            layer_images.setdefault(layer.id, []).append(name)
            layer_users[layer.id] = layer_users.get(layer.id, 0) + len(ids)
    out = []
    for name, ids in by_image.items():
        image = world.catalog.images[name]
        layers = []
        for layer in image.layers:
            store = world.nodes[0].store  # the first host's store (every host has its own)
            art = store.get(layer.id)
            state = "absent" if art is None else art.state
            fetched = 1.0 if state == "present" else 0.0
            if art is not None and state == "fetching":
                done = store.download_progress(art)
                fetched = 1.0 if done is None else done  # None: downloaded, being unpacked
            layers.append(
                LayerUsage(
                    id=layer.id,
                    size_mib=layer.size_mib,
                    state=state,
                    images=tuple(layer_images[layer.id]),
                    containers=layer_users[layer.id],
                    fetched=fetched,
                )
            )
        out.append(ImageUsage(name, image.ref, tuple(layers), tuple(ids)))
    return tuple(out)


def host_usage(node: Node) -> HostUsage:
    """One host of a world now: its memory and disk, and the instances placed on it. Kept until the host changes
    (its ledgers, its state, its instances, which are only ever appended): a world of 1,000 hosts refreezes only
    the few that changed since the last snapshot."""
    key = (node.up, node.memory.version, node.disk.version, len(node.instances), node.behaviour.ksm_saved_mib())
    cached = node.usage
    if cached is not None and cached[0] == key:
        return cached[1]
    usage = _host_usage(node)
    node.usage = (key, usage)
    return usage


def _host_usage(node: Node) -> HostUsage:
    host = node.host
    return HostUsage(
        name=node.name,
        up=node.up,
        memory=node.memory.freeze(MEMORY_CATEGORIES, host.memory_mib),
        memory_touched_mib=node.touched_mib(),
        ksm_saved_mib=node.behaviour.ksm_saved_mib(),
        disk=node.disk.freeze(DISK_CATEGORIES, host.disk_mib),
        instances=tuple(i.id for i in node.instances),
    )


def check_world(world: World) -> None:
    """Raise AssertionError when the world's shared books do not balance (the kind checks its own)."""
    total_mem: dict[str, float] = {}
    total_disk: dict[str, float] = {}
    for node in world.nodes:
        check_node(node)
        for cat, mib in node.memory.items():
            total_mem[cat] = total_mem.get(cat, 0.0) + mib
        for cat, mib in node.disk.items():
            total_disk[cat] = total_disk.get(cat, 0.0) + mib
    for ledger, sums in ((world.memory, total_mem), (world.disk, total_disk)):
        for cat, mib in ledger.items():
            assert abs(sums.get(cat, 0.0) - mib) < 1e-6 * max(1.0, ledger.total), f"world {cat} is not the hosts' sum"
    assert sum(world.counts.values()) == len(world.instances)
    placed = sum(len(n.instances) for n in world.nodes)
    assert placed == sum(1 for i in world.instances if i.node is not None), "instances placed twice or lost"
    assert world.steady_cpu >= -1e-9


def check_node(node: Node) -> None:
    """Raise AssertionError when one host's books do not balance."""
    for ledger, cats, name in ((node.memory, MEMORY_CATEGORIES, "memory"), (node.disk, DISK_CATEGORIES, "disk")):
        for cat, mib in ledger.items():
            assert cat in cats, f"{name}: unknown category {cat}"
            assert mib >= -1e-6, f"{name}.{cat} is negative: {mib}"
        assert abs(sum(mib for _, mib in ledger.items()) - ledger.total) < 1e-6 * max(1.0, ledger.total)
    held_mem: dict[str, float] = {}
    held_disk: dict[str, float] = {}
    for inst in node.instances:
        if not inst.live and not (inst.state == "killed" and node.behaviour.has_guest):
            assert not inst.mem and not inst.disk, f"{inst.id} is {inst.state} but holds resources"
        for k, v in inst.mem.items():
            held_mem[k] = held_mem.get(k, 0.0) + v
        for k, v in inst.disk.items():
            held_disk[k] = held_disk.get(k, 0.0) + v
    for cat in ("hypervisor", "guest_kernel", "guest_services", "guest_page_cache", "reserved_idle", "shims"):
        assert abs(held_mem.get(cat, 0.0) - node.memory.get(cat)) < 1e-6 * max(1.0, node.memory.total), cat
    # The runtime's daemons are the host's, once: no instance holds them.
    daemon = node.runtime.daemon_memory_mib.value if node.behaviour.uses_images else 0.0
    assert "runtime" not in held_mem and abs(node.memory.get("runtime") - daemon) < 1e-6, "runtime daemons"
    assert node.touched_mib() <= node.host.memory_mib + 1e-6, "touched memory beyond the host"
    assert node.disk.total <= node.host.disk_mib + 1e-6, "disk beyond the host"
    assert sum(node.counts.values()) == len(node.instances)
    assert all(i.node is node for i in node.instances), "an instance listed on a host it is not on"
    assert node.vcpus_used >= 0 and node.steady_cpu >= -1e-9
