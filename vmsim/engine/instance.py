"""One workload in one world: its state, boot plan and what it holds."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from vmsim.engine.catalog import App
from vmsim.engine.clock import Timer
from vmsim.engine.codes import Coded
from vmsim.engine.sharing import Job, SharedCapacity
from vmsim.engine.snapshot import InstanceSnapshot, PhaseRecord

if TYPE_CHECKING:
    from vmsim.engine.artifacts import Artifact
    from vmsim.engine.node import Node

# Step kinds: run on the cores, on the disk, wait for artifacts, or just take time.
CPU, DISK, FETCH = "cpu", "disk", "fetch"
LIVE_STATES = ("pending", "booting", "running")
# The boot plan of an instance whose boot is over (shared by all of them, never appended to): its steps are ~1 KiB
# an instance, a third of what 30,000 running instances a world would otherwise hold.
NO_STEPS: list[tuple[str, str, float, float]] = []
# What an instance waits for when it waits for nothing (shared and frozen: only a fetch step gives it a set of its
# own, and only an instance with one of its own is ever told that an artifact arrived).
NOT_WAITING = cast(set[str], frozenset())


class Instance:
    """One workload in one world. Invariant: ``mem``/``disk`` are exactly what it added to the ledgers."""

    __slots__ = (
        "id",
        "app",
        "seq",
        "state",
        "added_s",
        "ready_s",
        "reason",
        "steps",
        "step_index",
        "phases",
        "current",
        "job",
        "job_on",
        "timer",
        "mem",
        "disk",
        "needs",
        "waiting",
        "alloc",
        "app_extra_mib",
        "shares_pages",
        "steady_cpu",
        "vcpus",
        "services_touched",
        "snap",
        "node",
        "replaces",
        "rebooting",
        "exposed",
        "oom_hidden_mib",
        "version",
        "works",
    )

    def __init__(self, id: str, app: App, seq: int, added_s: float) -> None:
        self.id = id
        self.app = app
        self.seq = seq
        self.state = "pending"
        self.added_s = added_s
        self.ready_s: float | None = None
        self.reason: Coded | None = None
        self.steps: list[tuple[str, str, float, float]] = []
        self.step_index = 0
        self.phases: list[PhaseRecord] = []  # finished phases
        self.current: tuple[str, float] | None = None  # the phase running now: (name, start_s)
        self.job: Job | None = None
        self.job_on: SharedCapacity | None = None
        self.timer: Timer | None = None
        self.mem: dict[str, float] = {}
        self.disk: dict[str, float] = {}
        self.needs: list[Artifact] = []
        self.waiting: set[str] = NOT_WAITING
        self.alloc = 0.0
        self.app_extra_mib = 0.0
        self.shares_pages = False
        self.steady_cpu = 0.0
        self.vcpus = 0
        self.services_touched = False
        self.snap: InstanceSnapshot | None = None  # cached while it is not booting
        self.node: Node | None = None  # the host it was placed on (None: refused before any host took it)
        self.replaces: str | None = None  # the instance a fault stopped that this one replaces
        self.rebooting = False  # it is that instance's guest booting again on its host (a reboot, not a first boot)
        self.exposed = False  # a workload broke out of its isolation and can reach it
        self.oom_hidden_mib = 0.0  # memory it holds that the host's OOM killer does not charge to it
        self.version: str | None = None  # the app version a deploy left it running (None: never deployed to)
        self.works = True  # whether the app works there (a deploy by hand may leave it broken)

    @property
    def live(self) -> bool:
        """Pending, booting or running."""
        return self.state in LIVE_STATES

    @property
    def holds(self) -> bool:
        """It still holds memory or disk (live, or a VM whose app was killed inside it)."""
        return bool(self.mem or self.disk)
