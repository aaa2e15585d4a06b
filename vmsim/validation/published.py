"""Published experiments run through the engine, each naming the catalog figure it tests.

Each check here compares an engine result with a published measurement, with a two-sided tolerance from that
source's own spread, and names the catalog figure it tests (``Check.figure``): moving that figure beyond the
tolerance makes the check fail (``tests/test_validation.py`` perturbs each one). Published values are constants
written here, never read back from the catalog. Most are validation checks (no catalog figure was taken from
their source); three are calibration checks, because their source is among those a figure was chosen with.

Pure Python: no user-interface library is imported.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from vmsim.engine import Catalog
from vmsim.validation.check import Check
from vmsim.validation.check import make_check as _check
from vmsim.validation.rig import reference_sim as _sim

VALIDATION = "validation"
CALIBRATION = "calibration"  # a check against a source close to the ones its figure was chosen with


def _microvm_guest_kernel(cat: Catalog, memory_mib: float) -> float:
    """Guest-kernel memory (reserve + kernel runtime) of one running microVM of ``memory_mib``."""
    sim = _sim(cat, ("microvm",), "server", microvm={"memory_mib": memory_mib}, container={"cached_images": ("hello",)})
    sim.add_workload("hello")
    sim.run_until(30)
    w = sim.snapshot(include_events=False).world("microvm")
    if w.count("running") != 1:
        return math.nan
    return w.memory.get("guest_kernel")


def qemu_resident_overhead(cat: Catalog) -> list[Check]:
    """Host memory a 2 GiB VM's QEMU holds beyond guest RAM, against KubeVirt's CI measurements."""
    sim = _sim(cat, ("vm",), "server", vm={"memory_mib": 2048, "image_cached": True})
    before = sim.snapshot(include_events=False).world("vm").memory.total_mib
    sim.add_workload("hello")
    sim.run_until(60)
    w = sim.snapshot(include_events=False).world("vm")
    value = w.memory.total_mib - before - 2048 if w.count("running") == 1 else math.nan
    return [
        _check(
            "QEMU resident overhead vs KubeVirt CI",
            published="30–34.5 MiB, once 39.6 MiB",
            sources=("KUBEVIRT-18388",),
            conditions="kubevirt/kubevirt PR #18388 (2026): CI measured the ps RSS of virt-launcher's QEMU minus its "
            "guest's RAM and page tables, on a distro QEMU run by libvirt. vmsim: one 2 GiB Ubuntu VM on the server "
            "preset; host memory it holds beyond its guest RAM",
            value=value,
            unit="MiB",
            low=30.0,
            high=39.6,
            tolerance="30–39.6 MiB",
            basis="the CI runs' own minimum and maximum",
            note="A calibration check, not a validation: the catalog's 30 MiB is KubeVirt's older QemuOverhead "
            "constant (PRs #7264, #8247), and these later CI runs of the same project are among the figures it was "
            "chosen with (calibration corrections §1); the model's value is the tolerance's lower edge.",
            kind=CALIBRATION,
            figure="hypervisors.qemu-kvm.overhead_mib",
        ),
        _check(
            "QEMU footprint less its mapped kernel, cloud-hypervisor #1729",
            published="62 MiB − 29.3 MiB mapped vmlinux = 32.7 MiB ('somewhere around 30MiB')",
            sources=("CH-1729",),
            conditions="cloud-hypervisor/cloud-hypervisor issue #1729 (2020): smaps-based vmm_memory tool, Ubuntu "
            "focal guest with 4 GiB, QEMU's whole footprint outside guest RAM 62 MiB, of which the maintainers "
            "excluded the 29.3 MiB of the mapped guest vmlinux. vmsim: as above",
            value=value,
            unit="MiB",
            low=30.0,
            high=32.7,
            tolerance="30–32.7 MiB",
            basis="from the maintainers' 'around 30MiB' to the 32.7 MiB their own numbers give",
            note="A calibration check, not a validation: this issue is one of the figures the catalog's 30 MiB was "
            "chosen with (calibration corrections §1); the model's value is the tolerance's lower edge.",
            kind=CALIBRATION,
            figure="hypervisors.qemu-kvm.overhead_mib",
        ),
    ]


# Public x86-64 dmesg logs: pages used for memmap over the pages they describe.
MEMMAP_LOGS = (
    (57376, 3672064),  # Normal zone, webcamoid/akvcam issue #39
    (64 + 12224 + 118784, 8388469),  # DMA + DMA32 + Normal, 32 GiB host
    (64 + 14239 + 18400, 2092847),  # DMA + DMA32 + Normal, 8 GiB host
)


def memmap_slope(cat: Catalog) -> list[Check]:
    """Growth of the guest kernel's reserve per GiB of RAM (struct page), against dmesg's memmap counts."""
    shares = [used / pages for used, pages in MEMMAP_LOGS]
    published = [1024 * s for s in shares]  # MiB of memmap per GiB of RAM
    lo, hi = min(published) - 0.1, max(published) + 0.1
    checks = []
    for a, b, label in ((1024, 2048, "1 → 2 GiB"), (4096, 8192, "4 → 8 GiB")):
        ka, kb = _microvm_guest_kernel(cat, a), _microvm_guest_kernel(cat, b)
        slope = (kb - ka) / ((b - a) / 1024)
        checks.append(
            _check(
                f"Validation: guest kernel memory per GiB of RAM, {label}",
                published=f"{min(published):.3f}–{max(published):.3f} MiB per GiB (1/64: struct page)",
                sources=("DMESG-MEMMAP",),
                conditions="Linux x86-64 boot logs: 'pages used for memmap' over the zone's pages (57,376 of "
                "3,672,064; 131,072 of 8,388,469; 32,703 of 2,092,847). vmsim: one microVM of each size on the server "
                "preset; guest-kernel memory of the larger minus the smaller, per GiB",
                value=slope,
                unit="MiB/GiB",
                low=lo,
                high=hi,
                tolerance=f"{lo:.2f}–{hi:.2f} MiB per GiB",
                basis="the logs' own spread (under 0.01 MiB per GiB), widened by ±0.1 MiB for the one decimal of "
                "vmsim's reserve points",
                note="The reserve curve was read from FC-DATA's MemTotal at each size; these logs are other kernels "
                "on other machines. Linux Documentation/vm/vmemmap_dedup.rst: 'In most cases, the size of struct "
                "page is 64 bytes'.",
                kind=VALIDATION,
                figure=f"kernel_reserve.minimal.at_{b}_mib",
            )
        )
    return checks


def bounce_buffer(cat: Catalog) -> list[Check]:
    """The reserve's step above 3 GiB less its memmap, against the swiotlb size in boot logs."""
    k3, k4 = _microvm_guest_kernel(cat, 3072), _microvm_guest_kernel(cat, 4096)
    step = (k4 - k3) - 1024 / 64
    return [
        _check(
            "Validation: bounce buffer once guest RAM passes 4 GiB",
            published="64 MiB ('software IO TLB … (64MB)')",
            sources=("DMESG-SWIOTLB",),
            conditions="Linux x86-64 boot logs of machines with RAM above 4 GiB: 'PCI-DMA: Using software bounce "
            "buffering for IO (SWIOTLB)', 'software IO TLB [mem …] (64MB)' in every log found. vmsim: one microVM of "
            "3 GiB and one of 4 GiB; guest-kernel memory of the larger minus the smaller, less 1/64 of the added GiB "
            "(struct page)",
            value=step,
            unit="MiB",
            low=63.5,
            high=64.5,
            tolerance="63.5–64.5 MiB",
            basis="every log shows exactly 64 MiB (0x4000000 bytes); ±0.5 MiB for the one decimal of vmsim's reserve "
            "points",
            note="vmsim's reserve curve was read from FC-DATA's MemTotal (its 80.4 MiB jump from 3 to 4 GiB); the "
            "mechanism and its size come from these other logs.",
            kind=VALIDATION,
            figure="kernel_reserve.minimal.at_4096_mib",
        )
    ]


