from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _

from smartcity.api import api
from smartcity.core import api_errors
from smartcity.core import views as core_views
from smartcity.operations import views as operations_views

admin.site.site_header = _("Smart City Dortmund Schwerte – Verwaltung")
admin.site.site_title = _("Smart-City-Verwaltung")
admin.site.index_title = _("Übersicht")

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", operations_views.readyz, name="readyz"),
    path("metrics", operations_views.prometheus_metrics, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("konto/", include("smartcity.accounts.urls")),
    path("konto/", include("allauth.urls")),
    path("api/v1/", api.urls),
    # The CKAN Action API (/api/3/action/, /api/action/) and DCAT catalogue, before the
    # JSON 404 for unknown /api/ paths.
    path("", include("smartcity.opendata.urls")),
    path("sta/", include("smartcity.sensors.urls")),
    re_path(r"^api/", api_errors.not_found),
    # Each capability's pages go here; core comes last because of its /<city>/ pattern.
    path("", include("smartcity.portfolio.urls")),
    path("", include("smartcity.participation.urls")),
    path("", include("smartcity.reporting.urls")),
    path("", include("smartcity.defects.urls")),
    path("", include("smartcity.bridges.urls")),
    path("", include("smartcity.schools.urls")),
    path("", include("smartcity.appointments.urls")),
    path("", include("smartcity.news.urls")),
    path("", include("smartcity.core.urls")),
]

handler404 = core_views.page_not_found

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
