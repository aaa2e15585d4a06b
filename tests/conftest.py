"""Shared fixtures: the default catalog and a small builder for Simulations with explicit settings."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pytest

from vmsim.engine import (
    ContainerSettings,
    Host,
    MicroVmSettings,
    Settings,
    Simulation,
    VmSettings,
    default_catalog,
)
from vmsim.engine.machines import Cluster


def build_sim(
    *,
    host: str = "laptop",
    worlds: Iterable[str] = ("vm", "container", "microvm"),
    seed: int = 1,
    vm: Mapping[str, Any] | None = None,
    container: Mapping[str, Any] | None = None,
    microvm: Mapping[str, Any] | None = None,
    cluster: Cluster | None = None,
    **host_overrides: float,
) -> Simulation:
    """A Simulation on a catalog host preset (hardware overridable) with the given per-world settings."""
    cat = default_catalog()
    settings = Settings(
        cat,
        vm=VmSettings(**dict(vm or {})),
        container=ContainerSettings(**dict(container or {})),
        microvm=MicroVmSettings(**dict(microvm or {})),
    )
    return Simulation(
        Host.from_preset(cat.hosts[host], **host_overrides),
        worlds=tuple(worlds),
        settings=settings,
        seed=seed,
        cluster=cluster,
    )


@pytest.fixture(scope="session")
def cat():
    """The shipped catalog: tests compute their expected values from its figures."""
    return default_catalog()


@pytest.fixture(scope="session")
def make_sim():
    """The :func:`build_sim` builder (session scoped: it is stateless, and hypothesis tests can use it)."""
    return build_sim
