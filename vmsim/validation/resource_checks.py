"""Reference experiments on resources: hypervisor memory overhead, disk per instance, density and memory
per instance, each compared with its published figures (source keys as in ``calibration.md``)."""

from __future__ import annotations

import math
from typing import Any

from vmsim.engine import Catalog
from vmsim.validation.check import Check, make_check
from vmsim.validation.rig import GB, KB_DECIMAL, MB, instances, reference_sim


def hypervisor_overhead(cat: Catalog) -> list[Check]:
    """Host memory each VM takes beyond its guest RAM, at several guest sizes, for QEMU and Firecracker."""

    def overhead(world: str, memory_mib: float) -> float:
        settings: dict[str, Any] = {"memory_mib": memory_mib}
        if world == "vm":
            settings["image_cached"] = True
        sim = reference_sim(
            cat,
            (world,),
            "server",
            container={"cached_images": ("hello",)},
            vm=settings if world == "vm" else None,
            microvm=None if world == "vm" else settings,
        )
        before = sim.snapshot(include_events=False).world(world).memory.total_mib
        sim.add_workload("hello")
        sim.run_until(60)
        w = sim.snapshot(include_events=False).world(world)
        if w.count("running") != 1:
            return math.nan
        # The VMM's own memory: beyond guest RAM, less the runtime's shim a microVM also has.
        return w.memory.total_mib - before - memory_mib - w.memory.get("shims")

    checks = []
    qemu = {m: overhead("vm", m) for m in (512, 2048, 8192)}
    for mem, value in qemu.items():
        checks.append(
            make_check(
                f"QEMU per-VM overhead, {mem:,} MiB VM",
                published="16.4–17.2 MiB resident (2019 static QEMU); ≈30 MiB (distro QEMU)",
                sources=("FC-DATA", "KUBEVIRT-QEMU"),
                conditions="Resident memory (RSS column of pmap -x) of the QEMU process outside guest RAM: QEMU with "
                "qboot (2019 static build), virtio-blk + virtio-net, m5d.metal [FC-DATA, computed]; a libvirt-run "
                "distro QEMU ≈30 MiB [KUBEVIRT-QEMU]. Not the 131 MiB of the paper's figure, which sums the virtual "
                f"size of the mappings. vmsim: one Ubuntu VM with {mem:,} MiB of RAM on the server preset; host "
                "memory it commits beyond its guest RAM",
                value=value,
                unit="MiB",
                low=16.4,
                high=40.0,
                tolerance="16.4–40 MiB",
                basis="from the minimal static build's resident size to the top of the distro QEMU's range (17–40 MiB)",
                model_choice=True,
                note="vmsim charges a libvirt-run distro QEMU (30 MiB resident, as touched memory), not the minimal "
                "2019 static build the Firecracker paper measured (16.4–17.2 MiB resident); the 131 MiB virtual size "
                "is address space and costs nothing.",
            )
        )
    spread = max(qemu.values()) - min(qemu.values())
    checks.append(
        make_check(
            "QEMU overhead flat from 512 MiB to 8 GiB",
            published="flat: 16.4 → 17.2 MiB resident from 128 MiB to 8 GiB",
            sources=("FC-DATA",),
            conditions="Resident size outside guest RAM across VM sizes [FC-DATA, computed]. vmsim: the three VMs "
            "above; largest minus smallest overhead",
            value=spread,
            unit="MiB",
            low=0.0,
            high=1.0,
            tolerance="≤ 1 MiB",
            basis="the source's own spread (0.8 MiB), rounded up",
        )
    )
    fc = {m: overhead("microvm", m) for m in (128, 1024, 8192)}
    checks.append(
        make_check(
            "Firecracker overhead, 128 MiB / 1 GiB / 8 GiB",
            published="2.2 MiB resident (spec: ≤ 5 MiB)",
            sources=("FC-DATA", "FC-SPEC"),
            conditions="resident memory of the VMM beyond the guest's RAM, flat from 128 MiB to 8 GiB [FC-DATA] (its "
            "pmap data mappings minus the VM size are 2.5 MiB of address space); the spec's memory cop caps the VMM "
            "threads at 5 MiB [FC-SPEC]. vmsim: one microVM of each size on the server preset",
            value=max(fc.values()),
            unit="MiB",
            low=2.2,
            high=5.0,
            shown=" / ".join(f"{v:g}" for v in fc.values()) + " MiB",
            tolerance="2.2–5 MiB each",
            basis="from the measured value to the spec's cap",
        )
    )
    return checks


