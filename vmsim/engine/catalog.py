"""The catalog: every default figure vmsim uses, loaded from ``data/catalog.toml`` with its source."""

from __future__ import annotations

import bisect
import tomllib
import zlib
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

MODEL = "MODEL"
MEASURED = "measured"
DERIVED = "derived"
CHOICE = "choice"
KINDS = (MEASURED, DERIVED, CHOICE)

UNIT_SUFFIXES = (("_mibps", "MiB/s"), ("_mbps", "Mbit/s"), ("_mib", "MiB"), ("_s", "s"), ("_cores", "cores"))


class Figure(NamedTuple):
    """One number with where it comes from, what kind of number it is and its plausible range.

    ``kind`` is ``measured`` (the source states the value), ``derived`` (computed from stated figures;
    ``formula`` shows how) or ``choice`` (a modelling choice, ``src == "MODEL"``). Invariant for every
    figure of the shipped catalog: ``low <= value <= high``.
    """

    value: float
    source: str
    note: str
    kind: str = MEASURED
    low: float | None = None
    high: float | None = None
    formula: str = ""

    @property
    def is_model(self) -> bool:
        """True when the figure is a modelling choice rather than a measurement."""
        return self.source == MODEL or self.kind == CHOICE

    @property
    def range(self) -> tuple[float, float]:
        """The plausible span (the value itself when none is given)."""
        low = self.value if self.low is None else self.low
        high = self.value if self.high is None else self.high
        return (low, high)


def unit_of(name: str) -> str:
    """The unit of a figure from its dotted name (units are in the key names); '' for a fraction or ratio."""
    last = name.rsplit(".", 1)[-1]
    if last == "size" and name.startswith("layers."):
        return "MiB"
    if name.startswith("guests.") and ".phases." in name:
        return "s"
    if name.startswith("kernel_reserve."):
        return "MiB"
    for suffix, unit in UNIT_SUFFIXES:
        if last.endswith(suffix):
            return unit
    if last.endswith("_cpu"):
        return "cores"
    return ""


class BootPhase(NamedTuple):
    """A guest boot phase: its name, nominal duration (first boot) and how many cores it keeps busy.

    ``reboot`` is its duration when the guest boots again (first-boot work such as cloud-init's per-instance
    modules already done); None: the same as the first boot."""

    name: str
    duration: Figure
    cpu: float
    reboot: Figure | None = None

    def seconds(self, first_boot: bool = True) -> float:
        """Nominal duration on a first boot or a reboot."""
        return self.duration.value if first_boot or self.reboot is None else self.reboot.value


class GuestOS(NamedTuple):
    """A guest operating system: its boot phases in order, idle memory and disk footprint."""

    name: str
    label: str
    boot_phases: tuple[BootPhase, ...]
    kernel_runtime_mib: Figure
    services_mib: Figure
    page_cache_mib: Figure
    min_boot_memory_mib: Figure
    recommended_memory_mib: Figure
    image_download_mib: Figure
    installed_disk_mib: Figure
    virtual_disk_mib: Figure
    idle_cpu_cores: Figure
    kernel_reserve: str = "minimal"  # the name of its kernel's reserve curve (Catalog.kernel_reserves)


class Hypervisor(NamedTuple):
    """A virtual machine monitor: per-VM host memory overhead and start cost."""

    name: str
    label: str
    overhead_mib: Figure
    vmm_init_s: Figure
    cpu_overhead: Figure
    overlay_mib: Figure | None = None  # a fresh copy-on-write overlay on a base image (None: no overlays)
    overlay_create_s: Figure | None = None
    overlay_write_mib: Figure | None = None  # what a first boot writes into it


class ContainerRuntime(NamedTuple):
    """A container runtime: daemons once per host, a shim per container (and per microVM it starts), start costs."""

    name: str
    label: str
    daemon_memory_mib: Figure
    shim_memory_mib: Figure
    bridge_max_containers: Figure
    create_s: Figure
    start_s: Figure
    writable_layer_mib: Figure
    unpack_mibps: Figure
    compressed_ratio: Figure
    microvm_shim_memory_mib: Figure | None = None  # the runtime's process per microVM (None: microVMs have none)
    microvm_guest_start_s: Figure | None = None  # its agent starting the container inside a microVM (None: no step)


RUNTIME_MICROVM_FIGURES = ("microvm_shim_memory_mib", "microvm_guest_start_s")  # a runtime's optional figures


class ImageLayer(NamedTuple):
    """A read-only image layer; stored once per host however many images use it."""

    id: str
    size: Figure

    @property
    def size_mib(self) -> float:
        """Uncompressed size on disk."""
        return self.size.value


