"""The analysis finds the simulator's scripted anomalies, at the right level and time, and
stays quiet on a healthy bridge under the same temperature swings."""

import pytest

from smartcity.bridges.models import Alert, AlertKind, AlertLog, DerivedKind, Level
from smartcity.bridges.services import analysis
from smartcity.bridges.simulator import fleet, physics, sinks
from smartcity.bridges.tests.conftest import DAY, START, channel
from smartcity.sensors.models import Observation

HOUR = 3600.0
CRACK_START = START + 5 * DAY
CRACK_RATE = 0.02  # mm per day
STIFFNESS_START = START + 5 * DAY + 7 * HOUR
FREEZE_START = START + 6 * DAY
SILENT_START, SILENT_END = START + 6.5 * DAY, START + 7 * DAY


def logged(bridge, code, kind, action):
    return [
        entry.observed_at.timestamp()
        for entry in AlertLog.objects.filter(
            alert__channel__bridge=bridge,
            alert__channel__code=code,
            alert__kind=kind,
            action=action,
        ).order_by("observed_at")
    ]


@pytest.fixture
def anomalous(bridge):
    spec = physics.BridgeSpec(
        seed=1,
        daily_swing=25.0,
        anomalies=[
            physics.Anomaly("crack_growth", CRACK_START, amount=CRACK_RATE, channel="R1"),
            physics.Anomaly("stiffness_loss", STIFFNESS_START, amount=0.05),
            physics.Anomaly("freeze", FREEZE_START, channel="N1"),
            physics.Anomaly("silent", SILENT_START, channel="W1", end=SILENT_END),
        ],
    )
    fleet.generate(bridge, spec, START, START + 8 * DAY, sinks.DirectSink(), dynamic_every=HOUR)
    analysis.analyse_bridge(bridge, now=START + 8 * DAY)
    return bridge


def test_growing_crack_raises_each_level_within_one_window(anomalous):
    crack = channel(anomalous, "R1")
    limits = crack.limits()
    window = crack.window_s
    for level, action in [
        (Level.NOTICE, AlertLog.Action.RAISED),
        (Level.WARNING, AlertLog.Action.ESCALATED),
        (Level.ALARM, AlertLog.Action.ESCALATED),
    ]:
        crossing = CRACK_START + limits[level] / CRACK_RATE * DAY
        times = logged(anomalous, "R1", AlertKind.LIMIT, action)
        detected = [t for t in times if t > CRACK_START]
        assert detected, level
        first = min(detected, key=lambda t: abs(t - crossing))
        assert abs(first - crossing) <= window, (level, (first - crossing) / HOUR)
    assert crack.level == Level.ALARM
    assert crack.trend_per_year > 1.0  # mm per year, growing
    # The sister crack gauge on the same bridge saw nothing.
    assert not Alert.objects.filter(channel=channel(anomalous, "R2")).exists()


def test_stiffness_loss_lowers_frequency_and_warns_within_one_window(anomalous):
    acceleration = channel(anomalous, "A1")
    raised = logged(anomalous, "A1", AlertKind.FREQUENCY, AlertLog.Action.RAISED)
    assert len(raised) == 1
    assert STIFFNESS_START < raised[0] <= STIFFNESS_START + acceleration.window_s
    alert = Alert.objects.get(channel=acceleration, kind=AlertKind.FREQUENCY)
    assert alert.level == Level.ALARM  # 5 % is more than twice the 2 % limit
    frequency = acceleration.derived.get(kind=DerivedKind.FREQUENCY, mode=1).datastream
    before = Observation.objects.filter(
        datastream=frequency, phenomenon_time_start__lt=fleet_moment(STIFFNESS_START)
    ).count()
    assert before > 24


def fleet_moment(seconds):
    from smartcity.bridges.services.series import moment

    return moment(seconds)


def test_frozen_sensor_within_one_window(anomalous):
    tilt = channel(anomalous, "N1")
    raised = logged(anomalous, "N1", AlertKind.FROZEN, AlertLog.Action.RAISED)
    assert raised and FREEZE_START < raised[0] <= FREEZE_START + tilt.window_s
    # Its frozen value is not reported as a movement of the structure.
    assert not Alert.objects.filter(channel=tilt, kind=AlertKind.LIMIT).exists()


def test_gap_raises_and_resolves_the_silent_alert(anomalous):
    joint = channel(anomalous, "W1")
    alert = Alert.objects.get(channel=joint, kind=AlertKind.SILENT)
    limit = 3 * joint.expected_interval_s
    assert alert.observed_at.timestamp() == pytest.approx(SILENT_START - 1800 + limit, abs=1800)
    assert alert.resolved_at.timestamp() == pytest.approx(SILENT_END, abs=1800)
    assert alert.level == Level.WARNING


def test_sensor_silent_now(bridge):
    spec = physics.BridgeSpec(seed=3)
    fleet.generate(bridge, spec, START, START + 4 * DAY, sinks.DirectSink(), dynamic=False)
    analysis.analyse_bridge(bridge, now=START + 4 * DAY + 3 * HOUR)
    silent = Alert.objects.filter(kind=AlertKind.SILENT, resolved_at=None)
    assert {alert.channel.code for alert in silent} >= {"T1", "R1", "R2", "N1", "W1"}
    # A second run while still silent does not open a second alert (de-duplicated).
    analysis.analyse_bridge(bridge, now=START + 4 * DAY + 5 * HOUR)
    assert Alert.objects.filter(kind=AlertKind.SILENT, channel__code="R1").count() == 1


def test_healthy_bridge_stays_quiet_for_a_month_of_25_degree_swings(bridge):
    bridge.channels.filter(kind__in=["acceleration", "strain"]).update(expected_interval_s=3 * 3600)
    spec = physics.BridgeSpec(seed=1, daily_swing=25.0, dropout=0.02)
    temperature = physics.temperature(spec, [START + i * 1800 for i in range(48 * 30)])
    assert temperature.max() - temperature.min() > 25
    fleet.generate(
        bridge, spec, START, START + 30 * DAY, sinks.DirectSink(), dynamic_every=3 * HOUR
    )
    results = analysis.analyse_bridge(bridge, now=START + 30 * DAY)
    assert sum(result.windows for result in results) > 500
    assert not Alert.objects.filter(level__gte=Level.WARNING).exists()
    for code in ("R1", "R2"):
        crack = channel(bridge, code)
        assert abs(crack.baseline["slope"] - (-0.004)) < 0.0005  # the thermal model is found
        assert abs(crack.trend_per_year) < 0.05  # mm per year
    strain = channel(bridge, "S1")
    assert 0 < strain.damage < 0.01
    assert analysis.remaining_life(strain) > 10
