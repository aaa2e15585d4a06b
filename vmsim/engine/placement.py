"""Placement: which host of a world takes a new instance.

``spread`` picks the host with the fewest live instances, and among those the most free memory (a heap
keyed by both, refreshed lazily: a host whose memory or instances changed since the last placement is pushed
again once, stale entries are dropped when met). Free memory alone would not spread a burst: containers commit
nothing until they start, so ten added at once would all land on the first host. ``pack`` picks the first
host, in order, that can take the instance (a first-fit pointer per app, moved back only when a host before it
gained room). Either way, an instance is refused only when no host that is up can take it; then it goes to
the host spread would pick, whose admission says why (containers are not refused for memory: there the OOM
killer acts, on one host as on many).
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING

from vmsim.engine import admission
from vmsim.engine.catalog import App

if TYPE_CHECKING:
    from vmsim.engine.node import Node


# Refusals another host cannot answer differently: the host with the most free memory is refused for memory
# (a guest, VM or microVM, with its shim or not, commits the same memory on any host), or the host type refuses
# nested VMs (every host of a world is a copy of the same type).
SAME_EVERYWHERE = frozenset({"reason.no_memory", "reason.no_nested", "reason.no_memory_shim"})


Entry = tuple[int, float, int, "Node"]  # (live instances, -free memory, host index, host)


def _entry(node: Node) -> Entry:
    counts = node.counts
    return (counts["pending"] + counts["booting"] + counts["running"], -node.free_mib, node.index, node)


def can_take(node: Node, app: App) -> bool:
    """The host is up, admits one more of ``app`` now, and has room for it by every limit ``fit`` checks."""
    return node.up and admission.refusal(node, app) is None and admission.fit(node, app).max_instances >= 1


class Placement:
    """Chooses a host. Invariant: every host whose free memory changed since the last choice is in ``_dirty``."""

    def __init__(self, policy: str) -> None:
        self.policy = policy
        self.nodes: list[Node] = []
        self._dirty: dict[Node, None] = {}
        self._heap: list[Entry] = []
        self._first: dict[str, int] = {}  # pack: the lowest host index that may take each app
        self._mark: dict[int, float] = {}  # pack: a host's free memory when an app last did not fit there

    def attach(self, nodes: list[Node]) -> None:
        """The world's hosts, in order (called once they exist)."""
        self.nodes = nodes
        if len(nodes) > 1:
            self._heap = [_entry(n) for n in nodes]
            heapq.heapify(self._heap)

    def changed(self, node: Node) -> None:
        """``node``'s memory or live instances changed (its ledger and the world call this)."""
        if len(self.nodes) > 1:
            self._dirty[node] = None

    def choose(self, app: App) -> Node:
        """The host for one more instance of ``app`` (see the module's docstring)."""
        nodes = self.nodes
        if len(nodes) == 1:
            return nodes[0]
        if self.policy == "pack":
            return self._pack(app)
        return self._spread(app)

    def _refresh_heap(self) -> None:
        heap = self._heap
        for node in self._dirty:
            heapq.heappush(heap, _entry(node))
        if len(heap) > 4 * len(self.nodes) + 64:
            # Every refresh pushes a new entry: rebuild from the present now and then, or stale ones pile up.
            self._heap = heap = [_entry(n) for n in self.nodes]
            heapq.heapify(heap)

    def _valid(self, entry: Entry) -> bool:
        node = entry[3]
        return node.up and entry[:2] == _entry(node)[:2]

    def _spread(self, app: App) -> Node:
        self._refresh_heap()
        self._dirty.clear()
        heap = self._heap
        while heap and not self._valid(heap[0]):
            heapq.heappop(heap)
        if not heap:
            return self._fallback()
        best = heap[0][3]
        if can_take(best, app):
            return best
        refusal = admission.refusal(best, app)
        if refusal is not None and refusal.code in SAME_EVERYWHERE:
            return best  # the emptiest host has too little memory (so has every other), or no host allows it
        # Another limit (disk, bridge ports, vCPUs) binds on the emptiest host: look further, in order of free memory.
        popped = []
        chosen = best
        while heap:
            entry = heapq.heappop(heap)
            if not self._valid(entry):
                continue
            popped.append(entry)
            if can_take(entry[3], app):
                chosen = entry[3]
                break
        for entry in popped:
            heapq.heappush(heap, entry)
        return chosen

    def _pack(self, app: App) -> Node:
        low = len(self.nodes)
        for node in self._dirty:
            mark = self._mark.get(node.index)
            if mark is not None and node.free_mib > mark:  # room came back where an app was turned away
                low = min(low, node.index)
        self._dirty.clear()
        if low < len(self.nodes):
            for name, first in self._first.items():
                self._first[name] = min(first, low)
        i = self._first.get(app.name, 0)
        nodes = self.nodes
        while i < len(nodes):
            node = nodes[i]
            if can_take(node, app):
                self._first[app.name] = i
                return node
            self._mark[i] = node.free_mib
            i += 1
        self._first[app.name] = i
        return self._fallback()

    def _fallback(self) -> Node:
        up = [n for n in self.nodes if n.up] or self.nodes
        return min(up, key=_entry)
