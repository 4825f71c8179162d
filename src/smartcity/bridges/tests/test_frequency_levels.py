"""Natural frequencies have the same four levels as the other channels: normal, notice,
warning, alarm, with limits the engineers set (each at least a multiple of the scatter)."""

import pytest

from smartcity.bridges.analysis.config import check
from smartcity.bridges.models import Alert, AlertKind, Channel, Level
from smartcity.bridges.services import analysis
from smartcity.bridges.simulator import fleet, physics, sinks
from smartcity.bridges.tests.conftest import DAY, START, channel

HOUR = 3600.0
LOSS_START = START + 4 * DAY + 7 * HOUR


@pytest.fixture
def quiet_bridge(bridge):
    # Only temperature and acceleration matter here; fewer channels keep the test short.
    bridge.channels.exclude(code__in=["T1", "A1"]).delete()
    return bridge


def run_with_loss(bridge, amount):
    spec = physics.BridgeSpec(
        seed=2, anomalies=[physics.Anomaly("stiffness_loss", LOSS_START, amount=amount)]
    )
    fleet.generate(bridge, spec, START, START + 6 * DAY, sinks.DirectSink(), dynamic_every=HOUR)
    analysis.analyse_bridge(bridge, now=START + 6 * DAY)
    return channel(bridge, "A1")


def test_defaults_are_1_2_and_4_percent(quiet_bridge):
    acceleration = channel(quiet_bridge, "A1")
    assert analysis.frequency_limits(acceleration) == {
        Level.NOTICE: 1.0,
        Level.WARNING: 2.0,
        Level.ALARM: 4.0,
    }


@pytest.mark.parametrize(
    ("loss", "level"),
    [(0.0, Level.NORMAL), (0.02, Level.NOTICE), (0.045, Level.WARNING), (0.08, Level.ALARM)],
)
def test_each_level_of_frequency_drop(quiet_bridge, loss, level):
    # Limits set by the engineers, wide apart compared with the estimation noise of one
    # window (about 0.3 %), so that each loss lies clearly inside one band.
    Channel.objects.filter(bridge=quiet_bridge, code="A1").update(
        frequency_notice_limit=1.2, frequency_drop_limit=3.0, frequency_alarm_limit=6.0
    )
    acceleration = run_with_loss(quiet_bridge, loss)
    limits = analysis.frequency_limits(acceleration)
    assert limits == {Level.NOTICE: 1.2, Level.WARNING: 3.0, Level.ALARM: 6.0}
    assert acceleration.level == level
    alerts = Alert.objects.filter(channel=acceleration, kind=AlertKind.FREQUENCY)
    if level == Level.NORMAL:
        assert not alerts.exists()
    else:
        alert = alerts.get()
        assert alert.level == level
        assert LOSS_START < alert.observed_at.timestamp() <= LOSS_START + acceleration.window_s


def test_limits_are_at_least_a_multiple_of_the_calibration_scatter(quiet_bridge):
    acceleration = channel(quiet_bridge, "A1")
    acceleration.baseline = {"noise_percent": 0.5}
    assert analysis.frequency_limits(acceleration) == {
        Level.NOTICE: 1.5,  # 3σ > 1.0
        Level.WARNING: 2.0,  # 4σ = 2.0
        Level.ALARM: 4.0,  # 8σ = 4.0
    }


def test_frequency_limits_must_rise_and_stay_below_50_percent():
    assert check(frequency_notice_limit=1, frequency_drop_limit=2, frequency_alarm_limit=4) == {}
    errors = check(frequency_notice_limit=3, frequency_drop_limit=2, frequency_alarm_limit=4)
    assert "Hinweis < Warnung < Alarm" in errors["frequency_drop_limit"]
    assert "frequency_alarm_limit" in check(frequency_alarm_limit=60)
    assert "frequency_notice_limit" in check(frequency_notice_limit=0)
