from django.contrib import messages
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from smartcity.core.forms import AccessibilityFeedbackForm
from smartcity.core.models import City


def start(request):
    return render(request, "core/start.html", {"city_list": City.objects.all()})


def city_home(request, city):
    city_obj = get_object_or_404(City, slug=city)
    return render(
        request,
        "core/city_home.html",
        {"city": city_obj, "districts": city_obj.districts.all()},
    )


def imprint(request):
    return render(request, "core/imprint.html")


def privacy(request):
    return render(request, "core/privacy.html")


def easy_language(request):
    return render(request, "core/easy_language.html")


def accessibility(request):
    form = AccessibilityFeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Danke! Ihre Rückmeldung ist angekommen."))
        return redirect("core:accessibility")
    return render(
        request, "core/accessibility.html", {"form": form}, status=400 if form.errors else 200
    )


@never_cache
def healthz(request):
    """Liveness with the database's state; 503 when the database does not answer."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except Exception:  # any driver error means the database is not usable
        database = "unavailable"
    status = 200 if database == "ok" else 503
    return JsonResponse(
        {"status": "ok" if status == 200 else "error", "database": database}, status=status
    )


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)
