"""Reference experiments on start times: VM boot phases, container warm and cold starts, microVM boots and
boot storms, each compared with its published figures (source keys as in ``calibration.md``)."""

from __future__ import annotations

import math

from vmsim.engine import Catalog, InstanceSnapshot
from vmsim.validation.check import Check, make_check
from vmsim.validation.rig import durations, instances, median, phase_sum, reference_sim, sequential

# Calibration corrections §5: an Ubuntu cloud image's first boot on KVM, phase by phase (first boot, range),
# and what a reboot leaves (cloud-init's per-boot modules only, nothing to seed or generate).
UBUNTU_FIRST_BOOT = (
    ("firmware", 0.1, 0.01, 0.5, "firmware + GRUB 0.4 s (0.1–2 s)"),
    ("bootloader", 0.3, 0.1, 2.0, "firmware + GRUB 0.4 s (0.1–2 s)"),
    ("kernel", 1.1, 1.0, 1.4, "kernel + initrd 3 s (2.8–3.9 s) [CI-4535, CI-4687]"),
    ("initrd", 1.9, 1.8, 2.5, "kernel + initrd 3 s (2.8–3.9 s) [CI-4535, CI-4687]"),
    ("systemd", 8.7, 5.7, 14.7, "userspace 15 s (12–21 s) less snapd seeding"),
    ("snapd seeding", 6.3, 6.2, 6.5, "snapd.seeded.service 6.2–6.5 s [CI-4687]"),
    ("ssh keys", 2.1, 1.5, 3.0, "growpart 0.80 + resizefs 0.64 + SSH host keys 0.62 s [CLOUDINIT]"),
    ("cloud-init", 5.0, 3.0, 10.0, "cloud-init 5 s (3–10 s) [CI-4687, CI-5772]"),
)
TO_SSH = ("vmm", "firmware", "bootloader", "kernel", "initrd", "systemd", "snapd seeding", "ssh keys")


def ubuntu_boot(cat: Catalog, boot: str, memory_mib: float = 2048) -> InstanceSnapshot:
    """One Ubuntu 24.04 VM (2 vCPU) booted once on the laptop, guest image cached: its first boot or a reboot."""
    sim = reference_sim(cat, ("vm",), vm={"image_cached": True, "memory_mib": memory_mib, "boot": boot})
    sim.add_workload("hello")
    sim.run_until(90)
    (inst,) = instances(sim, "vm")
    return inst


