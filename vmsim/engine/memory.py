"""Memory accounting in one world: file pages shared through the host page cache, and the OOM killer's pick."""

from __future__ import annotations

import heapq
from collections.abc import Sequence

from vmsim.engine.catalog import App
from vmsim.engine.instance import Instance
from vmsim.engine.ledger import MutableLedger


def held_touched_mib(inst: Instance) -> float:
    """Memory the instance really uses on the host: all it holds except untouched guest RAM."""
    return sum(v for k, v in inst.mem.items() if k != "reserved_idle")


def oom_rank_mib(inst: Instance) -> float:
    """What the host's OOM killer charges the instance with: its touched memory less what the kernel's badness
    score does not count as any process's (shared memory and tmpfs pages a noisy neighbour filled)."""
    return held_touched_mib(inst) - inst.oom_hidden_mib


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

    A max-heap with lazy deletion: an entry is pushed whenever an instance's memory changes, and stale
    entries are dropped when met. Under memory pressure every start can trigger a kill; a scan of all
    instances each time made 8,000 containers take a minute.
    """

    def __init__(self, instances: Sequence[Instance]) -> None:
        self._instances = instances
        self._heap: list[tuple[float, int, Instance]] = []

    def changed(self, inst: Instance) -> None:
        """The instance's memory changed: queue it at its new size."""
        if inst.mem:
            heap = self._heap
            heapq.heappush(heap, (-oom_rank_mib(inst), -inst.seq, inst))
            if len(heap) > 4 * len(self._instances) + 64:
                # Every change pushes a new entry: rebuild from the present now and then, or stale ones pile up.
                self._heap = [(-oom_rank_mib(i), -i.seq, i) for i in self._instances if i.mem]
                heapq.heapify(self._heap)

    def largest(self) -> Instance | None:
        """The instance holding the most touched memory, or None when none holds any."""
        heap = self._heap
        while heap:
            neg_size, _, inst = heap[0]
            if inst.mem and -neg_size == oom_rank_mib(inst):
                return inst
            heapq.heappop(heap)
        return None
