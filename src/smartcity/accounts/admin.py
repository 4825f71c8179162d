from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from smartcity.accounts.models import Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["city", "role", "organisation"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "email", "display_name", "is_active", "is_staff", "date_joined"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Öffentliches Profil"), {"fields": ["display_name"]}),
    ]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "city", "role", "organisation", "created_at"]
    list_filter = ["city", "role"]
    search_fields = ["user__username", "user__email", "organisation"]
    autocomplete_fields = ["user"]
