from django.urls import path

from smartcity.appointments.views import booking, manage, staff

app_name = "appointments"

urlpatterns = [
    path("termine/", booking.index, name="index"),
    path("termine/verwaltung/", staff.offices, name="staff_offices"),
    path("termine/verwaltung/<int:office_id>/<str:day>/", staff.day_view, name="staff_day"),
    path("termine/verwaltung/<int:office_id>/<str:day>/liste.csv", staff.day_csv, name="staff_csv"),
    path("termine/reservierung/<str:token>/", booking.details, name="details"),
    path("termine/buchung/<str:code>/", manage.manage, name="manage"),
    path("termine/buchung/<str:code>/verschieben/", manage.move, name="move"),
    path("termine/buchung/<str:code>/termin.ics", manage.ics, name="ics"),
    path("termine/<slug:city>/<slug:service>/", booking.choose_office, name="office"),
    path("termine/<slug:city>/<slug:service>/zeit/", booking.choose_time, name="time"),
    path("termine/<slug:city>/<slug:service>/reservieren/", booking.hold, name="hold"),
]
