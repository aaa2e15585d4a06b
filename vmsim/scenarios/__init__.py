"""Scenarios: TOML files → validated specs → Simulations."""

from vmsim.scenarios.build import build_host, build_simulation
from vmsim.scenarios.errors import ScenarioError
from vmsim.scenarios.loader import load_scenario, resolve, shipped_names
from vmsim.scenarios.schema import parse_scenario
from vmsim.scenarios.spec import EventSpec, HostSpec, ScenarioSpec

__all__ = [
    "EventSpec",
    "HostSpec",
    "ScenarioError",
    "ScenarioSpec",
    "build_host",
    "build_simulation",
    "load_scenario",
    "parse_scenario",
    "resolve",
    "shipped_names",
]
