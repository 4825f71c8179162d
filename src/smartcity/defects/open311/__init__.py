"""Open311 GeoReport v2 for the defect reporter: parsing, the spec's shapes and errors.

Nothing here decides anything about reports: creating goes through ``defects.services``,
reading through the public querysets of ``defects.models``.
"""

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# What we claim in discovery is what this package implements.
EXTENSIONS = [
    "page",
    "page_size",
    "bbox",
    "lat_long_radius",
    "updated_after",
    "updated_before",
    "q",
    "extended_attributes",
    "media_upload",
]
