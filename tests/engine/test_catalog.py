"""The catalog: every figure has a known source, modelling choices say what they rest on, the curves interpolate."""

from __future__ import annotations

import re

import pytest

from vmsim.engine.catalog import MODEL

CITATION = re.compile(r"\[([A-Z][A-Z0-9-]+)\]")


def test_every_figure_names_a_source_in_the_sources_table(cat):
    figures = cat.figures()
    assert len(figures) > 100
    missing = [(name, f.source) for name, f in figures if f.source not in cat.sources]
    assert missing == []
    assert all(kr.source in cat.sources for kr in cat.kernel_reserves.values())


def test_every_source_has_a_description(cat):
    assert MODEL in cat.sources
    assert all(text.strip() for text in cat.sources.values())


def test_every_modelling_choice_says_what_it_rests_on(cat):
    bare = [name for name, f in cat.figures() if f.is_model and not f.note.strip()]
    assert bare == []


def test_figures_list_covers_boot_phases_and_modelling_constants(cat):
    names = {name for name, _ in cat.figures()}
    for guest in cat.guests.values():
        for phase in guest.boot_phases:
            assert f"guests.{guest.name}.phases.{phase.name}" in names
    for key in ("jitter", "app_start_cpu", "container_phase_cpu", "ksm_merge_fraction"):
        assert f"modelling.{key}" in names
    assert "hypervisors.qemu-kvm.overhead_mib" in names
    assert "apps.nginx.private_mib" in names


def test_bracketed_citations_in_notes_and_sources_point_at_known_sources(cat):
    # A note or source text citing [KEY] must let a teacher look KEY up in the sources table.
    texts = [(f"figure {name}", f.note) for name, f in cat.figures()]
    texts += [(f"source {key}", text) for key, text in cat.sources.items()]
    texts += [(f"kernel_reserve.{n}", kr.note) for n, kr in cat.kernel_reserves.items()]
    dangling = sorted(
        {(where, ref) for where, text in texts for ref in CITATION.findall(text) if ref not in cat.sources}
    )
    assert dangling == []


@pytest.fixture(params=["minimal", "distro"])
def kr(cat, request):
    return cat.kernel_reserves[request.param]


def test_kernel_reserve_hits_every_point_exactly(kr):
    assert len(kr.points) >= 2
    for x, y in kr.points:
        assert kr.at(x) == y


def test_the_minimal_curve_is_fc_data_without_firecrackers_own_2_5_mib(cat):
    kr = cat.kernel_reserves["minimal"]
    assert kr.source == "FC-DATA" and kr.kind == "derived" and "2.5 MiB" in kr.formula
    # mem-fc.dat's (VMSZ − VM_TOTAL)/1024, calibration corrections §2
    assert dict(kr.points)[128] == 15.9 and dict(kr.points)[2048] == 45.9 and dict(kr.points)[8192] == 206.3


def test_the_distro_curve_follows_its_formula(cat):
    kr = cat.kernel_reserves["distro"]
    assert kr.kind == "derived" and "RAM/64" in kr.formula and kr.source in cat.sources
    # K = 50 MiB + RAM/64, + 64 MiB of bounce buffer once RAM passes 3 GiB (corrections §2 table)
    for mib, expected in ((512, 58), (1024, 66), (2048, 82), (4096, 178), (8192, 242), (16384, 370)):
        assert kr.at(mib) == pytest.approx(expected)


def test_each_guest_names_its_kernels_curve(cat):
    assert cat.guests["ubuntu-24.04"].kernel_reserve == "distro"
    assert cat.guests["microvm-linux"].kernel_reserve == "minimal"
    ubuntu, micro = cat.guests["ubuntu-24.04"], cat.guests["microvm-linux"]
    assert cat.reserve_curve(ubuntu).at(2048) - cat.reserve_curve(micro).at(2048) == pytest.approx(36.1)


def test_kernel_reserve_interpolates_linearly_between_points_and_extends_the_end_slopes(kr):
    pts = kr.points
    for (x0, y0), (x1, y1) in zip(pts, pts[1:], strict=False):
        mid = (x0 + x1) / 2
        assert kr.at(mid) == pytest.approx((y0 + y1) / 2)
    (xa, ya), (xb, yb) = pts[-2], pts[-1]
    beyond = xb + 2048
    assert kr.at(beyond) == pytest.approx(yb + (yb - ya) * 2048 / (xb - xa))
    (x0, y0), (x1, y1) = pts[0], pts[1]
    below = x0 / 2
    assert kr.at(below) == pytest.approx(min(below, y0 - (y1 - y0) * (x0 - below) / (x1 - x0)))


def test_kernel_reserve_never_exceeds_the_memory_itself(cat):
    for kr in cat.kernel_reserves.values():
        for mib in (1, 8, 16, 32):
            assert 0 <= kr.at(mib) <= mib


