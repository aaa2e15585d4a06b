"""vmsim's simulation engine: pure Python, deterministic, no user interface."""

from vmsim.engine.catalog import App, Catalog, Figure, GuestOS, Image, ImageLayer, default_catalog
from vmsim.engine.events import WorldEvent
from vmsim.engine.hosts import make_host, probe_local_machine
from vmsim.engine.machines import (
    WORLD_KINDS,
    ContainerSettings,
    Host,
    MicroVmSettings,
    Settings,
    VmSettings,
)
from vmsim.engine.simulation import Simulation, UnknownAppError
from vmsim.engine.snapshot import InstanceSnapshot, SimulationSnapshot, WorldSnapshot
from vmsim.engine.world import FitResult

__all__ = [
    "WORLD_KINDS",
    "App",
    "Catalog",
    "ContainerSettings",
    "Figure",
    "FitResult",
    "GuestOS",
    "Host",
    "Image",
    "ImageLayer",
    "InstanceSnapshot",
    "MicroVmSettings",
    "Settings",
    "Simulation",
    "SimulationSnapshot",
    "UnknownAppError",
    "VmSettings",
    "WorldEvent",
    "WorldSnapshot",
    "default_catalog",
    "make_host",
    "probe_local_machine",
]
