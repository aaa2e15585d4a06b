"""The compact JSON of a large run, written straight from the snapshot's tuples: the same bytes as
``json.dumps(snap.as_dict(...), ensure_ascii=False, separators=(",", ":"))`` without a dict per instance,
per phase and per event (those were two thirds of the JSON's time at 30,000 instances).

Everything but the instance and event lists goes through ``as_dict`` and ``json.dumps`` as before, so a field
added there appears here too. The two lists are written by hand; the first instance and the first event of every
world are also encoded the slow way and compared, and on any difference (a field added to their ``as_dict``) the
whole document is made the slow way: the fast path can lose its speed, never its exactness.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from json.encoder import encode_basestring
from typing import Any, TypeVar

from vmsim.engine.events import WorldEvent
from vmsim.engine.snapshot import InstanceSnapshot, PhaseRecord, SimulationSnapshot, WorldSnapshot

T = TypeVar("T")
_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_MARK = "\u2063vmsim-fast-json-{}-{}\u2063"  # placeholders: invisible separators no scenario text holds


_BOOL = {True: "true", False: "false"}
BATCH = 1000  # instances or events per piece written: big enough to amortise a write, small in memory


# json.dumps writes a float as its repr, except these three; ``_JSON_FLOAT.get(text, text)`` turns a float's repr
# into its JSON in one C call (an int's repr is its JSON too).
_JSON_FLOAT = {"inf": "Infinity", "-inf": "-Infinity", "nan": "NaN"}


# ``repr(round(x, 6))``, the JSON of every figure, costs a correctly rounded round and a shortest-repr search. For
# 1e-4 <= x < 1e9 (and 0) it equals ``f"{x:.6f}"`` without its trailing zeros (one kept after the point): both
# round the exact binary value half-even to six places, and no other decimal of at most six places lies within
# a unit in the last place of it there, so that decimal is the shortest repr of the double nearest it. Outside
# that range (exponent notation, huge numbers, inf and nan) and for an int (``repr`` writes no point), ``six``
# does it the long way.
_LOW, _HIGH = 1e-4, 1e9


def six(x: float) -> str:
    """``repr(round(x, 6))`` as JSON (json.dumps's spelling of inf and nan), quickly for the usual figures."""
    if (_LOW <= x < _HIGH or x == 0.0) and type(x) is float:
        t = f"{x:.6f}".rstrip("0")
        return t + "0" if t[-1] == "." else t
    r = repr(round(x, 6))
    return _JSON_FLOAT.get(r, r)


def _num(x: float | None) -> str:
    return "null" if x is None else six(x)


def _str(s: str | None) -> str:
    return "null" if s is None else encode_basestring(s)


_PHASE_HEADS: dict[str, str] = {}  # '{"name":"boot","start_s":' by phase name: a run has a few dozen names


def _phase_head(name: str) -> str:
    head = _PHASE_HEADS[name] = f'{{"name":{encode_basestring(name)},"start_s":'
    return head


def _phases(phases: tuple[PhaseRecord, ...]) -> str:
    # The hottest loop of a large run's JSON (a VM has nine phases): numbers inline, a phase's start repeating
    # the previous one's end is not formatted twice, each name's JSON made once. Phase times are finite floats
    # (simulated seconds); a start or end that is not is formatted as json.dumps would.
    heads = _PHASE_HEADS
    low, high = _LOW, _HIGH
    out = []
    last_end: float | None = None
    last_text = ""
    for name, start, end in phases:
        if start == last_end:
            s = last_text
        elif (low <= start < high or start == 0.0) and type(start) is float:  # six(start), inlined
            s = f"{start:.6f}".rstrip("0")
            if s[-1] == ".":
                s += "0"
        else:
            s = six(start)
        if end is None:
            e = "null"
        else:
            if low <= end < high and type(end) is float:  # six(end), inlined (a phase ends after t = 0)
                e = f"{end:.6f}".rstrip("0")
                if e[-1] == ".":
                    e += "0"
            else:
                e = six(end)
            last_text = e
            last_end = end
        out.append(f'{heads.get(name) or _phase_head(name)}{s},"end_s":{e}}}')
    return ",".join(out)


def instance_json(i: InstanceSnapshot, reason: Callable[[Any], str]) -> str:
    """One instance's JSON object, as ``json.dumps(i.as_dict(words))`` compact would write it."""
    # Written out rather than through _num and _str: a function call per field was a third of the time.
    # ``id``, ``app`` and ``state`` are always strings; ``added_s``, ``memory_mib`` and ``disk_mib`` numbers.
    enc = encode_basestring
    why = "null" if i.reason is None else enc(reason(i.reason))
    return (
        f'{{"id":{enc(i.id)},"app":{enc(i.app)},"state":{enc(i.state)},'
        f'"phase":{"null" if i.phase is None else enc(i.phase)},'
        f'"added_s":{six(i.added_s)},"ready_s":{_num(i.ready_s)},"phases":[{_phases(i.phases)}],'
        f'"memory_mib":{six(i.memory_mib)},"disk_mib":{six(i.disk_mib)},"reason":{why},'
        f'"host":{"null" if i.host is None else enc(i.host)},'
        f'"replaces":{"null" if i.replaces is None else enc(i.replaces)},"exposed":{_BOOL[i.exposed]},'
        f'"version":{"null" if i.version is None else enc(i.version)},"works":{_BOOL[i.works]}}}'
    )


def event_json(e: WorldEvent, message: Callable[[WorldEvent], str]) -> str:
    """One event's JSON object, as ``json.dumps(e.as_dict(message))`` compact would write it."""
    instance = e.instance
    if instance is None:
        ins = "null"
        affected = ",".join(map(encode_basestring, e.affected))
    else:
        ins = encode_basestring(instance)
        affected = ins if type(e).affected is WorldEvent.affected else ",".join(map(encode_basestring, e.affected))
    return (
        f'{{"t_s":{six(e.t_s)},"kind":{encode_basestring(e.kind)},"instance":{ins},'
        f'"message":{encode_basestring(message(e))},"affected":[{affected}]}}'
    )


def _agrees(w: WorldSnapshot, words: Any) -> bool:
    if w.instances and instance_json(w.instances[0], words.reason) != _compact(w.instances[0].as_dict(words)):
        return False
    return not w.events or event_json(w.events[0], words.event) == _compact(w.events[0].as_dict(words.event))


def write_compact(
    snap: SimulationSnapshot,
    words: Any,
    extra: Callable[[WorldSnapshot], dict[str, object]],
    write: Callable[[str], object],
) -> None:
    """Write the snapshot's compact JSON through ``write`` in pieces of at most ``BATCH`` instances or events, so
    the whole document never exists as one string (``extra(world)`` adds keys to each world, as ``render_json``
    adds its summary)."""
    if not all(_agrees(w, words) for w in snap.worlds):
        data = snap.as_dict(words)
        for w in snap.worlds:
            data["worlds"][w.name].update(extra(w))  # type: ignore[index]
        write(_compact(data) + "\n")
        return
    bare = snap._replace(worlds=tuple(w._replace(instances=(), events=()) for w in snap.worlds))
    data = bare.as_dict(words)
    for n, w in enumerate(snap.worlds):
        d = data["worlds"][w.name]  # type: ignore[index]
        d["instances"] = _MARK.format("i", n)
        d["events"] = _MARK.format("e", n)
        d.update(extra(w))
    # The skeleton is small: cut it at the marks (in document order: a world's instances, then its events) and
    # write the big lists between the cuts, a batch at a time.
    rest = _compact(data)
    for n, w in enumerate(snap.worlds):
        before, rest = rest.split(_compact(_MARK.format("i", n)), 1)
        write(before)
        _write_list(w.instances, instance_json, words.reason, write)
        before, rest = rest.split(_compact(_MARK.format("e", n)), 1)
        write(before)
        _write_list(w.events, event_json, words.event, write)
    write(rest + "\n")


def _write_list(items: Sequence[T], one: Callable[[T, Any], str], wording: Any, write: Callable[[str], object]) -> None:
    """``[item,item,...]`` written a batch of ``BATCH`` items at a time."""
    write("[")
    sep = ""
    for start in range(0, len(items), BATCH):
        write(sep + ",".join([one(i, wording) for i in items[start : start + BATCH]]))
        sep = ","
    write("]")


def compact_json(snap: SimulationSnapshot, words: Any, extra: Callable[[WorldSnapshot], dict[str, object]]) -> str:
    """The snapshot's compact JSON as one string (:func:`write_compact`'s pieces joined)."""
    pieces: list[str] = []
    write_compact(snap, words, extra, pieces.append)
    return "".join(pieces)
