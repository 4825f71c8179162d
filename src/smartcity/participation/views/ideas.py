"""The idea pool: the form (no account needed), confirmation, list, detail, supports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartcity.participation.forms import CommentForm, IdeaForm, ReportForm
from smartcity.participation.models import Idea, IdeaStatus
from smartcity.participation.models.ideas import PUBLIC_STATUSES
from smartcity.participation.services import Refused
from smartcity.participation.services import comments as comment_service
from smartcity.participation.services import ideas as idea_service
from smartcity.participation.services.limits import client_address
from smartcity.participation.views.common import city_or_404, error_messages
from smartcity.participation.views.projects import _page, _post_comment
from smartcity.portfolio import tiles


def idea_list(request, city):
    city_obj = city_or_404(city)
    status = request.GET.get("status", "")
    if status not in PUBLIC_STATUSES:
        status = ""
    ideas = idea_service.public_ideas(city_obj, request.GET.get("q", ""), status)
    page = Paginator(ideas, 30).get_page(request.GET.get("seite"))
    return render(
        request,
        "participation/idea_list.html",
        {
            "city": city_obj,
            "current_city": city_obj,
            "page": page,
            "q": request.GET.get("q", ""),
            "status": status,
            "statuses": [(value, IdeaStatus(value).label) for value in PUBLIC_STATUSES],
        },
    )


def idea_new(request, city):
    city_obj = city_or_404(city)
    if request.method == "POST":
        form = IdeaForm(request.POST, request.FILES, city=city_obj)
        if form.is_valid():
            if form.is_spam():
                # Said plainly: a person who was simply very fast can send again.
                form.add_error(
                    None, _("Das ging zu schnell. Bitte senden Sie das Formular erneut.")
                )
            else:
                try:
                    idea_service.submit(
                        city_obj,
                        form.cleaned_data,
                        image=form.cleaned_data.get("image"),
                        user=request.user,
                        address=client_address(request),
                    )
                except Refused as error:
                    form.add_error(None, error.message)
                except ValidationError as error:
                    for field, problems in error.message_dict.items():
                        name = field if field in form.fields else None
                        for problem in problems:
                            form.add_error(name, problem)
                else:
                    return render(
                        request,
                        "participation/idea_sent.html",
                        {"city": city_obj, "current_city": city_obj},
                    )
    else:
        form = IdeaForm(city=city_obj)
    center = f"{city_obj.latitude},{city_obj.longitude}" if city_obj.latitude else "51.48,7.50"
    return tiles.allow_tiles(
        render(
            request,
            "participation/idea_form.html",
            {
                "city": city_obj,
                "current_city": city_obj,
                "form": form,
                # The location picker of the portfolio, with its tile consent.
                "tiles": tiles.tile_config(),
                "pick_center": center,
            },
        )
    )


def idea_confirm(request, token):
    idea = idea_service.confirm(token)
    if idea is None:
        raise Http404
    return render(request, "participation/idea_confirmed.html", {"idea": idea, "city": idea.city})


def _public_idea(city_obj, pk) -> Idea:
    idea = get_object_or_404(Idea.objects.select_related("city", "project"), pk=pk, city=city_obj)
    if not idea.is_public:
        raise Http404
    return idea


def idea_detail(request, city, pk):
    city_obj = city_or_404(city)
    idea = _public_idea(city_obj, pk)
    page = _page(request)
    comments, total = comment_service.thread(idea, request.user, page)
    user = request.user
    return render(
        request,
        "participation/idea_detail.html",
        {
            "city": city_obj,
            "current_city": city_obj,
            "idea": idea,
            "history": idea.history.all(),
            "comments": comments,
            "comment_total": total,
            "page": page,
            "has_next": page * comment_service.PAGE_SIZE < total,
            "can_contribute": user.is_authenticated
            and user.has_perm("participation.contribute", city_obj),
            "can_answer": user.is_authenticated
            and user.has_perm("participation.answer_officially", city_obj),
            "comment_form": CommentForm(),
            "report_form": ReportForm(),
            "comment_action": "participation:idea_comment",
            "target_key": idea.pk,
            "supported": user.is_authenticated and idea.supports.filter(user=user).exists(),
        },
    )


@login_required
@require_POST
def idea_comment(request, city, pk):
    city_obj = city_or_404(city)
    idea = _public_idea(city_obj, pk)
    return _post_comment(request, idea, city_obj, idea.get_absolute_url())


@login_required
@require_POST
def idea_support(request, city, pk):
    city_obj = city_or_404(city)
    idea = _public_idea(city_obj, pk)
    try:
        if idea_service.support(request.user, idea, client_address(request)):
            messages.success(request, _("Danke für Ihre Unterstützung."))
        else:
            messages.info(request, _("Sie unterstützen diese Idee bereits."))
    except (Refused, ValidationError) as error:
        for message in error_messages(error):
            messages.error(request, message)
    return redirect(idea.get_absolute_url())
