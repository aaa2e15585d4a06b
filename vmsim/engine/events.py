"""Domain events: what happened in a world, when. Frozen, past tense, read by the TUI log and the CLI.

Events carry codes and figures only (a reason is a :class:`~vmsim.engine.codes.Coded`); the front ends
turn them into words in the reader's language.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from vmsim.engine.codes import Coded

_set = object.__setattr__  # how __init__ writes the slots that __setattr__ refuses


class WorldEvent:
    """Something that happened to an instance or a world at simulated time ``t_s``.

    An immutable value: events of the same kind with the same fields are equal. Each kind is a plain class
    with slots rather than a frozen dataclass because making ten dataclasses cost ~12 ms of every start of
    the dashboard; the methods below are the few a dataclass would have written.
    """

    __slots__ = ("t_s", "world", "instance")
    _fields: ClassVar[tuple[str, ...]] = __slots__
    kind: ClassVar[str] = "event"
    t_s: float
    world: str
    instance: str | None

    def __init__(self, t_s: float, world: str, instance: str | None) -> None:
        _set(self, "t_s", t_s)
        _set(self, "world", world)
        _set(self, "instance", instance)

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        # Every kind lists its own slots (an empty tuple when it adds none), so no instance has a __dict__.
        cls._fields = cls._fields + cls.__dict__["__slots__"]

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash((self.kind, *self._values()))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{n}={getattr(self, n)!r}' for n in self._fields)})"

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable: cannot delete {name!r}")

    def __reduce__(self) -> tuple[type[WorldEvent], tuple[object, ...]]:
        # copy, deepcopy and pickle remake the event through __init__ (setting slots one by one would fail).
        return type(self), self._values()

    @property
    def affected(self) -> tuple[str, ...]:
        """The instances this event touched: its own instance, or none (a fault lists every one it reached)."""
        return () if self.instance is None else (self.instance,)

    def as_dict(self, message: Callable[[WorldEvent], str]) -> dict[str, object]:
        """The JSON form ``{"t_s", "kind", "instance", "message", "affected"}``; ``message`` words the event."""
        return {
            "t_s": round(self.t_s, 6),
            "kind": self.kind,
            "instance": self.instance,
            "message": message(self),
            "affected": list(self.affected),
        }


class InstanceAdded(WorldEvent):
    """A workload was asked for in this world."""

    __slots__ = ("app",)
    kind: ClassVar[str] = "added"
    app: str

    def __init__(self, t_s: float, world: str, instance: str | None, app: str) -> None:
        super().__init__(t_s, world, instance)
        _set(self, "app", app)


class InstanceReady(WorldEvent):
    """The instance's app is ready to serve; ``boot_s`` is how long it took from being added."""

    __slots__ = ("boot_s",)
    kind: ClassVar[str] = "ready"
    boot_s: float

    def __init__(self, t_s: float, world: str, instance: str | None, boot_s: float) -> None:
        super().__init__(t_s, world, instance)
        _set(self, "boot_s", boot_s)


class _WithReason(WorldEvent):
    __slots__ = ("reason",)
    reason: Coded

    def __init__(self, t_s: float, world: str, instance: str | None, reason: Coded) -> None:
        super().__init__(t_s, world, instance)
        _set(self, "reason", reason)


class InstanceRefused(_WithReason):
    """The host could not take the instance (memory, disk or vCPUs); it never started."""

    __slots__ = ()
    kind: ClassVar[str] = "refused"


class InstanceFailed(_WithReason):
    """The instance started but could not finish booting."""

    __slots__ = ()
    kind: ClassVar[str] = "failed"


class InstanceKilled(_WithReason):
    """An OOM killer (the host's, a guest's or a cgroup's) stopped the instance's app."""

    __slots__ = ()
    kind: ClassVar[str] = "killed"


class AllocationWarned(_WithReason):
    """A VM got less memory than its guest OS recommends; it may still boot."""

    __slots__ = ()
    kind: ClassVar[str] = "warning"


class InstanceStopped(WorldEvent):
    """The instance was removed on request; its memory and disk were released."""

    __slots__ = ()
    kind: ClassVar[str] = "stopped"


class ArtifactFetched(WorldEvent):
    """An image layer or a guest OS image finished downloading and is now stored on the host."""

    __slots__ = ("artifact", "size_mib", "host")  # in the order __init__ takes them (__reduce__ remakes it so)
    kind: ClassVar[str] = "fetched"
    artifact: str
    size_mib: float
    host: str | None  # which host, in a world of more than one (each stores its own copy)

    def __init__(
        self, t_s: float, world: str, instance: str | None, artifact: str, size_mib: float, host: str | None = None
    ) -> None:
        super().__init__(t_s, world, instance)
        _set(self, "artifact", artifact)
        _set(self, "size_mib", size_mib)
        _set(self, "host", host)


class AppGrew(WorldEvent):
    """Every running instance of ``app`` took ``memory_mib`` more memory (a cache filling): ``count`` of them."""

    __slots__ = ("app", "memory_mib", "count")
    kind: ClassVar[str] = "grew"
    app: str
    memory_mib: float
    count: int

    def __init__(self, t_s: float, world: str, instance: str | None, app: str, memory_mib: float, count: int) -> None:
        super().__init__(t_s, world, instance)
        _set(self, "app", app)
        _set(self, "memory_mib", memory_mib)
        _set(self, "count", count)


class FaultHappened(WorldEvent):
    """A fault struck (one event per world): ``host`` where, ``reached`` every instance it touched there, and
    ``scope`` how far it went: ``host`` (every instance on the host), ``guest`` (one guest) or ``none``."""

    __slots__ = ("host", "reached", "scope")
    host: str | None
    reached: tuple[str, ...]
    scope: str

    def __init__(
        self, t_s: float, world: str, instance: str | None, host: str | None, reached: tuple[str, ...], scope: str
    ) -> None:
        super().__init__(t_s, world, instance)
        _set(self, "host", host)
        _set(self, "reached", reached)
        _set(self, "scope", scope)

    @property
    def affected(self) -> tuple[str, ...]:
        """Every instance the fault reached in this world (the one it started in may not be among them)."""
        return self.reached


class HostWentDown(FaultHappened):
    """A host stopped: every instance on it stopped too; replacements go to the hosts still up."""

    __slots__ = ()
    kind: ClassVar[str] = "host-down"


class GuestKernelPanicked(FaultHappened):
    """One guest's kernel panicked: only that VM or microVM stopped (nothing in the container world)."""

    __slots__ = ()
    kind: ClassVar[str] = "guest-kernel-panic"


class KernelPanicked(FaultHappened):
    """A kernel bug reached from a workload: the host's kernel (every container on it) or one guest's."""

    __slots__ = ()
    kind: ClassVar[str] = "kernel-panic"


class IsolationEscaped(FaultHappened):
    """A workload broke out of its isolation: every container on its host is exposed, or one guest."""

    __slots__ = ()
    kind: ClassVar[str] = "escape"


class NeighbourGrew(FaultHappened):
    """An instance ate memory: the host's OOM killer acts on the host (containers), or its guest's inside it."""

    __slots__ = ()
    kind: ClassVar[str] = "noisy-neighbour"


FAULTS: dict[str, type[FaultHappened]] = {
    cls.kind: cls for cls in (HostWentDown, GuestKernelPanicked, KernelPanicked, IsolationEscaped, NeighbourGrew)
}
