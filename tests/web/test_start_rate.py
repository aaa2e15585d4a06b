"""How often one client may start a dashboard on ``vmsim serve`` (the token bucket, with a clock the test moves)."""

from __future__ import annotations

import pytest

from vmsim.web import start_rate
from vmsim.web.options import starts_per_minute
from vmsim.web.start_rate import StartRate, client_key, rate_message


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_of_n_then_one_every_60_over_n_seconds() -> None:
    clock = Clock()
    rate = StartRate(6, clock)  # one every 10 s once the burst of 6 is spent
    assert [rate.take("192.0.2.7") for _ in range(6)] == [0.0] * 6
    assert rate.take("192.0.2.7") == pytest.approx(10.0)
    clock.now += 4.0
    assert rate.take("192.0.2.7") == pytest.approx(6.0), "a refused start is not counted"
    clock.now += 6.0
    assert rate.take("192.0.2.7") == 0.0
    assert rate.take("192.0.2.7") == pytest.approx(10.0)
    clock.now += 3600.0  # a long pause refills the burst, and no more than it
    assert [rate.take("192.0.2.7") for _ in range(7)][-2:] == [0.0, pytest.approx(10.0)]


def test_each_address_has_its_own_bucket_and_zero_means_no_limit() -> None:
    clock = Clock()
    rate = StartRate(1, clock)
    assert rate.take("192.0.2.7") == 0.0
    assert rate.take("192.0.2.7") == pytest.approx(60.0)
    assert rate.take("192.0.2.8") == 0.0, "a classmate is not held back by another machine"
    free = StartRate(0, clock)
    assert all(free.take("192.0.2.7") == 0.0 for _ in range(1000))


def test_an_ipv6_client_counts_by_its_64_network_and_a_mapped_ipv4_as_itself() -> None:
    assert client_key("2001:db8:1:2::5") == client_key("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert client_key("2001:db8:1:3::5") != client_key("2001:db8:1:2::5")
    assert client_key("::ffff:192.0.2.7") == "192.0.2.7"
    assert client_key("fe80::1%eth0") == "fe80::/64"
    assert client_key(None) == client_key("") == "?"
    rate = StartRate(1, Clock())
    assert rate.take("2001:db8:1:2::5") == 0.0
    assert rate.take("2001:db8:1:2::6") > 0, "another address of the same /64 is the same machine"


def test_the_buckets_kept_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(start_rate, "MAX_ADDRESSES", 50)
    clock = Clock()
    rate = StartRate(1, clock)
    for i in range(200):
        rate.take(f"10.0.{i // 256}.{i % 256}")
        clock.now += 0.01
    assert len(rate._buckets) == 50
    assert rate.take("10.0.0.199") > 0, "the most recent are the ones kept"
    assert rate.take("10.0.0.0") == 0.0, "the longest idle was forgotten"


def test_the_refusal_says_how_long_to_wait_and_what_the_teacher_can_change() -> None:
    text = rate_message(9.2, 20)
    assert "reload this tab in 10 s" in text and "20 a minute" in text and "--starts-per-minute" in text
    assert "in 1 s" in rate_message(0.01, 20)


@pytest.mark.parametrize(("text", "value"), [("0", 0), ("20", 20), ("600", 600)])
def test_the_option_takes_0_to_600(text: str, value: int) -> None:
    assert starts_per_minute(text) == value


@pytest.mark.parametrize("text", ["-1", "601", "many", "1e3", "9" * 40])
def test_the_option_refuses_anything_else(text: str) -> None:
    import argparse

    with pytest.raises(argparse.ArgumentTypeError, match="give 0 .no limit. to 600 a minute"):
        starts_per_minute(text)
