"""Impossible analysis settings are rejected with a message naming the field."""

import pytest
from django.core.exceptions import ValidationError

from smartcity.bridges.analysis import config, modal
from smartcity.bridges.analysis.config import ConfigError
from smartcity.bridges.tests.conftest import channel


def test_negative_sampling_rate():
    errors = config.check(kind="acceleration", sampling_rate_hz=-100, window_s=600)
    assert list(errors) == ["sampling_rate_hz"]
    assert "größer als 0" in errors["sampling_rate_hz"]


def test_window_longer_than_data():
    errors = config.check(kind="acceleration", sampling_rate_hz=100, window_s=600, data_seconds=60)
    assert "window_s" in errors
    assert "600" in errors["window_s"] and "60" in errors["window_s"]


def test_unknown_detail_category():
    errors = config.check(kind="strain", sampling_rate_hz=50, detail_category=99)
    assert "Kerbfall" in errors["detail_category"]


def test_good_settings_pass():
    assert config.check(kind="strain", sampling_rate_hz=50, window_s=3600, detail_category=71) == {}


def test_channel_clean_names_the_fields(bridge):
    strain = channel(bridge, "S1")
    strain.sampling_rate_hz = -5
    strain.detail_category = 13
    with pytest.raises(ValidationError) as error:
        strain.full_clean()
    assert set(error.value.message_dict) == {"sampling_rate_hz", "detail_category"}


def test_spectrum_window_longer_than_signal():
    with pytest.raises(ConfigError) as error:
        config.require(kind="acceleration", sampling_rate_hz=100, window_s=120, data_seconds=60)
    assert "window_s" in error.value.errors
    assert modal.segment_length(6000, 100) == 1024
