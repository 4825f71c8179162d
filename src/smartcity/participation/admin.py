"""Admin (German) for the city team."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from smartcity.participation.models import (
    CityParticipation,
    Comment,
    Idea,
    IdeaStatusChange,
    ModerationDecision,
    ProjectParticipation,
    RatingFlag,
    RatingSummary,
    Report,
    UserBlock,
)


@admin.register(CityParticipation)
class CityParticipationAdmin(admin.ModelAdmin):
    list_display = ["city", "pre_moderation", "post_moderation", "report_threshold"]


@admin.register(ProjectParticipation)
class ProjectParticipationAdmin(admin.ModelAdmin):
    list_display = ["project", "comments_enabled", "ratings_enabled"]
    autocomplete_fields = ["project"]


class ReportInline(admin.TabularInline):
    model = Report
    extra = 0
    readonly_fields = ["reporter", "reason", "created_at"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "city",
        "author",
        "status",
        "is_official",
        "report_count",
        "needs_review",
        "created_at",
    ]
    list_filter = ["city", "status", "needs_review", "is_official", "is_deleted"]
    search_fields = ["body"]
    readonly_fields = ["body_html", "content_type", "object_id", "report_count", "created_at"]
    inlines = [ReportInline]


class IdeaHistoryInline(admin.TabularInline):
    model = IdeaStatusChange
    extra = 0
    readonly_fields = ["from_status", "to_status", "answer", "changed_by", "changed_at"]
    verbose_name = _("Statuswechsel")
    verbose_name_plural = _("Verlauf")


@admin.register(Idea)
class IdeaAdmin(admin.ModelAdmin):
    list_display = ["title", "city", "status", "supports_count", "created_at"]
    list_filter = ["city", "status", "action_field"]
    search_fields = ["title", "description"]
    readonly_fields = [
        "description_html",
        "supports_count",
        "consent_at",
        "confirmed_at",
        "created_at",
    ]
    inlines = [IdeaHistoryInline]


@admin.register(ModerationDecision)
class ModerationDecisionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "city", "moderator", "action", "reason"]
    list_filter = ["city", "action"]


@admin.register(UserBlock)
class UserBlockAdmin(admin.ModelAdmin):
    list_display = ["user", "city", "reason", "created_at", "until"]
    list_filter = ["city"]


@admin.register(RatingFlag)
class RatingFlagAdmin(admin.ModelAdmin):
    list_display = ["project", "city", "new_accounts", "detected_at", "resolved"]
    list_filter = ["resolved", "city"]


@admin.register(RatingSummary)
class RatingSummaryAdmin(admin.ModelAdmin):
    list_display = ["project", "count", "total"]
    readonly_fields = ["count", "total", "stars_1", "stars_2", "stars_3", "stars_4", "stars_5"]
