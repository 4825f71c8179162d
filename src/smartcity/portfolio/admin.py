from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from smartcity.portfolio import models
from smartcity.portfolio.services.history import record_change


class ActionFieldInline(admin.TabularInline):
    model = models.ActionField
    fields = ["order", "name", "slug", "colour", "icon"]
    extra = 0


@admin.register(models.Strategy)
class StrategyAdmin(admin.ModelAdmin):
    list_display = ["name", "adopted_on"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ActionFieldInline]


@admin.register(models.ActionField)
class ActionFieldAdmin(admin.ModelAdmin):
    list_display = ["order", "name", "strategy", "colour"]
    list_display_links = ["name"]
    list_filter = ["strategy"]
    prepopulated_fields = {"slug": ["name"]}


class MilestoneInline(admin.TabularInline):
    model = models.Milestone
    fields = ["order", "title", "planned_date", "actual_date"]
    extra = 0


class IndicatorInline(admin.TabularInline):
    model = models.Indicator
    fields = ["order", "name", "unit", "baseline", "target", "target_date"]
    extra = 0
    show_change_link = True


class PartnerRoleInline(admin.TabularInline):
    model = models.ProjectPartner
    autocomplete_fields = ["partner"]
    extra = 0


class ImageInline(admin.TabularInline):
    model = models.ProjectImage
    fields = ["order", "image", "alt_text", "credit", "licence"]
    extra = 0


class LinkInline(admin.TabularInline):
    model = models.ProjectLink
    fields = ["order", "title", "url"]
    extra = 0


class ChangeInline(admin.TabularInline):
    model = models.ProjectChange
    fields = ["at", "user", "summary", "fields"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(models.Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "kind", "status", "review", "district", "is_demo"]
    list_display_links = ["code", "title"]
    list_filter = ["review", "kind", "status", "cities", "action_fields", "is_demo"]
    search_fields = ["code", "title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["cities", "action_fields", "tags"]
    readonly_fields = ["district", "submitted_by", "created_at", "updated_at"]
    inlines = [
        PartnerRoleInline,
        MilestoneInline,
        IndicatorInline,
        ImageInline,
        LinkInline,
        ChangeInline,
    ]
    actions = ["export_csv", "export_xlsx", "export_geojson"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        summary = _("geändert in der Verwaltung") if change else _("angelegt in der Verwaltung")
        record_change(obj, request.user, str(summary), form.changed_data)

    @admin.action(description=_("Auswahl als CSV exportieren"))
    def export_csv(self, request, queryset):
        from smartcity.portfolio.exchange import download

        return download("projects", "csv", queryset)

    @admin.action(description=_("Auswahl als Excel-Datei exportieren"))
    def export_xlsx(self, request, queryset):
        from smartcity.portfolio.exchange import download

        return download("projects", "xlsx", queryset)

    @admin.action(description=_("Auswahl als GeoJSON exportieren"))
    def export_geojson(self, request, queryset):
        from smartcity.portfolio.exchange import download

        return download("projects", "geojson", queryset)


class IndicatorValueInline(admin.TabularInline):
    model = models.IndicatorValue
    extra = 0


@admin.register(models.Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "project", "unit", "target"]
    search_fields = ["name", "project__title"]
    inlines = [IndicatorValueInline]


@admin.register(models.Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "member_since", "founding_member", "is_demo"]
    list_filter = ["kind", "founding_member", "cities"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(models.ExpertTeam)
class ExpertTeamAdmin(admin.ModelAdmin):
    list_display = ["name", "topic", "action_field"]
    search_fields = ["name", "topic"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["members", "projects"]


@admin.register(models.Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "city", "district", "is_demo"]
    list_filter = ["kind", "city"]
    search_fields = ["name", "address"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["district"]


@admin.register(models.Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
