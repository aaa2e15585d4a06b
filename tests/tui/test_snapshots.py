"""SVG snapshots of every screen, paused and seeded so they are exact. Review changes before updating."""

from __future__ import annotations

from vmsim.scenarios import load_scenario
from vmsim.tui.app import VmsimApp


def paused_app(scenario: str = "hello", lang: str = "en") -> VmsimApp:
    return VmsimApp(load_scenario(scenario), paused=True, animate=False, export_dir="/nonexistent", lang=lang)


async def dashboard_ready(pilot) -> None:
    """Wait as a user would: the snapshot tool starts acting as soon as the app runs, before the dashboard
    (whose first show selects the newest instance in each list) is mounted."""
    while not pilot.app.dashboard_ready:
        await pilot.pause()


def at(seconds: float, *keys: str):
    async def run_before(pilot) -> None:
        await dashboard_ready(pilot)
        pilot.app.advance(seconds)
        await pilot.pause()
        if keys:
            await pilot.press(*keys)
        await pilot.pause()

    return run_before


def test_main_80x24_mid_boot(snap_compare):
    """hello at t = 3 s on 80×24: the VM column shows nginx-1 booting in 'initrd' with a partial bar and
    'reserved' memory; the container and microVM columns show nginx-1 ready (0.36 s, 0.39 s). Each memory
    headline gives 'of 16.0 GiB', then 'committed' and 'in use' on lines of their own (VM 3.5 vs 1.6 GiB); the
    container legend lists 'host runtime 110 MiB' and 'shims 4.0 MiB' apart. All three memory bars have
    legends with MiB (no 'free' entry in columns this narrow); each column ends with its fit line (the
    microVM's too, under its one instance row); the key line shows Add, Remove, Pause/run, Help and Quit (Step
    is left out for room, Help and Quit never are)."""
    assert snap_compare(paused_app(), terminal_size=(80, 24), run_before=at(3.0))


def test_main_160x48_web_stack(snap_compare):
    """web-stack at t = 15 s on 160×48: four VMs and four containers all ready; VM memory ≈10 GiB committed
    against ≈1.7 GiB for containers, each headline reading 'committed … · in use …' (VM 9.6 vs 3.0 GiB); the
    container legend has 'runtime daemons, once per host 110 MiB' and 'shims, one per container 16 MiB'; thick
    two-row bars; VM disks 6.5 GiB vs image layers 736 MiB; the log
    below lists containers ready within 2 s and VMs after 9–11 s."""
    assert snap_compare(paused_app("web-stack"), terminal_size=(160, 48), run_before=at(15.0))


def test_add_dialog(snap_compare):
    """The add dialog over the dashboard: seven apps with RSS, image size and start time; 'How many' is 1;
    Add and Cancel buttons."""
    assert snap_compare(paused_app(), terminal_size=(120, 36), run_before=at(1.0, "a"))


def test_scenario_picker(snap_compare):
    """The open-scenario dialog: the shipped scenarios with their descriptions in a list that scrolls (nine
    rows of it, from boot-storm to microvm), a path field, and the Open and Cancel buttons whole at the bottom
    (the list gives up rows so that they fit)."""
    assert snap_compare(paused_app(), terminal_size=(120, 36), run_before=at(0.0, "o"))


def test_help_screen(snap_compare):
    """Help: every key with what it does in two columns (a description that wraps stays in its column), a
    blank line, then legends of memory and disk categories (glyph + colour + name) and of instance states."""
    assert snap_compare(paused_app(), terminal_size=(120, 40), run_before=at(0.0, "question_mark"))


def test_boot_timeline_tab(snap_compare):
    """The Boot timeline tab at t = 12 s of hello: three bars on one time axis; the VM bar is long and
    mostly kernel/initrd/systemd/cloud-init segments, each phase in its own colour and fill (initrd a yellow
    lower half-block, systemd a sky-blue shade); the container and microVM bars are slivers. Below the bars
    the time axis and a legend naming every phase shown, wrapped onto a second line rather than cut."""

    async def run_before(pilot) -> None:
        await dashboard_ready(pilot)
        pilot.app.advance(30.0)
        await pilot.pause()
        pilot.app.main.set_view("timeline")
        await pilot.pause()
        pilot.app.refresh_view([], charts=True)
        await pilot.pause()

    assert snap_compare(paused_app(), terminal_size=(120, 40), run_before=run_before)
