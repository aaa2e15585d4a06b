"""The one way to run a scenario: a Session owns the Simulation; the dashboard, the web mode, the CLI and the
tests drive it through the Session's methods and read the immutable snapshots it returns.

This package is also the front ends' only door to the model: the dashboard and the web mode import the
types and functions they need from here, never from ``vmsim.engine`` or ``vmsim.scenarios`` (an
import-linter contract holds them to it). Names whose modules the dashboard does not need at start-up
(the drift story's ``Deployment``, the lesson runner) load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vmsim.engine.admission import FitResult
from vmsim.engine.catalog import Catalog, default_catalog
from vmsim.engine.events import WorldEvent
from vmsim.engine.machines import Host
from vmsim.engine.snapshot import CpuSnapshot, ImageUsage, InstanceSnapshot, Ledger, SimulationSnapshot, WorldSnapshot
from vmsim.scenarios import ScenarioError, ScenarioSpec, load_scenario, resolve, shipped_names
from vmsim.scenarios.spec import BuildSpec
from vmsim.session.headless import run_headless
from vmsim.session.hosts import HostsSummary, hosts_summary
from vmsim.session.room import TooManyInstances
from vmsim.session.session import SEEK_STEP_S, SPEEDS, DriftStory, Series, Session

if TYPE_CHECKING:
    from vmsim.engine.drift import ContainerView, Deployment, ImageBuild
    from vmsim.session.lesson import LessonRunner, LessonState

_LAZY = {
    "ContainerView": "vmsim.engine.drift",
    "Deployment": "vmsim.engine.drift",
    "ImageBuild": "vmsim.engine.drift",
    "LessonRunner": "vmsim.session.lesson",
    "LessonState": "vmsim.session.lesson",
}

__all__ = [
    "SEEK_STEP_S",
    "SPEEDS",
    "BuildSpec",
    "Catalog",
    "ContainerView",
    "CpuSnapshot",
    "Deployment",
    "DriftStory",
    "FitResult",
    "Host",
    "HostsSummary",
    "ImageBuild",
    "ImageUsage",
    "InstanceSnapshot",
    "Ledger",
    "LessonRunner",
    "LessonState",
    "ScenarioError",
    "ScenarioSpec",
    "Series",
    "Session",
    "SimulationSnapshot",
    "TooManyInstances",
    "WorldEvent",
    "WorldSnapshot",
    "default_catalog",
    "hosts_summary",
    "load_scenario",
    "run_headless",
    "resolve",
    "shipped_names",
]


def __getattr__(name: str) -> Any:
    """Load the names kept out of start-up on first use."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