def disk_growth(cat: Catalog) -> list[Check]:
    """Disk for N VMs vs N containers of one image: what each additional instance adds."""
    checks = []
    per: dict[str, dict[str, float]] = {}
    for app in ("node-web", "postgres"):
        sim = reference_sim(
            cat, ("vm", "container"), vm={"image_cached": True, "clone": "copy"}, container={"cached_images": (app,)}
        )
        sim.add_workload(app)
        sim.run_until(60)
        one = sim.snapshot(include_events=False)
        sim.add_workload(app, 4)
        sim.run_until(120)
        five = sim.snapshot(include_events=False)
        per[app] = {
            w: (five.world(w).disk.total_mib - one.world(w).disk.total_mib) / 4
            if five.world(w).count("running") == 5
            else math.nan
            for w in ("vm", "container")
        }
    checks.append(
        make_check(
            "Disk per additional container of one image",
            published="72–112 KB (≈100 KB)",
            sources=("SHARMA",),
            conditions="Docker with AUFS, 2016, Table 4 'Docker incremental'. vmsim: 1 then 5 'node-web' containers on "
            "the laptop, image cached; disk added per extra container",
            value=per["node-web"]["container"] / KB_DECIMAL,
            unit="kB",
            low=72.0,
            high=112.0,
            tolerance="72–112 KB",
            basis="the source's two images",
            note="vmsim's writable layer is 0.1 MiB = 105 kB (102 KiB): inside the range whichever KB SHARMA meant.",
        )
    )
    counterparts = {"node-web": ("Node.js", 2.05), "postgres": ("MySQL", 1.68)}
    for app, (theirs, gb) in counterparts.items():
        checks.append(
            make_check(
                f"Disk per additional VM ({app})",
                published=f"{gb} GB ({theirs} VM)",
                sources=("SHARMA",),
                conditions="VM images built with Vagrant, 2016, Table 4 (MySQL 1.68 GB, Node.js 2.05 GB). vmsim: 1 "
                f"then 5 '{app}' VMs (Ubuntu 24.04, thin, a full copy per VM as Vagrant makes; vmsim's default "
                "overlay is smaller) on the laptop; disk added per extra VM",
                value=per[app]["vm"] / GB,
                unit="GB",
                low=1.68,
                high=2.05,
                tolerance="1.68–2.05 GB",
                basis="the source's two VM images (vmsim's apps are not the same apps, so either end is a fair match)",
                note="SHARMA's text also says a new VM needs 'more than 3 GB' against ≈100 KB for a container; its own "
                "Table 4 gives 1.68–2.05 GB, which is what vmsim's thin copy reproduces (the guest's installed size, "
                "1.5 GiB, was derived from that table, so this row confirms the engine applies it). A preallocated "
                "disk (vm.disk = 'preallocated') takes 20 GiB per VM [OSINFO].",
            )
        )
    return checks


