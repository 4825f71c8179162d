from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from smartcity.operations import processing_record
from smartcity.operations.models import DeletionReport


def _administrator(request) -> bool:
    return request.user.is_active and request.user.is_superuser


@admin.register(DeletionReport)
class DeletionReportAdmin(admin.ModelAdmin):
    """What the deletion jobs removed, read-only, for administrators of the platform."""

    list_display = ["finished_at", "kind", "count", "success"]
    list_filter = ["success", "kind"]
    date_hierarchy = "finished_at"
    change_list_template = "admin/operations/deletionreport/change_list.html"

    def has_module_permission(self, request):
        return _administrator(request)

    def has_view_permission(self, request, obj=None):
        return _administrator(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view(self.processing_record_view)
        return [
            path("verarbeitungsverzeichnis/", view, name="operations_processing_record"),
            *super().get_urls(),
        ]

    def processing_record_view(self, request):
        if not _administrator(request):
            raise PermissionDenied
        wanted = request.GET.get("format")
        if wanted == "json":
            return JsonResponse(processing_record.as_dict(), json_dumps_params={"indent": 2})
        if wanted == "md":
            response = HttpResponse(
                processing_record.as_markdown(), content_type="text/markdown; charset=utf-8"
            )
            response["Content-Disposition"] = 'attachment; filename="verarbeitungsverzeichnis.md"'
            return response
        context = {
            **self.admin_site.each_context(request),
            "title": _("Verzeichnis von Verarbeitungstätigkeiten (Art. 30 DSGVO)"),
            "record": processing_record.as_dict(),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "operations/processing_record.html", context)
