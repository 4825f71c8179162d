from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from smartcity.core import tokens
from smartcity.core.models import AccessibilityFeedback, ApiToken, City, District


class DistrictInline(admin.TabularInline):
    model = District
    fields = ["number", "name", "slug"]
    extra = 0


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "municipality_key", "state"]
    search_fields = ["name", "municipality_key"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [DistrictInline]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "number", "has_boundary"]
    list_filter = ["city"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    @admin.display(boolean=True, description=_("Grenze bekannt"))
    def has_boundary(self, district):
        return district.boundary is not None


class ApiTokenCreateForm(forms.ModelForm):
    scope_choices = forms.MultipleChoiceField(
        label=_("Berechtigungen"),
        choices=[(scope, f"{scope} – {label}") for scope, label in tokens.SCOPES.items()],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ApiToken
        fields = ["user", "name", "expires_at"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "name", "user", "scopes", "created_at", "last_used_at", "state"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "user__username"]
    readonly_fields = ["prefix", "scopes", "created_at", "last_used_at", "revoked_at"]
    fields = [
        "user",
        "name",
        "prefix",
        "scopes",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    autocomplete_fields = ["user"]
    actions = ["revoke"]

    @admin.display(description=_("Status"))
    def state(self, token):
        return _("aktiv") if token.is_active else _("ungültig")

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ApiTokenCreateForm
            kwargs["fields"] = ["user", "name", "expires_at", "scope_choices"]
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "name", "expires_at", "scope_choices"]
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else [*self.readonly_fields, "user"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        token, secret = tokens.create_token(
            form.cleaned_data["user"],
            form.cleaned_data["scope_choices"],
            name=form.cleaned_data.get("name", ""),
            expires_at=form.cleaned_data.get("expires_at"),
        )
        obj.pk = token.pk
        obj.refresh_from_db()
        self.message_user(
            request,
            _("Neues Token (wird nur jetzt angezeigt): %(secret)s") % {"secret": secret},
            messages.WARNING,
        )

    @admin.action(description=_("Ausgewählte Tokens widerrufen"))
    def revoke(self, request, queryset):
        for token in queryset:
            tokens.revoke_token(token)
        self.message_user(request, _("%(count)d Token(s) widerrufen.") % {"count": len(queryset)})


@admin.register(AccessibilityFeedback)
class AccessibilityFeedbackAdmin(admin.ModelAdmin):
    list_display = ["created_at", "page_url", "city", "handled"]
    list_filter = ["handled", "city"]
    list_editable = ["handled"]