def test_host_presets_match_the_issue(cat):
    expect = {
        "laptop": (8, 16 * 1024, 512 * 1024),
        "small-cloud": (2, 4 * 1024, 30 * 1024),
        "server": (32, 128 * 1024, 2 * 1024 * 1024),
    }
    for name, (cores, mem, disk) in expect.items():
        h = cat.hosts[name]
        assert (h.cpu_cores.value, h.memory_mib.value, h.disk_mib.value) == (cores, mem, disk)
    local = cat.hosts["local"]
    assert local.cpu_cores is None and local.memory_mib is None and local.disk_mib is None


def test_required_guests_apps_and_stacks_exist(cat):
    assert {"ubuntu-22.04", "ubuntu-24.04", "debian-12", "alpine-3.22", "microvm-linux"} <= set(cat.guests)
    assert {"hello", "nginx", "node-web", "python-api", "postgres", "redis", "java-spring"} <= set(cat.apps)
    assert {"qemu-kvm", "firecracker"} <= set(cat.hypervisors)
    assert "containerd" in cat.runtimes


def test_microvm_guest_has_no_firmware_bootloader_or_initrd(cat):
    names = [p.name for p in cat.guests["microvm-linux"].boot_phases]
    assert not {"firmware", "bootloader", "initrd"} & set(names)
    assert cat.hypervisors["firecracker"].overhead_mib.value < 10


def test_apps_built_on_debian_share_the_same_base_layer(cat):
    apps = ("nginx", "node-web", "python-api", "postgres", "redis")
    bases = {name: cat.apps[name].image.layers[0].id for name in apps}
    assert set(bases.values()) == {"debian-trixie-slim"}
    assert cat.images["nginx"].layers[0] is cat.layers["debian-trixie-slim"]


def test_app_derived_sizes(cat):
    for app in cat.apps.values():
        worker = app.worker_private_mib.value if app.worker_private_mib else 0.0
        assert app.rss_mib == pytest.approx(app.private_mib.value + worker + app.file_mib.value)
        assert app.rss_at(8) == pytest.approx(app.private_mib.value + 8 * worker + app.file_mib.value)
        assert app.installed_mib == pytest.approx(sum(layer.size_mib for layer in app.image.layers[1:]))
        assert app.image.size_mib == pytest.approx(sum(layer.size_mib for layer in app.image.layers))
        assert app.packages


def test_guest_figures_are_consistent(cat):
    for g in cat.guests.values():
        assert g.boot_phases
        assert g.min_boot_memory_mib.value <= g.recommended_memory_mib.value
        assert all(p.duration.value >= 0 and p.cpu > 0 for p in g.boot_phases)


def test_the_parsed_copy_is_catalog_toml_exactly():
    """vmsim starts from data/catalog_parsed.py while it matches catalog.toml; after editing the TOML, run
    `python -m vmsim.engine.data` to write it again."""
    import tomllib

    from vmsim.engine.catalog import CATALOG_TOML, checksum
    from vmsim.engine.data import catalog_parsed

    text = CATALOG_TOML.read_text(encoding="utf-8")
    assert catalog_parsed.CHECKSUM == checksum(text), "stale: run `python -m vmsim.engine.data`"
    assert catalog_parsed.DATA == tomllib.loads(text), "stale: run `python -m vmsim.engine.data`"


def test_an_edited_catalog_is_parsed_as_it_is_not_taken_from_the_copy():
    from vmsim.engine.catalog import CATALOG_TOML, catalog_data
    from vmsim.engine.data import catalog_parsed

    text = CATALOG_TOML.read_text(encoding="utf-8")
    assert catalog_data(text) is catalog_parsed.DATA
    edited = text.replace("\n[sources]\n", "\n[sources]\nEDITED = 'a source added by hand'\n", 1)
    assert edited != text
    data = catalog_data(edited)
    assert data is not catalog_parsed.DATA and data["sources"]["EDITED"] == "a source added by hand"


def test_every_figure_has_a_kind_a_range_containing_its_value_and_a_formula_when_derived(cat):
    from vmsim.engine.catalog import CHOICE, DERIVED, KINDS

    figures = cat.figures()
    assert {f.kind for _, f in figures} == set(KINDS)
    for name, f in figures:
        assert f.kind in KINDS, name
        assert f.low is not None and f.high is not None, f"{name}: no range"
        assert f.low <= f.value <= f.high, f"{name}: {f.value:g} outside [{f.low:g}, {f.high:g}]"
        if f.kind == DERIVED:
            assert f.formula.strip(), f"{name}: a derived figure shows its formula"
        else:
            assert not f.formula, f"{name}: only a derived figure has a formula"
        assert (f.kind == CHOICE) == (f.source == MODEL), name


