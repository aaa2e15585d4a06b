"""The addresses ``vmsim serve`` prints for a class to type: what a classmate's browser can reach.

Bound to one address, that address. Bound to every interface (0.0.0.0), every IPv4 address of this machine's
interfaces that are up, except loopback and link-local ones; for ``::`` the IPv6 ones (asyncio's ``::`` socket
takes IPv6 only). The address of the interface the default route leaves by comes first, and virtual bridges
(Docker's, libvirt's, LXD's, VirtualBox's …) last: a teacher of this very class has them, and a student's
laptop cannot reach them.
"""

from __future__ import annotations

import ipaddress
import socket

# Interfaces a classmate never reaches this machine by: container and VM bridges, tunnels.
VIRTUAL = ("docker", "br-", "virbr", "veth", "lxdbr", "lxcbr", "vboxnet", "vmnet", "cni", "flannel", "tun", "tap")
SHOWN = 4  # at most this many addresses printed


def primary_address(family: int = socket.AF_INET) -> str | None:
    """The address outgoing traffic leaves by (the default route's interface), found without sending anything."""
    probe = "192.0.2.1" if family == socket.AF_INET else "2001:db8::1"  # documentation ranges: never reached
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as s:
            s.connect((probe, 9))
            return str(s.getsockname()[0]).split("%")[0]
    except OSError:
        return None


def _interfaces() -> tuple[dict[str, list[tuple[int, str]]], set[str]]:
    """name → [(family, address)] of this machine's interfaces, and the names of those that are down."""
    try:
        import psutil

        found = {n: [(a.family, a.address) for a in addrs] for n, addrs in psutil.net_if_addrs().items()}
        down = {n for n, stats in psutil.net_if_stats().items() if not stats.isup}
    except (ImportError, OSError):
        return {}, set()
    return found, down


def class_urls(
    bind: str,
    port: int,
    interfaces: dict[str, list[tuple[int, str]]] | None = None,
    down: set[str] | None = None,
    primary: str | None = None,
) -> list[str]:
    """What students type to reach a server bound to ``bind`` (at most :data:`SHOWN`, the likeliest first).
    ``interfaces``, ``down`` and ``primary`` default to this machine's (given in tests)."""
    host = bind.strip("[]")
    if host not in ("", "0.0.0.0", "::"):
        return [f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"]
    family = socket.AF_INET6 if host == "::" else socket.AF_INET
    if interfaces is None:
        interfaces, down = _interfaces()
        primary = primary_address(family)
    ranked: list[tuple[tuple[bool, bool, str], str]] = []
    for name, addresses in interfaces.items():
        if name in (down or set()):
            continue
        for kind, address in addresses:
            try:
                ip = ipaddress.ip_address(address.split("%")[0])
            except ValueError:
                continue
            if kind != family or ip.is_loopback or ip.is_link_local or ip.is_unspecified:
                continue
            virtual = name.lower().startswith(VIRTUAL)
            url = f"http://[{ip}]:{port}/" if ip.version == 6 else f"http://{ip}:{port}/"
            ranked.append(((str(ip) != primary, virtual, name), url))
    urls: list[str] = []
    for _rank, url in sorted(ranked):
        if url not in urls:
            urls.append(url)
    return urls[:SHOWN]
