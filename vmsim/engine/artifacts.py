"""The artifact store: image layers, guest OS images and kernels, fetched once per host and then shared."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from vmsim.engine.catalog import ContainerRuntime, GuestOS, Image
from vmsim.engine.ledger import MutableLedger
from vmsim.engine.sharing import Job, SharedCapacity

if TYPE_CHECKING:
    from vmsim.engine.instance import Instance


class Artifact:
    """Something fetched once per host and then shared: an image layer or a guest OS image."""

    __slots__ = ("id", "label", "category", "stored_mib", "download_mib", "unpack_s", "state", "waiters", "job")

    def __init__(
        self, id: str, label: str, category: str, stored_mib: float, download_mib: float, unpack_s: float
    ) -> None:
        self.id = id
        self.label = label
        self.category = category
        self.stored_mib = stored_mib
        self.download_mib = download_mib
        self.unpack_s = unpack_s
        self.state = "absent"  # absent | fetching | present
        self.waiters: list[Instance] = []
        self.job: Job | None = None


class ArtifactStore:
    """The artifacts of one world's host. Invariant: a layer shared by two images is stored once, and an
    artifact's disk space is in the disk ledger from the moment its download starts."""

    def __init__(
        self,
        disk: MutableLedger,
        disk_mib: float,
        net: SharedCapacity,
        cpu: SharedCapacity,
        registry_mibps: Callable[[], float],
        on_fetched: Callable[[Artifact], None],
    ) -> None:
        self.disk = disk
        self.disk_mib = disk_mib
        self.net = net
        self.cpu = cpu
        self._registry_mibps = registry_mibps
        self._on_fetched = on_fetched
        self.artifacts: dict[str, Artifact] = {}
        self._downloads: set[Job] = set()  # network jobs (an artifact's later unpack job is on the CPU)
        self.fetching: dict[str, Artifact] = {}  # downloading or unpacking, by id (insertion order: deterministic)

    def get(self, key: str) -> Artifact | None:
        """The artifact ``key`` if the store knows it."""
        return self.artifacts.get(key)

    def guest_image(self, guest: GuestOS) -> Artifact:
        """The guest OS image VMs are installed from (downloaded whole, stored as it came)."""
        key = "image:" + guest.name
        art = self.artifacts.get(key)
        if art is None:
            size = guest.image_download_mib.value
            # ('<label> image', 'layer <id>', '<label> kernel': the forms vmsim.output.words puts into words)
            art = Artifact(key, guest.label + " image", "base_images", size, size, 0.0)
            self.artifacts[key] = art
        return art

    def guest_kernel(self, guest: GuestOS) -> Artifact:
        """The guest kernel file a microVM stack ships with (nothing to download)."""
        key = "kernel:" + guest.name
        art = self.artifacts.get(key)
        if art is None:
            art = Artifact(key, guest.label + " kernel", "base_images", guest.image_download_mib.value, 0.0, 0.0)
            self.artifacts[key] = art
        return art

    def layers(self, image: Image, runtime: ContainerRuntime) -> list[Artifact]:
        """The layers of ``image``: pulled compressed, unpacked by ``runtime``."""
        out = []
        for layer in image.layers:
            art = self.artifacts.get(layer.id)
            if art is None:
                size = layer.size_mib
                art = Artifact(
                    layer.id,
                    "layer " + layer.id,
                    "image_layers",
                    size,
                    size * runtime.compressed_ratio.value,
                    size / runtime.unpack_mibps.value,
                )
                self.artifacts[layer.id] = art
            out.append(art)
        return out

    def store(self, art: Artifact) -> None:
        """Put an artifact on disk at t = 0 (pre-pulled). One that does not fit stays absent: fetched later,
        or refused then, never stored beyond the disk."""
        if art.state == "absent":
            if self.disk.total + art.stored_mib > self.disk_mib:
                return
            self.disk.add(art.category, art.stored_mib)
        art.state = "present"

    def fetch(self, art: Artifact) -> None:
        """Start downloading ``art`` (its disk space is taken now, so admission sees it)."""
        art.state = "fetching"
        self.fetching[art.id] = art
        self.disk.add(art.category, art.stored_mib)
        nominal = art.download_mib / self._registry_mibps()
        job = self.net.submit(nominal, 1.0, self._downloaded, art)
        art.job = job
        self._downloads.add(job)

    def download_progress(self, art: Artifact) -> float | None:
        """How far ``art``'s download is (0–1), or None when it is not downloading."""
        if art.job is not None and art.state == "fetching" and art.job in self._downloads:
            return self.net.progress(art.job)
        return None

    def _downloaded(self, art: Artifact) -> None:
        if art.job is not None:
            self._downloads.discard(art.job)
        if art.unpack_s > 0:
            art.job = self.cpu.submit(art.unpack_s, 1.0, self._fetched, art)
        else:
            self._fetched(art)

    def arriving(self, into: dict[str, list[float]]) -> None:
        """Add to ``into`` each category's disk space held for downloads not yet done: [MiB held, MiB arrived]
        (an artifact downloaded and being unpacked has arrived)."""
        for art in self.fetching.values():
            done = self.download_progress(art)
            sums = into.setdefault(art.category, [0.0, 0.0])
            sums[0] += art.stored_mib
            sums[1] += art.stored_mib * (1.0 if done is None else done)

    def _fetched(self, art: Artifact) -> None:
        art.state = "present"
        self.fetching.pop(art.id, None)
        art.job = None
        self._on_fetched(art)
