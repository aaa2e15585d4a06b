"""Time series for charts and the running ledgers of MiB by category."""

from __future__ import annotations

import pytest

from vmsim.engine.ledger import MutableLedger
from vmsim.engine.metrics import Series
from vmsim.engine.snapshot import MEMORY_CATEGORIES


def test_series_stores_changes_only():
    s = Series("x")
    for t, v in ((0.0, 1.0), (1.0, 1.0), (2.0, 2.0), (3.0, 2.0), (4.0, 5.0)):
        s.record(t, v)
    assert s.points() == ((0.0, 2.0, 4.0), (1.0, 2.0, 5.0))


def test_series_keeps_the_step_shape_inside_one_resolution_bucket():
    s = Series("x", resolution_s=0.05)
    s.record(0.0, 0.0)
    s.record(0.01, 5.0)
    s.record(0.02, 6.0)  # within 0.05 s of the point before the last: the last moves
    assert s.points() == ((0.0, 0.02), (0.0, 6.0))
    s.record(1.0, 7.0)
    assert s.points() == ((0.0, 0.02, 1.0), (0.0, 6.0, 7.0))


def test_series_value_at_is_the_last_value_at_or_before():
    s = Series("x")
    s.record(1.0, 10.0)
    s.record(2.0, 20.0)
    assert s.value_at(0.5) == 0.0
    assert s.value_at(1.0) == 10.0
    assert s.value_at(1.99) == 10.0
    assert s.value_at(2.0) == 20.0
    assert s.value_at(100.0) == 20.0


def test_series_stays_bounded_and_keeps_its_ends():
    s = Series("x", max_points=50)
    for i in range(1000):
        s.record(float(i), float(i))
    ts, vs = s.points()
    assert len(ts) <= 50
    assert ts[0] == 0.0 and ts[-1] == 999.0 and vs[-1] == 999.0
    assert list(ts) == sorted(ts)


def test_ledger_total_is_the_sum_and_releases_return_to_zero():
    led = MutableLedger()
    parts = [0.1, 0.2, 0.7, 1e-3, 1234.5678]
    for p in parts:
        led.add("apps", p)
        led.add("runtime", p / 3)
    assert led.total == pytest.approx(sum(parts) * 4 / 3)
    assert led.total == pytest.approx(sum(v for _, v in led.items()))
    for p in parts:
        led.add("apps", -p)
        led.add("runtime", -p / 3)
    assert led.get("apps") == 0.0 and led.get("runtime") == 0.0 and led.total == 0.0


def test_ledger_freeze_lists_every_category_in_order():
    led = MutableLedger()
    led.add("host_os", 100.0)
    led.add("apps", 5.0)
    frozen = led.freeze(MEMORY_CATEGORIES, 1000.0)
    assert tuple(name for name, _ in frozen.by_category) == MEMORY_CATEGORIES
    assert frozen.get("host_os") == 100.0 and frozen.get("apps") == 5.0 and frozen.get("hypervisor") == 0.0
    assert frozen.total_mib == 105.0
    assert frozen.free_mib == 895.0
    assert frozen.as_dict()["by_category"]["apps"] == 5.0
