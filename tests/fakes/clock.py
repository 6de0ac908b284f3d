"""A clock for the channels that never sleeps: `sleep` moves time on and is recorded."""

from __future__ import annotations

import pytest

from social_publisher.publish.http import Clock, HttpChannel


class FakeClock(Clock):
    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        return 1_800_000_000.0 + self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture(name="clock")
def clock_fixture(monkeypatch) -> FakeClock:
    """Every HTTP channel on one fake clock: pacing, Retry-After and backoff waits are recorded, not slept.
    (Import it into a test module to use it there.)"""
    fake = FakeClock()
    monkeypatch.setattr(HttpChannel, "clock", fake)
    return fake