class Image(NamedTuple):
    """A container image: an ordered stack of layers, bottom (base) first."""

    name: str
    ref: str
    layers: tuple[ImageLayer, ...]

    @property
    def size_mib(self) -> float:
        """The image's virtual size: the sum of its layers."""
        return sum(layer.size_mib for layer in self.layers)

    @property
    def app_layers(self) -> tuple[ImageLayer, ...]:
        """The layers above the base: what an app adds to its OS."""
        return self.layers[1:]


class App(NamedTuple):
    """A workload: the same process whether it runs in a VM, a container or a microVM."""

    name: str
    label: str
    image: Image
    packages: tuple[str, ...]
    private_mib: Figure
    file_mib: Figure
    start_s: Figure
    cpu_cores: Figure
    worker_private_mib: Figure | None = None  # a worker process per core (nginx's worker_processes auto)

    @property
    def rss_mib(self) -> float:
        """Resident memory of the running app with one worker: private plus file-backed pages."""
        return self.rss_at(1)

    def private_at(self, cores: int) -> float:
        """Private memory of the app when it sees ``cores`` cores (one worker per core, if it has workers)."""
        per_worker = self.worker_private_mib.value if self.worker_private_mib is not None else 0.0
        return self.private_mib.value + per_worker * cores

    def rss_at(self, cores: int) -> float:
        """Resident memory of the app when it sees ``cores`` cores: private plus file-backed pages."""
        return self.private_at(cores) + self.file_mib.value

    @property
    def installed_mib(self) -> float:
        """Disk the app adds on top of its OS (its image layers above the base)."""
        return sum([layer.size.value for layer in self.image.layers[1:]])  # (each one's size_mib, in order)


class HostPreset(NamedTuple):
    """Hardware of a preset host and its OS's own baseline."""

    name: str
    label: str
    cpu_cores: Figure | None
    memory_mib: Figure | None
    disk_mib: Figure | None
    host_os_memory_mib: Figure
    host_os_disk_mib: Figure
    disk_mibps: Figure
    kind: str = "metal"  # metal | cloud-vm: the host is itself a VM, its guest OS under the workloads
    nested_virtualization: bool = True  # VMs inside it allowed (a cloud VM: only if its type allows nesting)
    nested_source: str = ""  # the [sources] key saying whether this type allows nested virtualization
    guest_os: str | None = None  # a cloud-vm host's own guest OS


class KernelReserve(NamedTuple):
    """Guest kernel reserve (configured RAM minus MemTotal) as a piecewise-linear curve.

    Invariant: ``0 <= at(m) <= m``; a derived curve's ``formula`` says how its points were computed."""

    points: tuple[tuple[float, float], ...]
    source: str
    note: str
    kind: str = MEASURED
    spread_mib: float = 0.0
    name: str = "minimal"
    label: str = ""
    formula: str = ""

    def at(self, memory_mib: float) -> float:
        """Reserve for a guest of ``memory_mib``: interpolated, the end slopes extended."""
        xs = [p[0] for p in self.points]
        i = bisect.bisect_left(xs, memory_mib)
        i = min(max(i, 1), len(xs) - 1)
        (x0, y0), (x1, y1) = self.points[i - 1], self.points[i]
        y = y0 + (y1 - y0) * (memory_mib - x0) / (x1 - x0)
        return max(0.0, min(y, memory_mib))


class Catalog(NamedTuple):
    """All default figures: sources, hosts, stacks, guest OSes, layers, images, apps."""

    sources: dict[str, str]
    hosts: dict[str, HostPreset]
    hypervisors: dict[str, Hypervisor]
    runtimes: dict[str, ContainerRuntime]
    guests: dict[str, GuestOS]
    layers: dict[str, ImageLayer]
    images: dict[str, Image]
    apps: dict[str, App]
    kernel_reserves: dict[str, KernelReserve]
    ksm_merge_fraction: Figure
    jitter: Figure
    app_start_cpu: Figure
    container_phase_cpu: Figure
    registry_mbps: Figure

    def reserve_curve(self, guest: GuestOS) -> KernelReserve:
        """The kernel reserve curve of ``guest``'s kernel."""
        return self.kernel_reserves[guest.kernel_reserve]

    def figures(self) -> list[tuple[str, Figure]]:
        """Every figure with a dotted name (``guests.ubuntu-24.04.services_mib``), in file order."""
        rows: list[tuple[str, Figure]] = []
        for group_name, group in (
            ("hosts", self.hosts),
            ("hypervisors", self.hypervisors),
            ("runtimes", self.runtimes),
            ("guests", self.guests),
            ("layers", self.layers),
            ("apps", self.apps),
        ):
            for key, item in group.items():
                for field_name, value in item._asdict().items():
                    if isinstance(value, Figure):
                        rows.append((f"{group_name}.{key}.{field_name}", value))
                    if field_name == "boot_phases":
                        for phase in value:
                            rows.append((f"{group_name}.{key}.phases.{phase.name}", phase.duration))
                            if phase.reboot is not None:
                                rows.append((f"{group_name}.{key}.phases.{phase.name}.reboot", phase.reboot))
        for kr in self.kernel_reserves.values():
            for mib, reserve in kr.points:
                low, high = max(0.0, reserve - kr.spread_mib), reserve + kr.spread_mib
                fig = Figure(reserve, kr.source, kr.note, kr.kind, low, high, kr.formula)
                rows.append((f"kernel_reserve.{kr.name}.at_{mib:g}_mib", fig))
        for name in ("ksm_merge_fraction", "jitter", "app_start_cpu", "container_phase_cpu", "registry_mbps"):
            rows.append((f"modelling.{name}", getattr(self, name)))
        return rows


