"""The registry of instance kinds: the one place that lists them.

A new kind is a module with a class following :class:`~vmsim.engine.kinds.base.InstanceKind` and one
line here; the other kinds' modules, the world and the simulation do not change.
"""

from __future__ import annotations

from vmsim.engine.kinds.base import InstanceKind, KindFactory
from vmsim.engine.kinds.container import ContainerKind
from vmsim.engine.kinds.microvm import MicroVmKind
from vmsim.engine.kinds.vm import VmKind

# In display order: worlds appear in this order whatever order a scenario names them in.
KINDS: dict[str, KindFactory] = {
    VmKind.name: VmKind,
    ContainerKind.name: ContainerKind,
    MicroVmKind.name: MicroVmKind,
}

WORLD_KINDS: tuple[str, ...] = tuple(KINDS)
# The worlds of a Simulation made without naming any: the classic comparison.
DEFAULT_WORLDS: tuple[str, ...] = (VmKind.name, ContainerKind.name)

__all__ = ["DEFAULT_WORLDS", "KINDS", "WORLD_KINDS", "InstanceKind", "KindFactory"]
