from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from smartcity.portfolio import exchange, models, tiles
from smartcity.portfolio.images import clean_image
from smartcity.portfolio.services.history import record_change
from smartcity.portfolio.widgets import GeoJSONMapWidget


class CheckedImageForm(forms.ModelForm):
    """Image fields are checked by content and size and stored without metadata."""

    image_fields = ()

    def clean(self):
        data = super().clean()
        for name in self.image_fields:
            upload = data.get(name)
            # Only new uploads: an unchanged field holds the stored file.
            if upload and name in self.changed_data:
                try:
                    data[name] = clean_image(upload)
                except forms.ValidationError as error:
                    self.add_error(name, error)
        return data


class ProjectImageForm(CheckedImageForm):
    image_fields = ("image",)


class PartnerForm(CheckedImageForm):
    image_fields = ("logo",)


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Was wird importiert?"),
        choices=[("projects", _("Projekte")), ("partners", _("Partner")), ("places", _("Orte"))],
    )
    file = forms.FileField(label=_("Datei (CSV, XLSX oder GeoJSON, höchstens 20 MB)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        fmt = upload.name.rsplit(".", 1)[-1].lower()
        if fmt not in exchange.FORMATS:
            raise forms.ValidationError(_("Erwartet wird .csv, .xlsx oder .geojson."))
        if upload.size > 20 * 1024 * 1024:
            raise forms.ValidationError(_("Die Datei ist größer als 20 MB."))
        return upload


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
    form = ProjectImageForm
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

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "location":
            kwargs["widget"] = GeoJSONMapWidget
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The map widget's background tiles may come from the configured tile server.
        response = super().changeform_view(request, object_id, form_url, extra_context)
        return tiles.allow_tiles(response)

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="portfolio_import"), *super().get_urls()]

    def import_view(self, request):
        """Editors bring in their existing lists; all rows or none."""
        if not request.user.has_perm("portfolio.add_project"):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            fmt = upload.name.rsplit(".", 1)[-1].lower()
            try:
                count = exchange.import_rows(
                    form.cleaned_data["kind"], fmt, upload.read(), user=request.user
                )
            except exchange.ExchangeError as error:
                for problem in error.problems[:50]:
                    form.add_error("file", problem)
            else:
                messages.success(request, _("%d Zeilen importiert.") % count)
                return redirect("admin:portfolio_project_changelist")
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": _("Projekte, Partner oder Orte importieren"),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "portfolio/admin_import.html", context)

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
    form = PartnerForm
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
