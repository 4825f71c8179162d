"""The GeoReport v2 endpoints. Each answers in ``.json`` or ``.xml`` as its URL says."""

import functools

from django.db import connection, transaction
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from smartcity.core.models import City
from smartcity.core.tokens import verify_token
from smartcity.defects import addresses, limits, prepared, services
from smartcity.defects.models import Report
from smartcity.defects.open311 import EXTENSIONS, SPECIFICATION, media, queries, shapes
from smartcity.defects.open311.formats import Open311Error, error, render

# Open311 field names for the messages of ``services.ReportInvalid``.
FIELD_NAMES = {"location": "lat/long", "photos": "media"}


def endpoint(view):
    """Resolve the jurisdiction and turn every ``Open311Error`` into the spec's error list."""

    @functools.wraps(view)
    def wrapper(request, fmt, city=None, **kwargs):
        try:
            return view(request, fmt, _jurisdiction(request, city), **kwargs)
        except Open311Error as problem:
            response = error(fmt, problem.status, problem.description)
            if problem.retry_after:
                response["Retry-After"] = str(problem.retry_after)
            return response

    return csrf_exempt(require_http_methods(["GET", "POST", "HEAD"])(wrapper))


def _jurisdiction(request, city_slug):
    given = request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id")
    if city_slug and given and given != city_slug:
        raise Open311Error(400, "jurisdiction_id: does not match the city in the URL")
    slug = city_slug or given
    if not slug:
        raise Open311Error(400, "jurisdiction_id: required (dortmund, schwerte, …)")
    city = city_by_slug(slug)
    if city is None:
        raise Open311Error(404, f"jurisdiction_id: unknown jurisdiction {slug!r}")
    return city


_CITY_COLUMNS = ("id", "slug", "name")


def city_by_slug(slug: str):
    """The city with only id, slug and name read (every Open311 request asks this first):
    one plain statement, no ORM compilation, prepared on PostgreSQL (``defects.prepared``);
    other fields (the boundary, possibly a large polygon, read only when a POST checks a place)
    load on first use."""
    # In the model's field order, as from_db() expects them.
    fields = [field for field in City._meta.concrete_fields if field.name in _CITY_COLUMNS]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    table = quote(City._meta.db_table)
    slug_column = quote(City._meta.get_field("slug").column)
    rows = prepared.fetchall(f"SELECT {columns} FROM {table} WHERE {slug_column} = %s", [slug])  # noqa: S608
    if not rows:
        return None
    return City.from_db(connection.alias, [field.attname for field in fields], rows[0])


def _only_get(request):
    if request.method not in ("GET", "HEAD"):
        raise Open311Error(405, "method not allowed")


def not_found(request, fmt=None, city=None, rest=""):
    return error(fmt or "json", 404, "no such Open311 endpoint")


@endpoint
def discovery(request, fmt, city):
    _only_get(request)
    root = request.build_absolute_uri(request.path.rsplit("/", 1)[0])
    changeset = "2026-11-25T00:00:00+01:00"
    return render(
        {
            "changeset": changeset,
            "contact": f"Smart City {city.name}",
            "key_service": request.build_absolute_uri("/admin/core/apitoken/"),
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": root.rstrip("/"),
                    "changeset": changeset,
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
            "extensions": EXTENSIONS,
        },
        fmt,
        "discovery",
    )


@endpoint
def service_list(request, fmt, city):
    _only_get(request)
    return render([shapes.service(row) for row in queries.service_rows(city)], fmt, "services")


@endpoint
def service_definition(request, fmt, city, code):
    _only_get(request)
    category = services.find_category(city, code)
    if category is None:
        raise Open311Error(404, f"service_code: unknown service {code!r}")
    return render(shapes.service_definition(category), fmt, "service_definition")


@endpoint
def requests(request, fmt, city):
    if request.method == "POST":
        return _create(request, fmt, city)
    query = queries.parse(city, request.GET)
    offset = (query.page - 1) * query.page_size
    absolute = request.build_absolute_uri
    writer = shapes.RequestWriter(city, absolute, query.extensions)
    data = writer.write_page(query.plan, offset, query.page_size)
    response = render(data, fmt, "service_requests")
    if len(data) == query.page_size and "service_request_id" not in request.GET:
        following = request.GET.copy()
        following["page"] = str(query.page + 1)
        following["page_size"] = str(query.page_size)
        response["Link"] = f'<{absolute(request.path)}?{following.urlencode()}>; rel="next"'
    return response