def _figure(table: dict[str, Any], key: str, where: str) -> Figure:
    raw = table[key]
    name = f"{where}.{key}"
    if not isinstance(raw, dict) or not {"v", "src", "kind", "range"} <= raw.keys():
        raise ValueError(f"catalog: {name} must be {{ v = ..., range = [low, high], kind = ..., src = ... }}")
    kind = str(raw["kind"])
    if kind not in KINDS:
        raise ValueError(f"catalog: {name}: kind {kind!r} is not one of {', '.join(KINDS)}")
    rng = raw["range"]
    if not isinstance(rng, list) or len(rng) != 2:
        raise ValueError(f"catalog: {name}: range must be [low, high]")
    value, low, high = float(raw["v"]), float(rng[0]), float(rng[1])
    if not low <= value <= high:
        raise ValueError(f"catalog: {name}: value {value:g} is outside its range [{low:g}, {high:g}]")
    formula = str(raw.get("formula", ""))
    if kind == DERIVED and not formula.strip():
        raise ValueError(f"catalog: {name} is derived: give its formula")
    source = str(raw["src"])
    if (kind == CHOICE) != (source == MODEL):
        raise ValueError(f"catalog: {name}: a modelling choice has src = 'MODEL', and only a modelling choice has it")
    return Figure(value, source, str(raw.get("note", "")), kind, low, high, formula)


def _figures(table: dict[str, Any], where: str, *keys: str) -> dict[str, Figure]:
    return {key: _figure(table, key, where) for key in keys}


def _kernel_reserve(name: str, kr: dict[str, Any]) -> KernelReserve:
    """A reserve curve: its points as given, or computed from its formula's parts (K + RAM/64 + bounce buffer)."""
    if "points" in kr:
        points = tuple((float(a), float(b)) for a, b in kr["points"])
    else:
        k, frac = float(kr["fixed_mib"]), float(kr["memmap_fraction"])
        bounce, above = float(kr["bounce_buffer_mib"]), float(kr["bounce_above_mib"])
        points = tuple((float(m), round(k + m * frac + (bounce if m > above else 0.0), 1)) for m in kr["sizes"])
    kind = str(kr.get("kind", MEASURED))
    formula = str(kr.get("formula", ""))
    if kind == DERIVED and not formula.strip():
        raise ValueError(f"catalog: kernel_reserve.{name} is derived: give its formula")
    return KernelReserve(
        points, kr["src"], kr["note"], kind, float(kr.get("spread_mib", 0.0)), name, str(kr.get("label", "")), formula
    )


