import pytest

from smartcity.schools import guidance


@pytest.mark.parametrize(
    ("ppm", "light"),
    [
        (400, "green"),
        (999.9, "green"),
        (1000, "yellow"),
        (1500, "yellow"),
        (2000, "yellow"),
        (2000.1, "red"),
        (None, None),
    ],
)
def test_co2_traffic_light_boundaries(ppm, light):
    assert guidance.co2_light(ppm) == light


@pytest.mark.parametrize(
    ("celsius", "light"),
    [
        (20, "green"),
        (26, "green"),
        (19.9, "yellow"),
        (26.1, "yellow"),
        (17.9, "red"),
        (28.1, "red"),
    ],
)
def test_temperature_boundaries(celsius, light):
    assert guidance.temperature_light(celsius) == light


def test_humidity_upper_limit_falls_with_temperature():
    assert guidance.humidity_upper_limit(18) == 80
    assert guidance.humidity_upper_limit(22) == 70
    assert guidance.humidity_upper_limit(23) == pytest.approx(66)
    assert guidance.humidity_upper_limit(30) == 55


@pytest.mark.parametrize(
    ("percent", "celsius", "light"),
    [
        (40, 21, "green"),
        (60, 21, "green"),
        (39.9, 21, "yellow"),
        (60.1, 21, "yellow"),
        (56, 26, "red"),  # above the 55 % limit at 26 °C although inside 40–60 %
        (55, 26, "green"),
        (71, 22, "red"),
    ],
)
def test_humidity_boundaries(percent, celsius, light):
    assert guidance.humidity_light(percent, celsius) == light


@pytest.mark.parametrize(
    ("value", "light"), [(15, "green"), (15.1, "yellow"), (25, "yellow"), (25.1, "red")]
)
def test_pm25_against_who_2021(value, light):
    assert guidance.pm25_light(value) == light


@pytest.mark.parametrize(
    ("value", "light"), [(55, "green"), (55.5, "yellow"), (70, "yellow"), (71, "red")]
)
def test_noise_boundaries(value, light):
    assert guidance.noise_light(value) == light


def test_every_guidance_item_names_its_source():
    items = guidance.guidance_items()
    assert {item["key"] for item in items} == {"co2", "temperature", "humidity", "pm25", "noise"}
    assert all(item["source"].url.startswith("https://") for item in items)
