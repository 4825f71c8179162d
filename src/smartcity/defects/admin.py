from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from smartcity.defects import services
from smartcity.defects.models import (
    Address,
    Category,
    CategoryAttribute,
    Department,
    Event,
    Photo,
    Report,
)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "email", "external", "is_default"]
    list_filter = ["city", "external", "is_default"]
    filter_horizontal = ["staff"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class CategoryAttributeInline(admin.StackedInline):
    model = CategoryAttribute
    extra = 0


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "group", "code", "city", "department", "active"]
    list_filter = ["city", "group", "active"]
    search_fields = ["name", "code", "group"]
    inlines = [CategoryAttributeInline]


class PhotoInline(admin.TabularInline):
    model = Photo
    fields = ["thumbnail", "width", "height", "review"]
    readonly_fields = ["thumbnail", "width", "height"]
    extra = 0
    can_delete = True


class EventInline(admin.TabularInline):
    model = Event
    fields = ["created_at", "kind", "old_status", "new_status", "actor", "public_note"]
    readonly_fields = fields + ["internal_note"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["pk", "category", "city", "department", "status", "created_at"]
    list_filter = ["city", "status", "department", "source"]
    search_fields = ["description", "address", "token"]
    date_hierarchy = "created_at"
    raw_id_fields = ["duplicate_of", "assignee", "reporter"]
    readonly_fields = ["token", "created_at", "updated_at", "first_response_at", "closed_at"]
    inlines = [PhotoInline, EventInline]


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    list_display = ["pk", "report", "review", "created_at"]
    list_filter = ["review"]
    raw_id_fields = ["report"]
    actions = ["approve", "hide"]

    @admin.action(description=_("Ausgewählte Fotos freigeben"))
    def approve(self, request, queryset):
        for photo in queryset:
            services.review_photo(photo, request.user, approve=True)
        messages.success(request, _("Fotos freigegeben."))

    @admin.action(description=_("Ausgewählte Fotos verbergen"))
    def hide(self, request, queryset):
        for photo in queryset:
            services.review_photo(photo, request.user, approve=False)
        messages.success(request, _("Fotos verborgen."))


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    list_display = ["street", "house_number", "postcode", "city"]
    list_filter = ["city"]
    search_fields = ["street", "postcode"]
