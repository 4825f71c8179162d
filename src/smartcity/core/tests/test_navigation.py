from smartcity.core.navigation import items_for


def test_capabilities_appear_in_the_navigation(client, cities):
    html = client.get("/dortmund/").content.decode()
    assert 'href="/dortmund/aktuelles/"' in html
    assert 'href="/termine/"' in html
    # Without a city only the pages for all cities are offered.
    start = client.get("/").content.decode()
    assert 'href="/termine/"' in start
    assert "/aktuelles/" not in start


def test_per_city_entries_need_a_city(cities):
    names_without = {item["name"] for item in items_for(None)}
    names_with = {item["name"] for item in items_for(cities["schwerte"])}
    assert "news" not in names_without and "news" in names_with
    assert {"/schwerte/aktuelles/"} <= {item["url"] for item in items_for(cities["schwerte"])}


def test_an_entry_can_link_to_a_page_for_all_cities(cities):
    before = {item["name"]: item["url"] for item in items_for(None)}
    after = {item["name"]: item["url"] for item in items_for(cities["dortmund"])}
    assert before["map"] == "/karte/"
    assert after["map"] == "/dortmund/karte/"