def density(cat: Catalog) -> list[Check]:
    """How many fit on a 16 GiB host: 2 GiB Ubuntu VMs vs containers; memory per Debian VM and per container."""
    checks = []
    sim = reference_sim(cat, ("vm", "container"), vm={"image_cached": True}, container={"cached_images": ("nginx",)})
    sim.add_workload("nginx", 1500)
    sim.run_until(300)
    snap = sim.snapshot(include_events=False)
    vms, containers = snap.world("vm").count("running"), snap.world("container").count("running")
    ratio = containers / vms if vms else math.nan
    checks.append(
        make_check(
            "Density on 16 GiB: containers per VM",
            published="14.5×",
            sources=("CANONICAL-LXD",),
            conditions="Canonical press release, 2015: 16 GB Intel server, Ubuntu guests (conditions UNCONFIRMED; "
            "low-confidence vendor claim). vmsim: 1,500 nginx asked for on the laptop preset (16 GiB, 8 cores) as "
            "2 GiB Ubuntu 24.04 VMs and as containers; how many run",
            value=ratio,
            unit="×",
            low=14.5,
            high=None,
            shown=f"{ratio:.0f}× ({containers:,} containers / {vms} VMs)",
            tolerance="≥ 14.5×",
            basis="a one-sided sanity bound on a low-confidence claim (see note)",
            note="The ratio is set by what each instance costs. The counts we recall for the claim (536 LXD vs 37 KVM "
            "guests, UNCONFIRMED) imply ≈430 MB per KVM guest and ≈30 MB per LXD system container (a full Ubuntu "
            "userspace is 58–65 MiB idle [UBUNTU-SSHD]); vmsim's 2 GiB VMs commit ≈5× more per VM and its nginx app "
            "containers need less than a system container, and both raise the ratio. So only 'at least Canonical's "
            "ratio' is a meaningful test of a low-confidence claim.",
        )
    )

    # Smallest allocation a Debian VM boots in.
    booted = []
    for mib in (96, 128, 160, 192, 224, 256, 320, 384, 512):
        s = reference_sim(cat, ("vm",), vm={"guest_os": "debian-12", "memory_mib": mib, "image_cached": True})
        s.add_workload("hello")
        s.run_until(60)
        if instances(s, "vm")[0].state == "running":
            booted.append(mib)
    smallest = float(min(booted)) if booted else math.nan
    checks.append(
        make_check(
            "Minimum RAM a Debian VM runs in",
            published="111 MB per VM",
            sources=("LIGHTVM", "OSINFO"),
            conditions="Xen, Debian jessie + Micropython, 1000 VMs need ≈114 GB [LIGHTVM]. vmsim: "
            "Debian 12 genericcloud VMs with 96–512 MiB on the laptop; the smallest that boots",
            value=smallest,
            unit="MiB",
            low=111 * MB,
            high=1024.0,
            tolerance="111 MB–1 GiB",
            basis="at least LIGHTVM's minimal guest, at most libosinfo's minimum for Debian 12 [OSINFO]",
            model_choice=True,
            note="vmsim's Debian guest is a genericcloud image that runs cloud-init at boot, not LIGHTVM's minimal "
            "jessie guest: its minimum (guests.debian-12.min_boot_memory_mib) leaves cloud-init headroom, so it is "
            "above LIGHTVM's 111 MB on purpose.",
        )
    )

    # Host memory per extra container: 1 then 201 'hello' containers.
    s = reference_sim(cat, ("container",), container={"cached_images": ("hello",)})
    s.add_workload("hello")
    s.run_until(10)
    one = s.snapshot(include_events=False).world("container").memory_touched_mib
    s.add_workload("hello", 200)
    s.run_until(60)
    w = s.snapshot(include_events=False).world("container")
    each = (w.memory_touched_mib - one) / 200 if w.count("running") == 201 else math.nan
    low_gb, high_gb = 4.5, 5.5  # "≈5 GB" for 1000 containers, read to its one significant figure
    checks.append(
        make_check(
            "Host memory per additional container",
            published="≈5 MB per container (1000 ≈ 5 GB)",
            sources=("LIGHTVM",),
            conditions="Docker 1.13, Micropython containers, 1000 containers ≈5 GB [LIGHTVM]. vmsim: 1 then 201 "
            "'hello' containers (a static binary, 1 MiB) on the laptop; host memory in use per extra container",
            value=each,
            unit="MiB",
            low=low_gb * 1e9 / 1000 / 2**20,
            high=high_gb * 1e9 / 1000 / 2**20,
            tolerance="4.5–5.5 MB (4.29–5.25 MiB)",
            basis="LIGHTVM's '≈5 GB' per 1000 read to its one significant figure",
            note="Validation: the per-container shim (4 MiB unshared) comes from containerd and Docker 1.11 "
            "measurements [CONTAINERD-1767, MOBY-21737], not from LIGHTVM. The shim's 10–11 MiB RSS "
            "[CONTAINERD-7878] counts the binary's pages that every shim shares.",
            kind="validation",
            figure="runtimes.containerd.shim_memory_mib",
        )
    )
    return checks


