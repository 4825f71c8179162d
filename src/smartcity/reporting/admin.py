from django.contrib import admin

from smartcity.reporting.models import (
    BudgetLine,
    MilestoneStatus,
    ProjectEntry,
    ReportingPeriod,
    ReportVersion,
)


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0


class MilestoneStatusInline(admin.TabularInline):
    model = MilestoneStatus
    extra = 0
    exclude = ["milestone"]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["title", "city", "cut_off_date", "status"]
    list_filter = ["city", "status"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(ProjectEntry)
class ProjectEntryAdmin(admin.ModelAdmin):
    list_display = ["project", "period", "progress", "traffic_light", "state"]
    list_filter = ["period", "traffic_light", "state"]
    search_fields = ["project__title", "project__code"]
    autocomplete_fields = ["project"]
    readonly_fields = ["drafted_by", "approved_by", "updated_at"]
    inlines = [BudgetLineInline, MilestoneStatusInline]


@admin.register(ReportVersion)
class ReportVersionAdmin(admin.ModelAdmin):
    """Published versions are frozen: they can be looked at, not changed."""

    list_display = ["period", "number", "published_at", "published_by"]
    readonly_fields = ["period", "number", "published_at", "published_by", "figures"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
