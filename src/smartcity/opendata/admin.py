from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartcity.opendata import services
from smartcity.opendata.models import Dataset, Distribution, Group, Organization, Tag


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["title", "name", "city", "is_demo"]
    list_filter = ["city", "is_demo"]
    search_fields = ["title", "name"]
    prepopulated_fields = {"name": ["title"]}


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["title", "name", "theme"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


class DistributionInline(admin.StackedInline):
    model = Distribution
    extra = 0
    fields = ["name", "format", "url", "file", "license_id", "status", "position"]


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "city", "state", "metadata_modified", "is_demo"]
    list_filter = ["state", "organization", "groups", "city", "license_id", "is_demo"]
    search_fields = ["title", "name", "notes"]
    prepopulated_fields = {"name": ["title"]}
    filter_horizontal = ["groups", "tags"]
    readonly_fields = ["metadata_created", "metadata_modified"]
    inlines = [DistributionInline]
    fieldsets = [
        (None, {"fields": ["title", "name", "notes", "organization", "groups", "tags"]}),
        (
            _("DCAT-AP.de"),
            {
                "fields": [
                    "license_id",
                    "contact_name",
                    "contact_email",
                    "city",
                    "political_geocoding_level",
                    "municipality_key",
                    ("temporal_start", "temporal_end"),
                    "frequency",
                    "language",
                    "contributor_id",
                    "url",
                    "documentation",
                    "version",
                    ("issued", "modified"),
                ]
            },
        ),
        (
            _("Status"),
            {"fields": ["state", "private", "is_demo", "publication", "extras"]},
        ),
        (_("Metadaten"), {"fields": ["metadata_created", "metadata_modified"]}),
    ]

    def save_model(self, request, obj, form, change):
        obj.metadata_modified = timezone.now()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Tags, themes and distributions are saved now; the search column follows them.
        services.reindex(form.instance)
