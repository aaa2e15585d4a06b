"""Domain events: what happened in a world, when. Frozen, past tense, read by the TUI log and the CLI.

Reasons are messages (key + parameters, see vmsim.i18n), so the log can show them in any language;
``message`` is the English text the JSON contract carries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from vmsim.i18n import Msg, render, tr

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

    def fields(self, lang: str) -> dict[str, object]:
        """The values the event's message template needs, in ``lang``."""
        return {"noun": tr("noun." + self.world, lang), "id": self.instance}

    def text(self, lang: str = "en") -> str:
        """One line for a log, in ``lang``. (Formatted directly: a run can have hundreds of thousands.)"""
        return tr("event." + self.kind, lang, **self.fields(lang))

    @property
    def message(self) -> str:
        """One line of English for a log."""
        return self.text("en")

    def as_dict(self) -> dict[str, object]:
        """The JSON form: ``{"t_s", "kind", "instance", "message"}``."""
        return {"t_s": round(self.t_s, 6), "kind": self.kind, "instance": self.instance, "message": self.message}


@dataclass(frozen=True)
class InstanceAdded(WorldEvent):
    """A workload was asked for in this world."""

    kind: ClassVar[str] = "added"
    app: str

    def fields(self, lang: str) -> dict[str, object]:
        return {**super().fields(lang), "app": self.app}


@dataclass(frozen=True)
class InstanceReady(WorldEvent):
    """The instance's app is ready to serve; ``boot_s`` is how long it took from being added."""

    kind: ClassVar[str] = "ready"
    boot_s: float

    def fields(self, lang: str) -> dict[str, object]:
        return {**super().fields(lang), "s": f"{self.boot_s:.2f}"}


@dataclass(frozen=True)
class _WithReason(WorldEvent):
    reason: Msg

    def fields(self, lang: str) -> dict[str, object]:
        return {**super().fields(lang), "reason": render(self.reason, lang)}


@dataclass(frozen=True)
class InstanceRefused(_WithReason):
    """The host could not take the instance (memory, disk or vCPUs); it never started."""

    kind: ClassVar[str] = "refused"


@dataclass(frozen=True)
class InstanceFailed(_WithReason):
    """The instance started but could not finish booting."""

    kind: ClassVar[str] = "failed"


@dataclass(frozen=True)
class InstanceKilled(_WithReason):
    """An OOM killer (the host's, a guest's or a cgroup's) stopped the instance's app."""

    kind: ClassVar[str] = "killed"


@dataclass(frozen=True)
class AllocationWarned(_WithReason):
    """A VM got less memory than its guest OS recommends; it may still boot."""

    kind: ClassVar[str] = "warning"


@dataclass(frozen=True)
class InstanceStopped(WorldEvent):
    """The instance was removed on request; its memory and disk were released."""

    kind: ClassVar[str] = "stopped"


@dataclass(frozen=True)
class ArtifactFetched(WorldEvent):
    """An image layer or a guest OS image finished downloading and is now stored on the host."""

    kind: ClassVar[str] = "fetched"
    artifact: str
    size_mib: float

    def fields(self, lang: str) -> dict[str, object]:
        return {"artifact": self.artifact, "size": fmt_mib(self.size_mib)}
