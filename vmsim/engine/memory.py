"""Memory accounting in one world: file pages shared through the host page cache, and the OOM killer's pick."""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from typing import TYPE_CHECKING

from vmsim.engine.catalog import App
from vmsim.engine.codes import coded
from vmsim.engine.instance import Instance
from vmsim.engine.ledger import MutableLedger

if TYPE_CHECKING:
    from vmsim.engine.node import Node
    from vmsim.engine.world import World


def held_touched_mib(inst: Instance) -> float:
    """Memory the instance really uses on the host: all it holds except untouched guest RAM."""
    return sum(v for k, v in inst.mem.items() if k != "reserved_idle")


def oom_rank_mib(inst: Instance) -> float:
    """What the host's OOM killer charges the instance with: its touched memory less what the kernel's badness
    score does not count as any process's (shared memory and tmpfs pages a noisy neighbour filled)."""
    return held_touched_mib(inst) - inst.oom_hidden_mib


def host_pressure(world: World, node: Node, newcomer: Instance | None = None) -> bool:
    """Kill the largest live instances while ``node``'s memory is over capacity; False if ``newcomer`` died.

    A method of :class:`~vmsim.engine.world.World` (``world.host_pressure(node)``), written here with the rest
    of the OOM killer's pick."""
    capacity = node.host.memory_mib
    while node.touched_mib() > capacity + 1e-6:
        victim = node.oom.largest()
        if victim is None:
            break
        need = node.touched_mib()
        reason = coded("reason.host_oom", need_mib=need, cap_mib=capacity, size_mib=held_touched_mib(victim))
        if not victim.live:
            # A VM whose app its own guest killed still holds its memory; the host's killer now ends the VM
            # process itself. The instance ended once already (one end event): its memory goes, its reason
            # says why.
            world.release(victim)
            victim.reason = reason
            victim.snap = None
            world.dirty = True
            continue
        world.kill(victim, reason)
    return newcomer is None or newcomer.live


class SharedPages:
    """An image's file-backed pages, in the host page cache once however many containers map them.

    Invariant: ``shared_pages`` in the ledger is the sum of ``file_mib`` over images with a user.
    """

    def __init__(self, memory: MutableLedger) -> None:
        self.memory = memory
        self.refs: dict[str, int] = {}

    def users(self, image: str) -> int:
        """How many live instances map ``image``'s pages."""
        return self.refs.get(image, 0)

    def map(self, app: App) -> None:
        """One more instance maps the pages of ``app``'s image (the first one brings them in)."""
        refs = self.refs.get(app.image.name, 0)
        if refs == 0:
            self.memory.add("shared_pages", app.file_mib.value)
        self.refs[app.image.name] = refs + 1

    def unmap(self, app: App) -> None:
        """One instance stops mapping them (the last one lets them go)."""
        name = app.image.name
        self.refs[name] -= 1
        if self.refs[name] == 0:
            self.memory.add("shared_pages", -app.file_mib.value)


class OomQueue:
    """The instances an OOM killer would pick from, largest charged memory first (the youngest of equals).

    A max-heap with lazy deletion: an instance whose memory changed is queued at its new size the next time
    the killer asks, and stale entries are dropped when met. Under memory pressure every start can trigger a
    kill; a scan of all instances each time made 8,000 containers take a minute. Without pressure the killer
    never asks, and a change costs one dict entry.
    """

    def __init__(self, instances: Sequence[Instance]) -> None:
        self._instances = instances
        self._heap: list[tuple[float, int, Instance]] = []
        self._changed: dict[Instance, None] = {}  # changed since the heap was last brought up to date

    def changed(self, inst: Instance) -> None:
        """The instance's memory changed: it is queued at its new size when the killer next asks."""
        self._changed[inst] = None

    def largest(self) -> Instance | None:
        """The instance holding the most touched memory, or None when none holds any."""
        heap = self._heap
        for inst in self._changed:
            if inst.mem:
                heapq.heappush(heap, (-oom_rank_mib(inst), -inst.seq, inst))
        self._changed.clear()
        if len(heap) > 4 * len(self._instances) + 64:
            # Every change pushes a new entry: rebuild from the present now and then, or stale ones pile up.
            heap = self._heap = [(-oom_rank_mib(i), -i.seq, i) for i in self._instances if i.mem]
            heapq.heapify(heap)
        while heap:
            neg_size, _, inst = heap[0]
            if inst.mem and -neg_size == oom_rank_mib(inst):
                return inst
            heapq.heappop(heap)
        return None
