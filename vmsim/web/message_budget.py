"""How much one browser tab may send over its websocket: messages and bytes a second, each a token bucket.

What a tab sends while it is over its budget is dropped unread (not parsed). Typing, a key held down, resizes and
pings stay far below it; a paste of the longest message allowed fits the bytes' burst twice over.
"""

from __future__ import annotations

import time
from collections.abc import Callable

MESSAGES_PER_S = 200.0  # a key held down sends ~30 a second
BYTES_PER_S = 256 * 1024.0
BURST_S = 2.0  # a bucket holds this many seconds' worth
FLOOD = 2000  # messages dropped: past this many, the socket is a flood and is closed (each still costs a read)


class MessageBudget:
    """Token buckets of messages and of bytes, refilled with time."""

    def __init__(
        self,
        messages_per_s: float = MESSAGES_PER_S,
        bytes_per_s: float = BYTES_PER_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rates = (messages_per_s, bytes_per_s)
        self.tokens = [messages_per_s * BURST_S, bytes_per_s * BURST_S]
        self.clock = clock
        self.last = clock()
        self.dropped = 0  # messages refused so far

    @property
    def flooded(self) -> bool:
        """Whether so many messages were dropped that the socket should be closed."""
        return self.dropped > FLOOD

    def allow(self, size: int) -> bool:
        """Whether a message of ``size`` bytes may be read now (it is then counted)."""
        now = self.clock()
        elapsed, self.last = max(0.0, now - self.last), now
        for i, rate in enumerate(self.rates):
            self.tokens[i] = min(rate * BURST_S, self.tokens[i] + rate * elapsed)
        if self.tokens[0] < 1 or self.tokens[1] < size:
            self.dropped += 1
            return False
        self.tokens[0] -= 1
        self.tokens[1] -= size
        return True
