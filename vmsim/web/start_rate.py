"""How often one client may start a dashboard on ``vmsim serve``: a token bucket per address.

Every tab that opens starts an app process, about a quarter of a second of CPU before its first frame.
``--max-sessions`` bounds how many run at once, not how often they start: six loops opening and dropping tabs
from one machine started 107 apps in 40 s and kept a core busy, while the class's tabs waited. So each address
may start ``--starts-per-minute`` apps in a burst, and then one every 60/N seconds as the bucket refills.

An IPv6 client is counted by its /64 network (one machine can take any address in it); an IPv4-mapped IPv6
address as the IPv4 address it is.
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections.abc import Callable

DEFAULT_STARTS_PER_MINUTE = 20
MAX_STARTS_PER_MINUTE = 600
MAX_ADDRESSES = 4096  # buckets kept; past that, the longest-idle ones are forgotten (a full bucket anyway)


def client_key(address: str | None) -> str:
    """The address a client is counted by: IPv4 as is, IPv6 by its /64 network, anything else by itself."""
    if not address:
        return "?"
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return address[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


class StartRate:
    """``per_minute`` app starts per client, in a burst of as many; 0 means no limit."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key → (tokens, when counted), least recent first

    def take(self, address: str | None) -> float:
        """0 when the client at ``address`` may start an app now (and it is counted), else how many seconds
        until it may."""
        if self.per_minute <= 0:
            return 0.0
        key = client_key(address)
        now = self.clock()
        rate = self.per_minute / 60.0
        tokens, then = self._buckets.pop(key, (float(self.per_minute), now))
        tokens = min(float(self.per_minute), tokens + (now - then) * rate)
        wait = 0.0
        if tokens >= 1.0:
            tokens -= 1.0
        else:
            wait = (1.0 - tokens) / rate
        self._buckets[key] = (tokens, now)  # to the end: the most recent
        while len(self._buckets) > MAX_ADDRESSES:
            del self._buckets[next(iter(self._buckets))]
        return wait


def rate_message(wait_s: float, per_minute: int) -> str:
    """What a tab refused for starting too often shows instead of a dashboard."""
    return (
        f"vmsim: dashboards are started from your address faster than this server allows ({per_minute} a minute); "
        f"reload this tab in {max(1, math.ceil(wait_s))} s. The teacher can allow more with --starts-per-minute."
    )
