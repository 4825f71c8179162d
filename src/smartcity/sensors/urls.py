from django.urls import re_path

from smartcity.sensors.sta import views

app_name = "sensors"

urlpatterns = [
    re_path(r"^(?P<version>v1\.[01])/?$", views.dispatch, name="sta-root"),
    re_path(r"^(?P<version>v1\.[01])/(?P<path>.+)$", views.dispatch, name="sta"),
]
