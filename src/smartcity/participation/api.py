"""JSON API for comments, ratings and ideas; the same services (rules, limits) as the pages."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from ninja.security import django_auth

from smartcity.core.api_auth import TokenAuth
from smartcity.core.api_errors import error_response
from smartcity.core.models import City
from smartcity.core.pagination import Page
from smartcity.participation.models import Comment, Idea
from smartcity.participation.services import Refused
from smartcity.participation.services import comments as comment_service
from smartcity.participation.services import ideas as idea_service
from smartcity.participation.services import ratings as rating_service
from smartcity.participation.services.limits import client_address

router = Router(tags=["Beteiligung"])
WRITE_AUTH = [TokenAuth(scope="participation:write"), django_auth]


class ErrorOut(Schema):
    error: dict


class CommentOut(Schema):
    id: int
    parent: int | None
    author: str | None
    body_html: str
    is_official: bool
    is_deleted: bool
    status: str
    public_reason: str
    created_at: datetime
    edited_at: datetime | None
    replies: list["CommentOut"] = []


class CommentIn(Schema):
    body: str = Field(..., description="Text; Links, Listen, Hervorhebungen erlaubt")
    parent: int | None = None
    official: bool = False


class RatingOut(Schema):
    count: int
    average: float | None
    distribution: dict[str, int]
    ratings_enabled: bool
    own: int | None = None


class RatingIn(Schema):
    stars: int = Field(..., ge=1, le=5)


class IdeaOut(Schema):
    id: int
    city: str
    title: str
    description_html: str
    status: str
    action_field: str | None
    longitude: float | None
    latitude: float | None
    submitter_name: str
    supports: int
    public_answer: str
    project: int | None
    created_at: datetime
    url: str

    @staticmethod
    def resolve_city(obj):
        return obj.city.slug if isinstance(obj, Idea) else obj["city"]

    @staticmethod
    def resolve_action_field(obj):
        if isinstance(obj, Idea):
            return obj.action_field.slug if obj.action_field else None
        return obj["action_field"]

    @staticmethod
    def resolve_supports(obj):
        return obj.supports_count if isinstance(obj, Idea) else obj["supports"]

    @staticmethod
    def resolve_project(obj):
        return obj.project_id if isinstance(obj, Idea) else obj["project"]

    @staticmethod
    def resolve_url(obj, context):
        if isinstance(obj, Idea):
            return context["request"].build_absolute_uri(obj.get_absolute_url())
        return obj["url"]


class IdeaIn(Schema):
    city: str
    title: str
    description: str
    email: str
    consent: bool
    name: str = ""
    action_field: str | None = None
    longitude: float | None = None
    latitude: float | None = None
    website: str = Field("", description="Muss leer bleiben (Spamschutz).")


def _failure(error):
    if isinstance(error, Refused):
        return error_response(error.status, error.code, error.message)
    return error_response(
        400, "validation_error", _("Die Eingabe ist ungültig."), error.message_dict
    )


def _comment_out(comment: Comment, replies=True) -> dict:
    shown = comment.status == "published" and not comment.is_deleted
    return {
        "id": comment.pk,
        "parent": comment.parent_id,
        "author": comment.author.public_name if comment.author else None,
        "body_html": comment.body_html if shown else "",
        "is_official": comment.is_official,
        "is_deleted": comment.is_deleted,
        "status": comment.status,
        "public_reason": comment.public_reason,
        "created_at": comment.created_at,
        "edited_at": comment.edited_at,
        "replies": [_comment_out(reply, False) for reply in comment.replies.all()]
        if replies
        else [],
    }


def _idea_out(idea: Idea, request) -> dict:
    return {
        "id": idea.pk,
        "city": idea.city.slug,
        "title": idea.title,
        "description_html": idea.description_html,
        "status": idea.status,
        "action_field": idea.action_field.slug if idea.action_field else None,
        "longitude": idea.longitude,
        "latitude": idea.latitude,
        "submitter_name": idea.submitter_name,
        "supports": idea.supports_count,
        "public_answer": idea.public_answer,
        "project": idea.project_id,
        "created_at": idea.created_at,
        "url": request.build_absolute_uri(idea.get_absolute_url()),
    }


def _project(pk: int):
    from smartcity.portfolio.models import Project

    project = Project.objects.published().filter(pk=pk).prefetch_related("cities").first()
    if project is None:
        raise Http404
    return project, project.cities.all()[0] if project.cities.all() else None


def _thread(target, request):
    page = int(request.GET.get("page", 1) or 1)
    size = comment_service.PAGE_SIZE
    comments, total = comment_service.thread(target, request.user, max(page, 1))
    return {
        "count": total,
        "page": page,
        "page_size": size,
        "next": None if page * size >= total else f"?page={page + 1}",
        "previous": f"?page={page - 1}" if page > 1 else None,
        "results": [_comment_out(comment) for comment in comments],
    }


class CommentPage(Schema):
    count: int
    page: int
    page_size: int
    next: str | None
    previous: str | None
    results: list[CommentOut]


@router.get(
    "/projects/{int:project_id}/comments",
    response=CommentPage,
    summary="Kommentare zu einem Projekt (je Seite 30 Hauptkommentare mit Antworten)",
)
def project_comments(request, project_id: int, page: int = 1):
    project, _city = _project(project_id)
    return _thread(project, request)


@router.post(
    "/projects/{int:project_id}/comments",
    auth=WRITE_AUTH,
    response={
        201: CommentOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        409: ErrorOut,
        429: ErrorOut,
    },
    summary="Projekt kommentieren (bestätigte E-Mail-Adresse nötig)",
)
def project_comment(request, project_id: int, payload: CommentIn):
    project, city = _project(project_id)
    from smartcity.participation.models import ProjectParticipation

    if not ProjectParticipation.for_project(project).comments_enabled:
        return error_response(409, "comments_closed", _("Keine Kommentare mehr möglich."))
    return _post(request, project, city, payload)


def _post(request, target, city, payload: CommentIn):
    parent = Comment.objects.filter(pk=payload.parent).first() if payload.parent else None
    if payload.parent and parent is None:
        return error_response(
            400,
            "validation_error",
            _("Die Eingabe ist ungültig."),
            {"parent": [_("Unbekannter Kommentar.")]},
        )
    try:
        comment = comment_service.post(
            request.user,
            target,
            city,
            payload.body,
            parent=parent,
            official=payload.official,
            address=client_address(request),
        )
    except (Refused, ValidationError) as error:
        return _failure(error)
    return Status(201, _comment_out(comment))


def _rating(project, request) -> dict:
    from smartcity.participation.models import ProjectParticipation, Rating

    summary = rating_service.summary(project)
    own = None
    if request.user.is_authenticated:
        own = (
            Rating.objects.filter(project=project, user=request.user)
            .values_list("stars", flat=True)
            .first()
        )
    return {
        "count": summary.count,
        "average": summary.average,
        "distribution": {str(k): v for k, v in summary.distribution.items()},
        "ratings_enabled": ProjectParticipation.for_project(project).ratings_enabled,
        "own": own,
    }


@router.get(
    "/projects/{int:project_id}/rating",
    response=RatingOut,
    summary="Bewertung eines Projekts: Durchschnitt, Anzahl, Verteilung",
)
def project_rating(request, project_id: int):
    project, _city = _project(project_id)
    return _rating(project, request)


@router.put(
    "/projects/{int:project_id}/rating",
    auth=WRITE_AUTH,
    response={
        200: RatingOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        409: ErrorOut,
        429: ErrorOut,
    },
    summary="Eigene Bewertung setzen oder ändern (1–5)",
)
def rate_project(request, project_id: int, payload: RatingIn):
    project, city = _project(project_id)
    try:
        rating_service.rate(
            request.user, project, city, payload.stars, address=client_address(request)
        )
    except (Refused, ValidationError) as error:
        return _failure(error)
    return Status(200, _rating(project, request))


@router.delete(
    "/projects/{int:project_id}/rating",
    auth=WRITE_AUTH,
    response=RatingOut,
    summary="Eigene Bewertung entfernen",
)
def unrate_project(request, project_id: int):
    project, _city = _project(project_id)
    rating_service.remove(request.user, project)
    return _rating(project, request)


@router.get("/ideas/", response=list[IdeaOut], summary="Veröffentlichte Ideen")
@paginate(Page)
def ideas(request, city: str | None = None, q: str = "", status: str = ""):
    city_obj = get_object_or_404(City, slug=city) if city else None
    rows = idea_service.public_ideas(city_obj, q, status)
    # Paginated in the database; the schema reads the selected relations.
    return rows.select_related("city", "action_field")


@router.post(
    "/ideas/",
    response={201: IdeaOut, 400: ErrorOut, 429: ErrorOut},
    summary="Idee einreichen (ohne Konto; Bestätigung per E-Mail-Link)",
)
def create_idea(request, payload: IdeaIn):
    from smartcity.portfolio.models import ActionField

    city = City.objects.filter(slug=payload.city).first()
    if city is None:
        return error_response(
            400,
            "validation_error",
            _("Die Eingabe ist ungültig."),
            {"city": [_("Unbekannte Stadt.")]},
        )
    if payload.website:
        return error_response(
            400,
            "spam",
            _("Die Eingabe wurde als Spam erkannt."),
            {"website": [_("Muss leer bleiben.")]},
        )
    data = payload.dict()
    if payload.action_field:
        data["action_field"] = ActionField.objects.filter(slug=payload.action_field).first()
        if data["action_field"] is None:
            return error_response(
                400,
                "validation_error",
                _("Die Eingabe ist ungültig."),
                {"action_field": [_("Unbekanntes Handlungsfeld.")]},
            )
    try:
        idea = idea_service.submit(city, data, user=request.user, address=client_address(request))
    except (Refused, ValidationError) as error:
        return _failure(error)
    return Status(201, _idea_out(idea, request))


def _public_idea(idea_id: int) -> Idea:
    idea = get_object_or_404(Idea.objects.select_related("city", "action_field"), pk=idea_id)
    if not idea.is_public:
        raise Http404
    return idea


@router.get("/ideas/{int:idea_id}", response=IdeaOut, summary="Eine veröffentlichte Idee")
def idea(request, idea_id: int):
    return _idea_out(_public_idea(idea_id), request)


@router.get(
    "/ideas/{int:idea_id}/comments", response=CommentPage, summary="Kommentare zu einer Idee"
)
def idea_comments(request, idea_id: int, page: int = 1):
    return _thread(_public_idea(idea_id), request)


@router.post(
    "/ideas/{int:idea_id}/comments",
    auth=WRITE_AUTH,
    response={201: CommentOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 429: ErrorOut},
    summary="Idee kommentieren (bestätigte E-Mail-Adresse nötig)",
)
def idea_comment(request, idea_id: int, payload: CommentIn):
    idea = _public_idea(idea_id)
    return _post(request, idea, idea.city, payload)
