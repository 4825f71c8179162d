"""The portal's pages: search with facets, dataset page with previews, editor forms, downloads."""

from __future__ import annotations

from math import ceil
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from smartcity.core.registries import publications
from smartcity.core.tasks import enqueue
from smartcity.opendata import preview, search, services, uploads, vocab
from smartcity.opendata.forms import DatasetForm, DistributionForm
from smartcity.opendata.models import Dataset, Distribution

PAGE_SIZE = 20
INLINE_FORMATS = {"CSV", "JSON", "GEOJSON", "TXT", "PDF", "PNG", "JPEG"}
FACET_LABELS = {
    "organization": _("Organisation"),
    "groups": _("Kategorie"),
    "tags": _("Schlagwort"),
    "res_format": _("Format"),
    "license_id": _("Lizenz"),
    "city": _("Stadt"),
}
SORTS = {
    "relevanz": [("score", True), ("metadata_modified", True)],
    "name": [("title", False)],
    "aenderung": [("metadata_modified", True)],
}


def search_page(request):
    filters = []
    chosen = {}
    for name in search.FACET_FIELDS:
        values = [value for value in request.GET.getlist(name) if value]
        if values:
            chosen[name] = values
            filters.extend(search.Term(name, (value,)) for value in values)
    sort_key = request.GET.get("sort", "relevanz")
    sort_key = sort_key if sort_key in SORTS else "relevanz"
    try:
        page = max(1, int(request.GET.get("seite", "1")))
    except ValueError:
        page = 1
    query = search.SearchQuery(
        q=request.GET.get("q", "").strip()[:200],
        filters=filters,
        sort=SORTS[sort_key],
        start=(page - 1) * PAGE_SIZE,
        rows=PAGE_SIZE,
        facet_fields=search.FACET_FIELDS,
        facet_limit=15,
    )
    result = search.search(query)
    facets = []
    for name, items in result.facets.items():
        entries = []
        for item in items:
            active = item.name in chosen.get(name, [])
            entries.append(
                {
                    "item": item,
                    "active": active,
                    "url": _toggle_url(request, name, item.name, active),
                }
            )
        facets.append({"name": name, "label": FACET_LABELS[name], "entries": entries})
    pages = max(1, ceil(result.count / PAGE_SIZE))
    base_query = request.GET.copy()
    base_query.pop("seite", None)
    return render(
        request,
        "opendata/search.html",
        {
            "result": result,
            "query": query,
            "facets": facets,
            "sort_key": sort_key,
            "page": page,
            "pages": pages,
            "base_query": base_query.urlencode(),
            "can_edit": request.user.is_authenticated and request.user.has_perm("opendata.edit"),
        },
    )


def _toggle_url(request, name: str, value: str, active: bool) -> str:
    params = request.GET.copy()
    params.pop("seite", None)
    values = [item for item in params.getlist(name) if item != value]
    if not active:
        values.append(value)
    params.setlist(name, values)
    return "?" + params.urlencode()


def _dataset_or_404(name: str, user) -> Dataset:
    dataset = get_object_or_404(
        Dataset.objects.select_related("organization", "city").prefetch_related(
            "tags", "groups", "distributions"
        ),
        name=name,
    )
    visible = dataset.state == Dataset.State.ACTIVE and not dataset.private
    if not visible and not (user.is_authenticated and user.has_perm("opendata.edit", dataset)):
        raise Http404
    return dataset


def dataset_page(request, name: str):
    dataset = _dataset_or_404(name, request.user)
    distributions = []
    for distribution in dataset.distributions.all():
        distributions.append(
            {
                "object": distribution,
                "file_type": vocab.FILE_TYPES.get(distribution.format),
                "licence": vocab.LICENCES.get(distribution.effective_license_id),
                "href": distribution.download_path() or distribution.url,
                "preview": preview.kind_of(distribution),
                "preview_url": reverse(
                    "opendata:preview",
                    kwargs={"name": dataset.name, "resource_id": distribution.id},
                ),
            }
        )
    api_url = request.build_absolute_uri(
        reverse("opendata:ckan_action", kwargs={"name": "package_show"})
        + "?"
        + urlencode({"id": dataset.name})
    )
    return render(
        request,
        "opendata/dataset.html",
        {
            "dataset": dataset,
            "distributions": distributions,
            "licence": dataset.licence,
            "frequency": vocab.FREQUENCIES.get(dataset.frequency, dataset.frequency),
            "language": vocab.LANGUAGES.get(dataset.language, dataset.language),
            "level": vocab.GEOCODING_LEVELS.get(dataset.political_geocoding_level, ""),
            "api_url": api_url,
            "rdf_url": request.build_absolute_uri(
                reverse("opendata:dataset_rdf", kwargs={"name": dataset.name, "fmt": "ttl"})
            ),
            "can_edit": request.user.is_authenticated
            and request.user.has_perm("opendata.edit", dataset),
            "is_publication": bool(dataset.publication),
        },
    )


def preview_data(request, name: str, resource_id):
    dataset = _dataset_or_404(name, request.user)
    distribution = get_object_or_404(Distribution, pk=resource_id, dataset=dataset)
    kind = preview.kind_of(distribution)
    try:
        if kind == "table":
            try:
                page = int(request.GET.get("page", "1"))
            except ValueError:
                page = 1
            data = preview.table_preview(distribution, page)
        elif kind == "map":
            data = preview.geojson_preview(distribution)
        else:
            return JsonResponse(
                {"error": {"code": "no_preview", "message": _("Keine Vorschau."), "fields": {}}},
                status=404,
            )
    except preview.PreviewUnavailable as error:
        message = _("Die Datei lässt sich nicht lesen: %(error)s") % {"error": error}
        return JsonResponse(
            {"error": {"code": "unreadable", "message": message, "fields": {}}}, status=422
        )
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


