"""Small registries through which higher capabilities plug into the platform.

A capability registers itself in its ``AppConfig.ready()``; the core never imports it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any


class Registry:
    """An ordered name → entry mapping that refuses duplicate names."""

    def __init__(self, kind: str):
        self.kind = kind
        self._entries: dict[str, Any] = {}

    def register(self, name: str, entry: Any) -> Any:
        if name in self._entries and self._entries[name] is not entry:
            raise ValueError(f"{self.kind} {name!r} is registered twice")
        self._entries[name] = entry
        return entry

    def __iter__(self):
        return iter(self._entries.values())

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, name: str) -> bool:
        return name in self._entries

    def __getitem__(self, name: str) -> Any:
        return self._entries[name]

    def names(self) -> list[str]:
        return list(self._entries)


@dataclass(frozen=True)
class DemoLoader:
    """Adds one capability's demo content; must be idempotent."""

    name: str
    load: Callable[[], None]
    order: int = 100


@dataclass(frozen=True)
class PersonalData:
    """How a capability exports and erases what it keeps about a user (DSGVO Art. 15/17).

    ``export(user)`` returns JSON-serialisable data; ``erase(user)`` deletes or anonymises it
    and runs before the account itself is deleted.
    """

    name: str
    export: Callable[[Any], Any]
    erase: Callable[[Any], None]


MAP_FILTER_KEYS = frozenset({"action_field", "kind", "status", "district", "partner", "q", "bbox"})


@dataclass(frozen=True)
class MapFilters:
    """The validated filters of one map request; ``None``/empty means "not filtered".

    ``bbox`` is ``(min_lon, min_lat, max_lon, max_lat)``; ``q`` is the raw search text;
    the other values are slugs or codes. ``active()`` names the filters that are set.
    """

    action_field: str | None = None
    kind: str | None = None
    status: str | None = None
    district: str | None = None
    partner: str | None = None
    q: str | None = None
    bbox: tuple[float, float, float, float] | None = None
    # Several values for one filter (alternatives: an item matches any of them), as
    # ``(("status", ("planned", "pilot")), …)``; the single field above holds the first.
    # Only layers with ``MapLayer.multi_value`` see them (read with ``any_of``); the map
    # calls other layers once per combination of single values (see ``combinations``).
    choices: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def active(self) -> set[str]:
        return {key for key in MAP_FILTER_KEYS if getattr(self, key)}

    def any_of(self, key: str) -> tuple[str, ...]:
        """The values asked for ``key`` (empty: not filtered)."""
        for name, values in self.choices:
            if name == key:
                return values
        value = getattr(self, key)
        return (value,) if value else ()

    def combinations(self) -> list[MapFilters]:
        """The same filters as single-valued ones, one per combination of the choices."""
        result = [replace(self, choices=())]
        for name, values in self.choices:
            result = [replace(single, **{name: value}) for single in result for value in values]
        return result

    def bbox_contains(self, longitude: float, latitude: float) -> bool:
        if self.bbox is None:
            return True
        min_lon, min_lat, max_lon, max_lat = self.bbox
        return min_lon <= longitude <= max_lon and min_lat <= latitude <= max_lat


@dataclass(frozen=True)
class MapLayer:
    """A layer of the city map (and of ``GET /api/v1/map/features.geojson``).

    ``features(city, filters)`` gets a ``City`` (or ``None`` for all cities) and a
    :class:`MapFilters` and returns an iterable of GeoJSON Features, each either a dict or
    already-serialised JSON ``bytes`` (fast path for large layers). Each Feature's
    ``properties`` carry at least ``id``, ``layer`` (this layer's name), ``title`` and
    ``url``; ``status`` and ``action_field`` where the layer has them. A Feature may have
    ``"geometry": null`` (city-wide items: listed, no marker).

    ``statuses`` lists the status codes the layer knows (``?status=`` accepts any layer's).
    ``filters`` names the keys of :data:`MAP_FILTER_KEYS` the layer applies; when a request
    sets a filter the layer does not apply, the map leaves the whole layer out (its items
    cannot match). The map calls ``features`` once per request: keep its query count fixed.
    """

    name: str
    label: str
    features: Callable[[Any, MapFilters], Iterable[dict | bytes]]
    filters: frozenset[str] = frozenset({"q", "bbox"})
    order: int = 100
    visible_by_default: bool = True
    colour: str = "#00568f"
    # Status codes this layer's items can have, so ``?status=`` accepts them.
    statuses: frozenset[str] = frozenset()
    # Optional fast path for large layers: the same Features already serialised and joined
    # with commas (``b""`` for none), or a list of such pieces (joined with commas by the
    # endpoint, saving a copy); the GeoJSON endpoint prefers it to ``features``.
    features_json: Callable[[Any, MapFilters], bytes | list[bytes]] | None = None
    # True when ``features``/``features_json`` read several values per filter with
    # ``MapFilters.any_of``; otherwise the map calls them once per single-valued combination.
    multi_value: bool = False

    def applies_to(self, filters: MapFilters) -> bool:
        return filters.active() <= set(self.filters)


@dataclass(frozen=True)
class Publication:
    """An open-data publication: dataset metadata and a function producing its file."""

    name: str
    metadata: dict
    produce: Callable[[Any], tuple[str, bytes]]


@dataclass(frozen=True)
class PageSection:
    """A section one capability adds to another's page (participation on a project page).

    ``page`` names the page (e.g. ``"portfolio.project"``); ``render(request, obj, city)``
    returns safe HTML, or an empty string when it has nothing to show.
    """

    name: str
    page: str
    render: Callable[[Any, Any, Any], str]
    order: int = 100


@dataclass(frozen=True)
class Simulator:
    """A data simulator behind ``smartcity simulate <name>`` (bridges, schools, …).

    ``add_arguments(parser)`` adds its own options; ``run(options, stdout)`` sends data
    through the platform's own interfaces and returns when done (or runs until stopped).
    """

    name: str
    help: str
    add_arguments: Callable[[Any], None]
    run: Callable[[dict, Any], None]


def render_sections(page: str, request, obj, city) -> list[str]:
    """The HTML of every section registered for ``page``, in order."""
    entries = sorted(
        (entry for entry in page_sections if entry.page == page),
        key=lambda entry: (entry.order, entry.name),
    )
    return [html for entry in entries if (html := entry.render(request, obj, city))]


demo_loaders = Registry("demo loader")
page_sections = Registry("page section")
personal_data = Registry("personal data provider")
map_layers = Registry("map layer")
publications = Registry("publication")
simulators = Registry("simulator")
