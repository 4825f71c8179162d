"""The site's main navigation, filled by the capabilities.

Each capability registers its entries in its ``AppConfig.ready()``::

    navigation.register("news", NavItem("news", _("Aktuelles"), "news:posts", per_city=True))

``per_city`` entries link to the current city's page (``url_name`` takes ``city=<slug>``) and
appear once a city is chosen, or link to ``all_cities_url_name`` before; the others link to one
page for all cities.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from smartcity.core.registries import Registry


@dataclass(frozen=True)
class NavItem:
    name: str
    label: str
    url_name: str
    per_city: bool = False
    order: int = 100
    all_cities_url_name: str | None = None


navigation = Registry("navigation entry")


def items_for(city) -> list[dict]:
    """Label and URL of every entry that applies, in order; the current city's if any."""
    entries = []
    for item in sorted(navigation, key=lambda entry: (entry.order, entry.name)):
        try:
            if not item.per_city:
                url = reverse(item.url_name)
            elif city is not None:
                url = reverse(item.url_name, kwargs={"city": city.slug})
            elif item.all_cities_url_name:
                url = reverse(item.all_cities_url_name)
            else:
                continue
        except NoReverseMatch:
            continue
        entries.append({"name": item.name, "label": item.label, "url": url})
    return entries
