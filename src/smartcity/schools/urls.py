from django.urls import path

from smartcity.schools import views, workbench

app_name = "schools"

urlpatterns = [
    path("<slug:city>/schulen/", views.school_list, name="list"),
    path("<slug:city>/schulen/<slug:school>/", views.school_page, name="school"),
    path("<slug:city>/schulen/<slug:school>/live/", views.dashboard, name="dashboard"),
    path("<slug:city>/schulen/<slug:school>/live.json", views.live_json, name="live_json"),
    path(
        "<slug:city>/schulen/<slug:school>/anzeige/<str:key>/",
        views.wall_display,
        name="wall",
    ),
    path(
        "<slug:city>/schulen/<slug:school>/anzeige/<str:key>/live.json",
        views.wall_json,
        name="wall_json",
    ),
    path("<slug:city>/schulen/<slug:school>/raum/<slug:room>/", views.room_history, name="room"),
    path("<slug:city>/werkbank/", workbench.home, name="workbench"),
    path("<slug:city>/werkbank/beitreten/", workbench.join, name="join"),
    path("<slug:city>/werkbank/anmelden/", workbench.login, name="pupil_login"),
    path("<slug:city>/werkbank/abmelden/", workbench.logout, name="pupil_logout"),
    path("<slug:city>/werkbank/passwort/", workbench.pupil_password, name="pupil_password"),
    path("<slug:city>/werkbank/export.<str:fmt>", workbench.export, name="export"),
    path("<slug:city>/werkbank/lehrkraft/", workbench.teacher, name="teacher"),
    path("<slug:city>/werkbank/aufgabe/<int:task>/", workbench.task, name="task"),
]