def parse_catalog(data: dict[str, Any]) -> Catalog:
    """Build a :class:`Catalog` from the parsed TOML; checks that every source is known."""
    hosts = {}
    for name, t in data["hosts"].items():
        hw: dict[str, Any] = {
            k: (_figure(t, k, f"hosts.{name}") if k in t else None) for k in ("cpu_cores", "memory_mib", "disk_mib")
        }
        hw.update(_figures(t, f"hosts.{name}", "host_os_memory_mib", "host_os_disk_mib", "disk_mibps"))
        nested = t.get("nested", {})  # whether VMs may run inside this (cloud VM) host, and the source saying so
        hw.update(kind=t.get("kind", "metal"), guest_os=t.get("guest_os"), nested_source=nested.get("src", ""))
        hosts[name] = HostPreset(name=name, label=t["label"], nested_virtualization=nested.get("allowed", True), **hw)
    hypervisors = {
        name: Hypervisor(
            name=name,
            label=t["label"],
            **_figures(t, f"hypervisors.{name}", "overhead_mib", "vmm_init_s", "cpu_overhead"),
            **{
                k: _figure(t, k, f"hypervisors.{name}")
                for k in ("overlay_mib", "overlay_create_s", "overlay_write_mib")
                if k in t
            },
        )
        for name, t in data["hypervisors"].items()
    }
    runtimes = {
        name: ContainerRuntime(
            name=name,
            label=t["label"],
            **_figures(
                t,
                f"runtimes.{name}",
                "daemon_memory_mib",
                "shim_memory_mib",
                "bridge_max_containers",
                "create_s",
                "start_s",
                "writable_layer_mib",
                "unpack_mibps",
                "compressed_ratio",
            ),
            **{k: _figure(t, k, f"runtimes.{name}") for k in RUNTIME_MICROVM_FIGURES if k in t},
        )
        for name, t in data["runtimes"].items()
    }
    guests = {}
    for name, t in data["guests"].items():
        where = f"guests.{name}"
        phases = tuple(
            BootPhase(
                p["name"],
                _figure(p, "s", f"{where}.phases.{p['name']}"),
                float(p["cpu"]),
                _figure(p, "reboot", f"{where}.phases.{p['name']}") if "reboot" in p else None,
            )
            for p in t["phases"]
        )
        guests[name] = GuestOS(
            name=name,
            label=t["label"],
            boot_phases=phases,
            **_figures(
                t,
                where,
                "kernel_runtime_mib",
                "services_mib",
                "page_cache_mib",
                "min_boot_memory_mib",
                "recommended_memory_mib",
                "image_download_mib",
                "installed_disk_mib",
                "virtual_disk_mib",
                "idle_cpu_cores",
            ),
            kernel_reserve=str(t.get("kernel_reserve", "minimal")),
        )
    layers = {name: ImageLayer(name, _figure(t, "size_mib", f"layers.{name}")) for name, t in data["layers"].items()}
    images = {
        name: Image(name, t["ref"], tuple(layers[layer] for layer in t["layers"])) for name, t in data["images"].items()
    }
    apps = {
        name: App(
            name=name,
            label=t["label"],
            image=images[t["image"]],
            packages=tuple(t["packages"]),
            **_figures(t, f"apps.{name}", "private_mib", "file_mib", "start_s", "cpu_cores"),
            worker_private_mib=_figure(t, "worker_private_mib", f"apps.{name}") if "worker_private_mib" in t else None,
        )
        for name, t in data["apps"].items()
    }
    kernel_reserves = {name: _kernel_reserve(name, t) for name, t in data["kernel_reserve"].items()}
    for guest in guests.values():
        if guest.kernel_reserve not in kernel_reserves:
            raise ValueError(f"catalog: guests.{guest.name}.kernel_reserve: no curve {guest.kernel_reserve!r}")
    modelling = data["modelling"]
    catalog = Catalog(
        sources=dict(data["sources"]),
        hosts=hosts,
        hypervisors=hypervisors,
        runtimes=runtimes,
        guests=guests,
        layers=layers,
        images=images,
        apps=apps,
        kernel_reserves=kernel_reserves,
        ksm_merge_fraction=_figure(data["ksm"], "merge_fraction", "ksm"),
        jitter=_figure(modelling, "jitter", "modelling"),
        app_start_cpu=_figure(modelling, "app_start_cpu", "modelling"),
        container_phase_cpu=_figure(modelling, "container_phase_cpu", "modelling"),
        registry_mbps=_figure(modelling, "registry_mbps", "modelling"),
    )
    used = {f.source for _, f in catalog.figures()} | {h.nested_source for h in hosts.values() if h.nested_source}
    unknown = sorted(used - set(catalog.sources))
    if unknown:
        raise ValueError(f"catalog: unknown sources {unknown}")
    return catalog


CATALOG_TOML = Path(__file__).parent / "data" / "catalog.toml"
PARSED_COPY = Path(__file__).parent / "data" / "catalog_parsed.py"


@cache
def default_catalog() -> Catalog:
    """The catalog shipped with vmsim (parsed once per process)."""
    return parse_catalog(catalog_data(CATALOG_TOML.read_text(encoding="utf-8")))


def checksum(text: str) -> str:
    """What ties the parsed copy to one exact text of catalog.toml."""
    data = text.encode("utf-8")
    return f"{len(data)}-{zlib.crc32(data):08x}"


def catalog_data(text: str) -> dict[str, Any]:
    """The data of catalog.toml's ``text``.

    Parsing the TOML costs ~10 ms of every start of the dashboard, so vmsim ships a parsed copy beside it
    (``data/catalog_parsed.py``, written by ``python -m vmsim.engine.data``). The copy is used only while its
    checksum matches the text: an edited catalog.toml is parsed as it is, and a test fails until the copy
    is written again. The TOML stays the one source of every figure.
    """
    try:
        from vmsim.engine.data import catalog_parsed
    except ImportError:  # pragma: no cover - the copy ships with vmsim
        return tomllib.loads(text)
    if catalog_parsed.CHECKSUM == checksum(text):
        return catalog_parsed.DATA
    return tomllib.loads(text)
