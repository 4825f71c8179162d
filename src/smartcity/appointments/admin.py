from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from smartcity.appointments.models import Booking, Closure, Hold, Office, OpeningHours, Service


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class ClosureInline(admin.TabularInline):
    model = Closure
    extra = 0


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "counters", "slot_minutes", "is_active"]
    list_filter = ["city", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OpeningHoursInline, ClosureInline]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "duration_minutes"]
    list_filter = ["city"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["offices"]


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["code", "start", "office", "service", "counter", "status"]
    list_filter = ["status", "office"]
    date_hierarchy = "start"
    search_fields = ["code", "email", "name"]
    # Capacity changes only through services (locks and counters), never by editing rows here.
    readonly_fields = ["code", "service", "office", "start", "end", "counter", "created_at"]
    fields = readonly_fields + ["name", "email", "status", "reminded_at", "anonymised_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Hold)
class HoldAdmin(admin.ModelAdmin):
    list_display = ["office", "service", "start", "expires_at"]
    readonly_fields = ["service", "office", "start", "expires_at"]
    verbose_name = _("Reservierung")

    def has_add_permission(self, request):
        return False
