"""The admin changes bookings only through the services: cancelling frees the counter."""

from smartcity.appointments import services
from smartcity.appointments.models import Booking, SlotUse
from smartcity.appointments.tests.factories import at, make_office, make_service, next_open_day


def test_admin_cancel_action_frees_the_slot(client, cities, django_user_model):
    office = make_office(cities["dortmund"], counters=1)
    service = make_service(cities["dortmund"], [office])
    booking, _key = services.book(service, office, at(next_open_day(), 9), "E", "e@example.org")
    admin = django_user_model.objects.create_superuser("chefin", "c@example.org", "x")
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(f"/admin/appointments/booking/{booking.pk}/change/")
    assert page.status_code == 200
    response = client.post(
        "/admin/appointments/booking/",
        {"action": "cancel_selected", "_selected_action": [booking.pk]},
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert not SlotUse.objects.exists()
    # The status field itself cannot be edited in the form.
    client.post(
        f"/admin/appointments/booking/{booking.pk}/change/",
        {"name": "E", "email": "e@example.org", "status": "confirmed"},
    )
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
