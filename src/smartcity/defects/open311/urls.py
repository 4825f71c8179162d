from django.urls import re_path

from smartcity.defects.open311 import views

FMT = r"\.(?P<fmt>json|xml)"

# Mounted twice by defects.urls: at /open311/v2/ (jurisdiction_id names the city) and at
# /<city>/open311/v2/ (the city is in the URL).
endpoints = [
    (rf"discovery{FMT}$", views.discovery, "open311-discovery"),
    (rf"services{FMT}$", views.service_list, "open311-services"),
    (rf"services/(?P<code>[-\w]+){FMT}$", views.service_definition, "open311-service"),
    (rf"requests{FMT}$", views.requests, "open311-requests"),
    (rf"requests/(?P<pk>\d+){FMT}$", views.request_detail, "open311-request"),
    (rf"tokens/(?P<token>[-\w]+){FMT}$", views.token_lookup, "open311-token"),
]


def patterns(prefix: str, suffix: str = ""):
    found = [re_path(prefix + regex, view, name=name + suffix) for regex, view, name in endpoints]
    # Anything else below the root gets the spec's error list, not an HTML page.
    found.append(re_path(prefix + r"(?P<rest>.*?)(?:\.(?P<fmt>json|xml))?$", views.not_found))
    return found
