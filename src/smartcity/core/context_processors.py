from django.conf import settings

from smartcity.core.models import City
from smartcity.core.navigation import items_for


def platform(request):
    """The cities for navigation and the current city, if the URL names one."""
    match = getattr(request, "resolver_match", None)
    city_slug = match.kwargs.get("city") if match else None
    cities = list(City.objects.only("slug", "name"))
    current = next((city for city in cities if city.slug == city_slug), None)
    return {
        "cities": cities,
        "current_city": current,
        "capability_links": items_for(current),
        "DEBUG": settings.DEBUG,
    }
