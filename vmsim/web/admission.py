"""What ``vmsim serve`` lets in: host names (against DNS rebinding), origins, terminal sizes and websocket
messages. Plain functions of their input, so every rule is tested without a server.
"""

from __future__ import annotations

import ipaddress
import json
import math
import socket
from dataclasses import dataclass

# A browser chooses the terminal size: a tab asking for 20000×20000 cells made its app allocate ~1.7 GB.
# 400×150 is more than a 4K screen shows at a readable font; under 20×6 nothing of the dashboard fits.
MIN_COLUMNS, MAX_COLUMNS = 20, 400
MIN_ROWS, MAX_ROWS = 6, 150
MAX_STDIN_CHARS = 16_384  # one websocket message of keys (a paste); xterm.js sends a few bytes per key
MAX_PING_CHARS = 64
# The longest websocket message a tab may send (aiohttp closes a socket that sends more, code 1009): a paste of
# MAX_STDIN_CHARS characters written as JSON escapes of 6 bytes each, and the envelope. Messages arrive
# uncompressed (a 4 MB message of one repeated number compressed to 4 KB, and parsing it cost the server
# 0.2 s of CPU: a few sockets sending those stalled every tab).
MAX_MESSAGE_BYTES = 128 * 1024


def clamp_size(width: object, height: object) -> tuple[int, int]:
    """A terminal size within the bounds above, whatever the browser sent (text, floats, huge, negative)."""

    def whole(value: object, default: int) -> int:
        if isinstance(value, bool):
            return default
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value == value and abs(value) < 1e9:
            return int(value)
        if isinstance(value, str) and value.strip().lstrip("+-").isdigit() and len(value) < 12:
            return int(value)
        return default

    columns = min(max(whole(width, 80), MIN_COLUMNS), MAX_COLUMNS)
    rows = min(max(whole(height, 24), MIN_ROWS), MAX_ROWS)
    return columns, rows


# ---------------------------------------------------------------------------------------------- host names
class BadHostHeader(ValueError):
    """A Host header that is not ``name[:port]`` (answered with 400)."""


def parse_host_header(header: str | None) -> tuple[str, int | None]:
    """``'Example.org.:8000'`` → ``('example.org', 8000)``; ``'[::1]'`` → ``('::1', None)``. Raises BadHostHeader."""
    if not header or len(header) > 300 or any(ch.isspace() or ord(ch) < 32 for ch in header):
        raise BadHostHeader("missing or malformed Host header")
    if header.startswith("["):
        end = header.find("]")
        if end < 0:
            raise BadHostHeader("unclosed [ in the Host header")
        name, rest = header[1:end], header[end + 1 :]
        if rest and not rest.startswith(":"):
            raise BadHostHeader("junk after ] in the Host header")
        port_text = rest[1:] if rest else None
    else:
        name, sep, port_text_raw = header.rpartition(":")
        if not sep:
            name, port_text = header, None
        else:
            port_text = port_text_raw
        if ":" in name:
            raise BadHostHeader("an IPv6 address in the Host header needs brackets")
    port = None
    if port_text is not None:
        if not port_text.isdigit() or not port_text.isascii() or not 1 <= int(port_text) <= 65535:
            raise BadHostHeader(f"the Host header's port {port_text[:10]!r} is not a port number")
        port = int(port_text)
    name = name.lower().rstrip(".")
    if not name:
        raise BadHostHeader("empty host name")
    return name, port


def is_local_name(host: str) -> bool:
    """True for names that only ever mean this machine: localhost, *.localhost and loopback addresses."""
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def machine_names() -> set[str]:
    """This machine's host names and the addresses of its network interfaces."""
    names: set[str] = set()
    for get in (socket.gethostname, socket.getfqdn):
        try:
            names.add(get().lower().rstrip("."))
        except OSError:
            continue
    try:
        import psutil

        for addresses in psutil.net_if_addrs().values():
            for address in addresses:
                if address.family in (socket.AF_INET, socket.AF_INET6):
                    names.add(address.address.split("%")[0].lower())
    except (ImportError, OSError):
        pass
    for name in list(names):
        try:
            for info in socket.getaddrinfo(name, None, proto=socket.IPPROTO_TCP):
                names.add(str(info[4][0]).split("%")[0].lower())
        except (OSError, UnicodeError):
            continue
    names.discard("")
    return names


@dataclass(frozen=True)
class HostPolicy:
    """The host names a server answers to: local names always, and for a bind beyond loopback also the
    bound address, this machine's names and addresses, and the names given with ``--allow-host``."""

    names: frozenset[str]

    @classmethod
    def for_bind(cls, bind: str, loopback: bool, extra: list[str] | tuple[str, ...] = ()) -> HostPolicy:
        """The policy of a server bound to ``bind``."""
        names = {n.strip("[]").lower().rstrip(".") for n in extra if n}
        if not loopback:
            names.add(bind.strip("[]").lower())
            names |= machine_names()
        names -= {"0.0.0.0", "::"}  # "every interface" is not a name a browser may use
        return cls(frozenset(names))

    def allows(self, host: str) -> bool:
        """True when a request for ``host`` (a parsed Host header's name) is answered."""
        return is_local_name(host) or host in self.names


def same_origin(origin: str, host: str, port: int | None, scheme: str) -> bool:
    """True when a websocket's Origin header names the very host and port the request was sent to."""
    from yarl import URL

    try:
        o = URL(origin)
        origin_host, origin_port = (o.host or "").lower().rstrip("."), o.port
    except (ValueError, TypeError):
        return False
    default = 443 if scheme == "https" else 80
    return origin_host == host and origin_port == (port or default)


# ---------------------------------------------------------------------------------------------- messages
def parse_message(text: str) -> tuple[str, object] | None:
    """A browser's websocket message → (type, data) for the types a tab sends, or None for anything else.

    ``stdin`` data is a string (at most MAX_STDIN_CHARS), ``resize`` data a clamped (columns, rows),
    ``ping`` data a short string or number; ``blur`` and ``focus`` carry none."""
    if len(text) > MAX_MESSAGE_BYTES:
        return None
    try:
        envelope = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(envelope, list) or not envelope or not isinstance(envelope[0], str):
        return None
    kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
    if kind == "stdin" and isinstance(data, str) and len(data) <= MAX_STDIN_CHARS and _utf8(data):
        return kind, data
    if kind == "resize" and isinstance(data, dict):
        return kind, clamp_size(data.get("width"), data.get("height"))
    if kind == "ping" and _plain(data) and len(str(data)) <= MAX_PING_CHARS:
        return kind, data
    if kind in ("blur", "focus"):
        return kind, None
    return None


def _utf8(text: str) -> bool:
    """Whether ``text`` can be written as UTF-8 (a lone surrogate such as '\\ud800', which JSON allows, cannot:
    it ended the tab with a traceback when its keys were passed on)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _plain(data: object) -> bool:
    """A ping's data that can be echoed as valid JSON: text, a whole number, or a finite number (not NaN)."""
    if isinstance(data, bool):
        return False
    if isinstance(data, str):
        return _utf8(data)
    return isinstance(data, int) or (isinstance(data, float) and math.isfinite(data))
