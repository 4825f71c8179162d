"""Comments: write, reply, edit within a window, delete, report, official answers."""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from smartcity.participation.models import (
    CityParticipation,
    Comment,
    CommentStatus,
    Notification,
    Report,
)
from smartcity.participation.sanitise import render_text
from smartcity.participation.services import Refused, limits, notify

MAX_LENGTH = 5000
EDIT_WINDOW = timedelta(minutes=15)
PAGE_SIZE = 30


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": [_("Bitte einen Text eingeben.")]})
    if len(body) > MAX_LENGTH:
        raise ValidationError(
            {"body": [_("Der Text ist zu lang (höchstens %(max)d Zeichen).") % {"max": MAX_LENGTH}]}
        )
    return body


def require(user, permission: str, city) -> None:
    if not user.is_authenticated:
        raise Refused("not_authenticated", _("Bitte melden Sie sich an."), 401)
    if not user.has_perm(permission, city):
        if permission == "participation.contribute":
            raise Refused(
                "not_allowed",
                _(
                    "Nur Konten mit bestätigter E-Mail-Adresse, die nicht gesperrt sind, können "
                    "hier mitmachen."
                ),
            )
        raise Refused("not_allowed", _("Dafür fehlt Ihnen die Berechtigung."))


def thread(target, viewer=None, page: int = 1):
    """Top-level comments of ``target`` (one page) with their replies: a fixed number of
    queries whatever the size of the thread. Hidden comments keep their place (the page shows
    the public reason, not the text); pending ones only their author sees."""
    content_type = ContentType.objects.get_for_model(target)
    shown = Q(status__in=[CommentStatus.PUBLISHED, CommentStatus.HIDDEN])
    if viewer is not None and viewer.is_authenticated:
        shown |= Q(author=viewer)
    replies = Comment.objects.filter(shown).select_related("author").order_by("created_at", "id")
    top = (
        Comment.objects.filter(shown, content_type=content_type, object_id=target.pk, parent=None)
        .select_related("author")
        .prefetch_related(Prefetch("replies", queryset=replies))
        .order_by("created_at", "id")
    )
    total = top.count()
    start = (max(page, 1) - 1) * PAGE_SIZE
    return list(top[start : start + PAGE_SIZE]), total


@transaction.atomic
def post(
    user, target, city, body: str, parent: Comment | None = None, official=False, address=None
) -> Comment:
    require(user, "participation.contribute", city)
    if official:
        require(user, "participation.answer_officially", city)
    body = _clean_body(body)
    if parent is not None:
        if parent.parent_id is not None:
            parent = parent.parent  # one level of replies: answer the thread
        if (
            parent.object_id != target.pk
            or parent.content_type != ContentType.objects.get_for_model(target)
        ):
            raise ValidationError({"parent": [_("Die Antwort gehört zu einem anderen Beitrag.")]})
    limits.check("comment", user, address)
    settings = CityParticipation.for_city(city)
    team_member = official or user.has_perm("participation.moderate", city)
    comment = Comment.objects.create(
        city=city,
        target=target,
        parent=parent,
        author=user,
        body=body,
        body_html=render_text(body),
        is_official=official,
        status=(
            CommentStatus.PENDING
            if settings.pre_moderation and not team_member
            else CommentStatus.PUBLISHED
        ),
        # Post-moderation: public at once, but every comment is looked at afterwards.
        needs_review=(settings.pre_moderation or settings.post_moderation) and not team_member,
    )
    if parent is not None and parent.author_id and parent.author_id != user.pk:
        kind = Notification.Kind.OFFICIAL if official else Notification.Kind.REPLY
        message = (
            _("Offizielle Antwort auf Ihren Kommentar")
            if official
            else _("%(name)s hat auf Ihren Kommentar geantwortet") % {"name": user.public_name}
        )
        transaction.on_commit(
            lambda: notify.notify(parent.author, kind, message, _target_url(target))
        )
    return comment


def _target_url(target) -> str:
    try:
        return target.get_absolute_url()
    except Exception:  # a target without its own page: the inbox still lists it
        return ""


@transaction.atomic
def edit(user, comment: Comment, body: str) -> Comment:
    if comment.author_id != user.pk or comment.is_deleted:
        raise Refused("not_allowed", _("Nur eigene Kommentare können bearbeitet werden."))
    if timezone.now() - comment.created_at > EDIT_WINDOW:
        raise Refused(
            "edit_window_over", _("Kommentare können nur 15 Minuten lang bearbeitet werden.")
        )
    comment.body = _clean_body(body)
    comment.body_html = render_text(comment.body)
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "body_html", "edited_at"])
    return comment


@transaction.atomic
def delete(user, comment: Comment) -> Comment:
    """The thread keeps the place: "comment deleted", no text."""
    if comment.author_id != user.pk and not user.has_perm("participation.moderate", comment.city):
        raise Refused("not_allowed", _("Nur eigene Kommentare können gelöscht werden."))
    comment.is_deleted = True
    comment.body = ""
    comment.body_html = ""
    comment.save(update_fields=["is_deleted", "body", "body_html"])
    return comment


@transaction.atomic
def report(user, comment: Comment, reason: str, address=None) -> Report:
    require(user, "participation.report", comment.city)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Bitte einen Grund angeben.")]})
    if len(reason) > 500:
        raise ValidationError({"reason": [_("Der Grund ist zu lang (höchstens 500 Zeichen).")]})
    limits.check("report", user, address)
    try:
        with transaction.atomic():
            created = Report.objects.create(comment=comment, reporter=user, reason=reason)
    except IntegrityError:
        raise Refused(
            "already_reported", _("Sie haben diesen Kommentar schon gemeldet."), 409
        ) from None
    Comment.objects.filter(pk=comment.pk).update(report_count=F("report_count") + 1)
    comment.refresh_from_db(fields=["report_count", "status", "needs_review"])
    threshold = CityParticipation.for_city(comment.city).report_threshold
    if comment.report_count >= threshold and comment.status == CommentStatus.PUBLISHED:
        comment.status = CommentStatus.HIDDEN
        comment.needs_review = True
        comment.save(update_fields=["status", "needs_review"])
    return created
