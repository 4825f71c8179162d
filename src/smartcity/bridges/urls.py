from django.urls import path

from smartcity.bridges import views

app_name = "bridges"

urlpatterns = [
    path("<slug:city>/bruecken/", views.bridge_list, name="list"),
    path("<slug:city>/bruecken/<slug:slug>/", views.bridge_detail, name="detail"),
    path("<slug:city>/bruecken/<slug:slug>/technik/", views.engineer, name="engineer"),
    path(
        "<slug:city>/bruecken/<slug:slug>/technik/auswerten/",
        views.analyse_now,
        name="analyse",
    ),
    path(
        "<slug:city>/bruecken/<slug:slug>/technik/meldungen/<int:pk>/quittieren/",
        views.acknowledge,
        name="acknowledge",
    ),
]
