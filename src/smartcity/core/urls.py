from django.urls import path

from smartcity.core import views

app_name = "core"

urlpatterns = [
    path("", views.start, name="start"),
    path("impressum/", views.imprint, name="imprint"),
    path("datenschutz/", views.privacy, name="privacy"),
    path("barrierefreiheit/", views.accessibility, name="accessibility"),
    path("leichte-sprache/", views.easy_language, name="easy_language"),
    # Included last by the project, so /<city>/ never shadows a fixed path.
    path("<slug:city>/", views.city_home, name="city"),
]