def vm_boot(cat: Catalog) -> list[Check]:
    """One Ubuntu 24.04 VM on QEMU/KVM: every first-boot phase, VMM start to cloud-init done, and a reboot."""
    inst = ubuntu_boot(cat, "first")
    d = durations(inst)
    setup = (
        "vmsim: one Ubuntu 24.04 VM (QEMU/KVM, SeaBIOS, 2 vCPU, 2 GiB) on the laptop preset, guest image cached, "
        "app 'hello'"
    )
    checks = [
        make_check(
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
    jitter = cat.jitter.value
    for phase, default, low, high, why in UBUNTU_FIRST_BOOT:
        checks.append(
            make_check(
                f"VM boot: {phase} phase",
                published=f"{default:g} s ({low:g}–{high:g} s)",
                sources=("CI-4687",),
                conditions=f"Ubuntu cloud image's first boot on KVM; derived default, not one measurement ({why}). "
                + setup,
                value=d.get(phase),
                unit="s",
                low=low * (1 - jitter),
                high=high * (1 + jitter),
                tolerance=f"{low:g}–{high:g} s ± {jitter:.0%}",
                basis="the calibration corrections' own range for this phase (§5), widened by vmsim's phase jitter",
            )
        )
    to_done = phase_sum(inst, ["vmm", *(p.name for p in cat.guests["ubuntu-24.04"].boot_phases)])
    checks.append(
        make_check(
            "VM first boot: VMM start → cloud-init done",
            published="SSH at 20 s (15–35 s), cloud-init done ≈5 s later",
            sources=("CI-4687", "CI-5772"),
            conditions="Ubuntu noble cloud image's first boot on QEMU (pycloudlib, 4 samples: cloud-init done 40.4 s, "
            "a pre-release image) and on Azure (15 runs: SSH 21.3 s). " + setup,
            value=to_done,
            unit="s",
            low=20.0,
            high=40.5,
            tolerance="20–40.5 s",
            basis="SSH's 15–35 s plus cloud-init's last ≈5 s, up to CI-4687's 40.4 s",
            note="The catalog's phases were set from these measurements (corrections §5): this row reads them back. "
            "DEPOT's 7–9 s is a tuned image on a fast host, not a stock first boot.",
        )
    )
    again = ubuntu_boot(cat, "reboot")
    checks.append(
        make_check(
            "VM reboot: VMM start → SSH",
            published="≈10 s (8–15 s)",
            sources=("CI-4687",),
            conditions="A reboot of an Ubuntu cloud image: firmware, kernel, initrd and systemd again, no snapd "
            "seeding, no key generation, only cloud-init's per-boot modules (corrections §5, derived; "
            "'Reboot Time 10s' for Ubuntu Server 24.04, method not stated). vmsim: that VM with vm.boot = 'reboot'",
            value=phase_sum(again, TO_SSH[:6]),
            unit="s",
            low=8.0,
            high=15.0,
            tolerance="8–15 s",
            basis="the corrections' range for a reboot",
        )
    )
    return checks


def container_start(cat: Catalog) -> list[Check]:
    """Warm start (image on the host) and cold start (pull first) of containers."""
    checks = []
    sim = reference_sim(cat, ("container",), container={"cached_images": ("hello",)})
    warm = sequential(sim, "container", "hello", 10, 2.0)
    checks.append(
        make_check(
            "Container start, warm image",
            published="0.3 s; 0.34 s mean",
            sources=("SHARMA", "HEGERDES"),
            conditions="docker run → process running with the image present: Docker on a 4-core E5-1240 v2 [SHARMA]; "
            "`nerdctl run busybox true`, containerd 1.7 + runc, 8 vCPU, 1000 serial runs [HEGERDES]. vmsim: 10 "
            "'hello' containers one after another on the laptop, image cached, median add → ready",
            value=median(i.boot_s for i in warm if i.boot_s is not None),
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
        s = reference_sim(cat, ("container",), container={"registry_mbps": mbps})
        s.add_workload(app)
        s.run_until(600)
        return instances(s, "container")[0]

    slow, fast = cold(100.0), cold(1e9)
    download = durations(slow).get("pull", math.nan) - durations(fast).get("pull", math.nan)
    # nginx:1.31.3 is 161.3 MB on disk [REPOINFO]; compressed/uncompressed is 29.7/78.2 = 0.38 (ubuntu:24.04)
    # and 55.5/134.6 = 0.41 (nginx, 2016) [REPOINFO]. At 100 Mbit/s: size × ratio × 8 / 100 Mbit/s.
    lo_s = 161.3e6 * (29.7 / 78.2) * 8 / 100e6
    hi_s = 161.3e6 * (55.5 / 134.6) * 8 / 100e6
    checks.append(
        make_check(
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
        pull = durations(inst).get("pull", math.nan)
        shares.append(100 * pull / inst.boot_s if inst.boot_s else math.nan)
    checks.append(
        make_check(
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
    sim = reference_sim(cat, ("microvm",), "server", container={"cached_images": ("hello",)}, cpu_cores=48)
    serial = sequential(sim, "microvm", "hello", 21, 1.0)
    fork_to_init = median(phase_sum(i, ["vmm", "kernel"]) for i in serial)
    added_to_ready = median(i.boot_s for i in serial if i.boot_s is not None)
    create = median(durations(i).get("create", math.nan) for i in serial)
    conditions = (
        "Firecracker, guest Linux 4.14 minimal, 1 vCPU / 256 MiB, EC2 m5d.metal (48 cores, HT off), 500 serial runs, "
        "fork of the VMM → guest forks init. vmsim: 21 'hello' microVMs (1 vCPU, 256 MiB) one after another on the "
        "server preset with 48 cores, image cached"
    )
    return [
        make_check(
            "MicroVM boot: VMM fork → guest init (serial)",
            published="211 ms median with one virtio-net device (161 ms without)",
            sources=("FC-DATA",),
            conditions=conditions + "; 200 runs with one virtio-net device (a served app needs one). vmsim: median "
            "of the 'vmm' + 'kernel' phases (the 'init' phase that follows is the init running, after the point "
            "FC-DATA stops its clock)",
            value=fork_to_init,
            unit="s",
            low=0.211 * (1 - 0.075),
            high=0.211 * (1 + 0.075),
            tolerance="±7.5 % (195–227 ms)",
            basis="the spread from median to p99 of the run without a network device (161 → 173 ms)",
        ),
        make_check(
            "MicroVM via the container runtime: add → ready",
            published="< 0.8 s (bare VMM: 211 ms with a network device)",
            sources=("FC-DATA", "SHARMA"),
            conditions=conditions + "; median add → ready, which includes the runtime's create step, init, the "
            "container's start in the guest and the app's start. SHARMA: Clear Linux lightweight VM launched from a "
            "Docker image, 4-core E5-1240 v2",
            value=added_to_ready,
            unit="s",
            low=0.211,
            high=0.8,
            tolerance="0.211–0.8 s",
            basis="from a bare Firecracker boot to SHARMA's bound for a container-launched lightweight VM; wide "
            "because the two ends measure different things and vmsim sits between them by design",
            model_choice=True,
            note=(
                f"vmsim starts every microVM through the container runtime, as firecracker-containerd and Kata do: "
                f"the runtime's create step ({create * 1000:.0f} ms: rootfs snapshot, network, cgroups) runs before "
                "the VMM, and after the guest's init the runtime's agent starts the container inside it (runc in the "
                "guest), so a microVM is ready later than FC-DATA's bare VMM fork → init. For comparison, Kata "
                "Containers start in ≈600 ms [VANRIJN]."
            ),
        ),
    ]


def boot_storms(cat: Catalog) -> list[Check]:
    """Start times when many start at once (microVMs) or after many are running (containers)."""
    checks = []

    def fork_to_init(n: int) -> float:
        sim = reference_sim(cat, ("microvm",), "server", container={"cached_images": ("hello",)}, cpu_cores=48)
        if n == 1:
            insts = sequential(sim, "microvm", "hello", 21, 1.0)
        else:
            sim.add_workload("hello", n)
            sim.run_until(30)
            insts = list(instances(sim, "microvm"))
        return median(phase_sum(i, ["vmm", "kernel"]) for i in insts)

    serial, par50, par100 = fork_to_init(1), fork_to_init(50), fork_to_init(100)
    conditions = (
        "Firecracker end-to-end (fork VMM → guest init), 1 vCPU / 256 MiB guests, m5d.metal (48 cores, HT off), "
        "`xargs -P N` keeping N starts in flight, 1000 in all, vs 161 ms serial. vmsim: N microVMs started at the same "
        "instant on the server preset with 48 cores, image cached; median 'vmm' + 'kernel' vs the serial median "
        f"({serial * 1000:.0f} ms)"
    )
    growth50 = 100 * (par50 / serial - 1)
    checks.append(
        make_check(
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
        make_check(
            "Boot storm: 100 microVMs at once, fork → init",
            published="217 ms median (+35 % over serial)",
            sources=("FC-DATA",),
            conditions=conditions.replace("N", "100"),
            value=par100 / serial,
            unit="×",
            low=1.35 * 0.8,
            high=1.35 * 1.2,
            shown=f"{par100 * 1000:.0f} ms (+{100 * (par100 / serial - 1):.0f} %)",
            tolerance="1.35× serial ±20 % (1.08–1.62×)",
            basis="about the spread from median to p99 of the 50-parallel run (206 → 246 ms); compared as growth "
            "over serial, because vmsim's guest has the network device the storm runs did not",
            note="vmsim runs a microVM's 'kernel' phase on half a core (cpu = 0.5 in guests.microvm-linux), "
            "calibrated on this very run: FC-DATA's pre-configured boot alone (FC-pre) grows only 9 % (110 → 120 ms) "
            "at 100 in flight on 48 cores, so a Firecracker start averages about half a core. A full core made every "
            "boot twice as long (436 ms against 210 ms serial).",
        )
    )

    # LIGHTVM: 1000 Docker containers started one after another on a 4-core host; start time stays flat.
    sim = reference_sim(cat, ("container",), "server", container={"cached_images": ("hello",)}, cpu_cores=4)
    insts = sequential(sim, "container", "hello", 1000, 0.5)
    times = [i.boot_s for i in insts]
    first, last = median(times[:10]), median(times[-10:])
    running = sim.snapshot(include_events=False).world("container").count("running")
    checks.append(
        make_check(
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
