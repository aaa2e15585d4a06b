"""Words for the engine's codes: event lines, reasons and MiB figures, in the reader's language.

The engine says what happened as codes and figures (:class:`~vmsim.engine.codes.Coded`, event fields);
this module turns them into the catalogue's sentences (``vmsim.text``), formatting each figure the way
its name says: ``*_mib`` as MiB/GiB, other floats with ``:g``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from vmsim.engine.codes import Coded
from vmsim.engine.deploy import HostDeployed
from vmsim.engine.events import (
    AllocationWarned,
    AppGrew,
    ArtifactFetched,
    FaultHappened,
    InstanceAdded,
    InstanceFailed,
    InstanceKilled,
    InstanceReady,
    InstanceRefused,
    WorldEvent,
)
from vmsim.text import LANGS, Msg, msg, render, table, tr
from vmsim.text.catalogue import fill


def count_text(n: int, one: str, other: str) -> str:
    """'1 core', '8 cores', '1,024 containers': a count and its noun in agreement (English; the catalogue's
    ``{n:one|other}`` fields do the same for its texts)."""
    return f"{n:,} {one if n == 1 else other}"


def fmt_mib_compact(mib: float) -> str:
    """Compact MiB/GiB: '512 MiB', '1.5 GiB', '27 GiB'.

    The dashboard's narrow columns use this one; reports, tables and event texts use :func:`fmt_mib`."""
    if mib >= 1024 * 100:
        return f"{mib / 1024:,.0f} GiB"
    if mib >= 1024:
        return f"{mib / 1024:.1f} GiB"
    if mib >= 10 or mib == 0:
        return f"{mib:,.0f} MiB"
    return f"{mib:.1f} MiB"


def fmt_mib(mib: float) -> str:
    """MiB with thousands separators, or GiB above 10 GiB: '2,048 MiB', '12.5 GiB'."""
    if mib >= 10 * 1024:
        return f"{mib / 1024:,.1f} GiB"
    if mib >= 100 or mib == int(mib):
        return f"{mib:,.0f} MiB"
    return f"{mib:,.1f} MiB"


def as_msg(coded: Coded) -> Msg:
    """The catalogue message for ``coded``: figures formatted, ``need_mib`` → ``need`` = '2,048 MiB'."""
    params: dict[str, object] = {}
    for name, value in coded.params:
        if isinstance(value, Coded):
            params[name] = as_msg(value)
        elif name.endswith("_mib") and isinstance(value, int | float):
            params[name[: -len("_mib")]] = fmt_mib(value)
        elif isinstance(value, float):
            params[name] = f"{value:g}"
        else:
            params[name] = value
    return msg(coded.code, **params)


def coded_text(coded: Coded, lang: str = "en") -> str:
    """``coded`` as a sentence in ``lang`` (a reason, a drift result or problem).

    Remembered: a large run repeats a few reasons thousands of times (9,000 containers refused by one full
    bridge network), and each takes the catalogue's plural formatter."""
    try:
        key = (_exact(coded), lang)
        text = _CODED_TEXTS.get(key)
    except TypeError:  # a parameter that cannot be a key (none today): formatted every time
        return render(as_msg(coded), lang)
    if text is None:
        if len(_CODED_TEXTS) >= _CODED_TEXTS_MAX:
            _CODED_TEXTS.clear()
        text = _CODED_TEXTS[key] = render(as_msg(coded), lang)
    return text


_CODED_TEXTS: dict[tuple[object, str], str] = {}
_CODED_TEXTS_MAX = 4096


def _exact(coded: Coded) -> tuple[object, ...]:
    """A key for ``coded`` that tells apart what formats differently but compares equal: 1, 1.0 and True by their
    type, 0.0 and -0.0 by a float's ``repr``. (Written out for the common parameters, names and figures: this is
    on the path of every reason a large run's JSON writes.)"""
    return (
        coded.code,
        *(
            (name, _exact(v))
            if isinstance(v, Coded)
            else (name, float, repr(v))
            if type(v) is float
            else (name, type(v), _exact_value(v) if isinstance(v, tuple) else v)
            for name, v in coded.params
        ),
    )


def _exact_value(value: object) -> object:
    """:func:`_exact` for any value: a tuple item by item."""
    if isinstance(value, Coded):
        return _exact(value)
    if isinstance(value, tuple):
        return (type(value), *map(_exact_value, value))
    if type(value) is float:
        return (float, repr(value))
    return (type(value), value)


