"""Administration: bridges with their DIN 1076 inspections, channels, alerts and their log."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from smartcity.bridges.models import Alert, AlertLog, Bridge, Channel, Inspection
from smartcity.bridges.services import alerts, registry


class InspectionInline(admin.TabularInline):
    model = Inspection
    extra = 0


class ChannelInline(admin.TabularInline):
    model = Channel
    fields = ["code", "kind", "position", "sampling_rate_hz", "level", "last_seen"]
    readonly_fields = ["level", "last_seen"]
    show_change_link = True
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # channels come with their Datastream (services.registry.add_channel)


@admin.register(Bridge)
class BridgeAdmin(admin.ModelAdmin):
    list_display = ["name", "structure_number", "city", "condition_grade", "owner_department"]
    list_filter = ["city", "material", "is_public"]
    search_fields = ["name", "structure_number", "road"]
    readonly_fields = ["thing"]
    inlines = [InspectionInline, ChannelInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        registry.sync_thing(form.instance)

    def has_add_permission(self, request):
        return False  # a bridge is created with its Thing (services.registry.create_bridge)


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ["code", "bridge", "kind", "position", "level", "last_seen"]
    list_filter = ["kind", "level", "bridge"]
    readonly_fields = [
        "bridge",
        "datastream",
        "baseline",
        "level",
        "analysed_until",
        "last_seen",
        "trend_per_year",
        "damage",
        "damage_seconds",
        "rainflow_histogram",
    ]

    def has_add_permission(self, request):
        return False


class AlertLogInline(admin.TabularInline):
    model = AlertLog
    fields = ["at", "observed_at", "action", "user", "detail"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["bridge", "channel", "kind", "level", "observed_at", "acknowledged_at"]
    list_filter = ["kind", "level", "bridge"]
    readonly_fields = [
        "bridge",
        "channel",
        "kind",
        "level",
        "message",
        "observed_at",
        "created_at",
        "updated_at",
        "repeats",
        "acknowledged_at",
        "acknowledged_by",
        "resolved_at",
    ]
    inlines = [AlertLogInline]
    actions = ["acknowledge"]

    @admin.action(description=_("Ausgewählte Meldungen quittieren"))
    def acknowledge(self, request, queryset):
        for alert in queryset:
            alerts.acknowledge(alert, request.user)
        messages.success(request, _("Meldungen quittiert."))

    def has_add_permission(self, request):
        return False
