"""How a simulation's state is pickled for a checkpoint: the numerous slotted classes as flat tuples.

Pickle's default for a class with ``__slots__`` writes a dict of slot names per object and sets them back one by
one; an instance has 32 slots and a large state holds tens of thousands of instances. Here such an object is
written as one tuple of its slot values and rebuilt by one tuple unpacking into its slots (a function generated
from the class's ``__slots__``, so it follows the class as it changes): at 10,000 instances per world a fifth less
to pickle and a third less to unpickle. The table is the pickler's own; pickling anywhere else is unchanged.
"""

from __future__ import annotations

import copyreg
import io
import pickle
from collections.abc import Callable
from operator import attrgetter
from typing import Any

from vmsim.engine.clock import Timer
from vmsim.engine.instance import Instance
from vmsim.engine.sharing import Job


def _slots(cls: type) -> tuple[str, ...]:
    slots: tuple[str, ...] = cls.__dict__["__slots__"]
    return slots


def _loader(cls: type, name: str, written: tuple[str, ...], blank: dict[str, str]) -> Callable[[tuple[Any, ...]], Any]:
    """A module-level function ``name`` that makes a ``cls`` from the values of its ``written`` slots, in that order,
    and sets each ``blank`` slot to its expression."""
    targets = ", ".join(f"o.{slot}" for slot in written)
    blanks = "".join(f"    o.{slot} = {expr}\n" for slot, expr in blank.items())
    namespace: dict[str, Any] = {"__name__": __name__, "new": cls.__new__, "cls": cls}
    exec(f"def {name}(state):\n    o = new(cls)\n    {targets}, = state\n{blanks}    return o\n", namespace)  # noqa: S102
    load: Callable[[tuple[Any, ...]], Any] = namespace[name]
    globals()[name] = load  # pickle names it by module and name
    return load


def _reducer(
    cls: type, blank: dict[str, str] | None = None, later: tuple[str, ...] = ()
) -> Callable[[Any], tuple[Any, ...]]:
    """``later``: slots written as state after the object is memoized, not in its tuple — a slot that may lead back
    to an object whose own tuple leads here (a job's ``arg`` is the instance whose ``job`` it is): in a tuple the
    cycle would recurse without end."""
    blank = blank or {}
    written = tuple(slot for slot in _slots(cls) if slot not in blank and slot not in later)
    load = _loader(cls, f"_load_{cls.__name__}", written, blank)
    values = attrgetter(*written)
    if not later:

        def reduce(obj: Any) -> tuple[Any, ...]:
            return load, (values(obj),)

        return reduce

    def reduce_later(obj: Any) -> tuple[Any, ...]:
        return load, (values(obj),), (None, {slot: getattr(obj, slot) for slot in later})

    return reduce_later


# Not written: an instance's finished phases and boot plan (a checkpoint keeps them beside the bytes and puts them
# back: see Simulation.checkpoint) and its cached snapshot (rebuilt when next asked for).
INSTANCE_BLANK = {"phases": "[]", "steps": "[]", "snap": "None"}

_TABLE: dict[type, Callable[[Any], Any]] = {
    **copyreg.dispatch_table,
    Instance: _reducer(Instance, INSTANCE_BLANK),
    Job: _reducer(Job, later=("arg",)),
    Timer: _reducer(Timer),
}


def dumps(obj: object) -> bytes:
    """``obj`` pickled (the highest protocol), the slotted engine classes as flat tuples, instances without the slots
    of :data:`INSTANCE_BLANK` (a checkpoint's part: not a whole pickle of an instance on its own)."""
    buf = io.BytesIO()
    pickler = pickle.Pickler(buf, pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _TABLE
    pickler.dump(obj)
    return buf.getvalue()


class Frames:
    """A bytes object read as a file, through Python code (a switch point for other threads at every read)."""

    def __init__(self, data: bytes) -> None:
        self._buf = io.BytesIO(data)

    def read(self, n: int = -1) -> bytes:
        return self._buf.read(n)

    def readline(self) -> bytes:
        return self._buf.readline()


def loads(data: bytes) -> Any:
    """What :func:`dumps` pickled, read a frame at a time through Python (other threads run between frames)."""
    return pickle.load(Frames(data))
