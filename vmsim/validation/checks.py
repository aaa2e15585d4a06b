"""``vmsim validate-model``: reference experiments run through the engine, compared with published figures.

Each experiment builds a :class:`~vmsim.engine.Simulation` with an explicit host and explicit settings,
adds workloads, runs the clock and reads the snapshot, exactly as a scenario would. Each comparison
becomes a :class:`Check`: the published figure (with the calibration notes' source key), the
conditions it was measured under, vmsim's figure, the tolerance and whether vmsim is inside it.

Rules the checks follow:

* Published values are constants written here from ``calibration.md``: never read back from the
  catalog, so a wrong catalog figure shows up as a failing check (see ``tests/test_validation.py``).
* A tolerance is the source's own spread (its range, its p99, its min–max) unless the row says
  otherwise and why.
* Where vmsim differs from a source on purpose, the check is marked ``model_choice``: its note says
  what the model does differently and why, and its tolerance tests that documented difference (so
  the check still fails if the model drifts beyond it). A difference that is not a documented
  modelling choice is a failing check.

Pure Python: no user-interface library is imported.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import textwrap
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from vmsim.engine import (
    Catalog,
    ContainerSettings,
    InstanceSnapshot,
    MicroVmSettings,
    Settings,
    Simulation,
    VmSettings,
    default_catalog,
    make_host,
)
from vmsim.output.formats import table

MB = 1e6 / 2**20  # one decimal megabyte in MiB
GB = 1e9 / 2**20  # one decimal gigabyte in MiB
KB_DECIMAL = 1e3 / 2**20  # one kB in MiB


# ---------------------------------------------------------------------------------------------------- the result
@dataclass(frozen=True)
class Check:
    """One comparison of vmsim with a published measurement."""

    name: str
    published: str  # the published value, with its unit
    sources: tuple[str, ...]  # source keys as in calibration.md, e.g. ("FC-DATA",)
    conditions: str  # what was measured, and how vmsim's experiment was set up
    vmsim: str  # vmsim's value, with its unit
    tolerance: str  # the accepted range, as a range or a relative %
    passed: bool
    basis: str = ""  # why the tolerance is what it is (the source's own range, its p99, ...)
    note: str = ""  # for a modelling choice: what vmsim does differently, and why
    model_choice: bool = False
    value: float | None = None  # vmsim's value as a number, in ``unit``
    unit: str = ""
    low: float | None = None  # accepted range, in ``unit`` (None: open)
    high: float | None = None
    # "validation": a published experiment the model was not calibrated on, with a two-sided tolerance from
    # the source's own spread; "calibration": the model's own inputs (or a one-sided bound) read back.
    kind: str = "calibration"
    figure: str = ""  # the catalog figure a validation check tests (perturbing it beyond tolerance fails it)

    @property
    def source(self) -> str:
        """The source keys, comma separated."""
        return ", ".join(self.sources)

    @property
    def result(self) -> str:
        """'pass', 'pass*' (within a documented modelling difference) or 'FAIL'."""
        if not self.passed:
            return "FAIL"
        return "pass*" if self.model_choice else "pass"

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "name": self.name,
            "published": self.published,
            "sources": list(self.sources),
            "conditions": self.conditions,
            "vmsim": self.vmsim,
            "value": self.value,
            "unit": self.unit,
            "tolerance": self.tolerance,
            "tolerance_basis": self.basis,
            "low": self.low,
            "high": self.high,
            "passed": self.passed,
            "model_choice": self.model_choice,
            "kind": self.kind,
            "figure": self.figure,
            "result": self.result,
            "note": self.note,
        }


def _num(x: float) -> str:
    if x == 0:
        return "0"
    mag = abs(x)
    if mag >= 100:
        return f"{x:,.0f}"
    if mag >= 10:
        return f"{x:.1f}"
    if mag >= 1:
        return f"{x:.2f}"
    return f"{x:.3f}"


def _shown(value: float | None, unit: str) -> str:
    if value is None:
        return "not measured"
    if unit == "%":
        return f"{value:+.1f} %" if value < 0 else f"{value:.1f} %"
    if unit == "s" and abs(value) < 1:
        return f"{value * 1000:.0f} ms"
    return f"{_num(value)} {unit}".strip()


def _check(
    name: str,
    *,
    published: str,
    sources: Sequence[str],
    conditions: str,
    value: float | None,
    unit: str,
    low: float | None,
    high: float | None,
    tolerance: str,
    basis: str,
    note: str = "",
    model_choice: bool = False,
    shown: str | None = None,
    kind: str = "calibration",
    figure: str = "",
) -> Check:
    """A check whose verdict is ``low <= value <= high`` (a missing or NaN value fails)."""
    ok = value is not None and math.isfinite(value)
    if ok:
        assert value is not None
        eps = 1e-9 * max(1.0, abs(value))
        ok = (low is None or value >= low - eps) and (high is None or value <= high + eps)
    clean = value if value is not None and math.isfinite(value) else None
    return Check(
        name=name,
        published=published,
        sources=tuple(sources),
        conditions=conditions,
        vmsim=shown if shown is not None else _shown(clean, unit),
        tolerance=tolerance,
        passed=bool(ok),
        basis=basis,
        note=note,
        model_choice=model_choice,
        value=None if clean is None else round(clean, 6),
        unit=unit,
        low=low,
        high=high,
        kind=kind,
        figure=figure,
    )


# ---------------------------------------------------------------------------------------------------- helpers
def _sim(
    cat: Catalog,
    worlds: Iterable[str],
    host: str = "laptop",
    *,
    vm: dict[str, Any] | None = None,
    container: dict[str, Any] | None = None,
    microvm: dict[str, Any] | None = None,
    seed: int = 0,
    **hardware: float,
) -> Simulation:
    """A Simulation on a catalog host preset (hardware overridable) with explicit per-world settings."""
    settings = Settings(
        cat,
        vm=VmSettings(**(vm or {})),
        container=ContainerSettings(**(container or {})),
        microvm=MicroVmSettings(**(microvm or {})),
    )
    return Simulation(
        make_host(cat, host, **hardware), worlds=tuple(worlds), settings=settings, seed=seed, scenario="validate-model"
    )


def _durations(inst: InstanceSnapshot) -> dict[str, float]:
    """Phase name → seconds, for the phases that finished."""
    return {p.name: p.end_s - p.start_s for p in inst.phases if p.end_s is not None}


def _phase_sum(inst: InstanceSnapshot, names: Sequence[str]) -> float:
    d = _durations(inst)
    return sum(d.get(n, math.nan) for n in names)


def _median(values: Iterable[float]) -> float:
    vals = [v for v in values if v is not None and math.isfinite(v)]
    return statistics.median(vals) if vals else math.nan


def _instances(sim: Simulation, world: str) -> tuple[InstanceSnapshot, ...]:
    return sim.snapshot(include_events=False).world(world).instances


def _sequential(sim: Simulation, world: str, app: str, n: int, gap_s: float) -> list[InstanceSnapshot]:
    """Start ``n`` instances one after another, ``gap_s`` apart (each long done before the next)."""
    for _ in range(n):
        sim.add_workload(app)
        sim.advance(gap_s)
    return list(_instances(sim, world))


# ---------------------------------------------------------------------------------------------------- experiments
# Calibration §1b: suggested phase defaults for a stock Ubuntu VM on QEMU/KVM with SeaBIOS, with ranges.
UBUNTU_PHASES_1B = (
    ("firmware", 0.1, 0.01, 0.5, "SeaBIOS alone measured ≈9 ms [GARZARELLA]; the 0.1 s default leaves room for UEFI"),
    ("bootloader", 0.3, 0.1, 2.0, "GRUB"),
    ("kernel", 0.9, 0.5, 2.0, "a distro kernel: 0.85 s in a Fedora VM [SYSTEMD-22060]"),
    ("initrd", 1.5, 1.0, 2.0, "1.49 s in a Fedora VM [SYSTEMD-22060]"),
    ("systemd", 4.0, 3.0, 10.0, "to multi-user.target"),
    ("cloud-init", 1.5, 1.4, 5.0, "more than 1.4 s in [DEPOT]; module timings in [CLOUDINIT]"),
)


def vm_boot(cat: Catalog) -> list[Check]:
    """One Ubuntu 24.04 VM on QEMU/KVM: every boot phase, and VMM start to cloud-init done."""
    sim = _sim(cat, ("vm",), vm={"image_cached": True})
    sim.add_workload("hello")
    sim.run_until(60)
    (inst,) = _instances(sim, "vm")
    d = _durations(inst)
    setup = (
        "vmsim: one Ubuntu 24.04 VM (QEMU/KVM, SeaBIOS, 2 vCPU, 2 GiB) on the laptop preset, guest image cached, "
        "app 'hello'"
    )
    checks = [
        _check(
            "VM boot: QEMU process init",
            published="34 ms (31–37 ms)",
            sources=("GARZARELLA",),
            conditions="QEMU/KVM q35, SeaBIOS, direct -kernel boot, trace points, 3 runs, average 34 ms. " + setup,
            value=d.get("vmm"),
            unit="s",
            low=0.031,
            high=0.037,
            tolerance="31–37 ms",
            basis="the source's 3 runs",
        )
    ]
    for phase, default, low, high, why in UBUNTU_PHASES_1B:
        checks.append(
            _check(
                f"VM boot: {phase} phase",
                published=f"{default:g} s ({low:g}–{high:g} s)",
                sources=("CALIB-1B",),
                conditions=f"Stock Ubuntu VM on QEMU/KVM with SeaBIOS; derived default, not one measurement ({why}). "
                + setup,
                value=d.get(phase),
                unit="s",
                low=low,
                high=high,
                tolerance=f"{low:g}–{high:g} s",
                basis="the calibration's own range for this phase (§1b)",
            )
        )
    guest_names = [p.name for p in cat.guests["ubuntu-24.04"].boot_phases]
    to_ready = _phase_sum(inst, ["vmm", *guest_names])
    app_ready = inst.boot_s
    checks.append(
        _check(
            "VM boot: VMM start → cloud-init done",
            published="7–9 s (default ≈8 s)",
            sources=("DEPOT", "CALIB-1B"),
            conditions="Ubuntu cloud image on Cloud Hypervisor/KVM, 8 vCPU / 16 GB, qcow2, cloud-init, until the first "
            "command runs over vsock (vendor baseline before tuning). " + setup + "; vmsim counts from the VMM phase "
            "to the end of cloud-init",
            value=to_ready,
            unit="s",
            low=7.0,
            high=9.0,
            tolerance="7–9 s",
            basis="DEPOT's own range; §1b's wider 6–20 s also covers slower guests",
            note=(
                f"Add → app ready is {_num(app_ready or math.nan)} s in vmsim: before the VMM starts it clones the "
                f"image into the VM's own disk ('disk copy', {_num(d.get('disk copy', math.nan))} s at the laptop's "
                "2,000 MiB/s), a provisioning step the boot measurements do not include."
            ),
        )
    )
    return checks


def container_start(cat: Catalog) -> list[Check]:
    """Warm start (image on the host) and cold start (pull first) of containers."""
    checks = []
    sim = _sim(cat, ("container",), container={"cached_images": ("hello",)})
    warm = _sequential(sim, "container", "hello", 10, 2.0)
    checks.append(
        _check(
            "Container start, warm image",
            published="0.3 s; 0.34 s mean",
            sources=("SHARMA", "HEGERDES"),
            conditions="docker run → process running with the image present: Docker on a 4-core E5-1240 v2 [SHARMA]; "
            "`nerdctl run busybox true`, containerd 1.7 + runc, 8 vCPU, 1000 serial runs [HEGERDES]. vmsim: 10 "
            "'hello' containers one after another on the laptop, image cached, median add → ready",
            value=_median(i.boot_s for i in warm if i.boot_s is not None),
            unit="s",
            low=0.16,
            high=0.44,
            tolerance="0.16–0.44 s",
            basis="HEGERDES's min–max over 1000 runs",
            note="The calibration's wider plausible range is 0.1–0.6 s: 0.1 s [VANRIJN] to 0.57 s on a 2-vCPU cloud "
            "VM [KHAN].",
        )
    )

    # Cold start: pull time with the registry at 100 Mbit/s and with an effectively infinite one. The
    # difference is the download alone (unpacking runs on the cores, the same in both).
    def cold(mbps: float, app: str = "nginx") -> InstanceSnapshot:
        s = _sim(cat, ("container",), container={"registry_mbps": mbps})
        s.add_workload(app)
        s.run_until(600)
        return _instances(s, "container")[0]

    slow, fast = cold(100.0), cold(1e9)
    download = _durations(slow).get("pull", math.nan) - _durations(fast).get("pull", math.nan)
    # nginx:1.31.3 is 161.3 MB on disk [REPOINFO]; compressed/uncompressed is 29.7/78.2 = 0.38 (ubuntu:24.04)
    # and 55.5/134.6 = 0.41 (nginx, 2016) [REPOINFO]. At 100 Mbit/s: size × ratio × 8 / 100 Mbit/s.
    lo_s = 161.3e6 * (29.7 / 78.2) * 8 / 100e6
    hi_s = 161.3e6 * (55.5 / 134.6) * 8 / 100e6
    checks.append(
        _check(
            "Cold container start: download of nginx at 100 Mbit/s",
            published=f"{lo_s:.2f}–{hi_s:.2f} s",
            sources=("REPOINFO",),
            conditions="Expected transfer time of nginx:1.31.3 (161.3 MB on disk) over a 100 Mbit/s registry link, "
            "with the compressed/uncompressed ratios REPOINFO gives for ubuntu:24.04 (29.7/78.2 MB) and nginx 2016 "
            "(55.5/134.6 MB). vmsim: one nginx container, nothing cached, pull time at 100 Mbit/s minus pull time at "
            "an unlimited link (which leaves only unpacking)",
            value=download,
            unit="s",
            low=lo_s,
            high=hi_s,
            tolerance=f"{lo_s:.2f}–{hi_s:.2f} s",
            basis="the range the two published compressed ratios give (vmsim uses one ratio, 0.4, for every image)",
        )
    )
    gig = cold(1000.0)
    shares = []
    for inst in (slow, gig):
        pull = _durations(inst).get("pull", math.nan)
        shares.append(100 * pull / inst.boot_s if inst.boot_s else math.nan)
    checks.append(
        _check(
            "Cold container start: share of start time spent pulling",
            published="≈76 %",
            sources=("HARTER",),
            conditions="HelloBench, 57 images, FAST'16 (network conditions not in our notes). vmsim: one nginx "
            "container, nothing cached, pull / (add → ready), registry at 100 Mbit/s (vmsim's default) and 1 Gbit/s",
            value=min(shares),
            unit="%",
            low=50.0,
            high=100.0,
            shown=f"{shares[0]:.0f} % / {shares[1]:.0f} % (0.1 / 1 Gbit/s)",
            tolerance="> 50 % at both",
            basis="qualitative, the pull dominates: the source's network is not in our notes, and the share depends "
            "on it",
            note="The share falls as the link gets faster; at 1 Gbit/s vmsim lands close to the published 76 %.",
        )
    )
    return checks


def microvm_boot(cat: Catalog) -> list[Check]:
    """Firecracker microVMs one at a time on a 48-core host: fork → init, and add → app ready."""
    sim = _sim(cat, ("microvm",), "server", container={"cached_images": ("hello",)}, cpu_cores=48)
    serial = _sequential(sim, "microvm", "hello", 21, 1.0)
    fork_to_init = _median(_phase_sum(i, ["vmm", "kernel"]) for i in serial)
    added_to_ready = _median(i.boot_s for i in serial if i.boot_s is not None)
    create = _median(_durations(i).get("create", math.nan) for i in serial)
    conditions = (
        "Firecracker, guest Linux 4.14 minimal, 1 vCPU / 256 MiB, EC2 m5d.metal (48 cores, HT off), 500 serial runs, "
        "fork of the VMM → guest forks init. vmsim: 21 'hello' microVMs (1 vCPU, 256 MiB) one after another on the "
        "server preset with 48 cores, image cached"
    )
    return [
        _check(
            "MicroVM boot: VMM fork → guest init (serial)",
            published="161 ms median (p99 173 ms)",
            sources=("FC-DATA",),
            conditions=conditions + "; median of the 'vmm' + 'kernel' phases (the 'init' phase that follows is the "
            "init running, after the point FC-DATA stops its clock)",
            value=fork_to_init,
            unit="s",
            low=0.161 * (1 - 0.075),
            high=0.173,
            tolerance="±7.5 % (149–173 ms)",
            basis="the source's median-to-p99 spread",
        ),
        _check(
            "MicroVM via the container runtime: add → ready",
            published="< 0.8 s (bare VMM: 161 ms)",
            sources=("FC-DATA", "SHARMA"),
            conditions=conditions + "; median add → ready, which includes the runtime's create step, init and the "
            "app's start. SHARMA: Clear Linux lightweight VM launched from a Docker image, 4-core E5-1240 v2",
            value=added_to_ready,
            unit="s",
            low=0.161,
            high=0.8,
            tolerance="0.161–0.8 s",
            basis="from a bare Firecracker boot to SHARMA's bound for a container-launched lightweight VM; wide "
            "because the two ends measure different things and vmsim sits between them by design",
            model_choice=True,
            note=(
                f"vmsim starts every microVM through the container runtime, as firecracker-containerd and Kata do: "
                f"the runtime's create step ({create * 1000:.0f} ms: rootfs snapshot, network, cgroups) runs before "
                "the VMM, so a microVM is ready later than FC-DATA's bare VMM fork → init. For comparison, Kata "
                "Containers start in ≈600 ms [VANRIJN]."
            ),
        ),
    ]


def hypervisor_overhead(cat: Catalog) -> list[Check]:
    """Host memory each VM takes beyond its guest RAM, at several guest sizes, for QEMU and Firecracker."""

    def overhead(world: str, memory_mib: float) -> float:
        key = "vm" if world == "vm" else "microvm"
        extra = {key: {"memory_mib": memory_mib}}
        if world == "vm":
            extra["vm"]["image_cached"] = True
        sim = _sim(cat, (world,), "server", container={"cached_images": ("hello",)}, **extra)
        before = sim.snapshot(include_events=False).world(world).memory.total_mib
        sim.add_workload("hello")
        sim.run_until(60)
        w = sim.snapshot(include_events=False).world(world)
        if w.count("running") != 1:
            return math.nan
        return w.memory.total_mib - before - memory_mib

    checks = []
    qemu = {m: overhead("vm", m) for m in (512, 2048, 8192)}
    for mem, value in qemu.items():
        checks.append(
            _check(
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
        _check(
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
        _check(
            "Firecracker overhead, 128 MiB / 1 GiB / 8 GiB",
            published="2.5 MiB (spec: ≤ 5 MiB)",
            sources=("FC-DATA", "FC-SPEC"),
            conditions="pmap data minus VM size, flat from 128 MiB to 8 GiB [FC-DATA]; the spec's memory cop caps the "
            "VMM threads at 5 MiB [FC-SPEC]. vmsim: one microVM of each size on the server preset",
            value=max(fc.values()),
            unit="MiB",
            low=2.5,
            high=5.0,
            shown=" / ".join(f"{v:g}" for v in fc.values()) + " MiB",
            tolerance="2.5–5 MiB each",
            basis="from the measured value to the spec's cap",
        )
    )
    return checks


def disk_growth(cat: Catalog) -> list[Check]:
    """Disk for N VMs vs N containers of one image: what each additional instance adds."""
    checks = []
    per: dict[str, dict[str, float]] = {}
    for app in ("node-web", "postgres"):
        sim = _sim(cat, ("vm", "container"), vm={"image_cached": True}, container={"cached_images": (app,)})
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
        _check(
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
            _check(
                f"Disk per additional VM ({app})",
                published=f"{gb} GB ({theirs} VM)",
                sources=("SHARMA",),
                conditions="VM images built with Vagrant, 2016, Table 4 (MySQL 1.68 GB, Node.js 2.05 GB). vmsim: 1 "
                f"then 5 '{app}' VMs (Ubuntu 24.04, thin disks, full copy per VM — the defaults) on the laptop; disk "
                "added per extra VM",
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
    sim = _sim(cat, ("vm", "container"), vm={"image_cached": True}, container={"cached_images": ("nginx",)})
    sim.add_workload("nginx", 1500)
    sim.run_until(300)
    snap = sim.snapshot(include_events=False)
    vms, containers = snap.world("vm").count("running"), snap.world("container").count("running")
    ratio = containers / vms if vms else math.nan
    checks.append(
        _check(
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
        s = _sim(cat, ("vm",), vm={"guest_os": "debian-12", "memory_mib": mib, "image_cached": True})
        s.add_workload("hello")
        s.run_until(60)
        if _instances(s, "vm")[0].state == "running":
            booted.append(mib)
    smallest = float(min(booted)) if booted else math.nan
    checks.append(
        _check(
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
    s = _sim(cat, ("container",), container={"cached_images": ("hello",)})
    s.add_workload("hello")
    s.run_until(10)
    one = s.snapshot(include_events=False).world("container").memory_touched_mib
    s.add_workload("hello", 200)
    s.run_until(60)
    w = s.snapshot(include_events=False).world("container")
    each = (w.memory_touched_mib - one) / 200 if w.count("running") == 201 else math.nan
    low_gb, high_gb = 4.5, 5.5  # "≈5 GB" for 1000 containers, read to its one significant figure
    checks.append(
        _check(
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


def boot_storms(cat: Catalog) -> list[Check]:
    """Start times when many start at once (microVMs) or after many are running (containers)."""
    checks = []

    def fork_to_init(n: int) -> float:
        sim = _sim(cat, ("microvm",), "server", container={"cached_images": ("hello",)}, cpu_cores=48)
        if n == 1:
            insts = _sequential(sim, "microvm", "hello", 21, 1.0)
        else:
            sim.add_workload("hello", n)
            sim.run_until(30)
            insts = list(_instances(sim, "microvm"))
        return _median(_phase_sum(i, ["vmm", "kernel"]) for i in insts)

    serial, par50, par100 = fork_to_init(1), fork_to_init(50), fork_to_init(100)
    conditions = (
        "Firecracker end-to-end (fork VMM → guest init), 1 vCPU / 256 MiB guests, m5d.metal (48 cores, HT off), "
        "`xargs -P N` keeping N starts in flight, 1000 in all, vs 161 ms serial. vmsim: N microVMs started at the same "
        "instant on the server preset with 48 cores, image cached; median 'vmm' + 'kernel' vs the serial median "
        f"({serial * 1000:.0f} ms)"
    )
    growth50 = 100 * (par50 / serial - 1)
    checks.append(
        _check(
            "Boot storm: 50 microVMs at once, fork → init",
            published="206 ms median (+28 % over serial)",
            sources=("FC-DATA",),
            conditions=conditions.replace("N", "50"),
            value=growth50,
            unit="%",
            low=0.0,
            high=28.0,
            shown=f"{par50 * 1000:.0f} ms (+{growth50:.0f} %)",
            tolerance="0 to +28 %",
            basis="vmsim models CPU contention only, so it may add less than measured, never more",
            model_choice=True,
            note="In vmsim, instances starting together contend only for cores (and disk and network). 50 one-vCPU "
            "boots on 48 cores barely overload the cores, so vmsim adds a few percent. The measured +28 % is not CPU: "
            "in the same storm the pre-configured boot alone (FC-pre) grows only 3 % (110 → 113 ms), so the extra "
            "time is in starting the VMM process and configuring it through its API socket, which vmsim does not "
            "model as a contended resource.",
        )
    )
    checks.append(
        _check(
            "Boot storm: 100 microVMs at once, fork → init",
            published="217 ms median (+35 % over serial)",
            sources=("FC-DATA",),
            conditions=conditions.replace("N", "100"),
            value=par100,
            unit="s",
            low=0.217 * 0.8,
            high=0.217 * 1.2,
            shown=f"{par100 * 1000:.0f} ms (+{100 * (par100 / serial - 1):.0f} %)",
            tolerance="±20 % (174–260 ms)",
            basis="about the spread from median to p99 of the 50-parallel run (206 → 246 ms)",
            note="vmsim runs a microVM's 'kernel' phase on half a core (cpu = 0.5 in guests.microvm-linux), "
            "calibrated on this very run: FC-DATA's pre-configured boot alone (FC-pre) grows only 9 % (110 → 120 ms) "
            "at 100 in flight on 48 cores, so a Firecracker start averages about half a core. A full core made every "
            "boot twice as long (333 ms).",
        )
    )

    # LIGHTVM: 1000 Docker containers started one after another on a 4-core host; start time stays flat.
    sim = _sim(cat, ("container",), "server", container={"cached_images": ("hello",)}, cpu_cores=4)
    insts = _sequential(sim, "container", "hello", 1000, 0.5)
    times = [i.boot_s for i in insts]
    first, last = _median(times[:10]), _median(times[-10:])
    running = sim.snapshot(include_events=False).world("container").count("running")
    checks.append(
        _check(
            "Container start with 1,000 already running",
            published="flat (≈200 ms)",
            sources=("LIGHTVM",),
            conditions="Docker 1.13, 4-core Xeon E5-1630 v3, 128 GiB, containers started one after another, earlier "
            "ones left running. vmsim: 1,000 'hello' containers, 0.5 s apart, on the server preset (128 GiB) with 4 "
            "cores; median start of the last 10 over the first 10",
            value=last / first if running == 1000 else math.nan,
            unit="×",
            low=0.9,
            high=1.1,
            shown=f"{last / first:.2f}× ({first * 1000:.0f} → {last * 1000:.0f} ms)",
            tolerance="0.9–1.1×",
            basis="flat, as read from LIGHTVM Fig. 4",
            note="vmsim's absolute start (≈0.3 s) follows SHARMA and HEGERDES (see 'Container start, warm image'); "
            "Docker 1.13 in LIGHTVM started in ≈200 ms, inside the calibration's 0.1–0.6 s range.",
        )
    )
    return checks


REFERENCE_EXPERIMENTS: tuple[Callable[[Catalog], list[Check]], ...] = (
    vm_boot,
    container_start,
    microvm_boot,
    hypervisor_overhead,
    disk_growth,
    density,
    boot_storms,
)


# ---------------------------------------------------------------------------------------------------- run and render
def run_validation(catalog: Catalog | None = None) -> list[Check]:
    """Run every reference experiment through the engine with ``catalog`` (default: the shipped one)."""
    from vmsim.validation.published import VALIDATION_EXPERIMENTS

    cat = catalog or default_catalog()
    checks: list[Check] = []
    for experiment in (*REFERENCE_EXPERIMENTS, *VALIDATION_EXPERIMENTS):
        checks.extend(experiment(cat))
    return checks


def summary(checks: Sequence[Check]) -> dict[str, int]:
    """Counts: total, passed, failed, and passed within a documented modelling difference."""
    passed = sum(c.passed for c in checks)
    return {
        "total": len(checks),
        "passed": passed,
        "failed": len(checks) - passed,
        "model_choices": sum(c.passed and c.model_choice for c in checks),
        "validation": sum(c.kind == "validation" for c in checks),
        "calibration": sum(c.kind == "calibration" for c in checks),
    }


def render_validation(checks: Sequence[Check], fmt: str = "table") -> str:
    """The report as a text table with notes below (``fmt='table'``) or as JSON (``fmt='json'``)."""
    if fmt == "json":
        data = {"checks": [c.as_dict() for c in checks], "summary": summary(checks)}
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r}: use 'table' or 'json'")
    rows = [["#", "check", "kind", "published", "source", "vmsim", "tolerance", "result"]]
    for n, c in enumerate(checks, 1):
        rows.append([str(n), c.name, c.kind, c.published, c.source, c.vmsim, c.tolerance, c.result])
    s = summary(checks)
    lines = [
        "vmsim validate-model: reference experiments run through the engine vs published measurements",
        "",
        table(rows, "rlllllll"),
        "",
        f"{s['total']} checks: {s['passed']} pass ({s['model_choices']} within a documented modelling difference, "
        f"marked *), {s['failed']} fail.",
        f"{s['validation']} validation checks (a published experiment the model was not calibrated on, two-sided "
        f"tolerance from the source's spread); {s['calibration']} calibration checks (the model's own inputs read "
        "back, or a one-sided bound).",
        "",
        "Conditions and notes (source keys as in the calibration notes):",
    ]
    wrap = textwrap.TextWrapper(width=110, initial_indent="     ", subsequent_indent="     ")
    for n, c in enumerate(checks, 1):
        lines.append(f"{n:>3}. {c.name} [{c.result}]")
        lines.extend(wrap.wrap("Conditions: " + c.conditions))
        lines.extend(wrap.wrap(f"Tolerance: {c.tolerance}, {c.basis}."))
        if c.note:
            label = "Modelling choice: " if c.model_choice else "Note: "
            lines.extend(wrap.wrap(label + c.note))
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """``vmsim validate-model [--format table|json]``: print the report; 0 if every check passes, else 1."""
    parser = argparse.ArgumentParser(
        prog="vmsim validate-model",
        description="Run reference experiments through the engine and compare them with published measurements.",
    )
    parser.add_argument("--format", choices=["table", "json"], default="table")
    args = parser.parse_args(None if argv is None else list(argv))
    checks = run_validation()
    print(render_validation(checks, args.format), end="")
    return 0 if all(c.passed for c in checks) else 1


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