def bridge_limit(cat: Catalog) -> list[Check]:
    """Containers one Docker bridge network runs, against Docker users' experiments with a thousand and more."""
    sim = _sim(cat, ("container",), "server", container={"cached_images": ("hello",)})
    sim.add_workload("hello", 1100)
    sim.run_until(300)
    running = sim.snapshot(include_events=False).world("container").count("running")
    return [
        _check(
            "Validation: containers on one Docker bridge network",
            published="1,023 created, 1,001–1,002 reachable",
            sources=("MOBY-34098", "MOBY-44973"),
            conditions="moby/moby issue #34098 (Docker 17.06): 'I have create 1023 container … but i can only ping "
            "1001'; issue #44973 (Docker 23.0.6, kernel 6.2): containers unreachable after 1,002, the 1,024th fails "
            "with 'exchange full'. vmsim: 1,100 'hello' containers asked for on the server preset (128 GiB), one "
            "bridge network; how many run",
            value=float(running),
            unit="containers",
            low=1001.0,
            high=1023.0,
            tolerance="1,001–1,023",
            basis="from the containers the experiments could reach to the ones Docker could attach",
            note="vmsim's limit is the kernel's bridge port count (2^10 − 1 [LINUX-BRIDGE]), not these experiments; "
            "it counts attached containers, so it lands at the top of the range.",
            kind=VALIDATION,
            figure="runtimes.containerd.bridge_max_containers",
        )
    ]