def download(request, name: str, resource_id, filename: str):
    dataset = _dataset_or_404(name, request.user)
    distribution = get_object_or_404(Distribution, pk=resource_id, dataset=dataset)
    if not distribution.file:
        raise Http404
    # Only formats a browser cannot run as a page are shown inline; HTML, XML and the rest
    # are downloaded, and the sandbox keeps any script in an uploaded file inert.
    inline = distribution.format in INLINE_FORMATS
    response = FileResponse(
        distribution.file.open("rb"),
        content_type=distribution.media_type if inline else "application/octet-stream",
        as_attachment=not inline,
        filename=filename,
    )
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    response["Access-Control-Allow-Origin"] = "*"
    if distribution.checksum:
        response["ETag"] = f'"{distribution.checksum}"'
    return response


def resource_redirect(request, name: str, resource_id):
    dataset = _dataset_or_404(name, request.user)
    distribution = get_object_or_404(Distribution, pk=resource_id, dataset=dataset)
    return HttpResponseRedirect(distribution.download_path() or distribution.url)


@login_required
def dataset_create(request):
    if not request.user.has_perm("opendata.edit"):
        raise PermissionDenied
    form = DatasetForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        dataset = _save_form(form)
        if dataset is not None:
            messages.success(request, _("Der Datensatz wurde angelegt."))
            return redirect(dataset)
    return render(request, "opendata/dataset_form.html", {"form": form, "dataset": None})


@login_required
def dataset_edit(request, name: str):
    dataset = get_object_or_404(Dataset, name=name)
    if not request.user.has_perm("opendata.edit", dataset):
        raise PermissionDenied
    form = DatasetForm(request.POST or None, instance=dataset, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = _save_form(form)
        if saved is not None:
            messages.success(request, _("Die Änderungen sind gespeichert."))
            return redirect(saved)
    return render(request, "opendata/dataset_form.html", {"form": form, "dataset": dataset})


def _save_form(form):
    try:
        return form.save()
    except ValidationError as error:
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
        return None


@login_required
@csrf_exempt  # the CSRF check would read the body before our size limit is installed
def distribution_create(request, name: str):
    dataset = get_object_or_404(Dataset, name=name)
    if not request.user.has_perm("opendata.edit", dataset):
        raise PermissionDenied
    if request.method == "POST" and uploads.declared_too_large(request):
        # Refused before reading a byte; nothing is changed, so no CSRF check is needed.
        return _distribution_form(request, dataset, too_large=True)
    handler = None
    if request.method == "POST":
        handler = uploads.install_limit(request)
        request.POST  # noqa: B018 - parse now, under the limit, before the CSRF check
        if handler.exceeded:
            # The rest of the body (maybe the CSRF token) was never read; nothing changes.
            return _distribution_form(request, dataset, too_large=True)
    return _distribution_create(request, dataset, handler)


@csrf_protect
def _distribution_create(request, dataset, handler):
    if request.method != "POST":
        return _distribution_form(request, dataset)
    form = DistributionForm(request.POST, request.FILES)
    if handler.exceeded:
        return _distribution_form(request, dataset, too_large=True)
    if form.is_valid():
        data = form.cleaned_data
        fields = {key: data[key] for key in ("name", "description", "license_id") if data[key]}
        if data["format"]:
            fields["format"] = data["format"]
        if not data["upload"]:
            fields["url"] = data["url"]
        try:
            services.save_distribution(dataset, fields, upload=data["upload"])
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, _("Die Distribution wurde hinzugefügt."))
            return redirect(dataset)
    return _distribution_form(request, dataset, form=form)


def _distribution_form(request, dataset, form=None, too_large=False):
    if too_large:
        form = DistributionForm(data={}, files={})
        form.is_valid()
        form.errors.clear()
        form.add_error("upload", str(uploads.UploadTooLarge(uploads.max_upload_bytes())))
    return render(
        request,
        "opendata/distribution_form.html",
        {"form": form or DistributionForm(), "dataset": dataset},
        status=413 if too_large else 200,
    )


@login_required
@require_POST
def publication_refresh(request, name: str):
    dataset = get_object_or_404(Dataset, name=name)
    if not request.user.has_perm("opendata.edit", dataset):
        raise PermissionDenied
    names = [
        publication.name
        for publication in publications
        if publication.metadata.get("dataset", publication.name) == dataset.publication
    ]
    for publication_name in names:
        enqueue("smartcity.opendata.publishing.refresh", publication_name)
    messages.success(request, _("Die Aktualisierung wurde in Auftrag gegeben."))
    return redirect(dataset)


@login_required
@require_POST
def dataset_delete(request, name: str):
    """CKAN semantics: the dataset stays in state "deleted", so harvesters learn of it."""
    dataset = get_object_or_404(Dataset, name=name)
    if not request.user.has_perm("opendata.edit", dataset):
        raise PermissionDenied
    services.delete_dataset(dataset)
    messages.success(request, _("Der Datensatz wurde gelöscht."))
    return redirect("opendata:search")


@login_required
@require_POST
def distribution_delete(request, name: str, resource_id):
    dataset = get_object_or_404(Dataset, name=name)
    if not request.user.has_perm("opendata.edit", dataset):
        raise PermissionDenied
    services.delete_distribution(get_object_or_404(Distribution, pk=resource_id, dataset=dataset))
    messages.success(request, _("Die Distribution wurde entfernt."))
    return redirect(dataset)
