"""The moderation back office per city: comment queue, ideas, history, exports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartcity.participation import exports
from smartcity.participation.forms import IdeaDecisionForm
from smartcity.participation.models import (
    Comment,
    Idea,
    IdeaStatus,
    ModerationDecision,
    RatingFlag,
)
from smartcity.participation.services import Refused, moderation
from smartcity.participation.services import ideas as idea_service
from smartcity.participation.views.common import city_or_404, error_messages


def _city_for(request, city, permission="participation.moderate"):
    city_obj = city_or_404(city)
    if not request.user.has_perm(permission, city_obj):
        raise PermissionDenied
    return city_obj


@login_required
def queue(request, city):
    city_obj = _city_for(request, city)
    filter_by = request.GET.get("filter", "")
    return render(
        request,
        "participation/moderation_queue.html",
        {
            "city": city_obj,
            "current_city": city_obj,
            "comments": moderation.queue(city_obj, filter_by),
            "filter_by": filter_by,
            "flags": RatingFlag.objects.filter(city=city_obj, resolved=False).select_related(
                "project"
            )[:20],
        },
    )


@login_required
@require_POST
def decide(request, city):
    city_obj = _city_for(request, city)
    ids = [int(pk) for pk in request.POST.getlist("comment") if pk.isdigit()]
    selected = Comment.objects.filter(city=city_obj, pk__in=ids).select_related("author", "city")
    if not ids:
        messages.error(request, _("Bitte mindestens einen Kommentar auswählen."))
        return redirect("participation:moderation", city=city)
    try:
        days = request.POST.get("block_days", "")
        done = moderation.decide_many(
            request.user,
            selected,
            request.POST.get("action", ""),
            request.POST.get("reason", ""),
            int(days) if days.isdigit() else (None if days in ("", "none") else -1),
        )
        messages.success(request, _("%(count)d Entscheidung(en) gespeichert.") % {"count": done})
    except (Refused, ValidationError) as error:
        for message in error_messages(error):
            messages.error(request, message)
    return redirect("participation:moderation", city=city)


@login_required
@require_POST
def resolve_flag(request, city, pk):
    city_obj = _city_for(request, city)
    RatingFlag.objects.filter(pk=pk, city=city_obj).update(resolved=True)
    messages.success(request, _("Als erledigt markiert."))
    return redirect("participation:moderation", city=city)


@login_required
def history(request, city):
    city_obj = _city_for(request, city)
    decisions = ModerationDecision.objects.filter(city=city_obj).select_related(
        "moderator", "comment", "idea"
    )[:200]
    return render(
        request,
        "participation/moderation_history.html",
        {"city": city_obj, "current_city": city_obj, "decisions": decisions},
    )


@login_required
def idea_queue(request, city):
    city_obj = _city_for(request, city, "participation.manage_ideas")
    status = request.GET.get("status", IdeaStatus.RECEIVED)
    ideas = Idea.objects.filter(city=city_obj).exclude(status=IdeaStatus.UNCONFIRMED)
    if status in IdeaStatus.values:
        ideas = ideas.filter(status=status)
    return render(
        request,
        "participation/idea_queue.html",
        {
            "city": city_obj,
            "current_city": city_obj,
            "ideas": ideas.select_related("action_field")[:200],
            "status": status,
            "statuses": IdeaStatus.choices[1:],
        },
    )


@login_required
def idea_decide(request, city, pk):
    city_obj = _city_for(request, city, "participation.manage_ideas")
    idea = get_object_or_404(Idea, pk=pk, city=city_obj)
    form = IdeaDecisionForm(request.POST or None, city=city_obj)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        merged = None
        if data.get("merged_into"):
            merged = Idea.objects.filter(pk=data["merged_into"], city=city_obj).first()
        try:
            idea_service.change_status(
                request.user,
                idea,
                data["status"],
                data.get("answer") or "",
                project=data.get("project"),
                merged_into=merged,
            )
            messages.success(request, _("Der neue Stand ist gespeichert."))
            return redirect("participation:idea_queue", city=city)
        except Refused as error:
            form.add_error(None, error.message)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
    return render(
        request,
        "participation/idea_decide.html",
        {
            "city": city_obj,
            "current_city": city_obj,
            "idea": idea,
            "form": form,
            "history": idea.history.all(),
        },
    )


@login_required
def export(request, city, kind, fmt):
    city_obj = _city_for(request, city, "participation.manage_ideas")
    if fmt not in ("csv", "xlsx"):
        raise Http404
    try:
        header, data = exports.rows(city_obj, kind)
    except KeyError:
        raise Http404 from None
    if fmt == "csv":
        response = HttpResponse(exports.as_csv(header, data), content_type="text/csv")
    else:
        response = HttpResponse(
            exports.as_xlsx(header, data),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{city_obj.slug}-{kind}.{fmt}"'
    return response
