from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from smartcity.appointments import services
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
    # Capacity changes only through services (locks and counters), never by editing rows
    # here: the status is changed with the actions below.
    readonly_fields = [
        "code", "service", "office", "start", "end", "counter", "status", "created_at",
        "reminded_at", "anonymised_at",
    ]  # fmt: skip
    fields = readonly_fields + ["name", "email"]
    actions = ["cancel_selected", "mark_attended", "mark_missed"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # cancel instead: that frees the counters

    def _each(self, request, queryset, change, done_message):
        done = 0
        for booking in queryset:
            try:
                change(booking)
                done += 1
            except services.BookingError as error:
                self.message_user(request, f"{booking.code}: {error.message}", messages.ERROR)
        self.message_user(request, done_message % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("Ausgewählte Termine stornieren"))
    def cancel_selected(self, request, queryset):
        self._each(request, queryset, services.cancel_by_staff, _("%(count)s Termine storniert."))

    @admin.action(description=_("Als erschienen markieren"))
    def mark_attended(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda booking: services.mark(booking, Booking.Status.ATTENDED),
            _("%(count)s Termine gespeichert."),
        )

    @admin.action(description=_("Als nicht erschienen markieren"))
    def mark_missed(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda booking: services.mark(booking, Booking.Status.MISSED),
            _("%(count)s Termine gespeichert."),
        )


@admin.register(Hold)
class HoldAdmin(admin.ModelAdmin):
    list_display = ["office", "service", "start", "expires_at"]
    readonly_fields = ["service", "office", "start", "expires_at"]
    verbose_name = _("Reservierung")

    def has_add_permission(self, request):
        return False
