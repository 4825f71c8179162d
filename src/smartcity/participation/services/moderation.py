"""Moderators' decisions on comments, with history, notifications and blocks."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartcity.participation.models import (
    Comment,
    CommentStatus,
    ModerationDecision,
    Notification,
    UserBlock,
)
from smartcity.participation.services import Refused, notify

Action = ModerationDecision.Action


def queue(city, filter_by: str = ""):
    """Comments waiting for a decision in ``city``: reported, pre-moderated or all."""
    comments = Comment.objects.filter(city=city, needs_review=True).select_related("author")
    if filter_by == "reported":
        comments = comments.filter(report_count__gt=0)
    elif filter_by == "pending":
        comments = comments.filter(status=CommentStatus.PENDING)
    return comments.prefetch_related("reports").order_by("created_at")


# How long a block lasts, in days, as the moderation form offers it (None: no end).
BLOCK_DAYS = (7, 30, 90, None)


def _block(moderator, comment: Comment, reason: str, days: int | None) -> None:
    """Block the author in the comment's city; a new block replaces a running one."""
    until = timezone.now() + timedelta(days=days) if days else None
    UserBlock.objects.update_or_create(
        city=comment.city,
        user=comment.author,
        defaults={"reason": reason, "created_by": moderator, "until": until},
    )


def decide(
    moderator, comment: Comment, action: str, reason: str = "", block_days: int | None = None
) -> ModerationDecision:
    """Approve, hide or hide and block (for ``block_days`` days, ``None``: without end)."""
    if not moderator.has_perm("participation.moderate", comment.city):
        raise Refused("not_allowed", _("Dafür fehlt Ihnen die Berechtigung."))
    reason = (reason or "").strip()[:500]
    if action in (Action.HIDE, Action.BLOCK) and not reason:
        raise ValidationError({"reason": [_("Bitte eine öffentliche Begründung angeben.")]})
    if action not in (Action.APPROVE, Action.HIDE, Action.BLOCK):
        raise ValidationError({"action": [_("Unbekannte Entscheidung.")]})
    if block_days not in BLOCK_DAYS:
        raise ValidationError({"block_days": [_("Unbekannte Dauer der Sperre.")]})
    with transaction.atomic():
        if action == Action.APPROVE:
            comment.status = CommentStatus.PUBLISHED
            comment.public_reason = ""
        else:
            comment.status = CommentStatus.HIDDEN
            comment.public_reason = reason
        comment.needs_review = False
        comment.save(update_fields=["status", "public_reason", "needs_review"])
        if action == Action.BLOCK and comment.author_id:
            _block(moderator, comment, reason, block_days)
        decision = ModerationDecision.objects.create(
            city=comment.city, comment=comment, moderator=moderator, action=action, reason=reason
        )
        author = comment.author
        message = _("Moderation: Ihr Kommentar wurde %(what)s.") % {
            "what": decision.get_action_display()
        }
        transaction.on_commit(lambda: notify.notify(author, Notification.Kind.MODERATION, message))
    return decision


def decide_many(
    moderator, comments, action: str, reason: str = "", block_days: int | None = None
) -> int:
    done = 0
    for comment in comments:
        decide(moderator, comment, action, reason, block_days)
        done += 1
    return done
