"""Small registries through which higher capabilities plug into the platform.

A capability registers itself in its ``AppConfig.ready()``; the core never imports it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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


@dataclass(frozen=True)
class MapLayer:
    """A layer of the city map: ``features(city)`` returns GeoJSON features."""

    name: str
    label: str
    features: Callable[[Any], list[dict]]


@dataclass(frozen=True)
class Publication:
    """An open-data publication: dataset metadata and a function producing its file."""

    name: str
    metadata: dict
    produce: Callable[[Any], tuple[str, bytes]]


demo_loaders = Registry("demo loader")
personal_data = Registry("personal data provider")
map_layers = Registry("map layer")
publications = Registry("publication")