def first_boot_to_ssh(cat: Catalog) -> list[Check]:
    """An Ubuntu noble cloud VM's first boot until SSH answers, against cubic's measurement on KVM."""
    sim = _sim(cat, ("vm",), vm={"image_cached": True, "memory_mib": 1024, "vcpus": 2})
    sim.add_workload("hello")
    sim.run_until(90)
    (inst,) = sim.snapshot(include_events=False).world("vm").instances
    ends = {p.name: p.end_s for p in inst.phases if p.end_s is not None}
    starts = {p.name: p.start_s for p in inst.phases}
    value = ends["ssh keys"] - starts["vmm"] if "ssh keys" in ends and "vmm" in starts else math.nan
    low, high = 20.97 * 0.85, 20.97 * 1.15
    return [
        _check(
            "Ubuntu first boot to SSH vs cubic on KVM",
            published="20.97 s median (18.48 s with one ed25519 key and growpart in the background)",
            sources=("CUBIC-555",),
            conditions="cubic-vm/cubic PR #555 (2026): ubuntu:noble cloud image, 2 vCPU, 1 GiB, KVM, 3 runs, VM "
            "start until the SSH greeting. vmsim: one Ubuntu 24.04 VM (2 vCPU, 1 GiB) on the laptop, image cached, "
            "its first boot; VMM start until the end of 'ssh keys'",
            value=value,
            unit="s",
            low=low,
            high=high,
            tolerance=f"±15 % ({low:.1f}–{high:.1f} s)",
            basis="independent first-boot-to-SSH measurements of this image lie within ±15 % of it (Azure 21.33 ± "
            "0.86 s [CI-5772]; cubic's own tuned 18.48 s)",
            note="A calibration check, not a validation: the phases come from systemd-analyze and cloud-init timings "
            "[CI-4535, CI-4687, CLOUDINIT], but cubic's 20.97 s is one of the measured totals behind the 'SSH after "
            "about 20 s' they were fitted to (calibration corrections §5).",
            kind=CALIBRATION,
            figure="guests.ubuntu-24.04.phases.systemd",
        )
    ]


