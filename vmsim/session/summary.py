"""The summary that ends every lesson: what the class saw in this run, one column per world (data, no words).

Also ``run_lesson``: a lesson taught from start to end without a teacher (every question revealed, every
step watched for its ``watch_s``), which is what the worksheets' answer keys and ``vmsim lesson`` quote.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from vmsim.engine.deploy import HostDeployed
from vmsim.session.session import Session

if TYPE_CHECKING:
    from vmsim.scenarios.spec import ScenarioSpec

DRIFT_VIEWS = ("drift", "drift-setup", "drift-manual", "drift-dockerfile", "drift-build")
IMAGES_VIEWS = ("images",)


class WorldSummary(NamedTuple):
    """One world at the end of the run."""

    kind: str
    running: int
    starting: int  # added but not yet ready (pending or booting) when the lesson ended
    lost: int  # refused, failed or killed
    first_ready_s: float | None  # the quickest instance's time from added to ready
    slowest_ready_s: float | None
    memory_committed_mib: float  # promised: what admission counts (the host OS left out, as below)
    memory_in_use_mib: float  # touched: what is really resident
    memory_capacity_mib: float  # what the host OS leaves for the workloads
    disk_used_mib: float
    fits_more: int | None  # how many more of the lesson's app would fit (None without an app)
    limited_by: str | None  # what runs out first


class DriftSummary(NamedTuple):
    """The drift story's outcome: how many servers work, set up by hand and from one image."""

    servers: int
    manual_working: int
    image_working: int
    built_here_digests: int  # distinct images when every server builds its own from the tag
    shipped_digests: int  # distinct images when one is built once and pulled everywhere


class ImagesSummary(NamedTuple):
    """What the images lesson taught, in the container world: layers stored once however many use them."""

    images: int  # distinct images live containers run from
    containers: int  # live containers made from them
    virtual_size_mib: float  # what the containers see: each one's whole image, summed over containers
    layers_stored_mib: float  # each distinct layer once (what the disk holds of the images)
    shared_layers_mib: float  # the layers two or more images are built on (stored once)
    writable_layers_mib: float  # the containers' own thin layers


class DeploySummary(NamedTuple):
    """One deploy of the run: how it was made, and per world (in the summary's order) how long until its last
    host finished, how many instances it reached and how many of them work (None where nothing was reached)."""

    method: str
    version: str
    start_s: float
    hosts: int
    per_world: tuple[tuple[float, int, int] | None, ...]  # (seconds, working, reached)


class LessonSummary(NamedTuple):
    """The summary step's table: the run's time, the app it follows, each world, and what the lesson taught
    beyond them (the drift outcome, the images' layers), None where the lesson does not teach it."""

    time_s: float
    app: str | None
    worlds: tuple[WorldSummary, ...]
    drift: DriftSummary | None
    images: ImagesSummary | None = None
    deploys: tuple[DeploySummary, ...] = ()


def lesson_summary(session: Session) -> LessonSummary:
    """What the session shows now, summed up (reads, changes nothing)."""
    snap = session.snapshot()
    fits = session.fit() or {}
    worlds = []
    for w in snap.worlds:
        ready = [i.boot_s for i in w.instances if i.boot_s is not None]
        fit = fits.get(w.name)
        worlds.append(
            WorldSummary(
                kind=w.name,
                running=w.count("running"),
                starting=w.count("pending") + w.count("booting"),
                lost=w.count("failed") + w.count("killed"),
                first_ready_s=min(ready) if ready else None,
                slowest_ready_s=max(ready) if ready else None,
                # Without the host OS, the same in every world: what the workloads themselves cost.
                memory_committed_mib=w.memory.total_mib - w.memory.get("host_os"),
                memory_in_use_mib=w.memory_touched_mib - w.memory.get("host_os"),
                memory_capacity_mib=w.memory.capacity_mib - w.memory.get("host_os"),
                disk_used_mib=w.disk.total_mib - w.disk.get("host_os"),
                fits_more=fit.max_instances if fit else None,
                limited_by=fit.limited_by if fit else None,
            )
        )
    drift = None
    if any(step.view in DRIFT_VIEWS for step in session.spec.lesson):
        story = session.drift()
        drift = DriftSummary(
            servers=len(story.manual),
            manual_working=sum(d.works for d in story.manual),
            image_working=sum(d.works for d in story.image),
            built_here_digests=len({b.digest for b in story.built_here}),
            shipped_digests=len({b.digest for b in story.shipped}),
        )
    images = _images(session) if any(step.view in IMAGES_VIEWS for step in session.spec.lesson) else None
    return LessonSummary(snap.time_s, session.last_app, tuple(worlds), drift, images, _deploys(session))


def _deploys(session: Session) -> tuple[DeploySummary, ...]:
    """Every deploy of the run, in the order they began: its hosts' finish events, grouped by when it began."""
    snap = session.snapshot(include_events=True)
    found: dict[tuple[float, str, str], dict[str, list[HostDeployed]]] = {}
    for w in snap.worlds:
        for e in w.events:
            if isinstance(e, HostDeployed):
                key = (round(e.t_s - e.elapsed_s, 6), e.method, e.version)
                found.setdefault(key, {}).setdefault(w.name, []).append(e)
    out = []
    for (start, method, version), by_world in sorted(found.items()):
        per_world: list[tuple[float, int, int] | None] = []
        for w in snap.worlds:
            events = by_world.get(w.name, [])
            reached = sum(len(e.reached) for e in events)
            per_world.append(
                (max(e.elapsed_s for e in events), sum(e.works for e in events), reached) if events else None
            )
        hosts = max(len(events) for events in by_world.values())
        out.append(DeploySummary(method, version, start, hosts, tuple(per_world)))
    return tuple(out)


def _images(session: Session) -> ImagesSummary | None:
    """The images in use and their layers, each distinct layer counted once (None without the container world)."""
    usage = session.images()
    snap = session.snapshot()
    world = next((w for w in snap.worlds if w.name == "container"), None)
    if world is None:
        return None
    layers = {layer.id: layer for image in usage for layer in image.layers}
    return ImagesSummary(
        images=len(usage),
        containers=sum(len(image.containers) for image in usage),
        virtual_size_mib=sum(image.virtual_size_mib * len(image.containers) for image in usage),
        layers_stored_mib=sum(layer.size_mib for layer in layers.values() if layer.state == "present"),
        shared_layers_mib=sum(layer.size_mib for layer in layers.values() if len(layer.images) > 1),
        writable_layers_mib=world.disk.get("writable_layers"),
    )


def run_lesson(spec: ScenarioSpec, seed: int | None = None) -> Session:
    """The lesson taught to its end with no teacher: on its summary step, as a class would reach it."""
    session = Session(spec, seed=seed)
    lesson = session.lesson
    if lesson is None:
        raise ValueError("this scenario has no lesson")
    session.lesson_goto(lesson.total)
    return session
