"""Shared capacity: cores, a network link or a disk, divided fairly among the jobs using it.

Processor sharing in virtual time: every active job progresses at the same rate
``min(1, capacity / demand)`` (demand = the sum of the jobs' weights), so one number, the virtual
time ``v`` (nominal seconds of progress every job has had since t = 0), says where all of them are.
A job finishes when ``v`` reaches its start plus its nominal duration. Only the earliest finisher is
on the clock, so a change costs O(log n), not O(n): a boot storm of 10,000 is as cheap per event as 1.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from typing import Any

from vmsim.engine.clock import Clock, Timer

_EPS = 1e-9
NO_ARG: Any = ()  # a job whose on_done takes no argument (any other ``arg`` is passed to it)


class Job:
    """One piece of work on a :class:`SharedCapacity`."""

    __slots__ = ("start_v", "finish_v", "weight", "on_done", "arg", "cancelled", "done")

    def __init__(
        self, start_v: float, nominal_s: float, weight: float, on_done: Callable[..., None], arg: Any = NO_ARG
    ) -> None:
        self.start_v = start_v
        self.finish_v = start_v + nominal_s
        self.weight = weight
        self.on_done = on_done  # called with ``arg`` when done (a bound method and its argument: no partial a step)
        self.arg = arg
        self.cancelled = False
        self.done = False


class SharedCapacity:
    """A resource of ``capacity`` units shared fairly. Invariant: demand equals the live jobs' weights."""

    def __init__(self, clock: Clock, capacity: float, key: str = "") -> None:
        self._clock = clock
        self.key = key  # names it in a snapshot's clock readings (a host's name and what it is: "host-1/cpu")
        self.capacity = float(capacity)
        self.demand = 0.0
        self.active = 0
        self._v = 0.0
        self._t = 0.0
        self._heap: list[tuple[float, int, Job]] = []
        self._seq = 0
        self._timer: Timer | None = None

    def rate(self) -> float:
        """How fast each job progresses now: 1.0 uncontended, below 1 when demand exceeds capacity."""
        if self.demand <= self.capacity or self.demand <= 0:
            return 1.0
        return self.capacity / self.demand

    def used(self) -> float:
        """Units in use right now (at most the capacity)."""
        return min(self.demand, self.capacity)

    def virtual_now(self) -> float:
        """Virtual time at the clock's current moment, without changing state."""
        return self._v + self.rate() * (self._clock.now - self._t)

    def _sync(self) -> float:
        # virtual_now() and rate() inlined (the hottest lines of a run); returns the rate.
        now = self._clock.now
        demand, capacity = self.demand, self.capacity
        rate = 1.0 if demand <= capacity or demand <= 0 else capacity / demand
        self._v = self._v + rate * (now - self._t)
        self._t = now
        return rate

    def submit(self, nominal_s: float, weight: float, on_done: Callable[..., None], arg: Any = NO_ARG) -> Job:
        """Start a job that needs ``nominal_s`` seconds when uncontended, using ``weight`` units; ``on_done(arg)``
        (or ``on_done()`` without ``arg``) runs when it finishes."""
        # self._sync(), inlined
        now = self._clock.now
        demand, capacity = self.demand, self.capacity
        rate_before = 1.0 if demand <= capacity or demand <= 0 else capacity / demand
        v = self._v = self._v + rate_before * (now - self._t)
        self._t = now
        job = Job(v, nominal_s if nominal_s > 0.0 else 0.0, weight, on_done, arg)
        self._seq += 1
        heap = self._heap
        head = heap[0][0] if heap and self._timer is not None else None
        heapq.heappush(heap, (job.finish_v, self._seq, job))
        demand = self.demand = demand + weight
        self.active += 1
        rate = 1.0 if demand <= capacity or demand <= 0 else capacity / demand
        # Uncontended and not the first to finish: the timer already set for the head is still right.
        if head is None or job.finish_v < head or rate != rate_before:
            self._reschedule()
        return job

    def cancel(self, job: Job) -> None:
        """Withdraw a job that has not finished; its share goes to the others."""
        if job.done or job.cancelled:
            return
        self._sync()
        job.cancelled = True
        self._release(job)
        self._reschedule()

    def progress(self, job: Job) -> float:
        """Fraction of the job done, 0..1."""
        span = job.finish_v - job.start_v
        if job.done or span <= 0:
            return 1.0
        return min(1.0, max(0.0, (self.virtual_now() - job.start_v) / span))

    def _release(self, job: Job) -> None:
        self.demand -= job.weight
        self.active -= 1
        if self.active == 0:
            self.demand = 0.0  # drop accumulated float error while idle

    def _reschedule(self, spare: Timer | None = None) -> None:
        # ``spare``: the timer that has just run (from _fire), put back on the clock rather than a new one made
        timer = self._timer
        if timer is not None:
            timer.cancelled = True
            self._timer = None
        heap = self._heap
        while heap and heap[0][2].cancelled:
            heapq.heappop(heap)
        if heap:
            demand, capacity = self.demand, self.capacity
            rate = 1.0 if demand <= capacity or demand <= 0 else capacity / demand
            clock = self._clock
            ahead = heap[0][0] - self._v
            at = clock.now + (ahead if ahead > 0.0 else 0.0) / rate
            if spare is not None:
                clock.schedule_again(spare, at)
                self._timer = spare
            else:
                self._timer = clock.schedule(at, self._fire)

    def _fire(self) -> None:
        fired, self._timer = self._timer, None
        # _sync(), inlined
        now = self._clock.now
        demand, capacity = self.demand, self.capacity
        rate = 1.0 if demand <= capacity or demand <= 0 else capacity / demand
        v = self._v = self._v + rate * (now - self._t)
        self._t = now
        heap = self._heap
        size = v if v >= 0.0 else -v
        limit = v + _EPS * (size if size > 1.0 else 1.0)  # v + _EPS * max(1.0, abs(v))
        pop = heapq.heappop
        first: Job | None = None
        more: list[Job] | None = None
        while heap and heap[0][0] <= limit:
            job = pop(heap)[2]
            if job.cancelled:
                continue
            job.done = True
            self._release(job)  # (a subclass counts the demand elsewhere too: see node.py)
            if first is None:
                first = job
            elif more is None:
                more = [job]
            else:
                more.append(job)
        self._reschedule(fired)
        if first is not None:
            first.on_done() if first.arg is NO_ARG else first.on_done(first.arg)
            if more is not None:
                for job in more:
                    job.on_done() if job.arg is NO_ARG else job.on_done(job.arg)