def reason_text(reason: Coded | None, lang: str = "en") -> str | None:
    """Why an instance was refused, failed or killed, in ``lang`` (None when there is no reason)."""
    return None if reason is None else coded_text(reason, lang)


def _reason(event: Any, lang: str) -> dict[str, object]:
    return {"reason": coded_text(event.reason, lang)}


_FIELDS: dict[type[WorldEvent], Callable[[Any, str], dict[str, object]]] = {
    InstanceAdded: lambda e, lang: {"app": e.app},
    AppGrew: lambda e, lang: {
        "app": e.app,
        "mib": fmt_mib(e.memory_mib),
        "n": e.count,
        "what": _counted(e.world, e.count, lang),
    },
    InstanceReady: lambda e, lang: {"s": f"{e.boot_s:.2f}"},
    InstanceRefused: _reason,
    InstanceFailed: _reason,
    InstanceKilled: _reason,
    AllocationWarned: _reason,
}


def artifact_name(label: str, lang: str) -> str:
    """A stored artifact as the engine labels it ('layer node-24', '<guest> image', '<guest> kernel'), in ``lang``."""
    if label.startswith("layer "):
        return tr("artifact.layer", lang, name=label.removeprefix("layer "))
    for kind in ("image", "kernel"):
        if label.endswith(" " + kind):
            return tr(f"artifact.{kind}", lang, name=label.removesuffix(" " + kind))
    return label


def event_text(event: WorldEvent, lang: str = "en") -> str:
    """One line for a log, in ``lang``. (Formatted directly: a run can have hundreds of thousands.)"""
    if isinstance(event, ArtifactFetched):
        # Which world's host: the container and microVM worlds each store the same layers (dockerfile-app's log
        # had every layer line twice, alike).
        name, noun, size = artifact_name(event.artifact, lang), _noun(event.world, lang), fmt_mib(event.size_mib)
        if event.host is not None:
            return tr("event.fetched_on", lang, artifact=name, noun=noun, host=event.host, size=size)
        return tr("event.fetched", lang, artifact=name, noun=noun, size=size)
    if isinstance(event, HostDeployed):
        return tr(
            f"event.deployed.{event.method}",
            lang,
            what=_counted(event.world, len(event.reached), lang),  # which world's: 'VM', 'containers'
            host=event.host,
            version=event.version,
            n=len(event.reached),
            works=event.works,
            s=f"{event.elapsed_s:,.0f}",
        )
    if isinstance(event, FaultHappened):
        return tr(
            f"event.fault.{event.kind}.{event.scope}",
            lang,
            noun=tr("noun." + event.world, lang),
            id=event.instance,
            host=event.host,
            n=len(event.reached),
            what=_counted(event.world, len(event.reached), lang),
        )
    # The common events (added, ready, refused, ...): their template looked up once per kind and language, and
    # filled as tr would, without tr's look-ups and keyword dicts.
    template = _template(event.kind, lang)
    if template is None:
        return "event." + event.kind  # as tr says a code it has no text for
    fields = _FIELDS.get(type(event))
    params = fields(event, lang) if fields is not None else {}
    params["noun"] = _noun(event.world, lang)
    params["id"] = event.instance
    return fill(template, params) if "|" in template else template.format_map(params)


def _counted(world: str, n: int, lang: str) -> str:
    """The world's noun for ``n`` of its instances: '1 VM', '3 VMs', '0 containers' (a host line names its world)."""
    return tr("noun." + world, lang) if n == 1 else tr("nouns." + world, lang)


@cache
def _template(kind: str, lang: str) -> str | None:
    """The catalogue's text of ``event.<kind>`` in ``lang`` (English when it lacks one), looked up once."""
    key = "event." + kind
    template = table(lang if lang in LANGS else "en").get(key) or table("en").get(key)
    return template


@cache
def _noun(world: str, lang: str) -> str:
    return tr("noun." + world, lang)


class _English:
    """The words the JSON contract carries (docs/json.md): English."""

    def event(self, event: WorldEvent) -> str:
        return event_text(event, "en")

    def reason(self, reason: Coded) -> str:
        return coded_text(reason, "en")


ENGLISH = _English()


def fmt_transfer(mib: float) -> str:
    """Bytes moved over a network: KiB below 1 MiB (a code change ships kilobytes, not '0.0 MiB')."""
    return f"{mib * 1024:.1f} KiB" if mib < 1 else fmt_mib(mib)
