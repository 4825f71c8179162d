"""Resource paths: ``Things(1)/Datastreams(2)/Observations``, ``…/name/$value``, ``…/$ref``."""

import re
from dataclasses import dataclass

from smartcity.sensors.models import Datastream, MultiDatastream, Observation, Thing
from smartcity.sensors.sta.entities import BY_SET, Prop
from smartcity.sensors.sta.errors import bad_request, not_found

ID_PROP = Prop("id", "id", "pk")
SEGMENT = re.compile(r"^(?P<name>[A-Za-z]+)(?:\((?P<id>[^)]*)\))?$")


@dataclass
class Resource:
    entity: object  # EntityType of the addressed entity or collection
    queryset: object = None  # for collections
    instance: object = None  # for single entities
    prop: object = None  # for X(id)/property
    value: bool = False  # …/$value
    ref: bool = False  # …/$ref
    parent: tuple | None = None  # (instance, Rel) the collection hangs from

    @property
    def is_collection(self):
        return self.instance is None


class Visibility:
    """Which Things/Datastreams a reader may see (non-public ones need a token)."""

    def __init__(self, privileged: bool):
        self.privileged = privileged
        self._hidden = None

    def hidden(self):
        if self._hidden is None:
            hidden_things = set(Thing.objects.filter(is_public=False).values_list("pk", flat=True))
            self._hidden = {
                "Things": hidden_things,
                "Datastreams": set(
                    Datastream.objects.filter(is_public=False).values_list("pk", flat=True)
                )
                | set(
                    Datastream.objects.filter(thing_id__in=hidden_things).values_list(
                        "pk", flat=True
                    )
                ),
                "MultiDatastreams": set(
                    MultiDatastream.objects.filter(is_public=False).values_list("pk", flat=True)
                )
                | set(
                    MultiDatastream.objects.filter(thing_id__in=hidden_things).values_list(
                        "pk", flat=True
                    )
                ),
            }
        return self._hidden

    def restrict(self, entity, queryset):
        if self.privileged:
            return queryset
        name = entity.set_name
        if name not in ("Things", "Datastreams", "MultiDatastreams", "Observations"):
            return queryset
        hidden = self.hidden()
        if name == "Observations":
            if hidden["Datastreams"]:
                queryset = queryset.exclude(datastream_id__in=hidden["Datastreams"])
            if hidden["MultiDatastreams"]:
                queryset = queryset.exclude(multi_datastream_id__in=hidden["MultiDatastreams"])
            return queryset
        return queryset.exclude(pk__in=hidden[name]) if hidden[name] else queryset

    def allows(self, entity, instance) -> bool:
        if self.privileged:
            return True
        hidden = self.hidden()
        if entity.set_name in hidden:
            return instance.pk not in hidden[entity.set_name]
        if isinstance(instance, Observation):
            return (
                instance.datastream_id not in hidden["Datastreams"]
                and instance.multi_datastream_id not in hidden["MultiDatastreams"]
            )
        return True


def _parse_id(raw: str, name: str) -> int:
    text = raw.strip().strip("'")
    if not text.isdigit():
        raise bad_request(f"{name}({raw}): ids are whole numbers", "@iot.id")
    return int(text)


def resolve(path: str, visibility: Visibility) -> Resource:
    segments = [segment for segment in path.split("/") if segment]
    if not segments:
        raise not_found("no resource path")
    resource = None
    index = 0
    while index < len(segments):
        segment = segments[index]
        if segment == "$value":
            if resource is None or resource.prop is None or index != len(segments) - 1:
                raise bad_request("$value must follow a property", "$value")
            resource.value = True
            break
        if segment == "$ref":
            if resource is None or resource.prop is not None or index != len(segments) - 1:
                raise bad_request("$ref must follow an entity or a collection", "$ref")
            resource.ref = True
            break
        match = SEGMENT.match(segment)
        if match is None:
            raise not_found(f"no such resource: {segment}")
        name, raw_id = match["name"], match["id"]
        resource = _step(resource, name, raw_id, visibility)
        index += 1
    return resource


def _step(resource, name, raw_id, visibility):
    if resource is None:
        entity = BY_SET.get(name)
        if entity is None:
            raise not_found(f"no entity set named {name}")
        queryset = visibility.restrict(entity, entity.model.objects.all())
        if raw_id is None:
            return Resource(entity, queryset=queryset)
        return Resource(entity, instance=_get(entity, queryset, _parse_id(raw_id, name)))
    if resource.prop is not None:
        raise not_found(f"{resource.entity.name}/{resource.prop.name} has no {name}")
    if resource.is_collection:
        raise bad_request(f"address one entity before navigating to {name}", name)
    parent = resource.instance
    rel = resource.entity.rel_map.get(name)
    if rel is None:
        prop = resource.entity.prop_map.get(name)
        if prop is None and name != "id":
            raise not_found(f"{resource.entity.name} has no property or navigation {name}")
        if raw_id is not None:
            raise not_found(f"{name} is a property, it takes no id")
        return Resource(resource.entity, instance=parent, prop=prop or ID_PROP)
    target = BY_SET[rel.target]
    related = visibility.restrict(target, target.model.objects.filter(**{rel.reverse: parent.pk}))
    if rel.many:
        if raw_id is None:
            return Resource(target, queryset=related, parent=(parent, rel))
        return Resource(target, instance=_get(target, related, _parse_id(raw_id, name)))
    if raw_id is not None:
        raise not_found(f"{name} is a single entity, it takes no id")
    fk_value = getattr(parent, f"{rel.lookup}_id", None)
    if fk_value is None:
        raise not_found(f"{resource.entity.name}({parent.pk}) has no {name}")
    return Resource(target, instance=_get(target, related, fk_value))


def _get(entity, queryset, pk):
    instance = queryset.filter(pk=pk).first()
    if instance is None:
        raise not_found(f"{entity.name}({pk}) does not exist")
    return instance