# FC-DATA, computed from pmap -x: host RSS of the guest-RAM mapping 10 s after boot (linuxkit guest with containerd,
# sshd, getty and rngd), plus Firecracker's own 2.2 MiB resident, by configured size.
FC_MICROVM_RSS_MIB = {128: 127.4 + 2.2, 256: 167.9 + 2.2, 2048: 200.6 + 2.2}
MICROVM_PARTS = ("hypervisor", "guest_kernel", "guest_services", "guest_page_cache", "apps")


def microvm_memory(cat: Catalog) -> list[Check]:
    """Host memory one running microVM touches (VMM and guest), by size, and its runtime shim."""
    checks = []
    shims: list[float] = []
    for mib, published in FC_MICROVM_RSS_MIB.items():
        sim = reference_sim(
            cat, ("microvm",), "server", microvm={"memory_mib": mib}, container={"cached_images": ("hello",)}
        )
        sim.add_workload("hello")
        sim.run_until(30)
        w = sim.snapshot(include_events=False).world("microvm")
        running = w.count("running") == 1
        value = sum(w.memory.get(c) for c in MICROVM_PARTS) if running else math.nan
        shims.append(w.memory.get("shims") if running else math.nan)
        checks.append(
            make_check(
                f"MicroVM host memory touched, {mib:,} MiB guest",
                published=f"{published:.1f} MiB (guest RAM resident {published - 2.2:.1f} + VMM 2.2)",
                sources=("FC-DATA",),
                conditions="Firecracker's process RSS, guest-RAM mapping plus the VMM's own, 10 s after boot of the "
                "paper's linuxkit guest (kernel 4.14, init, containerd + runc, getty, rngd, sshd), m5d.metal [FC-DATA, "
                f"computed from pmap -x]. vmsim: one microVM of {mib:,} MiB running 'hello' (≈1 MiB) on the server "
                "preset; its VMM, guest kernel, services, page cache and app",
                value=value,
                unit="MiB",
                low=published - 5.0,
                high=published + 5.0,
                tolerance=f"±5 MiB ({published - 5:.1f}–{published + 5:.1f} MiB)",
                basis="the three hosts of the raw data agree to ±1 MiB; vmsim keeps one kernel-runtime figure (36.0 "
                "MiB, from the 256 MiB guest) where the measured guests hold 36.0–40.3 MiB, and runs an app the "
                "measured guest did not",
                note="The guest's kernel runtime, services and page cache were read from this guest's /proc/meminfo "
                "and pmap [FC-DATA], so this row reads the calibration back; the 128 MiB guest is capped by its size.",
            )
        )
    shim = max(shims)
    checks.append(
        make_check(
            "MicroVM runtime shim, per microVM",
            published="8,758–8,906 KB PSS (Kata's shim, one container running)",
            sources=("KATA-572",),
            conditions="Kata Containers' CI, five runs in kata-containers/runtime PR #572 (2018): PSS of the shim "
            "process per running container. vmsim: the microVMs above; the runtime's shim memory per microVM",
            value=shim,
            unit="MiB",
            low=8758 / 1024,
            high=8906 / 1024,
            tolerance="8.55–8.70 MiB",
            basis="the five runs' minimum and maximum",
            model_choice=True,
            note="vmsim's microVMs are started by a runtime with one shim per VM, as firecracker-containerd's "
            "containerd-shim-aws-firecracker is [FC-CONTAINERD]; no figure for that shim is published, so the "
            "catalog charges the Kata shim's measured PSS (runtimes.containerd.microvm_shim_memory_mib).",
        )
    )
    return checks
