"""A scenario as plain data: what the loader produces and ``build`` turns into a Simulation."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

from vmsim.engine.machines import Cluster, ContainerSettings, MicroVmSettings, VmSettings


class BuildSpec(NamedTuple):
    """Which Dockerfiles a lesson builds, what changes between builds, and to how many servers it ships."""

    dockerfile: Path
    compare: Path | None = None
    changed: tuple[str, ...] = ()
    servers: int = 10


class LayerSpec(NamedTuple):
    """One layer of an app's image read from a Dockerfile: its id, size and how the size was found."""

    id: str  # a catalog layer's id (stored once with every image that has it), or the layer's short digest
    size_mib: float
    kind: str  # measured | derived | choice, as the catalog's figures say
    note: str


class AppImageSpec(NamedTuple):
    """An app defined by a Dockerfile (``[apps.NAME] dockerfile = "path"``): its image's layers, bottom first, and
    the catalog app whose memory, start time and CPU it has (``like``)."""

    name: str
    like: str
    dockerfile: Path
    base: str
    layers: tuple[LayerSpec, ...]


class HostSpec(NamedTuple):
    """Which host: a preset name and any hardware it overrides."""

    preset: str = "laptop"
    cpu_cores: int | None = None
    memory_mib: float | None = None
    disk_mib: float | None = None

    def overrides(self) -> dict[str, float]:
        """The hardware figures given explicitly."""
        return {
            k: v
            for k, v in (("cpu_cores", self.cpu_cores), ("memory_mib", self.memory_mib), ("disk_mib", self.disk_mib))
            if v is not None
        }


class EventSpec(NamedTuple):
    """One timed command: add ``count`` of an app, remove an instance or app, or grow an app's memory."""

    at_s: float
    verb: str  # add_workload | remove_instance | remove_app | grow_app
    args: tuple[object, ...]


class LessonStep(NamedTuple):
    """One step of a lesson: narration, an optional question asked before its action, and what it does.

    Texts are by language (``{"en": ..., "ko": ...}``; English is required, others fall back to it).
    """

    text: dict[str, str]
    title: dict[str, str] | None = None
    ask: dict[str, str] | None = None
    actions: tuple[EventSpec, ...] = ()
    pause: bool | None = None
    worlds: tuple[str, ...] | None = None
    view: str | None = None
    highlight: str | None = None
    watch_s: float = 0.0
    # What the answer to ``ask`` shows (versions, figures, a verdict): never on screen before the reveal.
    facts: tuple[str, ...] = ()
    # False: the fit line stays hidden while this step is shown (a later question asks what it would say).
    show_fit: bool = True

    def say(self, field_name: str, lang: str) -> str:
        """A text of this step in ``lang`` (English when that language is missing)."""
        texts: dict[str, str] = getattr(self, field_name) or {}
        return texts.get(lang) or texts.get("en", "")


class ScenarioSpec(NamedTuple):
    """Everything one scenario file says, validated.

    ``name`` and ``description`` are the English texts; ``texts`` holds them in other languages too
    (``{"name": {"en": ..., "ko": ...}}``), read them in a language with :meth:`say`.
    """

    name: str
    description: str = ""
    seed: int = 0
    duration_s: float = 60.0
    worlds: tuple[str, ...] = ("vm", "container")
    host: HostSpec = HostSpec()
    cluster: Cluster = Cluster()
    vm: VmSettings = VmSettings()
    container: ContainerSettings = ContainerSettings()
    microvm: MicroVmSettings = MicroVmSettings()
    events: tuple[EventSpec, ...] = ()
    lesson: tuple[LessonStep, ...] = ()
    build: BuildSpec | None = None  # a lesson's Dockerfiles (the build view)
    apps: tuple[AppImageSpec, ...] = ()  # apps whose images are built from Dockerfiles
    source: str = "<memory>"
    slug: str = ""
    texts: Mapping[str, Mapping[str, str]] = MappingProxyType({})

    def say(self, field_name: str, lang: str) -> str:
        """The scenario's ``name`` or ``description`` in ``lang`` (English when that language is missing)."""
        english: str = getattr(self, field_name)
        return self.texts.get(field_name, {}).get(lang) or english
