"""SVG snapshots of the hosts view, paused and seeded so they are exact. Review changes before updating."""

from __future__ import annotations

from vmsim.scenarios import load_scenario
from vmsim.tui.app import VmsimApp


def paused_app(lang: str = "en") -> VmsimApp:
    return VmsimApp(load_scenario("hosts"), paused=True, animate=False, export_dir="/nonexistent", lang=lang)


def at(seconds: float, *keys: str):
    async def run_before(pilot) -> None:
        while not pilot.app.dashboard_ready:
            await pilot.pause()
        pilot.app.advance(seconds)
        await pilot.pause()
        if keys:
            await pilot.press(*keys)
        pilot.app.refresh_view([], True)
        await pilot.pause()

    return run_before


def test_hosts_80x24(snap_compare):
    """hosts at t = 70 s on 80×24 with the lower pane large ('c'), which opened on the Hosts tab: two columns
    (Virtual machines, Containers), each '12 hosts: 11 up · 1 down', '3–4 per host (avg 3.3)', then '1 exposed'
    (VMs) and '3 exposed' (containers) on yellow; twelve tiles two across, host-4 in red with '✗ DOWN', host-5
    with a yellow '!' (VMs) and '!!!' (containers), host-12 in reverse (the selected redis-12's host). Under
    them 'redis-12 on host-12' and its stack: VMs 2.0 GiB, guest services, guest kernels, hypervisor, EC2
    guest OS 22 MiB, EC2 guest kernel 378 MiB, EC2 hypervisor and provider's hardware 'outside'; containers
    5.5 MiB, shims, host runtime 110 MiB, then the same EC2 layers."""
    assert snap_compare(paused_app(), terminal_size=(80, 24), run_before=at(70.0, "c"))


def test_hosts_160x48(snap_compare):
    """hosts at t = 70 s on 160×48: the worlds above, the Hosts tab below them taking half the height; in
    each world's part the counts, twelve tiles two across (host-4 red '✗ DOWN'; VM bars half full, container
    bars nearly empty) and, beside them, redis-12's stack on host-12 down to the provider's hardware. The
    key line shows 'H +Host' and 'x Fail host'."""
    assert snap_compare(paused_app(), terminal_size=(160, 48), run_before=at(70.0))


def test_hosts_80x24_korean(snap_compare):
    """The 80×24 picture in Korean: '호스트 12대: 11대 동작 · 1대 중단', '호스트당 3–4개 (평균 3.3)', '노출 1' and
    '노출 3', host-4 '✗ 다운', the stack titled 'host-12의 redis-12' with 게스트 서비스, 게스트 커널, 하이퍼바이저,
    EC2 게스트 OS, EC2 게스트 커널, EC2 하이퍼바이저 and 클라우드 제공자의 하드웨어 ('외부')."""
    assert snap_compare(paused_app("ko"), terminal_size=(80, 24), run_before=at(70.0, "c"))
