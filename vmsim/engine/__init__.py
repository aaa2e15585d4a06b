"""vmsim's simulation engine: pure Python, deterministic, no user interface."""

from vmsim.engine.admission import FitResult
from vmsim.engine.catalog import App, Catalog, Figure, GuestOS, Image, ImageLayer, default_catalog
from vmsim.engine.events import WorldEvent
from vmsim.engine.hosts import LocalMachine, make_host
from vmsim.engine.kinds import WORLD_KINDS
from vmsim.engine.machines import (
    ContainerSettings,
    Host,
    MicroVmSettings,
    Settings,
    VmSettings,
)
from vmsim.engine.simulation import Simulation, UnknownAppError
from vmsim.engine.snapshot import InstanceSnapshot, SimulationSnapshot, WorldSnapshot

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
    "LocalMachine",
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
]
