from smartcity.appointments import demo
from smartcity.appointments.models import Office, OpeningHours, Service


def test_demo_offices_in_both_cities_and_idempotent(cities):
    demo.load()
    counts = (Office.objects.count(), Service.objects.count(), OpeningHours.objects.count())
    demo.load()
    assert (Office.objects.count(), Service.objects.count(), OpeningHours.objects.count()) == counts
    assert set(Office.objects.values_list("city__slug", flat=True)) == {"dortmund", "schwerte"}
    ausweis = Service.objects.get(city__slug="schwerte", slug="personalausweis")
    assert ausweis.offices.get().name == "Bürgerbüro Schwerte"
