"""Guidance values for classroom air, with their sources (shown on the pages).

Each ``*_light`` function returns ``"green"``, ``"yellow"`` or ``"red"`` (``None`` without a
value). The boundaries are written once here and used by the dashboard, the room history,
the statistics and the tests.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

GREEN, YELLOW, RED = "green", "yellow", "red"

CO2_GOOD = 1000  # ppm: below is harmless; the mean over a lesson should stay below
CO2_BAD = 2000  # ppm: above is unacceptable
AIRING_EVERY_MIN = 20
AIRING_FOR_MIN = (3, 5)
TEMPERATURE_RANGE = (20.0, 26.0)  # °C in lessons
HUMIDITY_RANGE = (40.0, 60.0)  # % relative humidity
# ASR A3.6 table 1: upper limit of relative humidity by air temperature (interpolated).
HUMIDITY_UPPER_BY_TEMPERATURE = [(20.0, 80.0), (22.0, 70.0), (24.0, 62.0), (26.0, 55.0)]
PM25_DAILY = 15.0  # µg/m³, WHO 2021 guideline, 24-hour mean
PM25_INTERIM_4 = 25.0  # µg/m³, WHO 2021 interim target 4, 24-hour mean
PM10_DAILY = 45.0  # µg/m³, WHO 2021 guideline, 24-hour mean
NOISE_WORK = 55.0  # dB(A), ASR A3.7: mainly mental work
NOISE_LOUD = 70.0  # dB(A): teaching hardly possible
NOISE_EMPTY = 35.0  # dB(A), WHO 1999: background noise in an empty classroom


@dataclass(frozen=True)
class Source:
    label: str
    url: str


SOURCES = {
    "co2": Source(
        _(
            "Umweltbundesamt: Gesundheitliche Bewertung von Kohlendioxid in der Innenraumluft "
            "(Bundesgesundheitsblatt 2008) und „Richtig Lüften in Schulen“"
        ),
        "https://www.umweltbundesamt.de/publikationen/richtig-lueften-in-schulen",
    ),
    "temperature": Source(
        _("Technische Regeln für Arbeitsstätten ASR A3.5 „Raumtemperatur“"),
        "https://www.baua.de/DE/Angebote/Regelwerk/ASR/ASR-A3-5.html",
    ),
    "humidity": Source(
        _("Technische Regeln für Arbeitsstätten ASR A3.6 „Lüftung“, Tabelle 1"),
        "https://www.baua.de/DE/Angebote/Regelwerk/ASR/ASR-A3-6.html",
    ),
    "pm25": Source(
        _("WHO Global Air Quality Guidelines (2021)"),
        "https://www.who.int/publications/i/item/9789240034228",
    ),
    "noise": Source(
        _(
            "WHO Guidelines for Community Noise (1999) und Technische Regeln für Arbeitsstätten "
            "ASR A3.7 „Lärm“"
        ),
        "https://www.baua.de/DE/Angebote/Regelwerk/ASR/ASR-A3-7.html",
    ),
}


def co2_light(ppm):
    """Below 1000 ppm green, 1000 to 2000 ppm yellow, above 2000 ppm red."""
    if ppm is None:
        return None
    if ppm < CO2_GOOD:
        return GREEN
    if ppm <= CO2_BAD:
        return YELLOW
    return RED


def temperature_light(celsius):
    """20–26 °C green; up to 2 K outside yellow; further outside red."""
    if celsius is None:
        return None
    low, high = TEMPERATURE_RANGE
    if low <= celsius <= high:
        return GREEN
    if low - 2 <= celsius <= high + 2:
        return YELLOW
    return RED


def humidity_upper_limit(celsius) -> float:
    """The highest acceptable relative humidity at this temperature (ASR A3.6, interpolated)."""
    table = HUMIDITY_UPPER_BY_TEMPERATURE
    if celsius is None or celsius <= table[0][0]:
        return table[0][1]
    for (t0, h0), (t1, h1) in zip(table, table[1:], strict=False):
        if celsius <= t1:
            return h0 + (h1 - h0) * (celsius - t0) / (t1 - t0)
    return table[-1][1]


def humidity_light(percent, celsius=None):
    """40–60 % green (and below the temperature's upper limit); above that limit red."""
    if percent is None:
        return None
    if percent > humidity_upper_limit(celsius):
        return RED
    low, high = HUMIDITY_RANGE
    if low <= percent <= high:
        return GREEN
    return YELLOW


def pm25_light(value):
    """Up to 15 µg/m³ green (WHO 2021), up to 25 µg/m³ yellow (interim target 4), above red."""
    if value is None:
        return None
    if value <= PM25_DAILY:
        return GREEN
    if value <= PM25_INTERIM_4:
        return YELLOW
    return RED


def pm10_light(value):
    if value is None:
        return None
    if value <= PM10_DAILY:
        return GREEN
    if value <= 2 * PM10_DAILY:
        return YELLOW
    return RED


def noise_light(value):
    """Up to 55 dB(A) green (ASR A3.7), up to 70 dB(A) yellow, above red."""
    if value is None:
        return None
    if value <= NOISE_WORK:
        return GREEN
    if value <= NOISE_LOUD:
        return YELLOW
    return RED


def light(quantity: str, value, temperature=None):
    if quantity == "humidity":
        return humidity_light(value, temperature)
    return {
        "co2": co2_light,
        "temperature": temperature_light,
        "pm25": pm25_light,
        "pm10": pm10_light,
        "noise": noise_light,
    }[quantity](value)


LIGHT_LABELS = {
    GREEN: _("gut"),
    YELLOW: _("lüften"),
    RED: _("sofort lüften"),
}

# The limit "share above limit" uses in the workbench, per quantity.
DEFAULT_LIMITS = {
    "co2": CO2_GOOD,
    "temperature": TEMPERATURE_RANGE[1],
    "humidity": HUMIDITY_RANGE[1],
    "pm25": PM25_DAILY,
    "pm10": PM10_DAILY,
    "noise": NOISE_WORK,
}


def guidance_items():
    """The guidance as shown on the pages: quantity, text, source."""
    return [
        {
            "key": "co2",
            "title": _("CO₂ (Kohlendioxid)"),
            "text": _(
                "Unter 1000 ppm ist die Luft gut (grün). Von 1000 bis 2000 ppm sollte gelüftet "
                "werden (gelb). Über 2000 ppm ist die Luft inakzeptabel: sofort lüften (rot). "
                "Alle 20 Minuten 3 bis 5 Minuten lüften; der Mittelwert einer Unterrichtsstunde "
                "sollte unter 1000 ppm bleiben."
            ),
            "source": SOURCES["co2"],
        },
        {
            "key": "temperature",
            "title": _("Temperatur"),
            "text": _("Im Unterricht sollten es 20 bis 26 °C sein."),
            "source": SOURCES["temperature"],
        },
        {
            "key": "humidity",
            "title": _("Luftfeuchte"),
            "text": _(
                "Gut sind 40 bis 60 % relative Luftfeuchte. Je wärmer die Luft, desto niedriger "
                "die Obergrenze: 80 % bei 20 °C, 70 % bei 22 °C, 62 % bei 24 °C, 55 % bei 26 °C."
            ),
            "source": SOURCES["humidity"],
        },
        {
            "key": "pm25",
            "title": _("Feinstaub PM2,5"),
            "text": _(
                "Die Weltgesundheitsorganisation empfiehlt im Tagesmittel höchstens 15 µg/m³ "
                "(Zwischenziel 25 µg/m³). Für PM10 sind es 45 µg/m³."
            ),
            "source": SOURCES["pm25"],
        },
        {
            "key": "noise",
            "title": pgettext_lazy("sound level", "Lautstärke"),
            "text": _(
                "Bei konzentrierter Arbeit höchstens 55 dB(A); ein leerer Klassenraum sollte "
                "nicht lauter als 35 dB(A) sein. Über 70 dB(A) ist Unterricht kaum möglich."
            ),
            "source": SOURCES["noise"],
        },
    ]
