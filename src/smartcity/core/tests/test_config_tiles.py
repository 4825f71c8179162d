import pytest

from smartcity import config


def test_city_tile_server(tmp_path):
    loaded = config.load(
        {
            "SMARTCITY_HOME": str(tmp_path),
            "SMARTCITY_MAP_TILES_URL": "https://tiles.dortmund.de/{z}/{x}/{y}.png",
        }
    )
    assert loaded.map_tiles_url == "https://tiles.dortmund.de/{z}/{x}/{y}.png"


@pytest.mark.parametrize("value", ["tiles.dortmund.de", "https://tiles.dortmund.de/tile.png"])
def test_bad_tile_server_urls_name_the_variable(tmp_path, value):
    with pytest.raises(config.ConfigError) as raised:
        config.load({"SMARTCITY_HOME": str(tmp_path), "SMARTCITY_MAP_TILES_URL": value})
    assert raised.value.variable == "SMARTCITY_MAP_TILES_URL"
