"""The full-screen map page with its filters and the accessible list beside it."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from smartcity.core.models import City, District
from smartcity.portfolio import tiles
from smartcity.portfolio.models import ActionField, Partner, ProjectKind, ProjectStatus
from smartcity.portfolio.services import mapfeatures, mapindex

LIST_PAGE_SIZE = 100
FILTER_NAMES = ("city", "layer", "action_field", "kind", "status", "district", "partner", "q")


def _choices(city):
    districts = District.objects.select_related("city")
    if city is not None:
        districts = districts.filter(city=city)
    return {
        "action_fields": ActionField.objects.all(),
        "kinds": ProjectKind.choices,
        "statuses": ProjectStatus.choices,
        "districts": districts,
        "partners": Partner.objects.only("slug", "name"),
        "cities": City.objects.all(),
        "layers": mapfeatures.ordered_layers(),
    }


def status_labels() -> dict[str, dict[str, str]]:
    """Project status labels per project layer in the page's language: the map index keeps
    the labels of the language it was built in, the page shows its own."""
    labels = {value: str(label) for value, label in ProjectStatus.choices}
    return dict.fromkeys(set(mapindex.PROJECT_LAYERS.values()), labels)


def _in_page_language(features, labels) -> list[dict]:
    shown = []
    for feature in features:
        properties = feature.get("properties") or {}
        label = labels.get(properties.get("layer"), {}).get(properties.get("status"))
        if label:
            feature = {**feature, "properties": {**properties, "status_label": label}}
        shown.append(feature)
    return shown


def default_layers() -> list:
    """The layers the map page shows when none is chosen."""
    return [layer for layer in mapfeatures.ordered_layers() if layer.visible_by_default]


def map_page(request, city=None):
    city_obj = get_object_or_404(City, slug=city) if city else None
    errors = {}
    params = request.GET.copy()
    defaults = default_layers()
    if not params.getlist("layer") or params.getlist("layer") == [""]:
        # Opt-in layers (defect reports, sensors, ideas, …) stay off until someone picks them.
        params.setlist("layer", [",".join(layer.name for layer in defaults)])
    try:
        query = mapfeatures.parse(params, city_obj)
        features = mapfeatures.features(query)
    except mapfeatures.FilterError as error:
        errors, features = error.fields, []
        query = mapfeatures.MapQuery(city=city_obj, layers=mapfeatures.ordered_layers())
    params.pop("page", None)
    # The list pages through the same items; its links keep the filters as given.
    page = Paginator(features, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    given = request.GET.copy()
    given.pop("page", None)
    page_query = given.urlencode()
    if city_obj is not None:
        params["city"] = city_obj.slug
    geojson_url = reverse("api-v1:map_features") + ("?" + params.urlencode() if params else "")
    selected = {name: request.GET.get(name, "") for name in FILTER_NAMES}
    chosen = {name: request.GET.getlist(name) for name in mapfeatures.MULTI_KEYS}
    selected_layers = set((request.GET.get("layer") or "").split(",")) - {""}
    mapped = [feature for feature in features if feature.get("geometry")]
    labels = status_labels()
    response = render(
        request,
        "portfolio/map.html",
        {
            "city": city_obj,
            "current_city": city_obj,
            "features": _in_page_language(page.object_list, labels),
            "page": page,
            "page_query": page_query,
            "feature_count": len(features),
            "mapped_count": len(mapped),
            "errors": errors,
            "selected": selected,
            "chosen": chosen,
            "selected_layers": selected_layers,
            "default_layer_labels": [layer.label for layer in defaults],
            "geojson_url": geojson_url,
            "tiles": tiles.tile_config(),
            "map_config": {
                "geojsonUrl": geojson_url,
                "tiles": tiles.tile_config(),
                "center": [city_obj.latitude, city_obj.longitude]
                if city_obj and city_obj.latitude
                else [51.48, 7.50],
                "zoom": 12 if city_obj else 11,
                "statusLabels": labels,
                "labels": {
                    "consentStored": _("Die Karte wird ab jetzt ohne Nachfrage geladen."),
                },
            },
            **_choices(city_obj),
        },
        status=400 if errors else 200,
    )
    return tiles.allow_tiles(response)
