"""The simulated clock: a heap of (time, sequence, action); no wall clock, no threads."""

from __future__ import annotations

import heapq
from collections.abc import Callable


class Timer:
    """A scheduled action; ``cancel()`` makes the clock skip it (lazy deletion keeps the heap cheap)."""

    __slots__ = ("at", "action", "cancelled")

    def __init__(self, at: float, action: Callable[[], None]) -> None:
        self.at = at
        self.action = action
        self.cancelled = False

    def cancel(self) -> None:
        """Skip this action when its time comes."""
        self.cancelled = True


class Clock:
    """Simulated time. Invariant: ``now`` never decreases; actions run in (time, scheduling order)."""

    def __init__(self) -> None:
        self.now: float = 0.0
        self._heap: list[tuple[float, int, Timer]] = []
        self._seq = 0
        self.processed = 0  # actions run since t = 0 (cancelled ones skipped are not counted)

    def schedule(self, at: float, action: Callable[[], None]) -> Timer:
        """Run ``action`` at simulated time ``at`` (never earlier than now)."""
        now = self.now
        timer = Timer(at if at >= now else now, action)
        self._seq += 1
        heapq.heappush(self._heap, (timer.at, self._seq, timer))
        return timer

    def schedule_again(self, timer: Timer, at: float) -> None:
        """Put a timer that has run back on the clock at ``at`` (as :meth:`schedule` would a new one, in the same
        order): a resource's next finish reuses the timer of the last, one object fewer an action."""
        now = self.now
        at = at if at >= now else now
        timer.at = at
        timer.cancelled = False
        self._seq += 1
        heapq.heappush(self._heap, (at, self._seq, timer))

    def peek(self) -> float | None:
        """Time of the next live action, or None when nothing is scheduled."""
        heap = self._heap
        while heap and heap[0][2].cancelled:
            heapq.heappop(heap)
        return heap[0][0] if heap else None

    def step(self) -> bool:
        """Run the next live action; False when there is none."""
        if self.peek() is None:
            return False
        at, _, timer = heapq.heappop(self._heap)
        self.now = at
        self.processed += 1
        timer.action()
        return True

    def run_until(
        self,
        t: float,
        after_step: Callable[[float | None], float | None] | None = None,
        budget: int | None = None,
        quiet: tuple[float, int] | None = None,
    ) -> bool:
        """Run every action due at or before ``t``, then set the clock to ``t``; True when it got there.

        ``after_step(next_time)`` runs once per distinct moment (after the last action at that time),
        with the time of the next action (or None): observers see each instant settled, and a burst of
        simultaneous actions costs one call. If it returns a time, it is not called again until the next action
        is due at or after that time (or none is): an observer that only cares about coarser moments saves the call.
        With ``budget``, it stops early (returning False, the clock at
        the moment it stopped) at the first moment boundary after ``budget`` actions, where a later call
        carries on exactly as if there had been no stop. With ``quiet = (gap_s, actions)`` it also stops at a
        moment after which nothing is due for more than ``gap_s``, once it has run ``actions`` actions.
        """
        ran = 0  # actions run by this call; added to self.processed when it returns (an action reads no count)
        limited = budget is not None or quiet is not None
        wake: float | None = None  # after_step wants no call before the next action is due at this time
        heap = self._heap
        pop = heapq.heappop
        nxt = self.peek()
        try:
            while nxt is not None and nxt <= t:
                # self.step(), inlined (the loop every action goes through): peek() left a live action on top
                at, _, timer = pop(heap)
                self.now = at
                ran += 1
                timer.action()
                while heap and heap[0][2].cancelled:
                    pop(heap)
                following = heap[0][0] if heap else None
                if following is None or following > at:
                    if after_step is not None and (wake is None or following is None or following >= wake):
                        wake = after_step(following)
                    if limited:
                        stop = budget is not None and ran >= budget
                        if quiet is not None and ran >= quiet[1]:
                            stop = stop or following is None or following > self.now + quiet[0]
                        if stop and self.now < t:
                            return False
                nxt = following
        finally:
            self.processed += ran  # (added, not set: a run an action started has added its own meanwhile)
        self.now = max(self.now, t)
        return True
