"""The protocol every kind of instance (VM, container, microVM …) follows, and the world it works in.

A :class:`~vmsim.engine.world.World` owns the instances, the boot-step runner, endings and snapshots; each of
its hosts, a :class:`~vmsim.engine.node.Node`, owns the ledgers, the cores, disk and network and the artifact
store. A kind is made once per host and asks its node. A kind decides only what
differs: what one instance stores and needs, how it is admitted, the steps of its boot, and which memory
each step touches.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from vmsim.engine.catalog import App
from vmsim.engine.codes import Coded

if TYPE_CHECKING:
    from vmsim.engine.artifacts import Artifact
    from vmsim.engine.instance import Instance
    from vmsim.engine.node import Node

# add(name, step kind, nominal seconds, weight): append one boot step, with the world's jitter.
AddStep = Callable[[str, str, float, float], None]


class InstanceKind(Protocol):
    """How one kind of instance runs in a node. Made once per host by ``factory(node)``."""

    name: str  # the world's key: 'vm', 'container', 'microvm'
    label: str  # the world's title in snapshots
    has_guest: bool  # each instance boots its own kernel inside an allocation
    uses_images: bool  # instances start from image layers stored once per host
    fetch_step: str  # the name of the boot step that waits for missing artifacts
    memory_phases: frozenset[str]  # boot steps after which ``after_phase`` touches memory
    pressure_possible: bool  # touched memory can outgrow the host, so the OOM killer may act

    def prepare(self) -> None:
        """At t = 0: reserve the kind's own memory and store the artifacts that are there from the start."""
        ...

    def instance_disk(self, app: App) -> tuple[str, float]:
        """The disk category and MiB one more instance adds (besides artifacts it may have to fetch)."""
        ...

    def needs(self, app: App) -> list[Artifact]:
        """The artifacts an instance of ``app`` needs on the host before it can boot."""
        ...

    def steady_cpu(self, app: App) -> float:
        """Cores one running instance of ``app`` keeps busy."""
        ...

    def memory_limits(self, app: App, limits: list[tuple[int, str]], per: list[tuple[str, float]]) -> None:
        """Append how many more fit by memory (and vCPUs), and what each needs, to a fit's lists."""
        ...

    def refusal(self, app: App) -> Coded | None:
        """Why memory (or vCPUs) refuse one more instance now, or None (disk is checked before)."""
        ...

    def plan(self, inst: Instance, add: AddStep, disk_mib: float) -> None:
        """Hold what the instance takes at admission and add the kind's boot steps (before the app's)."""
        ...

    def after_phase(self, inst: Instance, phase: str) -> bool:
        """Touch the memory a finished ``phase`` brings in; False when the instance failed or was killed."""
        ...

    def grow(self, inst: Instance, mib: float) -> None:
        """A running instance's app takes ``mib`` more private memory (its own limits may kill it)."""
        ...

    def ksm_saved_mib(self) -> float:
        """Memory merged across identical guests (0 where nothing merges)."""
        ...

    def check_invariants(self) -> None:
        """Raise AssertionError when the kind's own books do not balance."""
        ...


KindFactory = Callable[["Node"], InstanceKind]
