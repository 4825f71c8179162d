from django.urls import path

from smartcity.defects.open311 import urls as open311
from smartcity.defects.views import backoffice, public

app_name = "defects"

urlpatterns = [
    *open311.patterns(r"^open311/v2/"),
    *open311.patterns(r"^(?P<city>[-\w]+)/open311/v2/", suffix="-city"),
    path("<slug:city>/maengel/", public.report_list, name="list"),
    path("<slug:city>/maengel/melden/", public.report_new, name="new"),
    path("<slug:city>/maengel/danke/<str:token>/", public.report_thanks, name="thanks"),
    path("<slug:city>/maengel/statistik/", public.report_statistics, name="statistics"),
    path("<slug:city>/maengel/bearbeitung/", backoffice.queue, name="queue"),
    path("<slug:city>/maengel/<int:pk>/", public.report_detail, name="detail"),
    path("<slug:city>/maengel/<int:pk>/unterstuetzen/", public.report_support, name="support"),
    path("<slug:city>/maengel/<int:pk>/bearbeiten/", backoffice.work, name="work"),
    path(
        "<slug:city>/maengel/<int:pk>/fotos/<int:photo>/",
        backoffice.review_photo,
        name="review_photo",
    ),
]
