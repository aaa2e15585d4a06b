"""Domain events: what happened in a world, when. Frozen, past tense, read by the TUI log and the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

WORLD_NOUN = {"vm": "VM", "container": "container", "microvm": "microVM"}


def fmt_mib(mib: float) -> str:
    """MiB with thousands separators, or GiB above 10 GiB: '2,048 MiB', '12.5 GiB'."""
    if mib >= 10 * 1024:
        return f"{mib / 1024:,.1f} GiB"
    if mib >= 100 or mib == int(mib):
        return f"{mib:,.0f} MiB"
    return f"{mib:,.1f} MiB"


@dataclass(frozen=True)
class WorldEvent:
    """Something that happened to an instance or a world at simulated time ``t_s``."""

    kind: ClassVar[str] = "event"
    t_s: float
    world: str
    instance: str | None

    @property
    def noun(self) -> str:
        """'VM', 'container' or 'microVM'."""
        return WORLD_NOUN.get(self.world, self.world)

    @property
    def message(self) -> str:
        """One line of English for a log."""
        return f"{self.noun} {self.instance} {self.kind}"

    def as_dict(self) -> dict[str, object]:
        """The JSON form: ``{"t_s", "kind", "instance", "message"}``."""
        return {"t_s": round(self.t_s, 6), "kind": self.kind, "instance": self.instance, "message": self.message}


@dataclass(frozen=True)
class InstanceAdded(WorldEvent):
    """A workload was asked for in this world."""

    kind: ClassVar[str] = "added"
    app: str

    @property
    def message(self) -> str:
        return f"{self.noun} {self.instance} added ({self.app})"


@dataclass(frozen=True)
class InstanceReady(WorldEvent):
    """The instance's app is ready to serve; ``boot_s`` is how long it took from being added."""

    kind: ClassVar[str] = "ready"
    boot_s: float

    @property
    def message(self) -> str:
        return f"{self.noun} {self.instance} ready in {self.boot_s:.2f} s"


@dataclass(frozen=True)
class InstanceRefused(WorldEvent):
    """The host could not take the instance (memory, disk or vCPUs); it never started."""

    kind: ClassVar[str] = "refused"
    reason: str

    @property
    def message(self) -> str:
        return f"{self.noun} {self.instance} refused: {self.reason}"


@dataclass(frozen=True)
class InstanceFailed(WorldEvent):
    """The instance started but could not finish booting."""

    kind: ClassVar[str] = "failed"
    reason: str

    @property
    def message(self) -> str:
        return f"{self.noun} {self.instance} failed: {self.reason}"


@dataclass(frozen=True)
class InstanceKilled(WorldEvent):
    """An OOM killer (the host's, a guest's or a cgroup's) stopped the instance's app."""

    kind: ClassVar[str] = "killed"
    reason: str

    @property
    def message(self) -> str:
        return f"{self.noun} {self.instance} killed: {self.reason}"


@dataclass(frozen=True)
class InstanceStopped(WorldEvent):
    """The instance was removed on request; its memory and disk were released."""

    kind: ClassVar[str] = "stopped"

    @property
    def message(self) -> str:
        return f"{self.noun} {self.instance} stopped and removed"


@dataclass(frozen=True)
class ArtifactFetched(WorldEvent):
    """An image layer or a guest OS image finished downloading and is now stored on the host."""

    kind: ClassVar[str] = "fetched"
    artifact: str
    size_mib: float

    @property
    def message(self) -> str:
        return f"{self.artifact} stored on the host ({fmt_mib(self.size_mib)})"


@dataclass(frozen=True)
class AllocationWarned(WorldEvent):
    """A VM got less memory than its guest OS recommends; it may still boot."""

    kind: ClassVar[str] = "warning"
    reason: str

    @property
    def message(self) -> str:
        return f"{self.noun} {self.instance}: {self.reason}"
