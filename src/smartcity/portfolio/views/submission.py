"""Partners submit projects; editors review them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from smartcity.core.models import City
from smartcity.portfolio import geo, tiles
from smartcity.portfolio.forms import (
    LOCATION_KINDS,
    MAX_IMAGES,
    ReviewForm,
    SubmissionForm,
    submit_cities,
)
from smartcity.portfolio.models import Project, Review
from smartcity.portfolio.services import review as review_service
from smartcity.portfolio.views.pages import can_edit


def _review_cities(user):
    return [city for city in City.objects.all() if user.has_perm("accounts.edit_content", city)]


@login_required
def my_submissions(request):
    return render(
        request,
        "portfolio/submissions.html",
        {
            "projects": Project.objects.filter(submitted_by=request.user),
            "may_submit": submit_cities(request.user).exists(),
            "may_review": bool(_review_cities(request.user)),
        },
    )


def _form_page(request, form, project=None):
    return tiles.allow_tiles(
        render(
            request,
            "portfolio/submission_form.html",
            {
                "form": form,
                "project": project,
                "tiles": tiles.tile_config(),
                "max_images": MAX_IMAGES,
            },
            status=400 if form.errors else 200,
        )
    )


@login_required
def submit(request):
    if not submit_cities(request.user).exists():
        raise PermissionDenied
    form = SubmissionForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        review_service.save_submission(form, request.user)
        messages.success(request, _("Danke! Ihr Projekt wartet jetzt auf die Prüfung."))
        return redirect("portfolio:submissions")
    return _form_page(request, form)


@login_required
def edit(request, pk):
    project = get_object_or_404(Project, pk=pk, submitted_by=request.user)
    if project.review not in (Review.CHANGES_REQUESTED, Review.SUBMITTED):
        raise PermissionDenied
    form = SubmissionForm(
        request.POST or None, request.FILES or None, instance=project, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        review_service.save_submission(form, request.user)
        messages.success(request, _("Ihre Änderungen wurden erneut zur Prüfung gegeben."))
        return redirect("portfolio:submissions")
    return _form_page(request, form, project)


@login_required
def review_queue(request):
    cities = _review_cities(request.user)
    if not cities:
        raise PermissionDenied
    projects = (
        Project.objects.filter(
            review__in=(Review.SUBMITTED, Review.CHANGES_REQUESTED), cities__in=cities
        )
        .distinct()
        .select_related("submitted_by")
        .order_by("created_at")
    )
    projects = projects.annotate(image_count=Count("images"))
    return render(request, "portfolio/review_queue.html", {"projects": projects})


@login_required
def review(request, pk):
    project = get_object_or_404(Project.objects.prefetch_related("cities"), pk=pk)
    if not can_edit(request.user, project):
        raise PermissionDenied
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review_service.decide(
                project, request.user, form.cleaned_data["decision"], form.cleaned_data["note"]
            )
        except review_service.ReviewError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Die Entscheidung wurde gespeichert."))
            return redirect("portfolio:review_queue")
    location = project.location
    response = render(
        request,
        "portfolio/review.html",
        {
            "project": project,
            "form": form,
            "partner_roles": project.partner_roles.select_related("partner"),
            "images": project.images.all(),
            "location_kind": dict(LOCATION_KINDS)[geo.kind_of(location)],
            "location_text": geo.location_text(location) if location else "",
            "tiles": tiles.tile_config(),
            "map_config": {"tiles": tiles.tile_config(), "geometry": location}
            if location
            else None,
        },
        status=400 if form.errors else 200,
    )
    return tiles.allow_tiles(response)
