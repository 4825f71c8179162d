"""A map for GeoJSON fields in the admin: the textarea stays the field, the map edits it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from smartcity.portfolio import tiles


class GeoJSONMapWidget(forms.Textarea):
    """The GeoJSON textarea with a Leaflet map (static/portfolio/geoedit.js) that shows the
    point, line or area and writes what is drawn back into the textarea. Without JavaScript,
    or by keyboard, the textarea is edited directly."""

    template_name = "portfolio/widgets/geojson_map.html"

    def __init__(self, attrs=None):
        super().__init__({"rows": 4, "cols": 60, "spellcheck": "false", **(attrs or {})})

    class Media:
        css = {"all": ["vendor/leaflet/leaflet.css", "portfolio/geoedit.css"]}
        js = ["vendor/leaflet/leaflet.js", "portfolio/tiles.js", "portfolio/geoedit.js"]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["tiles"] = tiles.tile_config()
        context["tiles_id"] = f"{context['widget']['attrs'].get('id') or name}_tiles"
        context["kind_choices"] = [
            ("point", _("Punkt")),
            ("line", _("Linie")),
            ("area", _("Fläche")),
        ]
        return context