def test_defaults_the_calibration_notes_suggested_are_modelling_choices_not_measurements(cat):
    # These phases were shown under CALIB-1B although no source measured them as one breakdown.
    names = [f"guests.{g}.phases.{p}" for g in ("ubuntu-24.04", "ubuntu-22.04") for p in ("firmware", "bootloader")]
    names += [f"guests.debian-12.phases.{p}" for p in ("firmware", "bootloader", "kernel", "cloud-init")]
    names += ["guests.alpine-3.22.phases.firmware"]
    figs = dict(cat.figures())
    assert len(names) == 9
    assert [n for n in names if figs[n].kind != "choice"] == []
    assert not any(f.source == "CALIB-1B" for f in figs.values())


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ('kind = "choice", ', ""),
        ('kind = "choice"', 'kind = "guessed"'),
        ("range = [17, 50]", "range = [31, 50]"),
    ],
)
def test_a_figure_without_kind_or_with_its_value_outside_its_range_is_refused(edit, message):
    import tomllib

    from vmsim.engine.catalog import CATALOG_TOML, parse_catalog

    text = CATALOG_TOML.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("overhead_mib = { v = 30,"))
    broken = line.replace(edit, message, 1)
    assert broken != line
    with pytest.raises(ValueError, match="qemu-kvm.overhead_mib"):
        parse_catalog(tomllib.loads(text.replace(line, broken)))


def test_a_derived_figure_without_formula_is_refused():
    import tomllib

    from vmsim.engine.catalog import CATALOG_TOML, parse_catalog

    text = CATALOG_TOML.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("create_s = "))
    start = line.index("formula = ")
    end = line.index('", note', start) + 3
    with pytest.raises(ValueError, match="give its formula"):
        parse_catalog(tomllib.loads(text.replace(line, line[:start] + line[end:])))


def test_corrected_figures_mean_what_their_sources_mean(cat):
    # Resident, not virtual; unshared, not RSS; a VM's userspace, not an LXD container's; KSM off by default.
    # QEMU's is KubeVirt's allowance (a choice); Firecracker's the resident 2.2 MiB, not 2.5 MiB of mappings.
    assert cat.hypervisors["qemu-kvm"].overhead_mib.range == (17, 50)
    assert cat.hypervisors["qemu-kvm"].overhead_mib.value == 30
    assert cat.hypervisors["qemu-kvm"].overhead_mib.kind == "choice"
    assert cat.hypervisors["firecracker"].overhead_mib.value == pytest.approx(2.2)
    # A distro kernel's slab, stacks and page tables, not a 2017 Xen guest's 8 MB; an image's size in MiB, not MB.
    for g in ("ubuntu-24.04", "ubuntu-22.04"):
        assert cat.guests[g].kernel_runtime_mib.value == 50
    assert cat.guests["ubuntu-24.04"].image_download_mib.value == pytest.approx(0.6e9 / 2**20, abs=0.5)
    # A served app's microVM has a network device: 211 ms from the VMM's fork to init, not 161.
    kernel = next(p for p in cat.guests["microvm-linux"].boot_phases if p.name == "kernel")
    assert kernel.duration.value + cat.hypervisors["firecracker"].vmm_init_s.value == pytest.approx(0.211)
    assert cat.runtimes["containerd"].shim_memory_mib.value == 4
    for g in ("ubuntu-24.04", "ubuntu-22.04"):
        assert cat.guests[g].services_mib.value == 120
        assert cat.guests[g].recommended_memory_mib.value == 1024
    assert cat.ksm_merge_fraction.value == pytest.approx(0.10)
    from vmsim.engine import VmSettings

    assert VmSettings().ksm is False


def test_nginx_counts_one_worker_per_core(cat):
    nginx = cat.apps["nginx"]
    assert nginx.worker_private_mib is not None and nginx.worker_private_mib.kind == "derived"
    # GUNICORN-1250: 5 processes (master + 4 workers) ≈ 3.8 MiB, 2.0 of them mapped from files
    assert nginx.rss_at(4) == pytest.approx(3.8)
    assert nginx.private_at(8) - nginx.private_at(2) == pytest.approx(6 * nginx.worker_private_mib.value)
    assert cat.apps["redis"].private_at(8) == cat.apps["redis"].private_mib.value


def test_ubuntu_first_boot_and_reboot_phases_come_from_cloud_init_measurements(cat):
    figs = dict(cat.figures())
    ubuntu = cat.guests["ubuntu-24.04"]
    first = sum(p.seconds(True) for p in ubuntu.boot_phases)
    again = sum(p.seconds(False) for p in ubuntu.boot_phases)
    to_ssh = sum(p.seconds(True) for p in ubuntu.boot_phases if p.name != "cloud-init")
    # corrections §5: SSH ≈20 s (15–35), cloud-init done ≈5 s later; a reboot ≈10 s (8–15)
    assert 15 <= to_ssh <= 25 and first - to_ssh == pytest.approx(5)
    assert 8 <= again <= 15
    assert figs["guests.ubuntu-24.04.phases.snapd seeding"].source == "CI-4687"
    assert figs["guests.ubuntu-24.04.phases.snapd seeding.reboot"].value == 0
    assert figs["guests.ubuntu-24.04.phases.cloud-init.reboot"].value == 1