def smallest_microvm(cat: Catalog) -> list[Check]:
    """The smallest microVM that boots and runs a trivial app, against buildbuddy's Firecracker task sizing."""
    booted = []
    for mib in range(64, 257, 8):
        sim = _sim(cat, ("microvm",), "server", microvm={"memory_mib": mib}, container={"cached_images": ("hello",)})
        sim.add_workload("hello")
        sim.run_until(30)
        if sim.snapshot(include_events=False).world("microvm").count("running") == 1:
            booted.append(mib)
    value = float(min(booted)) if booted else math.nan
    low, high = 104e6 / 2**20, 150e6 / 2**20
    return [
        _check(
            "Validation: smallest microVM that runs a trivial task, buildbuddy",
            published="104 MB at least; sized at 150 MB 'to give us some wiggle room'",
            sources=("BUILDBUDDY-1528",),
            conditions="buildbuddy-io/buildbuddy PR #1528 (2022): 'Experimentally, I found that firecracker needs at "
            "least 104 MB of memory to be able to run a trivial task (pwd)'; their guest runs an init and a Go agent "
            "that executes commands. vmsim: microVMs of 64–256 MiB in steps of 8 MiB on the server preset, each "
            "running 'hello'; the smallest that runs",
            value=value,
            unit="MiB",
            low=low,
            high=high,
            tolerance=f"104–150 MB ({low:.1f}–{high:.1f} MiB)",
            basis="from the smallest size the experiment ran a task in to the size its authors chose with room to "
            "spare; vmsim's 8 MiB steps fit inside",
            note="vmsim's minimum (guests.microvm-linux.min_boot_memory_mib, 128 MiB) rests on the Firecracker "
            "paper's guest booting in 128 MiB with its page cache squeezed [FC-DATA]; buildbuddy's guest and its "
            "measurement are separate.",
            kind=VALIDATION,
            figure="guests.microvm-linux.min_boot_memory_mib",
        )
    ]


def idle_guest_used_memory(cat: Catalog) -> list[Check]:
    """What ``free`` calls used in an idle Ubuntu 22.04 VM of 1 GiB, against the figures Multipass's own
    documentation shows for a fresh 22.04 instance."""
    sim = _sim(cat, ("vm",), vm={"image_cached": True, "memory_mib": 1024, "guest_os": "ubuntu-22.04"})
    sim.add_workload("hello")
    sim.run_until(90)
    w = sim.snapshot(include_events=False).world("vm")
    guest = cat.guests["ubuntu-22.04"]
    # free's "used" leaves out what the kernel reserved before MemTotal (the reserve curve) and the page cache;
    # it counts the kernel's own runtime memory and the services (the app, 'hello', is a few MiB and left out).
    reserve = cat.reserve_curve(guest).at(1024)
    used = w.memory.get("guest_kernel") - reserve + w.memory.get("guest_services")
    value = used if w.count("running") == 1 else math.nan
    low, high = 155.5 * 0.9, 170.4 * 1.1
    return [
        _check(
            "Validation: idle Ubuntu 22.04 guest's used memory vs Multipass's documentation",
            published="168.3 MiB of 969.5 MiB (1 GiB); 170.4 MiB of 1.9 GiB (2 GiB); 155.5 MiB on macOS",
            sources=("MULTIPASS-DOCS",),
            conditions="Ubuntu Server documentation, 'multipass info' of a fresh 22.04.1 LTS instance (1 GiB), and "
            "Multipass's tutorial (2 GiB, 2 CPUs; Linux and Windows tabs, and a macOS tab): 'Memory usage', which "
            "is free's used column (total − free − buffers − cache). vmsim: one Ubuntu 22.04 VM of 1 GiB, its "
            "kernel's runtime memory and its services, once it is ready",
            value=value,
            unit="MiB",
            low=low,
            high=high,
            tolerance=f"{low:.0f}–{high:.0f} MiB",
            basis="the three documented instances (155.5–170.4 MiB), 10 % beyond either end",
            note="Sources: canonical/ubuntu-server-documentation, docs/how-to/virtualisation/multipass.md; "
            "canonical/multipass, docs/tutorial. Tests the sum of two modelling choices (the kernel's runtime "
            "memory, 50 MiB, and the services, 120 MiB), neither taken from Multipass; the documented instances "
            "had only just booted.",
            kind=VALIDATION,
            figure="guests.ubuntu-22.04.services_mib",
        )
    ]


VALIDATION_EXPERIMENTS: tuple[Callable[[Catalog], list[Check]], ...] = (
    qemu_resident_overhead,
    memmap_slope,
    bounce_buffer,
    bridge_limit,
    first_boot_to_ssh,
    smallest_microvm,
    idle_guest_used_memory,
)