@endpoint
def request_detail(request, fmt, city, pk):
    _only_get(request)
    writer = shapes.RequestWriter(city, request.build_absolute_uri, _wants_extensions(request))
    found = writer.write(queries.base_queryset(city).filter(pk=pk))
    if not found:
        raise Open311Error(404, f"service_request_id: no request {pk}")
    return render(found, fmt, "service_requests")


@endpoint
def token_lookup(request, fmt, city, token):
    _only_get(request)
    report = Report.objects.only("pk").filter(city=city, token=token).first()
    if report is None:
        raise Open311Error(404, "token: unknown token")
    return render([{"service_request_id": report.pk, "token": token}], fmt, "service_requests")


def _wants_extensions(request) -> bool:
    return (request.GET.get("extensions") or "").lower() in ("true", "1", "yes")


def _attributes(post) -> dict:
    """``attribute[code]=v`` and, for multi-value lists, ``attribute[code][]=v`` (repeated)."""
    found = {}
    for key in post:
        if key.startswith("attribute[") and key.endswith("]"):
            inner = key[len("attribute[") : -1]
            if inner.endswith("[]") or "][" in inner:
                code = inner.split("]")[0].removesuffix("[")
                found[code] = post.getlist(key)
            else:
                values = post.getlist(key)
                found[inner] = values if len(values) > 1 else values[0]
    return found


def _create(request, fmt, city):
    post = request.POST
    try:
        limits.hit("open311_address", limits.client_address(request))
        token = verify_token(post.get("api_key"), "open311:write")
        if token is None:
            raise Open311Error(403, "api_key: missing or not valid for creating requests")
        limits.hit("open311_key", token.pk)
    except limits.Limited as limited:
        who = "this API key" if limited.scope == "open311_key" else "this network address"
        raise Open311Error(
            429,
            f"rate limit: too many requests from {who}; try again in {limited.retry_after} seconds",
            retry_after=limited.retry_after,
        ) from limited
    latitude, longitude = post.get("lat"), post.get("long")
    address_text = (post.get("address_string") or "").strip()
    address_id = post.get("address_id", "")
    if not (latitude and longitude):
        if not address_text:
            raise Open311Error(400, "lat/long or address_string: a location is required")
        matches = addresses.search_addresses(city, address_text, limit=2)
        if not matches:
            raise Open311Error(400, "address_string: address not found in the city's list")
        latitude, longitude = matches[0].latitude, matches[0].longitude
        address_text, address_id = matches[0].label, address_id or matches[0].external_id
    uploads = request.FILES.getlist("media")
    if post.get("media_url") and not uploads:
        uploads = [media.fetch(post["media_url"])]
    name = " ".join(part for part in (post.get("first_name"), post.get("last_name")) if part)
    try:
        with transaction.atomic():
            report = services.create_report(
                city,
                category=post.get("service_code", ""),
                latitude=latitude,
                longitude=longitude,
                description=post.get("description", ""),
                email=(post.get("email") or "").strip(),
                name=name,
                phone=post.get("phone", ""),
                attributes=_attributes(post),
                address=address_text,
                address_id=address_id,
                photos=uploads,
                source=Report.Source.OPEN311,
                base_url=request.build_absolute_uri("/").rstrip("/"),
            )
    except services.ReportInvalid as invalid:
        field, messages = next(iter(invalid.errors.items()))
        code = post.get("service_code")
        if field == "service_code" and code and services.find_category(city, code) is None:
            raise Open311Error(404, f"service_code: unknown service {code!r}") from invalid
        details = "; ".join(
            f"{FIELD_NAMES.get(name, name)}: {' '.join(texts)}"
            for name, texts in invalid.errors.items()
        )
        raise Open311Error(400, details) from invalid
    return render(
        [
            {
                "service_request_id": report.pk,
                "service_notice": "",
                "account_id": None,
            }
        ],
        fmt,
        "service_requests",
        status=201,
    )
