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
import math
from collections.abc import Callable
from functools import partial
from json.encoder import encode_basestring
from typing import Any

from vmsim.engine.events import WorldEvent
from vmsim.engine.snapshot import InstanceSnapshot, PhaseRecord, SimulationSnapshot, WorldSnapshot

_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_MARK = "\u2063vmsim-fast-json-{}-{}\u2063"  # placeholders: invisible separators no scenario text holds


_BOOL = {True: "true", False: "false"}
BATCH = 1000  # instances or events per piece written: big enough to amortise a write, small in memory


def _num(x: float | None) -> str:
    if x is None:
        return "null"
    r = round(x, 6)
    if r != r or r in (math.inf, -math.inf):
        return _compact(r)
    return repr(r)


def _str(s: str | None) -> str:
    return "null" if s is None else encode_basestring(s)


def _phases(phases: tuple[PhaseRecord, ...]) -> str:
    # The hottest loop of a large run's JSON (a VM has nine phases): numbers inline, a phase's start repeating
    # the previous one's end is not formatted twice. Phase times are finite floats (simulated seconds).
    out = []
    last_end: float | None = None
    last_text = ""
    for name, start, end in phases:
        s = last_text if start == last_end else repr(round(start, 6))
        if end is None:
            e = "null"
        else:
            e = repr(round(end, 6))
            last_end, last_text = end, e
        out.append(f'{{"name":{encode_basestring(name)},"start_s":{s},"end_s":{e}}}')
    return ",".join(out)


def instance_json(i: InstanceSnapshot, reason: Callable[[Any], str]) -> str:
    """One instance's JSON object, as ``json.dumps(i.as_dict(words))`` compact would write it."""
    why = "null" if i.reason is None else _compact(reason(i.reason))
    return (
        f'{{"id":{_str(i.id)},"app":{_str(i.app)},"state":{_str(i.state)},"phase":{_str(i.phase)},'
        f'"added_s":{_num(i.added_s)},"ready_s":{_num(i.ready_s)},"phases":[{_phases(i.phases)}],'
        f'"memory_mib":{_num(i.memory_mib)},"disk_mib":{_num(i.disk_mib)},"reason":{why},'
        f'"host":{_str(i.host)},"replaces":{_str(i.replaces)},"exposed":{_BOOL[i.exposed]},'
        f'"version":{_str(i.version)},"works":{_BOOL[i.works]}}}'
    )


def event_json(e: WorldEvent, message: Callable[[WorldEvent], str]) -> str:
    """One event's JSON object, as ``json.dumps(e.as_dict(message))`` compact would write it."""
    return (
        f'{{"t_s":{_num(e.t_s)},"kind":{_str(e.kind)},"instance":{_str(e.instance)},'
        f'"message":{_str(message(e))},"affected":[{",".join(map(encode_basestring, e.affected))}]}}'
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
    reason, message = words.reason, words.event
    for n, w in enumerate(snap.worlds):
        for mark, items, one in (
            (_MARK.format("i", n), w.instances, partial(instance_json, reason=reason)),
            (_MARK.format("e", n), w.events, partial(event_json, message=message)),
        ):
            before, rest = rest.split(_compact(mark), 1)
            write(before + "[")
            sep = ""
            for start in range(0, len(items), BATCH):
                write(sep + ",".join([one(i) for i in items[start : start + BATCH]]))
                sep = ","
            write("]")
    write(rest + "\n")


def compact_json(snap: SimulationSnapshot, words: Any, extra: Callable[[WorldSnapshot], dict[str, object]]) -> str:
    """The snapshot's compact JSON as one string (:func:`write_compact`'s pieces joined)."""
    pieces: list[str] = []
    write_compact(snap, words, extra, pieces.append)
    return "".join(pieces)
