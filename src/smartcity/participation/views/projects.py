"""Comments and ratings of projects, and the comment actions shared with ideas."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartcity.participation.forms import CommentForm, ReportForm
from smartcity.participation.models import Comment, ProjectParticipation, Rating
from smartcity.participation.services import Refused
from smartcity.participation.services import comments as comment_service
from smartcity.participation.services import ratings as rating_service
from smartcity.participation.services.limits import client_address
from smartcity.participation.views.common import city_or_404, error_messages, published_project


def project_context(request, project, city, page: int = 1) -> dict:
    """Everything the participation section of a project page needs (fixed query count)."""
    switches = ProjectParticipation.for_project(project)
    user = request.user
    own = None
    if user.is_authenticated:
        own = Rating.objects.filter(user=user, project=project).values_list("stars", flat=True)
        own = next(iter(own), None)
    comments, total = comment_service.thread(project, user, page)
    summary = rating_service.summary(project)
    return {
        "project": project,
        "city": city,
        "switches": switches,
        "summary": summary,
        "distribution": [
            (stars, count, round(100 * count / summary.count) if summary.count else 0)
            for stars, count in sorted(summary.distribution.items(), reverse=True)
        ],
        "own_rating": own,
        "comments": comments,
        "comment_total": total,
        "page": page,
        "has_next": page * comment_service.PAGE_SIZE < total,
        "can_contribute": user.is_authenticated and user.has_perm("participation.contribute", city),
        "can_answer": user.is_authenticated
        and user.has_perm("participation.answer_officially", city),
        "comment_form": CommentForm(),
        "report_form": ReportForm(),
        "comment_action": "participation:project_comment",
        "target_key": project.slug,
        "star_choices": range(5, 0, -1),
    }


def _page(request) -> int:
    try:
        return max(int(request.GET.get("seite", 1)), 1)
    except ValueError:
        return 1


def project_page(request, city, key):
    city_obj = city_or_404(city)
    project = published_project(city_obj, key)
    context = project_context(request, project, city_obj, _page(request))
    template = (
        "participation/_project_participation.html"
        if request.GET.get("fragment")
        else "participation/project_page.html"
    )
    return render(request, template, {**context, "current_city": city_obj})


def _post_comment(request, target, city, back):
    form = CommentForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(back)
    parent = None
    if form.cleaned_data.get("parent"):
        parent = Comment.objects.filter(pk=form.cleaned_data["parent"]).first()
    try:
        comment = comment_service.post(
            request.user,
            target,
            city,
            form.cleaned_data["body"],
            parent=parent,
            official=form.cleaned_data.get("official", False),
            address=client_address(request),
        )
    except (Refused, ValidationError) as error:
        for message in error_messages(error):
            messages.error(request, message)
        return redirect(back)
    if comment.is_visible:
        messages.success(request, _("Ihr Kommentar ist veröffentlicht."))
    else:
        messages.info(request, _("Ihr Kommentar erscheint nach der Prüfung durch die Moderation."))
    return redirect(f"{back}#comment-{comment.pk}")


@login_required
@require_POST
def project_comment(request, city, key):
    city_obj = city_or_404(city)
    project = published_project(city_obj, key)
    back = redirect("participation:project", city=city, key=project.slug).url
    if not ProjectParticipation.for_project(project).comments_enabled:
        messages.error(request, _("Zu diesem Projekt sind keine Kommentare mehr möglich."))
        return redirect(back)
    return _post_comment(request, project, city_obj, back)


@login_required
@require_POST
def project_rate(request, city, key):
    city_obj = city_or_404(city)
    project = published_project(city_obj, key)
    back = redirect("participation:project", city=city, key=project.slug).url + "#bewertung"
    try:
        if request.POST.get("remove"):
            rating_service.remove(request.user, project)
            messages.success(request, _("Ihre Bewertung wurde entfernt."))
        else:
            rating_service.rate(
                request.user,
                project,
                city_obj,
                request.POST.get("stars"),
                address=client_address(request),
            )
            messages.success(request, _("Danke für Ihre Bewertung."))
    except (Refused, ValidationError) as error:
        for message in error_messages(error):
            messages.error(request, message)
    return redirect(back)


def _back(request, comment):
    target = request.POST.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else "/"


@login_required
@require_POST
def comment_report(request, pk):
    comment = get_object_or_404(Comment, pk=pk)
    try:
        comment_service.report(
            request.user, comment, request.POST.get("reason", ""), client_address(request)
        )
        messages.success(request, _("Danke, die Moderation sieht sich den Kommentar an."))
    except (Refused, ValidationError) as error:
        for message in error_messages(error):
            messages.error(request, message)
    return redirect(_back(request, comment))


@login_required
@require_POST
def comment_delete(request, pk):
    comment = get_object_or_404(Comment, pk=pk)
    try:
        comment_service.delete(request.user, comment)
        messages.success(request, _("Ihr Kommentar wurde gelöscht."))
    except Refused as error:
        messages.error(request, error.message)
    return redirect(_back(request, comment))


@login_required
@require_POST
def comment_edit(request, pk):
    comment = get_object_or_404(Comment, pk=pk)
    try:
        comment_service.edit(request.user, comment, request.POST.get("body", ""))
        messages.success(request, _("Ihr Kommentar wurde geändert."))
    except (Refused, ValidationError) as error:
        for message in error_messages(error):
            messages.error(request, message)
    return redirect(_back(request, comment))
