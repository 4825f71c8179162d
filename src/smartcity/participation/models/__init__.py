"""Participation data: comments, ratings, ideas, moderation and notifications."""

from smartcity.participation.models.comments import (
    Comment,
    CommentStatus,
    ModerationDecision,
    Report,
    UserBlock,
)
from smartcity.participation.models.ideas import Idea, IdeaStatus, IdeaStatusChange, IdeaSupport
from smartcity.participation.models.notifications import (
    AbuseRecord,
    Notification,
    NotificationPreference,
)
from smartcity.participation.models.ratings import Rating, RatingFlag, RatingSummary
from smartcity.participation.models.settings import CityParticipation, ProjectParticipation

__all__ = [
    "AbuseRecord",
    "CityParticipation",
    "Comment",
    "CommentStatus",
    "Idea",
    "IdeaStatus",
    "IdeaStatusChange",
    "IdeaSupport",
    "ModerationDecision",
    "Notification",
    "NotificationPreference",
    "ProjectParticipation",
    "Rating",
    "RatingFlag",
    "RatingSummary",
    "Report",
    "UserBlock",
]
