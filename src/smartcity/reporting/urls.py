from django.urls import path

from smartcity.reporting import views

app_name = "reporting"

urlpatterns = [
    path("<slug:city>/berichte/", views.period_list, name="periods"),
    path("<slug:city>/bericht/<slug:period>/", views.report, name="report"),
    path("<slug:city>/bericht/<slug:period>/pdf/", views.report_pdf, name="report_pdf"),
    path("<slug:city>/bericht/<slug:period>/eintraege/", views.entries, name="entries"),
    path(
        "<slug:city>/bericht/<slug:period>/eintraege/<str:project>/",
        views.entry_edit,
        name="entry",
    ),
    path("<slug:city>/bericht/<slug:period>/veroeffentlichen/", views.publish, name="publish"),
    path("<slug:city>/bericht/<slug:period>/export.<str:fmt>", views.export, name="export"),
]
