"""Fixtures: a simulated bridge with its channels (calibrated on the first days)."""

from datetime import UTC, datetime

import pytest

from smartcity.bridges.simulator import fleet

START = datetime(2026, 3, 2, tzinfo=UTC).timestamp()
DAY = 86400.0


@pytest.fixture
def bridge(cities):
    return fleet.create_bridge(cities["dortmund"], 1, calibration_days=3)


def channel(bridge, code):
    return bridge.channels.get(code=code)
