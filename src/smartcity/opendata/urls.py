from django.urls import path, re_path

from smartcity.opendata import views
from smartcity.opendata.ckan import views as ckan_views
from smartcity.opendata.dcat import views as dcat_views

app_name = "opendata"

urlpatterns = [
    path("api/3/action/<str:name>", ckan_views.action_view, name="ckan_action"),
    path("api/action/<str:name>", ckan_views.action_view, name="ckan_action_unversioned"),
    re_path(r"^catalog\.(?P<fmt>ttl|rdf|jsonld)$", dcat_views.catalog, name="catalog"),
    re_path(
        r"^dataset/(?P<name>[a-z0-9_-]+)\.(?P<fmt>ttl|rdf|jsonld)$",
        dcat_views.dataset,
        name="dataset_rdf",
    ),
    path(
        "dataset/<str:name>/resource/<uuid:resource_id>/download/<str:filename>",
        views.download,
        name="download",
    ),
    path(
        "dataset/<str:name>/resource/<uuid:resource_id>", views.resource_redirect, name="resource"
    ),
    path("daten/", views.search_page, name="search"),
    path("daten/neu/", views.dataset_create, name="dataset_create"),
    path("daten/<str:name>/", views.dataset_page, name="dataset"),
    path("daten/<str:name>/bearbeiten/", views.dataset_edit, name="dataset_edit"),
    path("daten/<str:name>/distribution/", views.distribution_create, name="distribution_create"),
    path("daten/<str:name>/loeschen/", views.dataset_delete, name="dataset_delete"),
    path(
        "daten/<str:name>/distribution/<uuid:resource_id>/loeschen/",
        views.distribution_delete,
        name="distribution_delete",
    ),
    path("daten/<str:name>/aktualisieren/", views.publication_refresh, name="publication_refresh"),
    path(
        "daten/<str:name>/vorschau/<uuid:resource_id>/",
        views.preview_data,
        name="preview",
    ),
]
