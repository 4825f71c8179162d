import ipaddress

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from smartcity.core import tokens
from smartcity.core.api_errors import error_response
from smartcity.operations import metrics
from smartcity.operations.readiness import readiness


@never_cache
def readyz(request):
    ready, checks = readiness()
    return JsonResponse(
        {"status": "ok" if ready else "error", **checks}, status=200 if ready else 503
    )


def _metrics_allowed(request) -> bool:
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer ") and tokens.verify_token(header[7:].strip(), "admin"):
        return True
    try:
        client = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(client in network for network in settings.SMARTCITY_METRICS_ALLOWED_NETWORKS)


@never_cache
def prometheus_metrics(request):
    if not _metrics_allowed(request):
        return error_response(
            401, "not_authenticated", "Token with scope admin or allowed network required."
        )
    return HttpResponse(metrics.render(), content_type="text/plain; version=0.0.4; charset=utf-8")
